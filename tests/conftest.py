"""Shared fixtures: the standard org tree and a persona per role and level, plus an outsider."""

import pytest
from django.test import Client

from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from tests.factories import make_user, standard_tree


@pytest.fixture
def tree(db):
    return standard_tree()


@pytest.fixture
def people(tree):
    """province_sysadmin, city_admin, county_admin, county_filler, county_viewer, township_filler,
    society_admin and the outsider (an admin of another city)."""
    return {
        "province_sysadmin": make_user("province_sysadmin", tree["province"], Role.SYSADMIN),
        "city_admin": make_user("city_admin", tree["city"], Role.ADMIN),
        "county_admin": make_user("county_admin", tree["county"], Role.ADMIN),
        "county_filler": make_user("county_filler", tree["county"], Role.FILLER),
        "county_viewer": make_user("county_viewer", tree["county"], Role.VIEWER),
        "township_filler": make_user("township_filler", tree["township"], Role.FILLER),
        "outsider": make_user("outsider", tree["other_city"], Role.ADMIN),
    }


@pytest.fixture
def access_of(people):
    def _access(name: str):
        return access_for(people[name])

    return _access


@pytest.fixture
def login(people):
    def _login(name: str) -> Client:
        client = Client()
        client.force_login(people[name])  # login() would bypass axes' request-based backend
        return client

    return _login

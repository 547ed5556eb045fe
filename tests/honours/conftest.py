"""Honours fixtures: reviewers at county and city level, a city round of 最美科技工作者, and builders."""

import datetime as dt
import importlib

import pytest
from django.utils import timezone

from kexie.honours import services
from kexie.honours.models import Level, Programme
from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from kexie.workflows.services import transition
from tests.factories import make_user

D = dt.date
ID_1 = "34082219900101123X"  # valid check character
ID_2 = "340822198505051230"


@pytest.fixture(autouse=True)
def _honour_programmes(request):
    """The built-in programmes come from a data migration; a transactional test's flush empties them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if transactional:
        request.getfixturevalue("_django_db_helper")
        from django.apps import apps

        importlib.import_module("kexie.honours.migrations.0002_seed_programmes").seed(apps, None)


@pytest.fixture
def staff(people, tree):
    """people plus county_reviewer, city_reviewer, city_filler, county2_filler, province_admin."""
    return people | {
        "county_reviewer": make_user("county_reviewer", tree["county"], Role.REVIEWER),
        "city_reviewer": make_user("city_reviewer", tree["city"], Role.REVIEWER),
        "city_filler": make_user("city_filler", tree["city"], Role.FILLER),
        "county2_filler": make_user("county2_filler", tree["county2"], Role.FILLER),
        "province_admin": make_user("province_admin", tree["province"], Role.ADMIN),
    }


@pytest.fixture
def acc(staff):
    return lambda name: access_for(staff[name])


@pytest.fixture
def programme():
    return lambda code: Programme.objects.get(code=code)


@pytest.fixture
def make_round(tree, staff, acc, programme):
    """make_round(code="zuimei", level="municipal", unit="city", year=this year, **over) → a round."""

    def _make(code="zuimei", level=Level.MUNICIPAL, unit="city", who="city_admin", **over):
        data = services.RoundData(
            org_unit=tree[unit],
            programme=programme(code),
            level=level,
            year=over.pop("year", timezone.localdate().year),
            notice_no=over.pop("notice_no", "宜科协发〔2026〕5号"),
            **over,
        )
        return services.round_create(access=acc(who), actor=staff[who], data=data)

    return _make


@pytest.fixture
def nominate(tree, staff, acc):
    """nominate(round, name, unit="county", who="county_filler", **over) → a nomination (填报中)."""

    def _make(round_, name="张三", unit="county", who="county_filler", **over):
        data = services.NominationData(round=round_, org_unit=tree[unit], nominee_name=name, **over)
        return services.nomination_create(access=acc(who), actor=staff[who], data=data)

    return _make


@pytest.fixture
def walk(acc):
    """walk(nomination, "recommend", "qualify", …) takes the transitions as the usual actors."""
    who = {
        "recommend": "county_filler",
        "qualify": "city_reviewer",
        "return": "city_reviewer",
        "disqualify": "city_reviewer",
        "shortlist": "city_reviewer",
        "reject": "city_reviewer",
        "publicise": "city_admin",
        "select": "city_admin",
        "not_select": "city_admin",
    }

    def _walk(nomination, *codes, data=None, reason="", actor=None):
        for code in codes:
            extra = dict(data or {})
            if code == "publicise":
                extra.setdefault("publicised_on", timezone.localdate().isoformat())
            if code == "select":
                extra.setdefault("document_no", "宜科协发〔2026〕9号")
                extra.setdefault("decided_on", timezone.localdate().isoformat())
            transition(
                access=acc(actor or who[code]),
                obj=nomination,
                code=code,
                reason=reason or ("材料不全" if code in ("return", "disqualify") else ""),
                data=extra,
            )
        return nomination

    return _walk


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")

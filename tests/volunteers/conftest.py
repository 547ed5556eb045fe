"""Volunteer fixtures: county reviewer beside the standard cast, a team, a roster line, a held activity."""

import datetime as dt

import pytest

from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from kexie.volunteers import services
from tests.factories import make_activity, make_user

D = dt.date


@pytest.fixture
def staff(people, tree):
    return people | {"county_reviewer": make_user("county_reviewer", tree["county"], Role.REVIEWER)}


@pytest.fixture
def acc(staff):
    return lambda name: access_for(staff[name])


@pytest.fixture
def team(staff, acc, tree):
    data = services.TeamData(
        org_unit=tree["county"], name="怀宁县科技志愿服务大队", kind="association", flagged_on=D(2022, 3, 5)
    )
    return services.team_create(access=acc("county_filler"), actor=staff["county_filler"], data=data)


@pytest.fixture
def join(staff, acc, team):
    def _join(name="张明", *, joined_on=None, **over):
        joined_on = joined_on or D(2022, 4, 1)
        data = services.MemberData(team=over.pop("team", team), name=name, joined_on=joined_on, **over)
        return services.member_create(access=acc("county_filler"), actor=staff["county_filler"], data=data)

    return _join


@pytest.fixture
def held(tree):
    def _held(day=None, **kw):
        title = kw.pop("title", "科技志愿服务下乡")
        return make_activity(
            tree["county"], title, day or D(2023, 5, 20), activity_type="volunteer", status="held", **kw
        )

    return _held


@pytest.fixture
def log_hours(staff, acc):
    def _log(member, activity, hours="3", who="county_filler"):
        data = services.ServiceData(member=member, activity=activity, hours=hours)
        return services.service_create(access=acc(who), actor=staff[who], data=data)

    return _log


@pytest.fixture
def id_number():
    from tests.people.conftest import valid_id

    return valid_id

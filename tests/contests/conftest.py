"""Contest fixtures: a city filler beside the standard cast, editions at three levels, an entry builder."""

import datetime as dt

import pytest

from kexie.contests import services
from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from tests.factories import make_user

D = dt.date


@pytest.fixture
def staff(people, tree):
    return people | {"city_filler": make_user("city_filler", tree["city"], Role.FILLER)}


@pytest.fixture
def acc(staff):
    return lambda name: access_for(staff[name])


@pytest.fixture
def edition(staff, acc, tree):
    """edition(level, name=…, held_on=…, unit=…, who=…) → a contest edition."""

    def _make(level="municipal", *, name=None, held_on=None, unit=None, who="city_filler"):
        held_on = held_on or D(2023, 5, 20)
        data = services.EditionData(
            org_unit=unit or tree["city"],
            name=name or f"安庆市青少年科技创新大赛（{level}{held_on.year}）",
            level=level,
            held_on=held_on,
            session=38,
        )
        return services.edition_create(access=acc(who), actor=staff[who], data=data)

    return _make


@pytest.fixture
def entry(staff, acc, tree):
    """entry(edition, students="张明", **over) → an entry submitted by 怀宁县 (county_filler)."""

    def _make(ed, students="张明", *, who="county_filler", **over):
        base = {
            "edition": ed,
            "org_unit": tree["county"],
            "title": "校园雨水回收装置",
            "students": students,
            "school": "怀宁县实验中学",
            "school_stage": "junior",
            "tutor_name": "王老师",
            "field": "工程学",
        }
        data = services.EntryData(**(base | over))
        return services.entry_create(access=acc(who), actor=staff[who], data=data)

    return _make

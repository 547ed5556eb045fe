"""Registry fixtures: reviewers at county and city level, and builders for designations."""

import datetime as dt

import pytest

from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from kexie.registries import services
from kexie.registries.models import Designation, Level, Programme
from kexie.workflows.services import transition
from tests.factories import make_user

D = dt.date


@pytest.fixture
def staff(people, tree):
    """people plus county_reviewer, city_reviewer, city_filler and province_admin."""
    return people | {
        "county_reviewer": make_user("county_reviewer", tree["county"], Role.REVIEWER),
        "city_reviewer": make_user("city_reviewer", tree["city"], Role.REVIEWER),
        "city_filler": make_user("city_filler", tree["city"], Role.FILLER),
        "province_admin": make_user("province_admin", tree["province"], Role.ADMIN),
    }


@pytest.fixture
def acc(staff):
    return lambda name: access_for(staff[name])


@pytest.fixture
def programme():
    return lambda code: Programme.objects.get(code=code)


@pytest.fixture
def data(tree, programme):
    """data(**over) → DesignationData: 怀宁县's 市级科普教育基地 held by an outside school."""

    def _make(**over) -> services.DesignationData:
        base = {
            "org_unit": tree["county"],
            "programme": programme("popsci_base"),
            "level": Level.MUNICIPAL,
            "holder_kind": "school",
            "holder_name": "怀宁县第一中学",
            "holder_region_code": "340822",
        }
        return services.DesignationData(**(base | over))

    return _make


@pytest.fixture
def granted(staff, acc, data):
    """granted(granted_on, valid_until=None, who="county_filler", **over) → a designation entered as 已认定."""

    def _make(granted_on: dt.date, valid_until: dt.date | None = None, *, who="county_filler", **over):
        d = data(
            granted_on=granted_on,
            valid_until=valid_until,
            document_no=over.pop("document_no", "宜科协〔2023〕1号"),
            **over,
        )
        return services.designation_create(access=acc(who), actor=staff[who], data=d, granted=True)

    return _make


@pytest.fixture
def book(tree, staff, acc, data, programme):
    """A handful of designations around the validity boundaries, kept at several units."""
    who, a = staff["province_sysadmin"], acc("province_sysadmin")

    def add(unit, granted_on, valid_until=None, **over):
        d = data(org_unit=unit, granted_on=granted_on, valid_until=valid_until, document_no="文号1", **over)
        return services.designation_create(access=a, actor=who, data=d, granted=True)

    base, station = programme("popsci_base"), programme("academician_station")
    made = [
        add(tree["county"], D(2021, 3, 1), D(2025, 12, 31), holder_name="怀宁一中"),
        add(tree["county"], D(2021, 3, 1), D(2025, 12, 31), holder_name="怀宁二中", level=Level.COUNTY),
        add(tree["township"], D(2023, 1, 1), holder_name="高河小学"),  # 5-year term → 2027-12-31
        add(
            tree["county2"],
            D(2022, 7, 1),
            holder_name="桐城中学",
            level=Level.NATIONAL,
            valid_until=D(2025, 12, 31),
        ),
        add(
            tree["city"], D(2020, 1, 1), programme=station, holder_name="安庆某公司", holder_kind="enterprise"
        ),
        add(
            tree["city"],
            D(2024, 2, 1),
            programme=station,
            holder_name="安庆另一公司",
            holder_kind="enterprise",
        ),
        add(tree["other_county"], D(2021, 1, 1), holder_name="贵池中学"),
    ]
    # revoked on 2024-06-30: counted on the 29th, not on the 30th
    transition(
        access=acc("city_admin"),
        obj=made[0],
        code="revoke",
        reason="检查不合格",
        data={"revoked_on": "2024-06-30"},
    )
    assert base.pk
    return [Designation.objects.select_related("programme", "org_unit").get(pk=d.pk) for d in made]

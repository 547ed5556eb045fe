"""A unit merge moves the source's designations and facilities, or refuses a clash naming both records."""

import datetime as dt

import pytest

from kexie.core.errors import DomainError
from kexie.orgs.services import orgunit_merge
from kexie.registries import services
from kexie.registries.models import Designation, Facility, FacilityKind

D = dt.date


def _facility(staff, acc, unit, name):
    return services.facility_create(
        access=acc("province_sysadmin"),
        actor=staff["province_sysadmin"],
        data=services.FacilityData(org_unit=unit, kind=FacilityKind.GALLERY, name=name),
    )


def test_merge_moves_designations_and_facilities(granted, staff, acc, tree):
    d = granted(
        D(2023, 3, 10), who="province_sysadmin", org_unit=tree["county2"], holder_unit=tree["county2"]
    )
    f = _facility(staff, acc, tree["county2"], "桐城科普画廊")
    result = orgunit_merge(
        access=acc("city_admin"), source=tree["county2"], target=tree["county"], on=D(2026, 1, 1)
    )
    d.refresh_from_db()
    f.refresh_from_db()
    assert (d.org_unit, d.holder_unit, d.holder_key) == (
        tree["county"],
        tree["county"],
        f"u:{tree['county'].pk}",
    )
    assert f.org_unit == tree["county"]
    assert d.history.first().history_change_reason == "“桐城市科学技术协会”并入“怀宁县科学技术协会”"
    assert result is not None


def test_merge_clash_is_refused_naming_both(staff, acc, tree):
    _facility(staff, acc, tree["county2"], "科普画廊1号")
    _facility(staff, acc, tree["county"], "科普画廊1号")
    with pytest.raises(DomainError) as e:
        orgunit_merge(
            access=acc("city_admin"), source=tree["county2"], target=tree["county"], on=D(2026, 1, 1)
        )
    assert "桐城市科学技术协会" in e.value.message
    assert "怀宁县科学技术协会" in e.value.message
    assert "科普画廊1号" in e.value.message
    assert Facility.objects.filter(org_unit=tree["county2"]).count() == 1
    assert Designation.objects.count() == 0

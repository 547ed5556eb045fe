"""Delete: an application never granted (草稿/已退回) may be deleted, its history kept; a granted
designation is refused with the word 撤销; a facility with trips is refused; outsiders get 404."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.core.errors import DomainError
from kexie.registries import services
from kexie.registries.models import Designation, Facility, HistoricalDesignation, HistoricalFacility
from kexie.workflows.models import TransitionLog
from kexie.workflows.services import transition

D = dt.date


def test_a_draft_is_deleted_with_its_history_kept(tree, staff, acc, data, login):
    draft = services.designation_create(
        access=acc("county_filler"), actor=staff["county_filler"], data=data()
    )
    url = reverse("registries:delete", args=[draft.pk])
    assert login("outsider").post(url, {"confirm": "on"}).status_code == 404
    response = login("county_filler").post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert not Designation.objects.filter(pk=draft.pk).exists()
    deleted = HistoricalDesignation.objects.filter(id=draft.pk).order_by("-history_id").first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", "删除")
    assert deleted.history_user == staff["county_filler"]
    assert TransitionLog.objects.filter(object_id=draft.pk).exists()  # the lifecycle log stays


def test_a_returned_application_may_be_deleted_one_under_review_may_not(tree, staff, acc, data):
    a, who = acc("county_filler"), staff["county_filler"]
    returned = services.designation_create(access=a, actor=who, data=data())
    transition(access=a, obj=returned, code="submit")
    reviewing = services.designation_create(access=a, actor=who, data=data(holder_name="怀宁县第二中学"))
    transition(access=a, obj=reviewing, code="submit")
    transition(access=acc("county_reviewer"), obj=returned, code="return_county", reason="材料不全")
    returned.refresh_from_db()
    services.designation_delete(access=a, actor=who, designation=returned)
    assert not Designation.objects.filter(pk=returned.pk).exists()
    reviewing.refresh_from_db()
    with pytest.raises(DomainError, match="撤回申请"):
        services.designation_delete(access=a, actor=who, designation=reviewing)


def test_a_granted_designation_is_revoked_not_deleted(granted, login):
    d = granted(D(2023, 6, 1))
    response = login("county_filler").post(reverse("registries:delete", args=[d.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "撤销" in response.text
    assert "不能删除" in response.text
    assert Designation.objects.filter(pk=d.pk).exists()


def test_facilities_are_deleted_unless_they_have_trips(tree, staff, acc, login):
    a, who = acc("county_filler"), staff["county_filler"]
    gallery = services.facility_create(
        access=a, actor=who, data=services.FacilityData(org_unit=tree["county"], kind="gallery", name="画廊")
    )
    caravan = services.facility_create(
        access=a,
        actor=who,
        data=services.FacilityData(org_unit=tree["county"], kind="caravan", name="大篷车"),
    )
    services.trip_create(
        access=a,
        actor=who,
        facility=caravan,
        data=services.TripData(place="高河镇", start_on=D(2024, 5, 1), end_on=D(2024, 5, 2)),
    )
    client = login("county_filler")
    assert (
        login("outsider").post(reverse("facilities:delete", args=[gallery.pk]), {"confirm": "on"}).status_code
        == 404
    )
    assert client.post(reverse("facilities:delete", args=[gallery.pk]), {"confirm": "on"}).status_code == 302
    assert not Facility.objects.filter(pk=gallery.pk).exists()
    assert HistoricalFacility.objects.filter(id=gallery.pk, history_type="-").exists()
    refused = client.post(reverse("facilities:delete", args=[caravan.pk]), {"confirm": "on"})
    assert refused.status_code == 400
    assert "停用日期" in refused.text
    assert Facility.objects.filter(pk=caravan.pk).exists()


def test_the_detail_page_offers_delete_only_on_records_that_can_be_deleted(
    tree, staff, acc, data, granted, login
):
    a, who = acc("county_filler"), staff["county_filler"]
    draft = services.designation_create(access=a, actor=who, data=data())
    returned = services.designation_create(access=a, actor=who, data=data(holder_name="怀宁县第二中学"))
    transition(access=a, obj=returned, code="submit")
    transition(access=acc("county_reviewer"), obj=returned, code="return_county", reason="材料不全")
    reviewing = services.designation_create(access=a, actor=who, data=data(holder_name="怀宁县第三中学"))
    transition(access=a, obj=reviewing, code="submit")
    done = granted(D(2023, 6, 1), holder_name="怀宁县第四中学")
    caravan = services.facility_create(
        access=a,
        actor=who,
        data=services.FacilityData(org_unit=tree["county"], kind="caravan", name="大篷车"),
    )
    services.trip_create(
        access=a,
        actor=who,
        facility=caravan,
        data=services.TripData(place="高河镇", start_on=D(2024, 5, 1), end_on=D(2024, 5, 2)),
    )
    gallery = services.facility_create(
        access=a, actor=who, data=services.FacilityData(org_unit=tree["county"], kind="gallery", name="画廊")
    )
    client = login("county_filler")

    def offers_delete(namespace, record) -> bool:
        page = client.get(reverse(f"{namespace}:detail", args=[record.pk]))
        assert page.status_code == 200
        assert "修改</a>" in page.text  # the filler may edit it: only 删除 depends on the record
        return f'href="{reverse(f"{namespace}:delete", args=[record.pk])}"' in page.text

    assert offers_delete("registries", draft)
    assert offers_delete("registries", returned)
    assert not offers_delete("registries", reviewing)
    assert not offers_delete("registries", done)
    assert offers_delete("facilities", gallery)
    assert not offers_delete("facilities", caravan)
    # the button is hidden, the refusal stays on the server
    for namespace, record in (("registries", reviewing), ("registries", done), ("facilities", caravan)):
        refused = client.post(reverse(f"{namespace}:delete", args=[record.pk]), {"confirm": "on"})
        assert refused.status_code == 400
        assert type(record).objects.filter(pk=record.pk).exists()

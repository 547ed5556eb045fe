"""Rollback of a committed import: created records go, updated ones get their old values back, exactly;
refused (with a Chinese message, nothing changed) when a record moved on since or a later batch
touched it; denied outside the scope. Activities and org units."""

from __future__ import annotations

import datetime as dt

import pytest

from kexie.activities import services as activity_services
from kexie.activities.importers import ACTIVITY_SPEC
from kexie.activities.models import Activity, ActivityMonthFact, ActivityType, TargetGroup
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.imports import services
from kexie.imports.models import ImportBatch, ImportBatchRecord
from kexie.orgs.importers import ORGUNIT_SPEC
from kexie.orgs.models import OrgUnit
from tests.activities.test_import import HEADER, SHEET, row
from tests.imports.helpers import HEADER as ORG_HEADER
from tests.imports.helpers import write_xlsx

D = dt.date
Status = ImportBatch.Status


def snapshot() -> dict:
    """Every activity's stored values (without updated_at) and many-to-many sets, and the fact table."""
    activities = {}
    for a in Activity.objects.prefetch_related("target_groups", "co_organisers").order_by("pk"):
        values = {f.attname: getattr(a, f.attname) for f in Activity._meta.concrete_fields}
        values.pop("updated_at")
        values["target_groups"] = sorted(g.pk for g in a.target_groups.all())
        values["co_organisers"] = sorted(u.pk for u in a.co_organisers.all())
        activities[a.pk] = values
    facts = sorted(tuple(v for k, v in f.items() if k != "id") for f in ActivityMonthFact.objects.values())
    return {"activities": activities, "facts": facts}


@pytest.fixture
def existing(tree, access_of, people):
    """An activity entered through the service (history, facts), which the file will update."""
    return activity_services.activity_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        data=activity_services.ActivityData(
            title="水稻病虫害防控讲座",
            activity_type=ActivityType.objects.get(code="lecture"),
            org_unit=tree["county"],
            start_date=D(2024, 5, 20),
            venue="旧地点",
            participants=30,
            target_groups=[TargetGroup.objects.get(code="youth")],
        ),
    )


@pytest.fixture
def import_file(tmp_path, access_of, people):
    def _import(name: str, rows, *, file_name="台账.xlsx", spec=ACTIVITY_SPEC, header=HEADER, sheet=SHEET):
        path = write_xlsx(tmp_path / file_name, rows, header=header, sheet=sheet)
        with path.open("rb") as fh:
            batch = services.batch_upload(
                access=access_of(name), user=people[name], spec=spec, upload=fh, file_name=file_name
            )
        assert batch.status == Status.VALIDATED, batch.errors
        batch = services.batch_commit(access=access_of(name), spec=spec, batch=batch, user=people[name])
        assert batch.status == Status.COMMITTED, batch.errors
        return batch

    return _import


@pytest.fixture
def rollback(access_of, people):
    def _rollback(name: str, batch: ImportBatch, spec=ACTIVITY_SPEC):
        batch.refresh_from_db()
        return services.batch_rollback(access=access_of(name), spec=spec, batch=batch, user=people[name])

    return _rollback


def mixed_rows():
    """Row 2 updates the existing lecture (participants, venue, target groups); rows 3–4 are new."""
    return [
        row(参与人次=120, 活动地点="县农技中心", 目标人群="农民、老年人"),
        row(活动名称="青少年科学实验秀", 开始日期=D(2024, 6, 1), 目标人群="青少年"),
        row(活动名称="防灾减灾知识讲座", 开始日期=D(2024, 5, 12)),
    ]


# ---- the undo itself -----------------------------------------------------------------------------


def test_rollback_restores_created_and_updated_activities_exactly(existing, import_file, rollback):
    before = snapshot()
    batch = import_file("county_filler", mixed_rows())
    assert (batch.rows_created, batch.rows_updated) == (2, 1)
    assert snapshot() != before
    record = ImportBatchRecord.objects.get(batch=batch)
    assert (record.object_id, record.action, record.row) == (existing.pk, "updated", 2)
    assert record.before["participants"] == 30

    batch = rollback("county_filler", batch)
    assert batch.status == Status.ROLLED_BACK
    assert batch.rolled_back_by.username == "county_filler"
    assert snapshot() == before  # values, many-to-many rows and the fact table as they were


def test_rollback_leaves_history_of_the_deletions_and_the_restore(existing, import_file, rollback):
    batch = import_file("county_filler", mixed_rows(), file_name="五月.xlsx")
    created = list(Activity.objects.filter(import_batch=batch).values_list("pk", flat=True))
    rollback("county_filler", batch)
    for pk in created:
        kinds = list(
            Activity.history.filter(id=pk).order_by("history_date").values_list("history_type", flat=True)
        )
        assert kinds == ["+", "-"]
        last = Activity.history.filter(id=pk, history_type="-").get()
        assert last.history_change_reason == "撤销导入：五月.xlsx"
        assert last.history_user.username == "county_filler"
    latest = existing.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_type, latest.participants) == ("~", 30)
    assert latest.history_change_reason == "撤销导入：五月.xlsx"


def test_after_rollback_the_same_file_imports_again(existing, import_file, rollback):
    rollback("county_filler", import_file("county_filler", mixed_rows()))
    again = import_file("county_filler", mixed_rows())
    assert (again.rows_created, again.rows_updated) == (2, 1)
    assert Activity.objects.count() == 3


def test_a_second_rollback_is_refused(import_file, rollback, tree):
    batch = import_file("county_filler", mixed_rows())
    rollback("county_filler", batch)
    with pytest.raises(DomainError, match="只有已导入的批次可以撤销"):
        rollback("county_filler", batch)


# ---- refusals --------------------------------------------------------------------------------------


def test_rollback_is_refused_after_a_later_edit_and_changes_nothing(
    existing, import_file, rollback, access_of, people
):
    batch = import_file("county_filler", mixed_rows())
    show = Activity.objects.get(title="青少年科学实验秀")
    data = activity_services.ActivityData.from_activity(show)
    data.participants = 999
    activity_services.activity_update(
        access=access_of("county_filler"), actor=people["county_filler"], activity=show, data=data
    )
    after_edit = snapshot()
    with pytest.raises(DomainError, match=r"“青少年科学实验秀”.*在导入之后又被修改过"):
        rollback("county_filler", batch)
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED
    assert snapshot() == after_edit


def test_rollback_is_refused_when_an_updated_activity_changed_since(
    existing, import_file, rollback, access_of, people
):
    batch = import_file("county_filler", mixed_rows())
    existing.refresh_from_db()
    data = activity_services.ActivityData.from_activity(existing)
    data.venue = "又改了地点"
    activity_services.activity_update(
        access=access_of("county_filler"), actor=people["county_filler"], activity=existing, data=data
    )
    with pytest.raises(DomainError, match="第2行更新的活动在导入之后又被修改"):
        rollback("county_filler", batch)
    assert Activity.objects.filter(import_batch=batch).count() == 2


def test_rollback_is_refused_when_a_later_batch_touched_the_same_activities(existing, import_file, rollback):
    first = import_file("county_filler", mixed_rows(), file_name="第一批.xlsx")
    rows = mixed_rows()
    rows[1][HEADER.index("参与人次")] = 77  # the later file updates an activity the first one created
    import_file("county_filler", rows, file_name="第二批.xlsx")
    with pytest.raises(DomainError, match=r"之后的导入批次“第二批\.xlsx”"):
        rollback("county_filler", first)
    assert Activity.objects.get(title="青少年科学实验秀").participants == 77


def test_rollback_is_refused_when_a_created_activity_was_deleted(
    existing, import_file, rollback, access_of, people
):
    batch = import_file("county_filler", mixed_rows())
    activity_services.activity_delete(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        activity=Activity.objects.get(title="防灾减灾知识讲座"),
    )
    with pytest.raises(DomainError, match="有1条已被删除"):
        rollback("county_filler", batch)


# ---- who may -------------------------------------------------------------------------------------


def test_rollback_is_denied_outside_the_scope_with_404(import_file, login, tree):
    batch = import_file("county_filler", mixed_rows())
    for name in ("outsider", "township_filler", "county_viewer"):
        client = login(name)
        assert client.get(f"/imports/batch/{batch.pk}/rollback/").status_code == 404
        assert client.post(f"/imports/batch/{batch.pk}/rollback/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED
    assert Activity.objects.filter(import_batch=batch).count() == 3


def test_the_service_denies_a_role_without_enter(import_file, access_of, people, tree):
    batch = import_file("county_filler", mixed_rows())
    with pytest.raises(PermissionDeniedError):
        services.batch_rollback(
            access=access_of("county_viewer"), spec=ACTIVITY_SPEC, batch=batch, user=people["county_viewer"]
        )
    with pytest.raises(PermissionDeniedError):
        services.batch_rollback(
            access=access_of("outsider"), spec=ACTIVITY_SPEC, batch=batch, user=people["outsider"]
        )


def test_rollback_through_the_pages_with_confirmation(import_file, login):
    batch = import_file("county_filler", mixed_rows())
    client = login("county_filler")
    page = client.get(f"/imports/batch/{batch.pk}/rollback/").content.decode()
    assert "新增的 <strong>3</strong> 条科普活动将被删除" in page
    assert Activity.objects.count() == 3  # the GET only asks
    response = client.post(f"/imports/batch/{batch.pk}/rollback/", follow=True)
    assert "已撤销该批次" in response.content.decode()
    assert Activity.objects.count() == 0
    listing = client.get("/imports/").content.decode()
    assert "已撤销" in listing


def test_a_refused_rollback_shows_its_reason_on_the_page(existing, import_file, login, access_of, people):
    batch = import_file("county_filler", mixed_rows())
    show = Activity.objects.get(title="青少年科学实验秀")
    data = activity_services.ActivityData.from_activity(show)
    data.volunteers = 3
    activity_services.activity_update(
        access=access_of("county_filler"), actor=people["county_filler"], activity=show, data=data
    )
    response = login("county_filler").post(f"/imports/batch/{batch.pk}/rollback/", follow=True)
    assert "无法撤销：活动“青少年科学实验秀”" in response.content.decode()


# ---- org units -----------------------------------------------------------------------------------


def org_rows():
    return [
        ["340825", "太湖县科学技术协会", "县级科协", "340800", "340825", "太湖县科协", None],
        ["340800-S02", "安庆市药学会", "学会", "340800", None, None, None],
        ["340822", "怀宁县科协（改名）", "县级科协", "340800", "340822", None, None],
    ]


def org_snapshot() -> list:
    fields = ("id", "code", "name", "short_name", "org_type", "level", "region_code", "path", "numchild")
    return list(OrgUnit.objects.order_by("pk").values_list(*fields))


def test_org_rollback_deletes_created_units_and_restores_renamed_ones(import_file, rollback, tree):
    before = org_snapshot()
    batch = import_file("city_admin", org_rows(), spec=ORGUNIT_SPEC, header=ORG_HEADER, sheet="组织机构")
    assert (batch.rows_created, batch.rows_updated) == (2, 1)
    assert OrgUnit.objects.get(code="340822").name == "怀宁县科协（改名）"
    rollback("city_admin", batch, spec=ORGUNIT_SPEC)
    assert org_snapshot() == before
    deleted = OrgUnit.history.filter(code="340825", history_type="-").get()
    assert deleted.history_change_reason.startswith("撤销导入")


def test_org_rollback_is_refused_when_a_created_unit_has_activities(import_file, rollback, tree):
    from tests.factories import make_activity

    batch = import_file("city_admin", org_rows(), spec=ORGUNIT_SPEC, header=ORG_HEADER, sheet="组织机构")
    make_activity(OrgUnit.objects.get(code="340825"), "太湖县科普讲座", D(2024, 5, 1))
    with pytest.raises(DomainError, match="已有关联的数据"):
        rollback("city_admin", batch, spec=ORGUNIT_SPEC)
    assert OrgUnit.objects.filter(code__in=["340825", "340800-S02"]).count() == 2
    assert OrgUnit.objects.get(code="340822").name == "怀宁县科协（改名）"


def test_org_rollback_is_refused_after_a_later_rename(import_file, rollback, tree, access_of):
    from kexie.orgs import services as org_services

    batch = import_file("city_admin", org_rows(), spec=ORGUNIT_SPEC, header=ORG_HEADER, sheet="组织机构")
    unit = OrgUnit.objects.get(code="340800-S02")
    org_services.orgunit_update(
        access=access_of("city_admin"),
        unit=unit,
        data=org_services.OrgUnitData(code=unit.code, name="安庆市药学会（新）", org_type=unit.org_type),
    )
    with pytest.raises(DomainError, match="在导入之后又被修改过"):
        rollback("city_admin", batch, spec=ORGUNIT_SPEC)
    assert OrgUnit.objects.filter(code="340825").exists()

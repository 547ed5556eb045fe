"""Unit merges (合并): every record app moves its own rows through its registered handler, all or
nothing, from the service, the page, the `merge_units` command and the background task alike."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.facts.models import Fact
from kexie.imports.models import ImportBatch
from kexie.orgs import merging, services
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.tasks import merge_units_task
from tests.activities.test_facts import expected_facts, stored_facts
from tests.factories import make_activity

ON = dt.date(2025, 6, 30)


@pytest.fixture
def records(tree, people):
    """Activities, a fact and an import batch of 怀宁县 (the source); one activity of 桐城市 (the target)."""
    county, county2 = tree["county"], tree["county2"]
    batch = ImportBatch.objects.create(
        spec="activities",
        org_unit=county,
        created_by=people["county_filler"],
        file_name="怀宁县活动台账.xlsx",
        file_sha256="0" * 64,
        file_size=1000,
        status=ImportBatch.Status.COMMITTED,
    )
    return {
        "lecture": make_activity(county, "科普讲座", dt.date(2024, 5, 3), participants=120),
        "exhibit": make_activity(county, "科技展览", dt.date(2024, 6, 10), activity_type="exhibition"),
        "target_own": make_activity(county2, "科技周开幕式", dt.date(2024, 5, 8), co_organisers=(county,)),
        "society": make_activity(tree["society"], "医学讲座", dt.date(2024, 5, 9), co_organisers=(county,)),
        "township": make_activity(tree["township"], "乡村科普", dt.date(2024, 5, 11)),
        "fact": Fact.objects.create(
            org_unit=county,
            kind=Fact.Kind.HONOUR,
            statement="全国科普日优秀组织单位",
            year=2023,
            source="通报",
        ),
        "batch": batch,
    }


def merge(access, tree, source="county", target="county2", on=ON):
    return services.orgunit_merge(access=access, source=tree[source], target=tree[target], on=on)


def snapshot():
    """Everything a merge may change, to prove a refused merge changed nothing."""
    return {
        "activities": sorted(Activity.objects.values_list("pk", "org_unit_id", "updated_at")),
        "co_organisers": sorted(
            Activity.co_organisers.through.objects.values_list("activity_id", "orgunit_id")
        ),
        "activity_history": Activity.history.count(),
        "facts": stored_facts(),
        "fact_rows": Fact.objects.values_list("pk", "org_unit_id").order_by("pk").first(),
        "batches": sorted(ImportBatch.objects.values_list("pk", "org_unit_id")),
        "units": sorted(OrgUnit.objects.values_list("pk", "path", "active_to", "merged_into_id")),
        "memberships": sorted(Membership.objects.values_list("pk", "org_unit_id")),
    }


# ---- what moves ---------------------------------------------------------------------------------


def test_merge_moves_every_record_of_the_source_with_a_history_record(tree, people, records, access_of):
    result = merge(access_of("city_admin"), tree)
    county, county2 = tree["county"], tree["county2"]
    assert not Activity.objects.filter(org_unit=county).exists()
    assert set(Activity.objects.filter(org_unit=county2).values_list("title", flat=True)) == {
        "科普讲座",
        "科技展览",
        "科技周开幕式",
    }
    assert Fact.objects.get(pk=records["fact"].pk).org_unit_id == county2.pk
    assert ImportBatch.objects.get(pk=records["batch"].pk).org_unit_id == county2.pk
    latest = Activity.history.filter(id=records["lecture"].pk).order_by("-history_id").first()
    assert (latest.history_type, latest.org_unit_id) == ("~", county2.pk)
    assert latest.history_change_reason == "“怀宁县科学技术协会”并入“桐城市科学技术协会”"
    assert latest.history_user_id == people["city_admin"].pk
    fact_record = Fact.history.filter(id=records["fact"].pk).order_by("-history_id").first()
    assert (fact_record.history_type, fact_record.org_unit_id) == ("~", county2.pk)
    assert result.moved == {"下级单位": 1, "导入记录": 1, "活动": 2, "荣誉与排名": 1, "用户角色": 3}
    assert result.summary == "下级单位1个、导入记录1条、活动2条、荣誉与排名1条、用户角色3个"


def test_co_organiser_links_follow_the_source_or_go_where_the_target_organises(tree, records, access_of):
    merge(access_of("city_admin"), tree)
    assert list(records["society"].co_organisers.all()) == [tree["county2"]]
    assert not records["target_own"].co_organisers.exists()  # 桐城 organises it: no longer its co-organiser
    latest = Activity.history.filter(id=records["society"].pk).order_by("-history_id").first()
    assert latest.history_type == "~"
    assert list(latest.co_organisers.values_list("orgunit_id", flat=True)) == [tree["county2"].pk]


def test_fact_cells_equal_a_rebuild_after_the_merge(tree, records, access_of):
    merge(access_of("city_admin"), tree)
    after_merge = stored_facts()
    assert after_merge == expected_facts()
    facts.rebuild()
    assert stored_facts() == after_merge
    assert not any(key[0] == tree["county"].pk for key in after_merge)


def test_campaigns_the_source_set_up_move_with_it(tree, records, access_of):
    local = Campaign.objects.create(code="huaining-week", name="怀宁科普周", org_unit=tree["county"])
    Activity.objects.filter(pk=records["lecture"].pk).update(campaign=local)
    merge(access_of("city_admin"), tree)
    assert Campaign.objects.get(pk=local.pk).org_unit_id == tree["county2"].pk


def test_activity_types_the_source_set_up_move_with_it(tree, records, access_of):
    local = ActivityType.objects.create(code="huaining-tea", name="茶园课堂", org_unit=tree["county"])
    Activity.objects.filter(pk=records["lecture"].pk).update(activity_type=local)
    merge(access_of("city_admin"), tree)
    assert ActivityType.objects.get(pk=local.pk).org_unit_id == tree["county2"].pk
    assert Activity.objects.get(pk=records["lecture"].pk).activity_type_id == local.pk


def test_a_local_activity_type_named_like_one_of_the_target_is_refused(tree, records, access_of):
    ActivityType.objects.create(code="huaining-tea", name="茶园课堂", org_unit=tree["county"])
    ActivityType.objects.create(code="tongcheng-tea", name="茶园课堂", org_unit=tree["county2"])
    before = snapshot()
    with pytest.raises(DomainError) as info:
        merge(access_of("city_admin"), tree)
    assert "活动类型“茶园课堂”（代码 huaining-tea）" in info.value.message
    assert "（代码 tongcheng-tea）同名" in info.value.message
    assert snapshot() == before


def test_reports_stay_with_the_source_as_its_documents(tree, people, records, access_of):
    from kexie.reports.models import Report

    report = Report.objects.create(
        org_unit=tree["county"], template="annual", period="2024", title="怀宁县2024年工作总结"
    )
    merge(access_of("city_admin"), tree)
    assert Report.objects.get(pk=report.pk).org_unit_id == tree["county"].pk


def test_merge_preview_counts_what_would_move(tree, records):
    assert services.merge_preview(tree["county"]) == {
        "下级单位": 1,
        "用户角色": 3,
        "导入记录": 1,
        "活动": 2,
        "荣誉与排名": 1,
    }


# ---- refusals leave everything unchanged -----------------------------------------------------------


def test_a_natural_key_clash_names_both_activities_and_changes_nothing(tree, records, access_of):
    twin = make_activity(tree["county2"], "科普讲座", dt.date(2024, 5, 3))
    before = snapshot()
    with pytest.raises(DomainError) as info:
        merge(access_of("city_admin"), tree)
    message = info.value.message
    assert "“怀宁县科学技术协会”的活动“科普讲座”（2024年5月3日开始，编号" in message
    assert f"编号{records['lecture'].pk}）" in message
    assert f"“桐城市科学技术协会”的活动“科普讲座”（2024年5月3日开始，编号{twin.pk}）" in message
    assert "主办单位、活动名称和开始日期" in message
    assert snapshot() == before


def test_a_clash_counts_the_other_clashing_pairs(tree, records, access_of):
    make_activity(tree["county2"], "科普讲座", dt.date(2024, 5, 3))
    make_activity(tree["county2"], "科技展览", dt.date(2024, 6, 10))
    with pytest.raises(DomainError, match="另有1组活动同样重复"):
        merge(access_of("city_admin"), tree)


def test_a_handler_refusing_late_undoes_the_children_and_records_already_moved(tree, records, access_of):
    def refuse(source, target, on):
        raise DomainError("测试：拒绝合并")

    merging.register_merge_handler("测试记录", refuse)
    try:
        before = snapshot()
        with pytest.raises(DomainError, match="测试：拒绝合并"):
            merge(access_of("city_admin"), tree)
        assert snapshot() == before
    finally:
        merging._HANDLERS.pop("测试记录")


def test_a_local_campaign_that_would_no_longer_apply_is_refused(tree, records, access_of):
    city_week = Campaign.objects.create(code="anqing-week", name="安庆科普周", org_unit=tree["city"])
    Activity.objects.filter(pk=records["lecture"].pk).update(campaign=city_week)
    before = snapshot()
    with pytest.raises(DomainError) as info:
        merge(access_of("province_sysadmin"), tree, target="other_county")
    assert "“安庆市科学技术协会”设立的活动品牌“安庆科普周”" in info.value.message
    assert "“科普讲座”" in info.value.message
    assert snapshot() == before


def test_a_running_import_of_the_source_blocks_the_merge(tree, records, access_of):
    ImportBatch.objects.filter(pk=records["batch"].pk).update(status=ImportBatch.Status.COMMITTING)
    with pytest.raises(DomainError, match=r"“怀宁县活动台账\.xlsx”正在导入中"):
        merge(access_of("city_admin"), tree)
    assert Activity.objects.filter(org_unit=tree["county"]).count() == 2


def test_a_merge_date_before_the_source_was_founded_is_refused(tree, access_of):
    OrgUnit.objects.filter(pk=tree["county"].pk).update(active_from=dt.date(2025, 1, 1))
    with pytest.raises(DomainError, match="合并日期不能早于“怀宁县科学技术协会”的成立日期（2025年1月1日）"):
        merge(access_of("city_admin"), tree, on=dt.date(2024, 12, 31))


# ---- scoping -------------------------------------------------------------------------------------


def test_an_admin_cannot_merge_units_outside_its_subtree(tree, records, access_of):
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        merge(access_of("county_admin"), tree, source="township", target="county2")
    with pytest.raises(PermissionDeniedError):
        merge(access_of("outsider"), tree)
    assert snapshot() == before


def test_the_merge_page_of_a_unit_outside_the_subtree_is_404(tree, login):
    assert login("county_admin").get(f"/orgs/{tree['county2'].pk}/merge/").status_code == 404


# ---- the page, the command, the task ---------------------------------------------------------------


def test_the_page_shows_what_will_move(tree, records, login):
    body = login("city_admin").get(f"/orgs/{tree['county'].pk}/merge/").content.decode()
    assert "将随之转移：</span>下级单位1个、用户角色3个、导入记录1条、活动2条、荣誉与排名1条" in body
    # the date box gets today's date in the one format <input type="date"> takes
    assert f'type="date" name="on" value="{timezone.localdate():%Y-%m-%d}"' in body


def test_the_page_shows_a_clash_instead_of_a_500(tree, records, login):
    make_activity(tree["county2"], "科普讲座", dt.date(2024, 5, 3))
    response = login("city_admin").post(
        f"/orgs/{tree['county'].pk}/merge/", {"target": tree["county2"].pk, "on": "2025-06-30"}
    )
    assert response.status_code == 200
    assert "的主办单位、活动名称和开始日期合并后将完全相同" in response.content.decode()
    assert OrgUnit.objects.get(pk=tree["county"].pk).active_to is None


def test_the_page_merges_and_says_what_moved(tree, records, login):
    response = login("city_admin").post(
        f"/orgs/{tree['county'].pk}/merge/", {"target": tree["county2"].pk, "on": "2025-06-30"}, follow=True
    )
    assert "“怀宁县科学技术协会”已并入“桐城市科学技术协会”，转移了下级单位1个" in response.content.decode()
    assert OrgUnit.objects.get(pk=tree["county"].pk).merged_into_id == tree["county2"].pk


def test_the_command_merges_with_the_users_scope(tree, people, records):
    out = StringIO()
    call_command("merge_units", "340822", "340881", on="2025-06-30", user="city_admin", stdout=out)
    assert "已并入“桐城市科学技术协会”，转移了下级单位1个、导入记录1条、活动2条" in out.getvalue()
    source = OrgUnit.objects.get(pk=tree["county"].pk)
    assert (source.active_to, source.merged_into_id) == (ON, tree["county2"].pk)
    record = source.history.order_by("-history_id").first()
    assert record.history_user_id == people["city_admin"].pk


def test_the_command_reports_a_clash_and_a_user_without_the_scope(tree, records):
    make_activity(tree["county2"], "科普讲座", dt.date(2024, 5, 3))
    with pytest.raises(CommandError, match="合并后将完全相同"):
        call_command("merge_units", "340822", "340881", on="2025-06-30", user="city_admin")
    with pytest.raises(CommandError, match="不是同时管理这两个单位的管理员"):
        call_command("merge_units", "340822100000", "340881", on="2025-06-30", user="county_admin")
    with pytest.raises(CommandError, match="合并日期“2025/6/30”无法识别"):
        call_command("merge_units", "340822", "340881", on="2025/6/30", user="city_admin")
    assert OrgUnit.objects.get(pk=tree["county"].pk).active_to is None


def test_the_background_task_merges_or_says_why_not(tree, people, records):
    membership = Membership.objects.get(user=people["city_admin"], role=Role.ADMIN)
    make_activity(tree["county2"], "科普讲座", dt.date(2024, 5, 3))
    refused = merge_units_task.call(membership.pk, tree["county"].pk, tree["county2"].pk, "2025-06-30")
    assert refused.startswith("未合并：无法合并：“怀宁县科学技术协会”的活动“科普讲座”")
    Activity.objects.filter(org_unit=tree["county2"], title="科普讲座").delete()
    done = merge_units_task.call(membership.pk, tree["county"].pk, tree["county2"].pk, "2025-06-30")
    assert done.startswith("“怀宁县科学技术协会”已并入“桐城市科学技术协会”")
    assert not Activity.objects.filter(org_unit=tree["county"]).exists()


def test_rolling_back_an_import_from_before_the_merge_is_refused_naming_the_activity(
    tree, people, access_of, tmp_path, settings
):
    from kexie.activities.importers import ACTIVITY_SPEC
    from kexie.imports import services as import_services
    from tests.activities.test_import import HEADER, SHEET, row
    from tests.imports.helpers import write_xlsx

    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = write_xlsx(tmp_path / "台账.xlsx", [row(活动名称="合并前导入的讲座")], header=HEADER, sheet=SHEET)
    with path.open("rb") as fh:
        batch = import_services.batch_upload(
            access=access_of("county_filler"),
            user=people["county_filler"],
            spec=ACTIVITY_SPEC,
            upload=fh,
            file_name=path.name,
        )
    batch = import_services.batch_commit(access=access_of("county_filler"), spec=ACTIVITY_SPEC, batch=batch)
    merge(access_of("city_admin"), tree)
    batch.refresh_from_db()
    assert batch.org_unit_id == tree["county2"].pk  # the batch follows its people
    with pytest.raises(DomainError, match=r"活动“合并前导入的讲座”.*在导入之后又被修改过"):
        import_services.batch_rollback(
            access=access_of("province_sysadmin"),
            spec=ACTIVITY_SPEC,
            batch=batch,
            user=people["province_sysadmin"],
        )
    assert Activity.objects.get(title="合并前导入的讲座").org_unit_id == tree["county2"].pk

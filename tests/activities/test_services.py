"""Activity services: every validation rule, the scope and role checks, and history through
create → update → delete → restore."""

import datetime as dt

import pytest
from django.utils import timezone

from kexie.activities import services
from kexie.activities.models import Activity, ActivityType, Campaign
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs.models import OrgUnit
from tests.activities.conftest import campaign, group
from tests.factories import make_activity

FUTURE = timezone.localdate() + dt.timedelta(days=30)


def create(access_of, people, name="county_filler", **kw):
    return services.activity_create(access=access_of(name), actor=people[name], **kw)


# ---- 1. validation: each rule, its field and its message ----------------------------------------


@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        pytest.param({"title": "  "}, "title", "请填写活动名称", id="title-empty"),
        pytest.param({"title": "讲" * 201}, "title", "不能超过200个字", id="title-too-long"),
        pytest.param({"title": "讲座\u202e座讲"}, "title", "不可见的控制字符", id="title-bidi-override"),
        pytest.param({"venue": "文化站\x07"}, "venue", "不可见的控制字符", id="venue-control-char"),
        pytest.param(
            {"description": "字" * 5001}, "description", "不能超过5000个字", id="description-too-long"
        ),
        pytest.param({"activity_type": None}, "activity_type", "请选择活动类型", id="type-missing"),
        pytest.param({"start_date": None}, "start_date", "请填写开始日期", id="start-missing"),
        pytest.param({"start_date": dt.date(1985, 1, 1)}, "start_date", "过早", id="start-before-1990"),
        pytest.param({"start_date": FUTURE}, "start_date", "请把状态设为“计划中”", id="held-in-the-future"),
        pytest.param(
            {"end_date": dt.date(2024, 5, 19)}, "end_date", "结束日期不能早于开始日期", id="end-before-start"
        ),
        pytest.param({"end_date": dt.date(2025, 6, 1)}, "end_date", "超过一年", id="longer-than-a-year"),
        pytest.param({"participants": -1}, "participants", "参与人次不能为负数", id="participants-negative"),
        pytest.param({"online_views": -5}, "online_views", "线上浏览量不能为负数", id="views-negative"),
        pytest.param({"sci_workers": -1}, "sci_workers", "参与科技工作者人次不能为负数", id="sci-negative"),
        pytest.param({"volunteers": -2}, "volunteers", "参与志愿者人次不能为负数", id="volunteers-negative"),
        pytest.param({"participants": "120"}, "participants", "参与人次应为整数", id="participants-text"),
        pytest.param({"participants": 1.5}, "participants", "参与人次应为整数", id="participants-fraction"),
        pytest.param({"volunteers": True}, "volunteers", "参与志愿者人次应为整数", id="volunteers-bool"),
        pytest.param({"participants": 3_000_000_000}, "participants", "数值过大", id="participants-huge"),
        pytest.param({"mode": "radio"}, "mode", "形式应为", id="mode-unknown"),
        pytest.param({"status": "done"}, "status", "状态应为", id="status-unknown"),
        pytest.param({"region_code": "12345"}, "region_code", "6位", id="region-format"),
        pytest.param({"region_code": "340899"}, "region_code", "不在2023年", id="region-unknown"),
        pytest.param({"org_unit": None}, "org_unit", "请选择主办单位", id="organiser-missing"),
    ],
)
def test_invalid_data_is_refused_with_a_field_and_message(
    access_of, people, make_data, over, field, fragment
):
    with pytest.raises(DomainError) as exc:
        create(access_of, people, data=make_data(**over))
    assert exc.value.field == field
    assert fragment in exc.value.message
    assert not Activity.objects.exists()


def test_validate_reports_every_broken_rule_at_once(access_of, make_data):
    data = make_data(title="", participants=-1, end_date=dt.date(2024, 1, 1))
    errors = services.validate_activity_data(data, access=access_of("county_filler"))
    assert set(errors) == {"title", "participants", "end_date"}


def test_text_is_normalised_before_saving(access_of, people, make_data):
    activity = create(
        access_of, people, data=make_data(title="  水稻   讲座 ", description="第一段  \r\n\r\n\r\n第二段")
    )
    assert activity.title == "水稻 讲座"
    assert activity.description == "第一段\n\n第二段"


def test_end_date_defaults_to_start_date(access_of, people, make_data):
    activity = create(access_of, people, data=make_data(end_date=None))
    assert activity.end_date == activity.start_date == dt.date(2024, 5, 20)


def test_a_planned_activity_may_lie_in_the_future(access_of, people, make_data):
    activity = create(access_of, people, data=make_data(start_date=FUTURE, status=Activity.Status.PLANNED))
    assert activity.status == Activity.Status.PLANNED


def test_an_inactive_type_is_refused_for_new_activities(access_of, people, make_data):
    retired = ActivityType.objects.create(code="old", name="旧类型", is_active=False)
    with pytest.raises(DomainError, match="已停用") as exc:
        create(access_of, people, data=make_data(activity_type=retired))
    assert exc.value.field == "activity_type"


def test_an_inactive_type_already_on_an_activity_may_stay(access_of, people, make_data):
    activity = create(access_of, people, data=make_data())
    ActivityType.objects.filter(pk=activity.activity_type_id).update(is_active=False)
    activity.refresh_from_db()
    updated = services.activity_update(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        activity=activity,
        data=make_data(activity_type=activity.activity_type, participants=130),
    )
    assert updated.participants == 130


def test_the_same_organiser_title_and_start_date_cannot_be_entered_twice(access_of, people, make_data):
    create(access_of, people, data=make_data())
    with pytest.raises(DomainError, match="请勿重复录入") as exc:
        create(access_of, people, data=make_data(participants=5))
    assert exc.value.field == "title"
    assert Activity.objects.count() == 1


# ---- 2. campaigns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "year", "fragments"),
    [
        ("science_day", 2025, ("“全国科普日”只到2024年为止", "2025年的活动不能选择它", "请选择“全国科普月”")),
        ("science_month", 2024, ("“全国科普月”自2025年起才设立", "2024年的活动", "请选择“全国科普日”")),
        ("workers_day", 2016, ("自2017年起才设立",)),
    ],
)
def test_a_campaign_outside_its_years_is_refused_with_a_chinese_hint(
    access_of, people, make_data, code, year, fragments
):
    data = make_data(campaign=campaign(code), start_date=dt.date(year, 9, 15))
    with pytest.raises(DomainError) as exc:
        create(access_of, people, data=data)
    assert exc.value.field == "campaign"
    for fragment in fragments:
        assert fragment in exc.value.message


@pytest.mark.parametrize(("code", "year"), [("science_day", 2024), ("science_month", 2025)])
def test_science_day_until_2024_and_science_month_from_2025_are_accepted(
    access_of, people, make_data, code, year
):
    activity = create(
        access_of, people, data=make_data(campaign=campaign(code), start_date=dt.date(year, 9, 15))
    )
    assert activity.campaign.code == code


def test_a_local_campaign_of_an_ancestor_unit_is_accepted(tree, access_of, people, make_data):
    spring = Campaign.objects.create(code="aq_spring", name="安庆科技之春", org_unit=tree["city"])
    assert create(access_of, people, data=make_data(campaign=spring)).campaign == spring


@pytest.mark.parametrize("owner", ["other_city", "township"])
def test_a_local_campaign_of_a_unit_not_above_the_organiser_is_refused(
    tree, access_of, people, make_data, owner
):
    local = Campaign.objects.create(code="local", name="本地品牌", org_unit=tree[owner])
    with pytest.raises(DomainError, match="只适用于该单位及其下级单位") as exc:
        create(access_of, people, data=make_data(campaign=local))
    assert exc.value.field == "campaign"


def test_an_inactive_campaign_is_refused(access_of, people, make_data):
    Campaign.objects.filter(code="st_week").update(is_active=False)
    with pytest.raises(DomainError, match="已停用"):
        create(access_of, people, data=make_data(campaign=campaign("st_week")))


# ---- 3. organisers, co-organisers, roles ---------------------------------------------------------


def test_a_filler_enters_for_units_in_its_subtree(tree, access_of, people, make_data):
    activity = create(access_of, people, data=make_data(org_unit=tree["township"]))
    assert activity.org_unit == tree["township"]
    assert activity.created_by == people["county_filler"]


@pytest.mark.parametrize(("name", "unit"), [("county_filler", "county2"), ("township_filler", "county")])
def test_an_organiser_outside_the_subtree_is_refused(tree, access_of, people, make_data, name, unit):
    with pytest.raises(DomainError, match="不在您的填报范围内") as exc:
        create(access_of, people, name=name, data=make_data(org_unit=tree[unit]))
    assert exc.value.field == "org_unit"


@pytest.mark.parametrize("name", ["county_viewer", "county_admin", "outsider"])
def test_roles_without_enter_cannot_create(access_of, people, make_data, name):
    with pytest.raises(PermissionDeniedError):
        create(access_of, people, name=name, data=make_data())
    assert not Activity.objects.exists()


def test_a_system_administrator_may_enter_anywhere_in_its_subtree(tree, access_of, people, make_data):
    activity = create(
        access_of, people, name="province_sysadmin", data=make_data(org_unit=tree["other_county"])
    )
    assert activity.org_unit == tree["other_county"]


def test_a_closed_organiser_cannot_hold_activities_after_closing(tree, access_of, people, make_data):
    OrgUnit.objects.filter(pk=tree["township"].pk).update(active_to=dt.date(2024, 1, 1))
    township = OrgUnit.objects.get(pk=tree["township"].pk)
    with pytest.raises(DomainError, match="已于2024年01月01日撤销"):
        create(access_of, people, data=make_data(org_unit=township))
    assert create(access_of, people, data=make_data(org_unit=township, start_date=dt.date(2023, 12, 1)))


def test_co_organisers_are_stored(tree, access_of, people, make_data):
    activity = create(access_of, people, data=make_data(co_organisers=[tree["township"]]))
    assert list(activity.co_organisers.all()) == [tree["township"]]


@pytest.mark.parametrize(
    ("unit", "fragment"),
    [("county2", "不在您的填报范围内"), ("county", "已是主办单位"), ("closed", "已撤销")],
)
def test_bad_co_organisers_are_refused(tree, access_of, people, make_data, unit, fragment):
    if unit == "closed":
        OrgUnit.objects.filter(pk=tree["township"].pk).update(active_to=dt.date(2024, 1, 1))
        co = OrgUnit.objects.get(pk=tree["township"].pk)
    else:
        co = tree[unit]
    with pytest.raises(DomainError, match=fragment) as exc:
        create(access_of, people, data=make_data(co_organisers=[co]))
    assert exc.value.field == "co_organisers"


def test_updating_an_activity_outside_the_subtree_is_refused(tree, access_of, people, make_data):
    theirs = make_activity(tree["county2"], "桐城活动")
    with pytest.raises(PermissionDeniedError):
        services.activity_update(
            access=access_of("county_filler"),
            actor=people["county_filler"],
            activity=theirs,
            data=make_data(title="被篡改"),
        )
    assert Activity.objects.get(pk=theirs.pk).title == "桐城活动"


def test_moving_an_activity_to_an_organiser_outside_the_subtree_is_refused(
    tree, access_of, people, make_data
):
    activity = create(access_of, people, name="township_filler", data=make_data(org_unit=tree["township"]))
    with pytest.raises(DomainError, match="不在您的填报范围内"):
        services.activity_update(
            access=access_of("township_filler"),
            actor=people["township_filler"],
            activity=activity,
            data=make_data(org_unit=tree["county"]),
        )


def test_deleting_an_activity_outside_the_subtree_is_refused(tree, access_of, people):
    theirs = make_activity(tree["other_county"], "贵池活动")
    with pytest.raises(PermissionDeniedError):
        services.activity_delete(
            access=access_of("county_filler"), actor=people["county_filler"], activity=theirs
        )
    assert Activity.objects.filter(pk=theirs.pk).exists()


# ---- 4. history: one record per change, deletion and restore ------------------------------------


def test_create_writes_one_history_record_with_actor_reason_and_groups(access_of, people, make_data):
    activity = create(access_of, people, data=make_data(target_groups=[group("farmers"), group("elderly")]))
    (record,) = activity.history.all()
    assert (record.history_type, record.history_change_reason) == ("+", "新建")
    assert record.history_user == people["county_filler"]
    assert sorted(record.target_groups.values_list("targetgroup__code", flat=True)) == ["elderly", "farmers"]


def test_update_writes_one_record_whose_diff_names_the_change(access_of, people, make_data):
    activity = create(access_of, people, data=make_data())
    services.activity_update(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        activity=activity,
        data=make_data(participants=150, target_groups=[group("youth")]),
    )
    latest, first = activity.history.order_by("-history_id")
    assert latest.history_type == "~"
    assert {c.field for c in latest.diff_against(first).changes} == {"participants", "target_groups"}


def test_an_update_that_changes_nothing_writes_no_history(access_of, people, make_data):
    activity = create(access_of, people, data=make_data(target_groups=[group("youth")]))
    services.activity_update(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        activity=activity,
        data=make_data(target_groups=[group("youth")]),
    )
    assert activity.history.count() == 1


def test_delete_removes_the_row_and_keeps_the_history_with_groups(tree, access_of, people, make_data):
    activity = create(
        access_of,
        people,
        data=make_data(target_groups=[group("farmers")], co_organisers=[tree["township"]]),
    )
    pk = activity.pk
    services.activity_delete(
        access=access_of("county_filler"), actor=people["county_filler"], activity=activity, reason="录错了"
    )
    assert not Activity.objects.filter(pk=pk).exists()
    deletion = Activity.history.filter(id=pk).latest()
    assert (deletion.history_type, deletion.history_change_reason) == ("-", "删除：录错了")
    assert deletion.history_user == people["county_filler"]
    assert list(deletion.target_groups.values_list("targetgroup__code", flat=True)) == ["farmers"]
    assert list(deletion.co_organisers.values_list("orgunit_id", flat=True)) == [tree["township"].pk]


def test_restore_brings_back_the_same_activity_with_its_history(tree, access_of, people, make_data):
    activity = create(
        access_of,
        people,
        data=make_data(
            target_groups=[group("farmers")], co_organisers=[tree["township"]], campaign=campaign("st_week")
        ),
    )
    pk, created_at = activity.pk, activity.created_at
    filler = access_of("county_filler")
    services.activity_delete(access=filler, actor=people["county_filler"], activity=activity)
    restored = services.activity_restore(access=filler, actor=people["county_filler"], pk=pk)
    assert restored.pk == pk
    assert restored.created_at == created_at
    assert (restored.title, restored.participants, restored.campaign.code) == (
        "水稻病虫害绿色防控讲座",
        120,
        "st_week",
    )
    assert [g.code for g in restored.target_groups.all()] == ["farmers"]
    assert list(restored.co_organisers.all()) == [tree["township"]]
    reasons = [(h.history_type, h.history_change_reason) for h in restored.history.order_by("history_id")]
    assert reasons == [("+", "新建"), ("-", "删除"), ("+", "恢复（撤销删除）")]


def test_restore_refuses_when_the_same_activity_was_entered_again(access_of, people, make_data):
    filler = access_of("county_filler")
    activity = create(access_of, people, data=make_data())
    pk = activity.pk
    services.activity_delete(access=filler, actor=people["county_filler"], activity=activity)
    create(access_of, people, data=make_data())
    with pytest.raises(DomainError, match="无法恢复"):
        services.activity_restore(access=filler, actor=people["county_filler"], pk=pk)


def test_restore_of_an_activity_that_exists_is_refused(access_of, people, make_data):
    activity = create(access_of, people, data=make_data())
    with pytest.raises(DomainError, match="没有被删除"):
        services.activity_restore(
            access=access_of("county_filler"), actor=people["county_filler"], pk=activity.pk
        )


def test_restore_outside_the_subtree_is_refused(tree, access_of, people):
    theirs = make_activity(tree["county2"], "桐城活动")
    pk = theirs.pk
    services.activity_delete(
        access=access_of("province_sysadmin"), actor=people["province_sysadmin"], activity=theirs
    )
    with pytest.raises(PermissionDeniedError):
        services.activity_restore(access=access_of("county_filler"), actor=people["county_filler"], pk=pk)
    assert not Activity.objects.filter(pk=pk).exists()


def test_a_concurrent_duplicate_caught_by_the_database_becomes_a_domain_error(
    access_of, people, make_data, monkeypatch
):
    create(access_of, people, data=make_data())
    # the check ran before the other entry was committed: only the unique constraint sees it
    monkeypatch.setattr(services, "validate_activity_data", lambda data, **kw: {})
    with pytest.raises(DomainError, match="请勿重复录入") as exc:
        create(access_of, people, data=make_data(end_date=dt.date(2024, 5, 20)))
    assert exc.value.field == "title"
    assert Activity.objects.count() == 1

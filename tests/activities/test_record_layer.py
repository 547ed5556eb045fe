"""Activities on the record layer: one declaration gives the form (with its many-to-many inputs), the
import columns, the export (the same labels, many-to-many cells written as the import reads them),
the detail page, the history's diffs, the lost-update refusal (two clients) and the import's refusal
of an update over an activity edited after the upload was checked."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.http import QueryDict
from django.test import Client
from openpyxl import load_workbook

from kexie.activities import services
from kexie.activities.importers import ACTIVITY_SPEC
from kexie.activities.models import Activity, TargetGroup
from kexie.activities.records import ACTIVITIES
from kexie.imports.models import ImportBatch
from kexie.indicators.registry import record_type
from kexie.records.exports import import_columns
from kexie.records.forms import version_of
from tests.activities.test_views import form_data
from tests.factories import make_activity, make_user
from tests.imports.helpers import write_xlsx

D = dt.date

# the 台账 template's headers before activities moved onto the layer: the derived columns keep them
FORMER_HEADERS = [
    "活动名称", "活动类型", "活动品牌", "主办单位代码", "开始日期", "结束日期", "活动地点", "形式",
    "参与人次", "线上浏览量", "参与科技工作者人次", "参与志愿者人次", "目标人群", "重点活动", "活动简介",
    "状态", "协办单位", "活动地区区划代码", "受益人数", "分场场次", "系列活动", "届次",
    "发放科普资料（份/册）", "举办场馆/流动设施", "科普资料种类（种）",
]  # fmt: skip


def test_the_tuned_import_takes_its_columns_from_the_declaration():
    assert ACTIVITY_SPEC.columns == import_columns(ACTIVITIES)
    assert [c.label for c in ACTIVITY_SPEC.columns] == FORMER_HEADERS
    required = {c.label for c in ACTIVITY_SPEC.columns if c.required}
    assert required == {"活动名称", "活动类型", "开始日期"}  # 形式/状态/人次 take their defaults
    columns = {c.key: c for c in ACTIVITY_SPEC.columns}
    assert "活动主题" in columns["title"].aliases
    assert columns["mode"].choices == ("线下", "线上", "线上线下结合")
    assert columns["edition"].kind == "text"  # 第七届 is read too


def test_every_engine_link_parameter_is_a_declared_filter_of_the_list():
    """catalogue.py keeps its own ListLink for activities; it must only write declared filters."""
    declared = {f.name for f in ACTIVITIES.filters}
    link = record_type("activity").link
    assert {p.name for p in link.params} <= declared
    assert link.own_param in declared
    assert link.all_records[0] in declared
    assert ACTIVITIES.filter("status").everything == link.all_records[1]


@pytest.fixture
def second_filler(tree):
    from kexie.orgs.models import Role

    return make_user("county_filler_2", tree["county"], Role.FILLER, full_name="李四")


def _m2m_form(tree, **over):
    groups = TargetGroup.objects.filter(code__in=("farmers", "elderly")).order_by("pk")
    data = form_data(tree, **over)
    data["target_groups"] = [g.pk for g in groups]
    data["co_organisers"] = [tree["township"].pk]
    return data


def test_many_to_many_fields_go_through_form_detail_export_and_history(tree, login):
    client = login("county_filler")
    response = client.post("/activities/new/", _m2m_form(tree, org_unit=tree["county"].pk))
    assert response.status_code == 302, response.content.decode()[-2000:]
    activity = Activity.objects.get()
    assert {g.code for g in activity.target_groups.all()} == {"farmers", "elderly"}
    assert list(activity.co_organisers.all()) == [tree["township"]]
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert (
        'data-field="target_groups">农民、老年人<' in page
        or 'data-field="target_groups">老年人、农民<' in page
    )
    assert 'data-field="co_organisers">高河镇科协<' in page

    ws = load_workbook(io.BytesIO(client.get("/activities/export.xlsx").content)).active
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "活动名称")
    row = dict(zip(rows[header_at], rows[header_at + 1], strict=True))
    assert set(row["目标人群"].split("、")) == {"农民", "老年人"}
    assert row["协办单位"] == tree["township"].code

    edit = client.get(f"/activities/{activity.pk}/edit/")
    version = edit.context["form"]["_version"].value()
    data = _m2m_form(tree, org_unit=tree["county"].pk, _version=version)
    data["target_groups"] = [TargetGroup.objects.get(code="youth").pk]
    data["co_organisers"] = []
    assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    history = client.get(f"/activities/{activity.pk}/").content.decode().split('data-testid="history"', 1)[1]
    assert "目标人群：</span>" in history
    assert "→ 青少年" in history
    assert "协办单位：</span>高河镇科协 → " in history


def test_two_clients_the_second_save_is_refused_with_who_changed_what(tree, login, second_filler):
    activity = make_activity(tree["county"], "怀宁县科普讲座", D(2024, 9, 21), participants=120)
    first, second = login("county_filler"), Client()
    second.force_login(second_filler)
    version_a = first.get(f"/activities/{activity.pk}/edit/").context["form"]["_version"].value()
    version_b = second.get(f"/activities/{activity.pk}/edit/").context["form"]["_version"].value()
    base = {"title": activity.title, "org_unit": tree["county"].pk, "start_date": "2024-09-21"}
    saved = second.post(
        f"/activities/{activity.pk}/edit/", form_data(tree, **base, participants="150", _version=version_b)
    )
    assert saved.status_code == 302
    refused = first.post(
        f"/activities/{activity.pk}/edit/", form_data(tree, **base, participants="99", _version=version_a)
    )
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "李四" in text
    assert "参与人次：120 → 150" in text
    activity.refresh_from_db()
    assert activity.participants == 150  # the second person's save stands
    assert refused.context["form"].data["_version"] == version_of(ACTIVITIES, activity)


def test_an_import_over_an_activity_edited_after_the_check_writes_nothing(
    tree, tmp_path, upload, commit, access_of, people
):
    activity = make_activity(tree["county"], "水稻病虫害防控讲座", D(2024, 5, 20), participants=120)
    path = write_xlsx(
        tmp_path / "更新.xlsx",
        [
            ["水稻病虫害防控讲座", "讲座/报告会", "340822", D(2024, 5, 20), 300],
            ["新的讲座", "讲座/报告会", "340822", D(2024, 6, 1), 50],
        ],
        header=["活动名称", "活动类型", "主办单位代码", "开始日期", "参与人次"],
    )
    batch = upload("county_filler", path)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    data = services.ActivityData.from_activity(activity)
    data.participants = 130
    services.activity_update(
        access=access_of("county_filler"), actor=people["county_filler"], activity=activity, data=data
    )
    batch = commit("county_filler", batch)
    assert batch.status != ImportBatch.Status.COMMITTED
    message = " ".join(e["message"] for e in batch.errors)
    assert "在上传校验之后已被他人修改" in message
    assert "参与人次：120 → 130" in message
    activity.refresh_from_db()
    assert activity.participants == 130
    assert not Activity.objects.filter(title="新的讲座").exists()  # all or nothing


def test_the_list_reads_declared_defaults_sorts_and_none_or_any(tree, login):
    make_activity(tree["county"], "A 有品牌", D(2024, 3, 1), campaign="science_day", participants=5)
    make_activity(tree["county"], "B 无品牌", D(2024, 4, 1), participants=50)
    make_activity(tree["county"], "C 计划", D(2025, 9, 1), status=Activity.Status.PLANNED)
    client = login("county_filler")

    def titles(**params):
        page = client.get("/activities/", params)
        assert page.status_code == 200, page.content.decode()[-1500:]
        return [r.title for r in page.context["page"]]

    assert titles() == ["B 无品牌", "A 有品牌"]  # status=held by default, newest first
    assert titles(status="all", sort="title") == ["A 有品牌", "B 无品牌", "C 计划"]
    assert titles(campaign="none") == ["B 无品牌"]
    assert titles(campaign="any") == ["A 有品牌"]
    assert titles(campaign="science_day,none", sort="-participants") == ["B 无品牌", "A 有品牌"]
    assert titles(key="0", academic="0") == ["B 无品牌", "A 有品牌"]
    bad = client.get("/activities/", {"sort": "venue"})
    assert bad.status_code == 400
    assert "排序参数“venue”无效" in bad.content.decode()


def test_the_deleted_page_and_its_restore_are_the_layers(tree, login):
    activity = make_activity(tree["county"], "怀宁县科普讲座", D(2024, 9, 21))
    client = login("county_filler")
    assert client.post(f"/activities/{activity.pk}/delete/", {"reason": "重复录入"}).status_code == 302
    page = client.get("/activities/deleted/")
    assert page.status_code == 200
    assert "删除：重复录入" in page.content.decode()
    assert client.get(f"/activities/{activity.pk}/restore/").status_code == 404  # POST only
    assert client.post(f"/activities/{activity.pk}/restore/").status_code == 302
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_filter_bar_offers_the_declared_filters_and_sorts(tree, login):
    body = login("county_filler").get("/activities/", {"sort": "title", "facility": "none"}).content.decode()
    assert '<select name="sort"' in body
    assert '<option value="title" selected>按活动名称</option>' in body
    assert '<input type="hidden" name="facility" value="none">' in body  # a link's hidden filter kept
    for name in ("q", "period", "unit", "own", "type", "campaign", "target", "status", "key", "academic"):
        assert f'name="{name}"' in body, name
    assert '<option value="held" selected>已举办</option>' in body  # the default, shown


def test_the_period_filter_offers_shortcuts_relative_to_today_keeping_the_other_filters(tree, login):
    make_activity(tree["county"], "今年十一月", D(2026, 11, 3))
    make_activity(tree["county"], "去年讲座", D(2025, 6, 1))
    client = login("county_filler")
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)):
        page = client.get("/activities/", {"q": "讲", "page": "2"})
    body = page.content.decode()
    hint = re.search(r'data-testid="period-shortcuts-period">(.*?)</div>', body).group(1)
    links = re.findall(r'<a href="\?([^"]*)"[^>]*>([^<]+)</a>', hint)
    assert [label for _, label in links] == ["今年", "去年", "本季度", "本月"]
    params = [QueryDict(html.unescape(query)) for query, _ in links]
    assert [p["period"] for p in params] == ["2026", "2025", "2026Q4", "2026-12"]
    assert all(p["q"] == "讲" and "page" not in p for p in params)  # other filters kept, page dropped
    shown = client.get("/activities/", params[1])
    assert [r.title for r in shown.context["page"]] == ["去年讲座"]
    assert 'aria-current="true">去年</a>' in shown.content.decode()
    this_month = client.get("/activities/", {"period": params[3]["period"]})
    assert [r.title for r in this_month.context["page"]] == []
    assert [r.title for r in client.get("/activities/", {"period": "2026Q4"}).context["page"]] == [
        "今年十一月"
    ]


def test_the_list_shows_the_days_of_an_activity_over_several_days(tree, login):
    # a multi-day activity once raised a 500 on the list (a date format inside format_html)
    make_activity(tree["county"], "三天科普展", D(2024, 5, 1), end_date=D(2024, 5, 3))
    make_activity(tree["county"], "跨年科普展", D(2024, 12, 30), end_date=D(2025, 1, 2))
    make_activity(tree["county"], "一天讲座", D(2024, 6, 1))
    page = login("county_filler").get("/activities/", {"period": "2024"})
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", "", page.content.decode())
    assert "2024-05-01 至 05-03" in text
    assert "2024-12-30 至 2025-01-02" in text
    assert "2024-06-01" in text

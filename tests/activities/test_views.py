"""Activity pages: scope on every page (the outsider sees nothing, 404 on objects), forms with inline
messages, delete with undo, the calendar and the export."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kexie.activities.models import Activity
from kexie.activities.records import ACTIVITIES
from kexie.records.forms import version_of
from tests.factories import make_activity

D = dt.date


@pytest.fixture
def county_act(tree):
    return make_activity(
        tree["county"], "怀宁县科普讲座", D(2024, 9, 21), participants=120, campaign="science_day"
    )


def form_data(tree, **over):
    data = {
        "title": "高河镇防灾减灾讲座",
        "activity_type": "",
        "org_unit": tree["township"].pk,
        "start_date": "2024-05-12",
        "end_date": "",
        "status": "held",
        "campaign": "",
        "mode": "offline",
        "venue": "高河镇文化站",
        "region_code": "",
        "participants": "80",
        "online_views": "0",
        "sci_workers": "2",
        "volunteers": "5",
        "description": "",
    }
    from kexie.activities.models import ActivityType

    data["activity_type"] = ActivityType.objects.get(code="lecture").pk
    data.update(over)
    return data


# ---- 1. scoping on every page ----------------------------------------------------------------

OBJECT_PAGES = [
    ("get", "/activities/{pk}/"),
    ("get", "/activities/{pk}/edit/"),
    ("get", "/activities/{pk}/delete/"),
    ("post", "/activities/{pk}/delete/"),
    ("post", "/activities/{pk}/attachments/"),
]


@pytest.mark.parametrize(("method", "url"), OBJECT_PAGES)
def test_outsider_gets_404_on_every_page_of_an_activity(county_act, login, method, url):
    response = getattr(login("outsider"), method)(url.format(pk=county_act.pk))
    assert response.status_code == 404
    assert Activity.objects.filter(pk=county_act.pk).exists()


@pytest.mark.parametrize(("method", "url"), OBJECT_PAGES[1:])
def test_viewer_gets_404_on_the_pages_that_change_an_activity(county_act, login, method, url):
    assert getattr(login("county_viewer"), method)(url.format(pk=county_act.pk)).status_code == 404


def test_viewer_cannot_open_the_create_page_and_sees_no_change_buttons(county_act, login):
    client = login("county_viewer")
    assert client.get("/activities/new/").status_code == 404
    body = client.get(f"/activities/{county_act.pk}/").content.decode()
    assert "怀宁县科普讲座" in body
    assert f"/activities/{county_act.pk}/edit/" not in body
    assert "录入活动" not in client.get("/activities/").content.decode()


def test_viewer_posting_a_new_activity_creates_nothing(tree, login):
    assert login("county_viewer").post("/activities/new/", form_data(tree)).status_code == 404
    assert not Activity.objects.exists()


@pytest.mark.parametrize("url", ["/activities/", "/activities/export.xlsx", "/activities/calendar/"])
def test_a_unit_filter_outside_the_scope_is_a_404_on_list_export_and_calendar(tree, login, url):
    assert login("county_filler").get(url, {"unit": tree["other_county"].pk}).status_code == 404


def test_list_shows_only_the_subtree(tree, county_act, login):
    make_activity(tree["township"], "高河镇活动", D(2024, 3, 1))
    make_activity(tree["county2"], "桐城活动", D(2024, 3, 1))
    make_activity(tree["other_county"], "贵池活动", D(2024, 3, 1))
    body = login("county_filler").get("/activities/").content.decode()
    assert "怀宁县科普讲座" in body
    assert "高河镇活动" in body
    assert "桐城活动" not in body
    assert "贵池活动" not in body


def test_outsider_list_calendar_and_export_show_nothing_of_other_subtrees(county_act, login):
    client = login("outsider")
    assert "怀宁县科普讲座" not in client.get("/activities/").content.decode()
    assert "怀宁县科普讲座" not in client.get("/activities/calendar/", {"month": "2024-09"}).content.decode()
    ws = load_workbook(io.BytesIO(client.get("/activities/export.xlsx").content)).active
    assert "怀宁县科普讲座" not in [c.value for row in ws.iter_rows() for c in row]


def test_county_filler_gets_404_for_an_activity_of_a_sibling_county(tree, login):
    theirs = make_activity(tree["county2"], "桐城活动", D(2024, 3, 1))
    assert login("county_filler").get(f"/activities/{theirs.pk}/").status_code == 404


def test_restore_and_deleted_list_are_scoped(tree, county_act, login):
    pk = county_act.pk
    assert login("county_filler").post(f"/activities/{pk}/delete/", {"reason": ""}).status_code == 302
    outsider = login("outsider")
    assert outsider.post(f"/activities/{pk}/restore/").status_code == 404
    assert "怀宁县科普讲座" not in outsider.get("/activities/deleted/").content.decode()
    assert login("county_viewer").post(f"/activities/{pk}/restore/").status_code == 404
    assert not Activity.objects.filter(pk=pk).exists()


# ---- 2. list page --------------------------------------------------------------------------------


def test_list_shows_count_and_participant_sum_of_the_filtered_set(tree, county_act, login):
    make_activity(tree["township"], "高河镇活动", D(2024, 3, 1), participants=30)
    make_activity(tree["township"], "去年的活动", D(2023, 3, 1), participants=1000)
    body = login("county_filler").get("/activities/", {"period": "2024"}).content.decode()
    # the engine's figures, each linking to its records
    assert re.search(r'data-testid="total-count"><a href="[^"]+">2<', body)
    assert re.search(r'data-testid="total-participants"><a href="[^"]+">150<', body)


def test_an_invalid_filter_shows_a_chinese_message_not_an_error_page(county_act, login):
    response = login("county_filler").get("/activities/", {"period": "2023Q9", "type": "nope"})
    body = response.content.decode()
    assert response.status_code == 400  # the list page with its message (the layer's 400 for bad input)
    assert "筛选条件有误" in body
    assert "无法识别的期间“2023Q9”" in body
    assert "没有代码为“nope”的活动类型" in body
    assert "怀宁县科普讲座" not in body


def test_list_is_paginated_by_25(tree, login):
    for i in range(27):
        make_activity(tree["county"], f"活动{i:02d}", D(2024, 1, 1) + dt.timedelta(days=i))
    client = login("county_filler")
    first = client.get("/activities/", {"sort": "start_date"}).content.decode()
    second = client.get("/activities/", {"sort": "start_date", "page": "2"}).content.decode()
    assert first.count("data-activity=") == 25
    assert "活动00" in first
    assert second.count("data-activity=") == 2
    assert "活动26" in second


def test_empty_list_says_what_to_do_next(tree, login):
    body = login("county_filler").get("/activities/").content.decode()
    assert "还没有录入任何已举办的活动" in body
    assert "/activities/new/" in body
    filtered = login("county_filler").get("/activities/", {"type": "contest"}).content.decode()
    assert "没有符合筛选条件的活动" in filtered


def test_pages_have_title_breadcrumbs_and_viewport(county_act, login):
    client = login("county_filler")
    for url in [
        "/activities/",
        f"/activities/{county_act.pk}/",
        "/activities/new/",
        f"/activities/{county_act.pk}/edit/",
        f"/activities/{county_act.pk}/delete/",
        "/activities/calendar/",
        "/activities/deleted/",
    ]:
        body = client.get(url).content.decode()
        assert "· 科协工作平台</title>" in body, url
        assert 'class="breadcrumb"' in body, url
        assert 'name="viewport"' in body, url


def test_navigation_leads_to_the_list_and_the_import(login, tree):
    body = login("county_filler").get("/").content.decode()
    assert 'href="/activities/"' in body
    assert 'href="/imports/activities/"' in body


# ---- 3. forms ------------------------------------------------------------------------------------


def test_create_form_creates_and_redirects(tree, login, people):
    response = login("county_filler").post("/activities/new/", form_data(tree))
    activity = Activity.objects.get(title="高河镇防灾减灾讲座")
    assert response.status_code == 302
    assert response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.org_unit, activity.participants, activity.end_date) == (
        tree["township"],
        80,
        D(2024, 5, 12),
    )
    assert activity.history.get().history_user == people["county_filler"]


@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        ({"end_date": "2024-05-01"}, "end_date", "结束日期不能早于开始日期"),
        ({"participants": "-3"}, "participants", "参与人次不能为负数"),
        ({"participants": "很多"}, "participants", "参与人次应为整数"),
        ({"title": ""}, "title", ""),
        ({"campaign": "science_day", "start_date": "2025-09-10"}, "campaign", "请选择“全国科普月”"),
    ],
)
def test_create_form_shows_inline_errors_and_keeps_input(tree, login, over, field, fragment):
    if over.get("campaign"):
        from kexie.activities.models import Campaign

        over["campaign"] = Campaign.objects.get(code=over["campaign"]).pk
    response = login("county_filler").post("/activities/new/", form_data(tree, **over))
    body = response.content.decode()
    assert response.status_code == 400
    assert re.search(rf'data-field="{field}">[^<]*{fragment}', body), body[-3000:]
    assert 'value="高河镇文化站"' in body
    assert not Activity.objects.exists()


def test_the_organiser_select_offers_only_units_of_the_subtree(tree, login):
    body = login("county_filler").get("/activities/new/").content.decode()
    assert "高河镇科协" in body
    assert "桐城市科学技术协会" not in body


def test_posting_an_organiser_outside_the_subtree_is_refused_inline(tree, login):
    response = login("county_filler").post("/activities/new/", form_data(tree, org_unit=tree["county2"].pk))
    assert 'data-field="org_unit"' in response.content.decode()
    assert not Activity.objects.exists()


def test_edit_form_saves_and_history_shows_the_change(tree, county_act, login):
    client = login("county_filler")
    data = form_data(
        tree,
        title=county_act.title,
        org_unit=tree["county"].pk,
        start_date="2024-09-21",
        participants="150",
        campaign=county_act.campaign_id,
        _version=version_of(ACTIVITIES, county_act),  # the form's hidden version (no lost update)
    )
    assert client.post(f"/activities/{county_act.pk}/edit/", data).status_code == 302
    county_act.refresh_from_db()
    assert county_act.participants == 150
    body = client.get(f"/activities/{county_act.pk}/").content.decode()
    history = body.split('data-testid="history"', 1)[1]
    assert "参与人次：</span>120 → 150" in history
    assert "修改" in history


# ---- 4. delete and undo ----------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(county_act, login):
    body = login("county_filler").get(f"/activities/{county_act.pk}/delete/").content.decode()
    assert "确定要删除活动" in body
    assert Activity.objects.filter(pk=county_act.pk).exists()


def test_delete_flash_message_carries_an_undo_that_restores(county_act, login):
    client = login("county_filler")
    pk = county_act.pk
    response = client.post(f"/activities/{pk}/delete/", {"reason": "重复录入"}, follow=True)
    body = response.content.decode()
    assert not Activity.objects.filter(pk=pk).exists()
    assert "已删除“怀宁县科普讲座”" in body
    assert f'action="/activities/{pk}/restore/"' in body
    assert 'data-testid="undo"' in body
    restored = client.post(f"/activities/{pk}/restore/", follow=True)
    assert "已恢复“怀宁县科普讲座”" in restored.content.decode()
    activity = Activity.objects.get(pk=pk)
    assert [h.history_type for h in activity.history.order_by("history_id")] == ["+", "-", "+"]


def test_deleted_page_lists_deleted_activities_with_restore(county_act, login):
    client = login("county_filler")
    client.post(f"/activities/{county_act.pk}/delete/", {"reason": "重复录入"})
    body = client.get("/activities/deleted/").content.decode()
    assert "怀宁县科普讲座" in body
    assert "删除：重复录入" in body
    assert f"/activities/{county_act.pk}/restore/" in body


def test_a_restored_activity_leaves_the_deleted_page(county_act, login):
    client = login("county_filler")
    client.post(f"/activities/{county_act.pk}/delete/", {}, follow=True)  # (its message shown)
    client.post(f"/activities/{county_act.pk}/restore/", follow=True)
    assert "怀宁县科普讲座" not in client.get("/activities/deleted/").content.decode()


# ---- 5. calendar ---------------------------------------------------------------------------------


def test_calendar_lists_activities_on_each_day_they_run(tree, login):
    three = make_activity(
        tree["county"], "三天的展览", D(2024, 9, 20), end_date=D(2024, 9, 22), activity_type="exhibition"
    )
    make_activity(tree["county"], "十月活动", D(2024, 10, 2))
    response = login("county_filler").get("/activities/calendar/", {"month": "2024-09"})
    body = response.content.decode()
    assert "2024年9月" in body
    grid = body.split('data-testid="calendar-grid"', 1)[1].split("</table>", 1)[0]
    assert grid.count(f'data-cal="{three.pk}"') == 3
    assert "十月活动" not in grid
    assert re.search(r'data-testid="calendar-count">1<', body)


def test_calendar_shows_a_month_that_overlaps_an_activity_started_before(tree, login):
    across = make_activity(tree["county"], "跨月活动", D(2024, 8, 30), end_date=D(2024, 9, 1))
    body = login("county_filler").get("/activities/calendar/", {"month": "2024-09"}).content.decode()
    grid = body.split('data-testid="calendar-grid"', 1)[1].split("</table>", 1)[0]
    assert grid.count(f'data-cal="{across.pk}"') == 1


@pytest.mark.parametrize(("month", "fragment"), [("2024-13", "无法识别的期间"), ("2024Q3", "日历按月显示")])
def test_calendar_explains_a_bad_month(login, tree, month, fragment):
    response = login("county_filler").get("/activities/calendar/", {"month": month})
    assert response.status_code == 200
    assert fragment in response.content.decode()


# ---- 6. export -----------------------------------------------------------------------------------


def _export_rows(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "活动名称")
    return rows[:header_at], rows[header_at], rows[header_at + 1 :]


def test_export_contains_exactly_the_filtered_list_in_its_order(tree, login):
    for i in range(30):
        make_activity(
            tree["county"], f"二〇二四活动{i:02d}", D(2024, 1, 1) + dt.timedelta(days=i), participants=i
        )
    make_activity(tree["county"], "二〇二三活动", D(2023, 6, 1))
    make_activity(tree["county2"], "桐城活动", D(2024, 3, 1))
    client = login("county_filler")
    params = {"period": "2024", "sort": "-participants"}
    listed = []
    for page in (1, 2):
        body = client.get("/activities/", {**params, "page": page}).content.decode()
        listed += re.findall(r'<a href="/activities/\d+/">([^<]+)</a>', body)
    notes, _header, rows = _export_rows(client.get("/activities/export.xlsx", params))
    assert [r[0] for r in rows] == listed
    assert len(rows) == 30
    assert any("共30项活动，参与人次合计435" in (n[0] or "") for n in notes)


def test_export_columns_match_the_import_template(county_act, login):
    from kexie.activities.importers import COLUMNS

    _, header, rows = _export_rows(login("county_filler").get("/activities/export.xlsx"))
    assert list(header[: len(COLUMNS)]) == [c.label for c in COLUMNS]
    row = dict(zip(header, rows[0], strict=True))
    assert (row["活动名称"], row["主办单位代码"], row["活动品牌"], row["参与人次"]) == (
        "怀宁县科普讲座",
        "340822",
        "全国科普日",
        120,
    )


def test_export_neutralises_formulas(tree, login):
    make_activity(tree["county"], '=HYPERLINK("http://evil","点我")', D(2024, 2, 2), venue="+1-1")
    response = login("county_filler").get("/activities/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells
    assert all(c.data_type == "s" and str(c.value).startswith("'=") for c in cells)
    assert any(c.value == "'+1-1" for row in ws.iter_rows() for c in row)


def test_export_with_an_invalid_filter_explains_instead_of_downloading(county_act, login):
    response = login("county_filler").get("/activities/export.xlsx", {"sort": "bogus"})
    assert response.status_code == 400
    assert "排序参数“bogus”无效" in response.content.decode()


# ---- 7. query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/activities/", "/activities/export.xlsx", "/activities/calendar/?month=2024-01"]
)
def test_pages_make_the_same_number_of_queries_for_5_or_25_activities(
    tree, login, url, django_assert_max_num_queries
):
    client = login("county_filler")
    for i in range(5):
        make_activity(tree["county"], f"活动{i}", D(2024, 1, 1 + i), target_groups=("youth",))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(5, 25):
        make_activity(tree["county"], f"活动{i}", D(2024, 1, 1 + i), target_groups=("youth",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200

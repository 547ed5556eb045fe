"""Spreadsheet import of activities on the shared pipeline: names resolved, natural key updates,
precise per-cell messages, and all-or-nothing commits."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from kexie.activities.importers import ACTIVITY_SPEC
from kexie.activities.models import Activity, ActivityType
from kexie.imports import services
from kexie.imports.models import ImportBatch
from tests.factories import make_activity
from tests.imports.helpers import write_xlsx

D = dt.date
HEADER = [
    "活动名称",
    "活动类型",
    "活动品牌",
    "主办单位代码",
    "开始日期",
    "结束日期",
    "活动地点",
    "形式",
    "参与人次",
    "线上浏览量",
    "参与科技工作者人次",
    "参与志愿者人次",
    "目标人群",
    "重点活动",
    "活动简介",
]
SHEET = "科普活动"


def row(**over) -> list[object]:
    """One valid row (a lecture of 怀宁县 on 2024-05-20) with cells replaced by column label."""
    values = dict(
        zip(
            HEADER,
            [
                "水稻病虫害防控讲座",
                "讲座/报告会",
                None,
                "340822",
                D(2024, 5, 20),
                None,
                "县农技中心",
                "线下",
                120,
                0,
                5,
                8,
                "农民、老年人",
                "否",
                "讲解绿色防控技术",
            ],
            strict=True,
        )
    )
    values.update(over)
    return [values[h] for h in HEADER]


def happy_rows() -> list[list[object]]:
    return [
        row(),
        row(
            活动名称="高河镇科普日科学实验秀",
            活动类型="展览",
            活动品牌="全国科普日",
            主办单位代码="340822100000",
            开始日期=D(2024, 9, 20),
            结束日期=D(2024, 9, 22),
            形式="线上线下结合",
            参与人次=860,
            线上浏览量=12000,
            目标人群="青少年，社区居民",
            重点活动="是",
        ),
        row(
            活动名称="学会学术年会",
            活动类型="学术会议/论坛",
            主办单位代码=None,
            目标人群=None,
            开始日期="2024年3月8日",
        ),
    ]


@pytest.fixture
def happy_file(tmp_path, tree):
    return write_xlsx(
        tmp_path / "活动台账.xlsx", happy_rows(), header=HEADER, sheet=SHEET, title="2024年科普活动台账"
    )


def error_at(batch: ImportBatch, *, row: int, column: str, fragment: str) -> dict:
    found = [
        e for e in batch.errors if e["row"] == row and e["column"] == column and fragment in e["message"]
    ]
    assert found, f"no error at row={row} column={column} containing {fragment!r}: {batch.errors}"
    return found[0]


# ---- 1. happy path ---------------------------------------------------------------------------


def test_a_valid_file_is_validated_and_writes_nothing_yet(upload, happy_file):
    batch = upload("county_filler", happy_file)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    assert batch.rows_total == 3
    assert not Activity.objects.exists()


def test_commit_creates_the_activities_with_every_field(tree, upload, commit, happy_file):
    batch = commit("county_filler", upload("county_filler", happy_file))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (3, 0)
    lecture = Activity.objects.get(title="水稻病虫害防控讲座")
    assert (lecture.org_unit, lecture.start_date, lecture.end_date) == (
        tree["county"],
        D(2024, 5, 20),
        D(2024, 5, 20),
    )
    assert (lecture.participants, lecture.sci_workers, lecture.volunteers, lecture.is_key) == (
        120,
        5,
        8,
        False,
    )
    assert sorted(g.code for g in lecture.target_groups.all()) == ["elderly", "farmers"]
    show = Activity.objects.get(title="高河镇科普日科学实验秀")
    assert (show.org_unit, show.campaign.code, show.mode, show.is_key) == (
        tree["township"],
        "science_day",
        "both",
        True,
    )
    assert (show.end_date, show.online_views) == (D(2024, 9, 22), 12000)
    assert sorted(g.code for g in show.target_groups.all()) == ["residents", "youth"]
    meeting = Activity.objects.get(title="学会学术年会")
    assert (meeting.org_unit, meeting.start_date) == (
        tree["county"],
        D(2024, 3, 8),
    )  # default: the active unit


def test_created_rows_carry_the_batch_the_importer_and_a_history_reason(people, upload, commit, happy_file):
    batch = commit("county_filler", upload("county_filler", happy_file))
    for activity in Activity.objects.all():
        assert activity.import_batch_id == batch.pk
        assert activity.created_by == people["county_filler"]
        assert [(h.history_type, h.history_change_reason) for h in activity.history.all()] == [
            ("+", "批量导入")
        ]


# ---- 2. re-import --------------------------------------------------------------------------------


def test_reimporting_the_same_file_creates_no_duplicates(upload, commit, happy_file):
    first = commit("county_filler", upload("county_filler", happy_file))
    again = commit("county_filler", upload("county_filler", happy_file))
    assert again.status == ImportBatch.Status.COMMITTED, again.errors
    assert (again.rows_created, again.rows_updated) == (0, 0)  # "updated" counts real changes only
    assert Activity.objects.count() == 3
    assert set(Activity.objects.values_list("import_batch_id", flat=True)) == {first.pk}
    assert all(a.history.count() == 1 for a in Activity.objects.all())  # nothing changed, nothing recorded


def test_reimport_updates_by_organiser_title_and_start_date(tmp_path, upload, commit, happy_file):
    commit("county_filler", upload("county_filler", happy_file))
    rows = happy_rows()
    rows[0][HEADER.index("参与人次")] = 150
    path = write_xlsx(tmp_path / "改.xlsx", rows, header=HEADER, sheet=SHEET)
    batch = commit("county_filler", upload("county_filler", path))
    assert (batch.rows_created, batch.rows_updated) == (0, 1)  # the two unchanged rows write nothing
    lecture = Activity.objects.get(title="水稻病虫害防控讲座")
    assert lecture.participants == 150
    assert lecture.history.first().history_change_reason == "批量导入（更新）"


def test_reimport_without_an_optional_column_keeps_its_values(tmp_path, tree, upload, commit, happy_file):
    commit("county_filler", upload("county_filler", happy_file))
    header = ["活动名称", "活动类型", "主办单位代码", "开始日期", "参与人次"]
    path = write_xlsx(
        tmp_path / "少列.xlsx",
        [["水稻病虫害防控讲座", "讲座/报告会", "340822", D(2024, 5, 20), 99]],
        header=header,
    )
    batch = commit("county_filler", upload("county_filler", path))
    assert (batch.status, batch.rows_updated) == (ImportBatch.Status.COMMITTED, 1)
    lecture = Activity.objects.get(title="水稻病虫害防控讲座")
    assert (lecture.participants, lecture.venue, lecture.sci_workers) == (99, "县农技中心", 5)
    assert lecture.target_groups.count() == 2


def test_an_export_reimports_as_updates(tree, upload, commit, happy_file, login, tmp_path):
    commit("county_filler", upload("county_filler", happy_file))
    exported = login("county_filler").get("/activities/export.xlsx", {"status": "all"}).content
    path = tmp_path / "导出.xlsx"
    path.write_bytes(exported)
    batch = commit("county_filler", upload("county_filler", path))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    # the export matches the activities exactly: every row is found by its natural key, none changes
    assert (batch.rows_created, batch.rows_updated) == (0, 0)
    assert Activity.objects.count() == 3
    assert all(a.history.count() == 1 for a in Activity.objects.all())


# ---- 3. refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "at_row", "column", "fragment"),
    [
        pytest.param([row(活动类型="讲课")], 2, "活动类型", "没有名为“讲课”的活动类型", id="unknown-type"),
        pytest.param(
            [row(活动品牌="全国科普日", 开始日期=D(2025, 9, 15))],
            2,
            "活动品牌",
            "“全国科普日”只到2024年为止，2025年的活动不能选择它，请选择“全国科普月”",
            id="science-day-in-2025",
        ),
        pytest.param(
            [row(活动品牌="全国科普周")],
            2,
            "活动品牌",
            "没有名为“全国科普周”的活动品牌",
            id="unknown-campaign",
        ),
        pytest.param([row(参与人次=-5)], 2, "参与人次", "参与人次不能为负数", id="negative-participants"),
        pytest.param([row(线上浏览量="很多")], 2, "线上浏览量", "应为整数", id="text-in-number"),
        pytest.param([row(参与人次=12.5)], 2, "参与人次", "应为整数", id="fraction"),
        pytest.param(
            [row(结束日期=D(2024, 5, 1))], 2, "结束日期", "结束日期不能早于开始日期", id="end-before-start"
        ),
        pytest.param([row(开始日期="五月二十")], 2, "开始日期", "日期“五月二十”无法识别", id="bad-date"),
        pytest.param([row(开始日期=None)], 2, "开始日期", "必填，不能为空", id="missing-date"),
        pytest.param(
            [row(目标人群="农民、学生")], 2, "目标人群", "没有名为“学生”的目标人群", id="unknown-group"
        ),
        pytest.param([row(重点活动="对")], 2, "重点活动", "“对”不是可选值", id="bad-yes-no"),
        pytest.param([row(形式="电视")], 2, "形式", "“电视”不是可选值", id="bad-mode"),
        pytest.param(
            [row(主办单位代码="341702")],
            2,
            "主办单位代码",
            "找不到机构代码“341702”，或该单位不在您的填报范围内",
            id="organiser-outside",
        ),
        pytest.param(
            [row(主办单位代码="999999")], 2, "主办单位代码", "找不到机构代码“999999”", id="organiser-unknown"
        ),
        pytest.param([row(活动名称="讲座\u202e座讲")], 2, "活动名称", "不可见的控制字符", id="bidi-title"),
        pytest.param(
            [row(开始日期=dt.date.today() + dt.timedelta(days=40))],
            2,
            "开始日期",
            "请把状态设为“计划中”",
            id="held-in-the-future",
        ),
        pytest.param(
            [row(), row(参与人次=10)],
            3,
            "活动名称",
            "与第2行是同一活动",
            id="duplicate-in-file",
        ),
    ],
)
def test_a_bad_cell_is_refused_with_sheet_row_and_column(
    tmp_path, upload, tree, rows, at_row, column, fragment
):
    batch = upload("county_filler", write_xlsx(tmp_path / "bad.xlsx", rows, header=HEADER, sheet=SHEET))
    assert batch.status == ImportBatch.Status.INVALID
    assert error_at(batch, row=at_row, column=column, fragment=fragment)["sheet"] == SHEET
    assert not Activity.objects.exists()


def test_every_bad_row_is_reported_not_only_the_first(tmp_path, upload, tree):
    rows = [row(活动类型="讲课"), row(活动名称="好的一行"), row(活动名称="第三行", 参与人次=-1)]
    batch = upload("county_filler", write_xlsx(tmp_path / "bad.xlsx", rows, header=HEADER, sheet=SHEET))
    assert {(e["row"], e["column"]) for e in batch.errors} == {(2, "活动类型"), (4, "参与人次")}


def test_a_viewer_cannot_import(tmp_path, access_of, people, tree):
    from kexie.core.errors import PermissionDeniedError

    path = write_xlsx(tmp_path / "a.xlsx", [row()], header=HEADER)
    with path.open("rb") as fh, pytest.raises(PermissionDeniedError):
        services.batch_upload(
            access=access_of("county_viewer"),
            user=people["county_viewer"],
            spec=ACTIVITY_SPEC,
            upload=fh,
            file_name="a.xlsx",
        )
    assert not ImportBatch.objects.exists()


def test_a_failure_at_commit_time_writes_nothing(tmp_path, upload, commit, happy_file):
    batch = upload("county_filler", happy_file)
    assert batch.status == ImportBatch.Status.VALIDATED
    ActivityType.objects.filter(code="academic").update(is_active=False)  # row 5 (the last) now fails
    batch = commit("county_filler", batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert any("已停用" in e["message"] and e["row"] == 5 for e in batch.errors), batch.errors
    assert not Activity.objects.exists()


def test_commit_rechecks_the_database_and_updates_what_appeared_meanwhile(tree, upload, commit, happy_file):
    batch = upload("county_filler", happy_file)
    make_activity(tree["county"], "水稻病虫害防控讲座", D(2024, 5, 20), participants=1)
    batch = commit("county_filler", batch)
    assert (batch.status, batch.rows_created, batch.rows_updated) == (ImportBatch.Status.COMMITTED, 2, 1)
    assert Activity.objects.get(title="水稻病虫害防控讲座").participants == 120


def test_the_template_lists_every_column(login, tree):
    from openpyxl import load_workbook

    response = login("county_filler").get("/imports/activities/template.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]][: len(HEADER)] == HEADER
    assert login("county_viewer").get("/imports/activities/").status_code == 404


def test_the_detail_page_links_the_batch_the_activity_came_from_when_the_user_can_see_it(
    tree, upload, commit, happy_file, login
):
    batch = commit("county_filler", upload("county_filler", happy_file))
    show = Activity.objects.get(title="高河镇科普日科学实验秀")  # the township's, imported by the county
    by_hand = make_activity(tree["county"], "手工录入的讲座", D(2024, 6, 1))
    batch_url = f'href="/imports/batch/{batch.pk}/"'
    county = login("county_filler").get(f"/activities/{show.pk}/")
    assert county.status_code == 200
    body = county.content.decode()
    assert batch_url in body
    assert "活动台账.xlsx" in body
    assert login("county_filler").get(f"/imports/batch/{batch.pk}/").status_code == 200  # the link works
    township = login("township_filler").get(f"/activities/{show.pk}/")
    assert township.status_code == 200
    assert batch_url not in township.content.decode()  # a batch of a unit above is not linked
    assert 'data-testid="import-batch"' not in township.content.decode()
    assert login("township_filler").get(f"/imports/batch/{batch.pk}/").status_code == 404
    hand = login("county_filler").get(f"/activities/{by_hand.pk}/").content.decode()
    assert 'data-testid="import-batch"' not in hand

"""A designation list with 评估年度 + 评估等级 imports its grades (one per row, creating or correcting the
year's evaluation), refuses bad grades with a precise Chinese message and writes nothing then; the
export writes the same columns back."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kexie.imports import services as imports
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.registries.models import Designation, Evaluation
from tests.imports.helpers import write_xlsx

HEADER = [
    "管理单位代码",
    "称号/平台",
    "级别",
    "承担单位类型",
    "承担单位名称",
    "文号",
    "认定日期",
    "评估年度",
    "评估结果",
]


def _row(tree, name, granted, year, grade):
    return [
        tree["county"].code,
        "科普教育基地",
        "市级",
        "学校",
        name,
        "宜科协〔2023〕1号",
        granted,
        year,
        grade,
    ]


def _upload(tmp_path, staff, acc, rows, name="基地.xlsx"):
    content = write_xlsx(tmp_path / name, rows, header=HEADER, sheet="基地").read_bytes()
    return imports.batch_upload(
        access=acc("county_filler"),
        user=staff["county_filler"],
        spec=get_spec("designations"),
        upload=SimpleUploadedFile(name, content),
        file_name=name,
    )


def _commit(batch, staff, acc):
    return imports.batch_commit(
        access=acc("county_filler"), spec=get_spec("designations"), batch=batch, user=staff["county_filler"]
    )


def test_grades_import_with_their_designations_and_a_second_list_corrects_them(tmp_path, tree, staff, acc):
    rows = [
        _row(tree, "怀宁县第一中学", dt.date(2022, 6, 1), 2023, "优秀"),
        _row(tree, "怀宁县第二中学", dt.date(2022, 6, 1), None, None),
    ]
    batch = _commit(_upload(tmp_path, staff, acc, rows), staff, acc)
    assert (batch.rows_created, batch.rows_updated) == (2, 0), batch.errors
    first = Designation.objects.get(holder_name="怀宁县第一中学")
    assert [(e.year, e.grade) for e in first.evaluations.all()] == [(2023, "excellent")]
    assert (first.latest_grade, first.latest_grade_year) == ("excellent", 2023)
    assert not Designation.objects.get(holder_name="怀宁县第二中学").evaluations.exists()

    # next year's list: a new grade for 2024 on the same designation, and 2023's corrected
    again = [
        _row(tree, "怀宁县第一中学", dt.date(2022, 6, 1), 2024, "不合格"),
        _row(tree, "怀宁县第二中学", dt.date(2022, 6, 1), 2023, "良好"),
    ]
    batch = _commit(_upload(tmp_path, staff, acc, again, "基地2.xlsx"), staff, acc)
    assert (batch.rows_created, batch.rows_updated) == (0, 2), batch.errors
    assert dict(first.evaluations.values_list("year", "grade")) == {2023: "excellent", 2024: "fail"}
    fix = [_row(tree, "怀宁县第一中学", dt.date(2022, 6, 1), 2023, "良好")]
    _commit(_upload(tmp_path, staff, acc, fix, "基地3.xlsx"), staff, acc)
    assert dict(first.evaluations.values_list("year", "grade")) == {2023: "good", 2024: "fail"}
    first.refresh_from_db()
    assert (first.latest_grade, first.latest_grade_year) == ("fail", 2024)


def test_bad_grades_are_refused_naming_row_and_column_and_nothing_is_written(tmp_path, tree, staff, acc):
    rows = [
        _row(tree, "怀宁县第一中学", dt.date(2023, 6, 1), 2023, "优秀"),  # fine
        _row(tree, "怀宁县第二中学", dt.date(2023, 6, 1), 2021, "良好"),  # before the designation
        _row(tree, "怀宁县第三中学", dt.date(2023, 6, 1), 2024, "甲等"),  # unknown grade
        _row(tree, "怀宁县第四中学", dt.date(2023, 6, 1), None, "合格"),  # grade without a year
        _row(tree, "怀宁县第五中学", dt.date(2023, 6, 1), 2024, None),  # year without a grade
    ]
    batch = _upload(tmp_path, staff, acc, rows)
    assert batch.status == ImportBatch.Status.INVALID
    by_row = {e["row"]: e for e in batch.errors}
    assert 2 not in by_row
    assert "评估年度2021年早于认定年份2023年" in by_row[3]["message"]
    assert by_row[3]["column"] == "评估年度"
    assert "甲等" in by_row[4]["message"]
    assert "优秀" in by_row[4]["message"]
    assert "请同时填写评估年度" in by_row[5]["message"]
    assert "请同时填写评估等级" in by_row[6]["message"]
    assert not Designation.objects.exists()
    assert not Evaluation.objects.exists()


def test_the_export_writes_the_grade_columns_and_reimports_unchanged(tmp_path, tree, staff, acc, login):
    rows = [_row(tree, "怀宁县第一中学", dt.date(2022, 6, 1), 2023, "优秀")]
    _commit(_upload(tmp_path, staff, acc, rows), staff, acc)
    content = login("county_filler").get(reverse("registries:export")).content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = next(r for r in sheet if "称号/平台" in r)
    line = next(r for r in sheet if "怀宁县第一中学" in r)
    assert line[header.index("评估年度")] in (2023, 2023.0)
    assert line[header.index("评估等级")] == "优秀"
    batch = imports.batch_upload(
        access=acc("county_filler"),
        user=staff["county_filler"],
        spec=get_spec("designations"),
        upload=SimpleUploadedFile("导出.xlsx", content),
        file_name="导出.xlsx",
    )
    batch = _commit(batch, staff, acc)
    assert (batch.rows_created, batch.rows_updated) == (0, 1), batch.errors
    assert list(Evaluation.objects.values_list("year", "grade")) == [(2023, "excellent")]

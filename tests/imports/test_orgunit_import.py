"""Spreadsheet import of the org tree: upload → check → preview → all-or-nothing commit.

Files are real .xlsx workbooks built with XlsxWriter (tests/imports/helpers.py). Every refusal is
checked for its Chinese message, its location (sheet, Excel row, column) and for writing nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.imports import services
from kexie.imports.models import ImportBatch
from kexie.orgs import regions
from kexie.orgs import services as org_services
from kexie.orgs.importers import ORGUNIT_SPEC
from kexie.orgs.models import Level, OrgType, OrgUnit
from tests.factories import make_unit
from tests.imports.helpers import (
    BLANK,
    HEADER,
    SHEET,
    Formula,
    corrupt_member_data,
    rewrite_member,
    write_xlsx,
)

UPLOAD_URL = "/imports/orgunits/"
NEW_CODES = ("340825", "340800-S02")  # plus the township code from the region table


# ---- helpers ---------------------------------------------------------------------------------


def town_of_taihu() -> regions.Region:
    return regions.children("340825")[0]


def happy_rows() -> list[list[object]]:
    """A county with its real region code, a township below it, and a 学会 under the city."""
    town = town_of_taihu()
    return [
        ["340825", "太湖县科学技术协会", "县级科协", "340800", "340825", "太湖县科协", dt.date(1986, 5, 1)],
        [town.code, f"{town.name}科协", "乡镇科协", "340825", town.code, None, None],
        ["340800-S02", "安庆市药学会", "学会", "340800", None, None, None],
    ]


def county_row(**over) -> list[object]:
    """One valid row (a new county under 安庆市) with some cells replaced by column label."""
    row = dict(
        zip(HEADER, ["340825", "太湖县科学技术协会", "县级科协", "340800", "340825", None, None], strict=True)
    )
    row.update(over)
    return [row[h] for h in HEADER]


@pytest.fixture
def upload(access_of, people):
    """upload(name, path) → ImportBatch, as persona `name` through the service."""

    def _upload(name: str, path: Path, file_name: str | None = None) -> ImportBatch:
        with path.open("rb") as fh:
            return services.batch_upload(
                access=access_of(name),
                user=people[name],
                spec=ORGUNIT_SPEC,
                upload=fh,
                file_name=file_name or path.name,
            )

    return _upload


@pytest.fixture
def commit(access_of):
    def _commit(name: str, batch: ImportBatch) -> ImportBatch:
        return services.batch_commit(access=access_of(name), spec=ORGUNIT_SPEC, batch=batch)

    return _commit


@pytest.fixture
def happy_file(tmp_path, tree):
    return write_xlsx(tmp_path / "机构.xlsx", happy_rows())


def error_at(batch: ImportBatch, *, row: int | None, column: str | None, fragment: str) -> dict:
    """The one stored error at (row, column) whose message contains `fragment`."""
    found = [
        e for e in batch.errors if e["row"] == row and e["column"] == column and fragment in e["message"]
    ]
    assert found, f"no error at row={row} column={column} containing {fragment!r}: {batch.errors}"
    return found[0]


def assert_refused(batch: ImportBatch, units_before: int) -> None:
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors
    assert OrgUnit.objects.count() == units_before


# ---- 1. happy path -----------------------------------------------------------------------------


def test_valid_file_is_validated_with_a_preview_and_writes_nothing_yet(upload, happy_file):
    before = OrgUnit.objects.count()
    batch = upload("city_admin", happy_file)
    assert batch.status == ImportBatch.Status.VALIDATED
    assert batch.errors == []
    assert batch.rows_total == 3
    assert batch.preview["columns"] == HEADER
    assert [p["row"] for p in batch.preview["rows"]] == [2, 3, 4]
    assert batch.preview["rows"][0]["cells"][:4] == ["340825", "太湖县科学技术协会", "县级科协", "340800"]
    assert batch.preview["rows"][0]["cells"][6] == "1986-05-01"  # a real date cell, shown as a date
    assert OrgUnit.objects.count() == before


def test_commit_creates_the_units_with_parent_level_and_type(upload, commit, happy_file, tree):
    batch = commit("city_admin", upload("city_admin", happy_file))
    assert batch.status == ImportBatch.Status.COMMITTED
    county = OrgUnit.objects.get(code="340825")
    town = OrgUnit.objects.get(code=town_of_taihu().code)
    society = OrgUnit.objects.get(code="340800-S02")
    assert OrgUnit.objects.get_parent(county).pk == tree["city"].pk
    assert OrgUnit.objects.get_parent(town).pk == county.pk
    assert OrgUnit.objects.get_parent(society).pk == tree["city"].pk
    assert (county.org_type, county.level) == (OrgType.COUNTY, Level.COUNTY)
    assert (town.org_type, town.level) == (OrgType.TOWNSHIP, Level.TOWNSHIP)
    assert (society.org_type, society.level) == (OrgType.SOCIETY, Level.PREFECTURE)
    assert county.region_code == "340825"
    assert county.short_name == "太湖县科协"
    assert county.active_from == dt.date(1986, 5, 1)


def test_commit_records_history_with_reason_batch_import(upload, commit, happy_file):
    commit("city_admin", upload("city_admin", happy_file))
    for code in (*NEW_CODES, town_of_taihu().code):
        unit = OrgUnit.objects.get(code=code)
        assert [h.history_change_reason for h in unit.history.all()] == ["批量导入"]


def test_commit_counts_created_rows(upload, commit, happy_file):
    batch = commit("city_admin", upload("city_admin", happy_file))
    assert (batch.rows_total, batch.rows_created, batch.rows_updated) == (3, 3, 0)


def test_a_child_may_come_before_its_parent_in_the_file(tmp_path, upload, commit, tree):
    rows = happy_rows()
    path = write_xlsx(tmp_path / "reversed.xlsx", [rows[1], rows[2], rows[0]])
    batch = commit("city_admin", upload("city_admin", path))
    assert batch.status == ImportBatch.Status.COMMITTED
    town = OrgUnit.objects.get(code=town_of_taihu().code)
    assert OrgUnit.objects.get_parent(town).code == "340825"


def test_several_children_under_a_parent_created_in_the_same_file(tmp_path, upload, commit, tree):
    towns = regions.children("340825")[:3]
    rows = [happy_rows()[0]] + [[t.code, f"{t.name}科协", "乡镇科协", "340825", t.code] for t in towns]
    batch = commit("city_admin", upload("city_admin", write_xlsx(tmp_path / "towns.xlsx", rows)))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    county = OrgUnit.objects.get(code="340825")
    assert sorted(c.code for c in OrgUnit.objects.get_children(county)) == sorted(t.code for t in towns)
    assert OrgUnit.objects.get(pk=county.pk).numchild == 3


# ---- 2. re-import ----------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(upload, commit, happy_file):
    commit("city_admin", upload("city_admin", happy_file))
    count = OrgUnit.objects.count()
    history = OrgUnit.history.count()
    again = commit("city_admin", upload("city_admin", happy_file))
    assert again.status == ImportBatch.Status.COMMITTED
    assert (again.rows_created, again.rows_updated) == (0, 0)
    assert OrgUnit.objects.count() == count
    assert OrgUnit.history.count() == history  # no "修改信息" rows for unchanged units


def test_reimport_with_a_new_name_renames_the_unit_by_its_code(tmp_path, upload, commit, happy_file):
    commit("city_admin", upload("city_admin", happy_file))
    rows = happy_rows()
    rows[0][1] = "太湖县科协（新名）"
    batch = commit("city_admin", upload("city_admin", write_xlsx(tmp_path / "renamed.xlsx", rows)))
    assert batch.status == ImportBatch.Status.COMMITTED
    assert OrgUnit.objects.filter(code="340825").get().name == "太湖县科协（新名）"
    assert OrgUnit.objects.filter(name="太湖县科学技术协会").count() == 0


def test_reimport_without_optional_columns_keeps_region_and_short_name(tmp_path, upload, commit, tree):
    path = write_xlsx(
        tmp_path / "minimal.xlsx",
        [["340822", "怀宁县科学技术协会", "县级科协", "340800"]],
        header=["机构代码", "名称", "类型", "上级代码"],
    )
    OrgUnit.objects.filter(code="340822").update(short_name="怀宁县科协", active_from=dt.date(1985, 6, 1))
    batch = commit("city_admin", upload("city_admin", path))
    assert (batch.status, batch.rows_updated) == (
        ImportBatch.Status.COMMITTED,
        0,
    )  # all values kept: nothing to update
    unit = OrgUnit.objects.get(code="340822")
    assert (unit.region_code, unit.short_name, unit.active_from) == (
        "340822",
        "怀宁县科协",
        dt.date(1985, 6, 1),
    )


# ---- 3. tolerant reading ---------------------------------------------------------------------


def test_title_row_aliases_marked_headers_and_numeric_codes_are_understood(tmp_path, upload, commit, tree):
    header = ["单位代码*", "单位名称（必填）", "单位类型 *", "上级单位代码(必填)", "行政区划代码", "成立时间"]
    rows = [[340825, "太湖县科学技术协会", "县级科协", 340800, 340825, dt.date(1986, 5, 1)]]
    path = write_xlsx(tmp_path / "aliases.xlsx", rows, header=header, title="安庆市科协下属机构一览表")
    batch = upload("city_admin", path)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    assert batch.preview["rows"][0]["row"] == 3  # title row 1, header row 2, first data row 3
    commit("city_admin", batch)
    unit = OrgUnit.objects.get(code="340825")  # the number 340825 became the code "340825"
    assert (unit.region_code, unit.active_from) == ("340825", dt.date(1986, 5, 1))
    assert OrgUnit.objects.get_parent(unit).code == "340800"


def test_a_12_digit_code_typed_as_a_number_keeps_all_digits(tmp_path, upload, commit, tree):
    town = town_of_taihu()
    rows = [happy_rows()[0], [int(town.code), "镇科协", "乡镇科协", 340825, int(town.code)]]
    batch = commit("city_admin", upload("city_admin", write_xlsx(tmp_path / "n.xlsx", rows)))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert OrgUnit.objects.get(code=town.code).region_code == town.code


def test_unknown_headers_are_ignored_with_a_notice(tmp_path, upload):
    path = write_xlsx(tmp_path / "extra.xlsx", [[*county_row(), "某备注"]], header=[*HEADER, "备注"])
    batch = upload("city_admin", path)
    assert batch.status == ImportBatch.Status.VALIDATED
    assert any("备注" in n and "忽略" in n for n in batch.notices)


def test_empty_rows_in_the_middle_are_skipped_with_a_notice(tmp_path, upload, commit):
    rows = happy_rows()
    path = write_xlsx(tmp_path / "gaps.xlsx", [rows[0], [], rows[1], [], rows[2]])
    batch = upload("city_admin", path)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    assert batch.rows_total == 3
    assert "已跳过2个空行。" in batch.notices
    assert [p["row"] for p in batch.preview["rows"]] == [2, 4, 6]
    assert commit("city_admin", batch).rows_created == 3


# ---- 4. refusals: each precise, located, and writing nothing -------------------------------------


def test_missing_required_header_names_the_missing_column(tmp_path, upload):
    before = OrgUnit.objects.count()
    header = ["机构代码", "名称", "类型", "区划代码"]
    path = write_xlsx(tmp_path / "h.xlsx", [["340825", "太湖县科协", "县级科协", "340825"]], header=header)
    batch = upload("city_admin", path)
    assert_refused(batch, before)
    (error,) = batch.errors
    assert error["sheet"] == SHEET
    assert "未找到表头" in error["message"]
    assert "缺少：上级代码" in error["message"]


def test_duplicate_header_names_both_columns(tmp_path, upload):
    before = OrgUnit.objects.count()
    header = ["机构代码", "名称", "单位名称", "类型", "上级代码"]
    path = write_xlsx(tmp_path / "h.xlsx", [["340825", "甲", "乙", "县级科协", "340800"]], header=header)
    batch = upload("city_admin", path)
    assert_refused(batch, before)
    error = error_at(batch, row=1, column="C", fragment="重复")
    assert error["sheet"] == SHEET
    assert "与第B列重复" in error["message"]


def test_duplicate_header_letters_are_the_real_excel_columns(tmp_path, upload):
    header = ["机构代码", "名称", "单位名称", "类型", "上级代码"]
    rows = [["340825", "甲", "乙", "县级科协", "340800"]]
    path = write_xlsx(tmp_path / "h.xlsx", rows, header=header, first_col=2)
    batch = upload("city_admin", path)
    error_at(batch, row=1, column="E", fragment="与第D列重复")


@pytest.mark.parametrize(
    ("rows", "row", "column", "fragment"),
    [
        pytest.param([county_row(名称=None)], 2, "名称", "必填，不能为空", id="empty-required-cell"),
        pytest.param([county_row(上级代码="  ")], 2, "上级代码", "必填，不能为空", id="blank-required-cell"),
        pytest.param([county_row(类型="县科协")], 2, "类型", "“县科协”不是可选值", id="wrong-type-label"),
        pytest.param(
            [county_row(), county_row(名称="重复的太湖县科协")],
            3,
            "机构代码",
            "机构代码“340825”与第2行重复",
            id="duplicate-code-in-file",
        ),
        pytest.param(
            [county_row(上级代码="349999")], 2, "上级代码", "找不到上级代码“349999”", id="unknown-parent"
        ),
        pytest.param([county_row(上级代码="340825")], 2, "上级代码", "不能是本单位自己", id="own-parent"),
        pytest.param(
            [county_row(区划代码="340899")],
            2,
            "区划代码",
            "区划代码“340899”不在2023年统计用区划代码中",
            id="region-not-in-table",
        ),
        pytest.param(
            [county_row(区划代码="12345")], 2, "区划代码", "6位行政区划代码或12位", id="region-bad-format"
        ),
        pytest.param(
            [county_row(区划代码="341702")],
            2,
            "区划代码",
            "区划代码“341702”不在上级单位“安庆市科学技术协会”的区划（安庆市）范围内",
            id="region-outside-parent",
        ),
        pytest.param(
            [county_row(名称="太湖县\u202e协科")], 2, "名称", "不可见的控制字符", id="bidi-override"
        ),
        pytest.param([county_row(名称="太湖\x07县科协")], 2, "名称", "不可见的控制字符", id="bell-char"),
        pytest.param(
            [county_row(名称="科" * 101)], 2, "名称", "内容过长（101个字符），最多100个", id="over-long-name"
        ),
        pytest.param(
            [county_row(机构代码="bad code!")], 2, "机构代码", "机构代码只能由字母", id="bad-code-format"
        ),
        pytest.param(
            [county_row(类型="乡镇科协", 区划代码=None, 上级代码="340800-S01")],
            2,
            "类型",
            "乡镇科协不能隶属于学会",
            id="territorial-under-society",
        ),
        pytest.param(
            [county_row(成立日期="去年")], 2, "成立日期", "日期“去年”无法识别", id="unparseable-date"
        ),
        pytest.param(
            [county_row(机构代码="340822", 上级代码="340881", 区划代码="340822")],
            2,
            "上级代码",
            "调整隶属请在单位页面操作",
            id="existing-unit-under-another-parent",
        ),
    ],
)
def test_a_bad_cell_is_refused_with_its_row_and_column(tmp_path, upload, tree, rows, row, column, fragment):
    before = OrgUnit.objects.count()
    batch = upload("city_admin", write_xlsx(tmp_path / "bad.xlsx", rows))
    assert_refused(batch, before)
    assert error_at(batch, row=row, column=column, fragment=fragment)["sheet"] == SHEET


@pytest.mark.parametrize("char", ["\u061c", "\ufeff", "\u2060"], ids=["U+061C", "U+FEFF", "U+2060"])
def test_other_invisible_format_characters_in_a_name_are_refused(tmp_path, upload, tree, char):
    before = OrgUnit.objects.count()
    batch = upload("city_admin", write_xlsx(tmp_path / "inv.xlsx", [county_row(名称=f"太湖{char}县科协")]))
    assert_refused(batch, before)
    error_at(batch, row=2, column="名称", fragment="不可见的控制字符")


def test_cycle_is_refused_on_each_row_of_the_cycle(tmp_path, upload, tree):
    before = OrgUnit.objects.count()
    rows = [
        ["T-A", "甲学会", "学会", "T-B"],
        ["T-B", "乙学会", "学会", "T-A"],
    ]
    batch = upload("city_admin", write_xlsx(tmp_path / "cycle.xlsx", rows, header=HEADER[:4]))
    assert_refused(batch, before)
    error_at(batch, row=2, column="上级代码", fragment="上级关系形成循环")
    error_at(batch, row=3, column="上级代码", fragment="上级关系形成循环")


def test_a_code_used_outside_the_subtree_is_taken_without_saying_where(tmp_path, upload, tree):
    before = OrgUnit.objects.count()
    row = ["340822", "贵池区某科协", "县级科协", "341700", None]
    batch = upload("outsider", write_xlsx(tmp_path / "taken.xlsx", [row]))
    assert_refused(batch, before)
    error_at(batch, row=2, column="机构代码", fragment="机构代码“340822”已被占用")
    text = str(batch.errors)
    for secret in ("怀宁", "安庆", "340800", tree["county"].name):
        assert secret not in text


def test_a_parent_outside_the_subtree_is_refused(tmp_path, upload, tree):
    before = OrgUnit.objects.count()
    row = ["340822-S01", "某学会", "学会", "341700"]
    batch = upload("county_admin", write_xlsx(tmp_path / "p.xlsx", [row], header=HEADER[:4]))
    assert_refused(batch, before)
    error_at(batch, row=2, column="上级代码", fragment="上级代码“341700”不在您的管理范围内")


def test_an_error_row_is_the_excel_row_under_a_title_row(tmp_path, upload):
    rows = happy_rows()
    rows[2][2] = "社团"  # the third data row
    path = write_xlsx(tmp_path / "t.xlsx", rows, title="标题：下属机构")
    batch = upload("city_admin", path)
    # title row 1, header row 2, data rows 3, 4, 5
    (error,) = batch.errors
    assert (error["sheet"], error["row"], error["column"]) == (SHEET, 5, "类型")


def test_an_error_row_is_the_excel_row_when_the_table_starts_lower_down(tmp_path, upload):
    rows = happy_rows()
    rows[0][2] = "社团"
    batch = upload("city_admin", write_xlsx(tmp_path / "low.xlsx", rows, first_row=2))
    # rows 1-2 empty, header row 3, first data row 4
    (error,) = batch.errors
    assert (error["row"], error["column"]) == (4, "类型")


def test_an_error_row_counts_the_empty_rows_above_it(tmp_path, upload):
    rows = happy_rows()
    rows[2][1] = None
    path = write_xlsx(tmp_path / "t.xlsx", [rows[0], [], [], rows[1], rows[2]], title="标题")
    batch = upload("city_admin", path)
    (error,) = batch.errors
    assert (error["row"], error["column"]) == (7, "名称")


def test_a_formula_is_refused_naming_its_cell(tmp_path, upload):
    before = OrgUnit.objects.count()
    rows = [county_row(名称=Formula('="太湖"&"县科协"', "太湖县科协"))]
    batch = upload("city_admin", write_xlsx(tmp_path / "f.xlsx", rows))
    assert_refused(batch, before)
    (error,) = batch.errors
    assert (error["sheet"], error["row"]) == (SHEET, 2)
    assert "单元格 B2 含有公式" in error["message"]


def test_a_formula_is_refused_whatever_the_attribute_order(tmp_path, upload):
    rows = [county_row(名称=Formula('="太湖"&"县科协"', "太湖县科协"))]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="B2" t="str">', b'<c t="str" r="B2">'),
    )
    batch = upload("city_admin", path)
    assert batch.status == ImportBatch.Status.INVALID
    (error,) = batch.errors
    assert (error["sheet"], error["row"]) == (SHEET, 2)
    assert "单元格 B2 含有公式" in error["message"]


def test_a_formula_after_a_formatted_empty_cell_is_named_by_its_own_cell(tmp_path, upload):
    rows = [county_row(简称=BLANK, 成立日期=Formula("=DATE(1986,5,1)", "31168"))]
    batch = upload("city_admin", write_xlsx(tmp_path / "f.xlsx", rows))
    (error,) = batch.errors
    assert error["row"] == 2
    assert "单元格 G2 含有公式" in error["message"]


def test_a_formula_written_with_a_namespace_prefix_is_refused(tmp_path, upload):
    rows = [county_row(名称=Formula('="太湖"&"县科协"', "太湖县科协"))]
    path = write_xlsx(tmp_path / "f.xlsx", rows)

    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1).replace(
            b"</worksheet>", b"</x:worksheet>"
        )
        for tag in (b"sheetData", b"row", b"c", b"v", b"f", b"dimension", b"sheetViews", b"sheetView"):
            xml = xml.replace(b"<" + tag + b" ", b"<x:" + tag + b" ").replace(
                b"<" + tag + b">", b"<x:" + tag + b">"
            )
            xml = xml.replace(b"</" + tag + b">", b"</x:" + tag + b">")
        return xml

    rewrite_member(path, "xl/worksheets/sheet1.xml", prefixed)
    batch = upload("city_admin", path)
    assert batch.status == ImportBatch.Status.INVALID
    assert any("单元格 B2 含有公式" in e["message"] for e in batch.errors)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "文件不是有效的 Excel 工作簿", id="png"),
        pytest.param("机构代码,名称\n340825,太湖\n".encode(), "文件不是有效的 Excel 工作簿", id="csv-text"),
        pytest.param(b"", "文件是空的", id="empty"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, upload, tree, content, fragment):
    before = OrgUnit.objects.count()
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(content)
    batch = upload("city_admin", path)
    assert_refused(batch, before)
    (error,) = batch.errors
    assert fragment in error["message"]


def test_a_truncated_zip_is_refused_as_damaged(tmp_path, upload, happy_file):
    before = OrgUnit.objects.count()
    data = happy_file.read_bytes()
    happy_file.write_bytes(data[: len(data) // 2])
    batch = upload("city_admin", happy_file)
    assert_refused(batch, before)
    assert "文件已损坏" in batch.errors[0]["message"]


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path, upload, happy_file):
    before = OrgUnit.objects.count()
    rewrite_member(happy_file, "xl/workbook.xml", lambda _xml: None)
    batch = upload("city_admin", happy_file)
    assert_refused(batch, before)
    assert "不是 Excel 工作簿" in batch.errors[0]["message"]


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        pytest.param(
            lambda p: corrupt_member_data(p, "xl/worksheets/sheet1.xml"), "文件已损坏", id="corrupt-deflate"
        ),
        pytest.param(
            lambda p: rewrite_member(p, "xl/workbook.xml", lambda _x: b"<not xml"), "文件已损坏", id="bad-xml"
        ),
        pytest.param(
            lambda p: rewrite_member(
                p,
                "xl/workbook.xml",
                lambda x: x.replace(b"<workbook", b'<!DOCTYPE w [<!ENTITY a "b">]><workbook', 1),
            ),
            "不允许的 XML 内容",
            id="dtd",
        ),
        pytest.param(
            lambda p: rewrite_member(p, "xl/_rels/workbook.xml.rels", lambda _x: None),
            "文件已损坏",
            id="no-rels",
        ),
    ],
)
def test_a_damaged_workbook_is_refused_with_a_message(upload, happy_file, damage, fragment):
    before = OrgUnit.objects.count()
    damage(happy_file)
    batch = upload("city_admin", happy_file)
    assert_refused(batch, before)
    (error,) = batch.errors
    assert fragment in error["message"]


def test_a_file_over_the_size_limit_is_refused(settings, upload, happy_file):
    before = OrgUnit.objects.count()
    settings.KEXIE_MAX_UPLOAD_BYTES = 1024
    assert happy_file.stat().st_size > 1024
    batch = upload("city_admin", happy_file)
    assert_refused(batch, before)
    assert "文件过大" in batch.errors[0]["message"]
    assert batch.stored_file == ""  # the oversized upload is not kept


def test_more_rows_than_the_limit_are_refused_at_the_first_extra_row(monkeypatch, upload, happy_file):
    before = OrgUnit.objects.count()
    monkeypatch.setattr(ORGUNIT_SPEC, "max_rows", 2)
    batch = upload("city_admin", happy_file)
    assert_refused(batch, before)
    (error,) = batch.errors
    assert (error["sheet"], error["row"]) == (SHEET, 4)
    assert "数据行数超过上限（2行）" in error["message"]


def test_a_header_without_data_rows_is_refused(tmp_path, upload):
    batch = upload("city_admin", write_xlsx(tmp_path / "empty.xlsx", []))
    assert batch.status == ImportBatch.Status.INVALID
    error_at(batch, row=2, column=None, fragment="表头下面没有数据行")


# ---- 5. all-or-nothing at commit -------------------------------------------------------------


def test_a_code_taken_before_commit_fails_the_whole_batch(upload, commit, happy_file, tree):
    batch = upload("city_admin", happy_file)
    assert batch.status == ImportBatch.Status.VALIDATED
    make_unit(tree["other_city"], "340800-S02", "池州市药学会", OrgType.SOCIETY)
    before = OrgUnit.objects.count()
    batch = commit("city_admin", batch)
    assert batch.status == ImportBatch.Status.FAILED
    error_at(batch, row=4, column="机构代码", fragment="已被占用")
    assert OrgUnit.objects.count() == before
    assert not OrgUnit.objects.filter(code__in=["340825", town_of_taihu().code]).exists()


def test_a_parent_closed_before_commit_fails_the_whole_batch(tmp_path, upload, commit, tree):
    rows = [
        ["340800-S02", "安庆市药学会", "学会", "340800"],
        ["340881-S01", "桐城市科普协会", "学会", "340881"],
    ]
    batch = upload("city_admin", write_xlsx(tmp_path / "c.xlsx", rows, header=HEADER[:4]))
    assert batch.status == ImportBatch.Status.VALIDATED
    OrgUnit.objects.filter(code="340881").update(active_to=dt.date(2024, 1, 1))
    before = OrgUnit.objects.count()
    batch = commit("city_admin", batch)
    assert batch.status == ImportBatch.Status.FAILED
    error_at(batch, row=3, column="类型", fragment="已撤销")
    assert OrgUnit.objects.count() == before


def test_a_failure_while_writing_rolls_back_the_rows_already_written(monkeypatch, upload, commit, happy_file):
    batch = upload("city_admin", happy_file)
    history_before = OrgUnit.history.count()
    real_create = org_services.orgunit_create

    def failing_on_the_society(**kw):
        if kw["data"].code == "340800-S02":
            raise DomainError("写入时出错（模拟）", field="name")
        return real_create(**kw)

    monkeypatch.setattr(org_services, "orgunit_create", failing_on_the_society)
    batch = commit("city_admin", batch)
    assert batch.status == ImportBatch.Status.FAILED
    error_at(batch, row=4, column="名称", fragment="写入时出错")
    assert not OrgUnit.objects.filter(code__in=["340825", town_of_taihu().code]).exists()
    assert OrgUnit.history.count() == history_before
    assert batch.rows_created == 0


def test_retyping_a_unit_below_its_children_is_refused(tmp_path, upload, tree):
    row = ["340822", "怀宁县科学技术协会", "乡镇科协", "340800", "340822"]
    before = OrgUnit.objects.count()
    batch = upload("city_admin", write_xlsx(tmp_path / "retype.xlsx", [row], header=HEADER[:5]))
    assert_refused(batch, before)
    error_at(batch, row=2, column="类型", fragment="其下级“高河镇科协”")


def test_changing_a_region_code_away_from_its_childrens_regions_is_refused(tmp_path, upload, tree):
    before = OrgUnit.objects.count()
    row = ["340822", "怀宁县科学技术协会", "县级科协", "340800", "340825"]
    batch = upload("city_admin", write_xlsx(tmp_path / "region.xlsx", [row], header=HEADER[:5]))
    assert_refused(batch, before)
    error_at(batch, row=2, column="区划代码", fragment="高河镇")


# ---- 6. hostile strings ----------------------------------------------------------------------


HOSTILE = "<script>alert(1)</script>县科协"


def test_a_hostile_name_is_stored_verbatim(tmp_path, upload, commit, tree):
    rows = [["340800-S09", HOSTILE, "学会", "340800"]]
    batch = commit(
        "city_admin", upload("city_admin", write_xlsx(tmp_path / "x.xlsx", rows, header=HEADER[:4]))
    )
    assert batch.status == ImportBatch.Status.COMMITTED
    assert OrgUnit.objects.get(code="340800-S09").name == HOSTILE


def test_a_hostile_name_is_escaped_on_the_unit_page(tmp_path, upload, commit, login, tree):
    rows = [["340800-S09", HOSTILE, "学会", "340800"]]
    commit("city_admin", upload("city_admin", write_xlsx(tmp_path / "x.xlsx", rows, header=HEADER[:4])))
    unit = OrgUnit.objects.get(code="340800-S09")
    html = login("city_admin").get(f"/orgs/{unit.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;县科协" in html
    assert "<script>alert" not in html


def test_a_hostile_name_is_escaped_in_the_batch_preview(tmp_path, upload, login, tree):
    rows = [["340800-S09", HOSTILE, "学会", "340800"]]
    batch = upload("city_admin", write_xlsx(tmp_path / "x.xlsx", rows, header=HEADER[:4]))
    html = login("city_admin").get(f"/imports/batch/{batch.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)" in html
    assert "<script>alert" not in html


def test_hostile_cell_text_is_escaped_in_the_error_list(tmp_path, upload, login, tree):
    batch = upload("city_admin", write_xlsx(tmp_path / "x.xlsx", [county_row(类型="<b onmouseover=x>学会")]))
    assert batch.status == ImportBatch.Status.INVALID
    html = login("city_admin").get(f"/imports/batch/{batch.pk}/").content.decode()
    assert "“&lt;b onmouseover=x&gt;学会”不是可选值" in html
    assert "<b onmouseover" not in html


# ---- 7. scoping ------------------------------------------------------------------------------


def test_an_outsider_cannot_open_the_citys_batch(upload, login, happy_file):
    batch = upload("city_admin", happy_file)
    assert login("outsider").get(f"/imports/batch/{batch.pk}/").status_code == 404


def test_an_outsider_cannot_commit_the_citys_batch(upload, login, happy_file):
    batch = upload("city_admin", happy_file)
    assert login("outsider").post(f"/imports/batch/{batch.pk}/commit/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    assert not OrgUnit.objects.filter(code="340825").exists()


@pytest.mark.parametrize("persona", ["county_filler", "county_viewer", "township_filler"])
def test_a_non_admin_gets_404_for_the_org_import(login, persona):
    client = login(persona)
    assert client.get(UPLOAD_URL).status_code == 404
    assert client.get(UPLOAD_URL + "template.xlsx").status_code == 404


def test_a_filler_cannot_upload_through_the_service(upload, happy_file):
    with pytest.raises(PermissionDeniedError):
        upload("county_filler", happy_file)
    assert not ImportBatch.objects.exists()


def test_the_outsiders_batch_list_leaves_out_the_citys_batch(upload, login, happy_file):
    upload("city_admin", happy_file, file_name="安庆机构.xlsx")
    assert "安庆机构.xlsx" in login("city_admin").get("/imports/").content.decode()
    assert "安庆机构.xlsx" not in login("outsider").get("/imports/").content.decode()


def test_the_template_is_a_real_workbook_with_the_spec_header_and_a_type_dropdown(login, tree):
    response = login("city_admin").get(UPLOAD_URL + "template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]] == [c.label for c in ORGUNIT_SPEC.columns]
    type_col = "ABCDEFG"[[c.key for c in ORGUNIT_SPEC.columns].index("org_type")]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(f"{type_col}2" in str(dv.sqref) and "县级科协" in dv.formula1 for dv in lists)


def test_the_template_as_downloaded_passes_the_check(tmp_path, login, upload, tree):
    path = tmp_path / "template.xlsx"
    path.write_bytes(login("city_admin").get(UPLOAD_URL + "template.xlsx").content)
    batch = upload("city_admin", path)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors


# ---- 8. the web flow -------------------------------------------------------------------------


def test_web_upload_preview_and_commit(login, happy_file):
    client = login("city_admin")
    with happy_file.open("rb") as fh:
        response = client.post(UPLOAD_URL, {"file": fh})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/batch/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "待确认" in page
    assert "太湖县科学技术协会" in page
    assert "安庆市药学会" in page
    response = client.post(f"/imports/batch/{batch.pk}/commit/", follow=True)
    page = response.content.decode()
    assert "已导入" in page
    assert "导入完成：新增3条，更新0条。" in page
    assert OrgUnit.objects.filter(code__in=[*NEW_CODES, town_of_taihu().code]).count() == 3


def test_web_upload_of_a_bad_file_lists_the_errors_with_row_and_column(tmp_path, login, tree):
    path = write_xlsx(tmp_path / "bad.xlsx", [county_row(), county_row(机构代码="340826", 类型="县科协")])
    client = login("city_admin")
    with path.open("rb") as fh:
        response = client.post(UPLOAD_URL, {"file": fh}, follow=True)
    page = response.content.decode()
    assert "校验未通过" in page
    assert "<th>行</th><th>列</th>" in page
    assert "<td>3</td><td>类型</td><td>“县科协”不是可选值" in page
    assert 'data-testid="commit"' not in page


def preview_by_header(html: str) -> dict[str, str]:
    """{column header: cell} of the first preview row on a batch page."""
    table = html[html.index("预览（") :]
    heads = re.findall(r"<th>(.*?)</th>", table[: table.index("</thead>")])
    body = table[table.index("<tbody>") :]
    cells = re.findall(r"<td>(.*?)</td>", body[: body.index("</tr>")])
    return dict(zip(heads, cells, strict=False))


def test_batch_page_preview_puts_each_value_under_its_header(login, happy_file):
    client = login("city_admin")
    with happy_file.open("rb") as fh:
        page = client.post(UPLOAD_URL, {"file": fh}, follow=True).content.decode()
    row = preview_by_header(page)
    assert (row["行"], row["机构代码"], row["区划代码"], row["简称"]) == (
        "2",
        "340825",
        "340825",
        "太湖县科协",
    )


def test_batch_page_preview_stays_aligned_when_an_optional_column_is_absent(tmp_path, login):
    header = ["机构代码", "名称", "类型", "上级代码", "简称"]
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["340825", "太湖县科学技术协会", "县级科协", "340800", "太湖县科协"]],
        header=header,
    )
    client = login("city_admin")
    with path.open("rb") as fh:
        page = client.post(UPLOAD_URL, {"file": fh}, follow=True).content.decode()
    row = preview_by_header(page)
    assert row.get("区划代码", "") == ""
    assert row["简称"] == "太湖县科协"


# ---- 9. double commit ------------------------------------------------------------------------


def test_committing_the_same_batch_twice_is_refused(upload, commit, happy_file):
    batch = commit("city_admin", upload("city_admin", happy_file))
    count = OrgUnit.objects.count()
    with pytest.raises(DomainError, match="已导入"):
        commit("city_admin", batch)
    assert OrgUnit.objects.count() == count


def test_a_stale_copy_of_a_committed_batch_writes_nothing_more(upload, commit, happy_file):
    batch = upload("city_admin", happy_file)
    stale = ImportBatch.objects.get(pk=batch.pk)  # as loaded by a second, concurrent request
    commit("city_admin", batch)
    count = OrgUnit.objects.count()
    try:
        result = commit("city_admin", stale)
    except DomainError:
        result = ImportBatch.objects.get(pk=batch.pk)
    assert result.status == ImportBatch.Status.COMMITTED
    assert (result.rows_created, result.rows_updated) == (3, 0)
    assert OrgUnit.objects.count() == count

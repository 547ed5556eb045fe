"""Reading uploaded spreadsheets safely: container checks, header matching, typed cells.

Checks, in order, each with a precise Chinese message: file size, that the bytes are really an
Excel workbook (a renamed file is refused), zip-bomb sizes, formulas (refused: a cell's cached value
can differ from what the sheet shows), then header matching with Chinese aliases and per-cell typing.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import join as posix_join

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as ET

MAX_UNCOMPRESSED = 400 * 1024 * 1024  # an .xlsx that inflates beyond this is refused (zip bomb)
HEADER_SCAN_ROWS = 10
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>", re.S)
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


@dataclass(frozen=True)
class CellError:
    """One problem, located as precisely as possible (row is the Excel row number, 1-based)."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.sheet:
            where += f"工作表“{self.sheet}”"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"message": self.message, "sheet": self.sheet, "row": self.row, "column": self.column}


class SpreadsheetError(Exception):
    def __init__(self, errors: list[CellError]):
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Column:
    """A column an importer understands: key in code, label in the template, aliases seen in 台账."""

    key: str
    label: str
    required: bool = False
    kind: str = "text"  # text | code | int | date
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    help: str = ""
    example: str = ""
    max_length: int = 200


@dataclass
class Row:
    number: int  # Excel row number
    values: dict[str, object]
    errors: list[CellError] = field(default_factory=list)


@dataclass
class Sheet:
    name: str
    header_row: int
    columns: dict[str, Column]  # key → column found
    column_letters: dict[str, str]  # key → Excel column letter
    rows: list[Row]
    empty_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def normalise_header(text: object) -> str:
    value = str(text or "").strip()
    value = re.sub(r"[\s*＊]", "", value)
    value = value.replace("（", "(").replace("）", ")")
    return re.sub(r"\((必填|选填|可选|可空)\)$", "", value)


def check_container(path: Path, *, max_bytes: int) -> None:
    """Refuse what is not a plain, formula-free Excel workbook, before any parsing."""
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError([CellError("文件是空的。")])
    if size > max_bytes:
        raise SpreadsheetError(
            [
                CellError(
                    f"文件过大（{size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB，请拆分后分批导入。"
                )
            ]
        )
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return  # legacy .xls (BIFF); calamine reads it, formulas are stored with cached values
    if not magic.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            [
                CellError(
                    "文件不是有效的 Excel 工作簿（.xlsx/.xls）。请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
                )
            ]
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                raise SpreadsheetError([CellError("文件是压缩包但不是 Excel 工作簿（.xlsx）。")])
            if sum(info.file_size for info in zf.infolist()) > MAX_UNCOMPRESSED:
                raise SpreadsheetError([CellError("文件解压后体积异常巨大，已拒绝（可能是恶意文件）。")])
            _check_formulas(zf)
    except DefusedXmlException:
        raise SpreadsheetError(
            [CellError("文件含有不允许的 XML 内容（DTD/实体声明），已拒绝（可能是恶意文件）。")]
        ) from None
    except (zipfile.BadZipFile, zlib.error, KeyError, ET.ParseError, EOFError, ValueError):
        # a damaged member, malformed workbook XML or a missing part: all mean "not a usable workbook"
        raise SpreadsheetError([CellError("文件已损坏，无法作为 Excel 工作簿打开。")]) from None


def _sheet_files(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) in workbook order."""
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    result = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posix_join("xl", target)
        result.append((sheet.get("name", ""), part))
    return result


def _check_formulas(zf: zipfile.ZipFile) -> None:
    errors = []
    for sheet_name, part in _sheet_files(zf):
        try:
            data = zf.read(part)
        except KeyError:
            continue
        for cell in _CELL.finditer(data):
            if not _FORMULA_TAG.search(cell.group(2)):
                continue
            ref = _CELL_REF.search(cell.group(1))
            col, row = (ref.group(1).decode(), int(ref.group(2))) if ref else ("", None)
            errors.append(
                CellError(
                    f"单元格 {col}{row or ''} 含有公式。请先“复制 → 选择性粘贴为数值”再导入。",
                    sheet=sheet_name,
                    row=row,
                )
            )
            if len(errors) >= 20:
                raise SpreadsheetError(errors)
    if errors:
        raise SpreadsheetError(errors)


def _iter_sheet(path: Path) -> tuple[str, Iterator[list], int, int]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for broken files
        raise SpreadsheetError(
            [CellError(f"无法读取工作簿：{type(exc).__name__}。请确认文件未加密、未损坏。")]
        ) from exc
    visible = [
        m.name for m in workbook.sheets_metadata if m.visible == python_calamine.SheetVisibleEnum.Visible
    ] or workbook.sheet_names
    if not visible:
        raise SpreadsheetError([CellError("工作簿中没有工作表。")])
    sheet = workbook.get_sheet_by_name(visible[0])
    # calamine pads leading empty rows but starts each row at the first used column
    _first_row, first_col = sheet.start or (0, 0)
    return visible[0], sheet.iter_rows(), 0, first_col


def read_sheet(path: Path, columns: tuple[Column, ...], *, max_rows: int) -> Sheet:
    """Find the header (it may sit below a title row), map columns, and type every cell."""
    sheet_name, rows_iter, row_offset, col_offset = _iter_sheet(path)
    by_name: dict[str, Column] = {}
    for col in columns:
        for name in (col.label, *col.aliases):
            by_name[normalise_header(name)] = col
    required = [c for c in columns if c.required]

    header_row = None
    buffered: list[list] = []
    for raw in rows_iter:
        buffered.append(raw)
        found = {by_name[normalise_header(v)].key for v in raw if normalise_header(v) in by_name}
        if (required and all(c.key in found for c in required)) or (not required and found):
            header_row = len(buffered) + row_offset
            break
        if len(buffered) >= HEADER_SCAN_ROWS:
            break
    if header_row is None:
        labels = "、".join(c.label for c in required)
        best = max(buffered, key=lambda r: sum(normalise_header(v) in by_name for v in r), default=[])
        have = {by_name[normalise_header(v)].key for v in best if normalise_header(v) in by_name}
        missing = "、".join(c.label for c in required if c.key not in have) or labels
        raise SpreadsheetError(
            [
                CellError(
                    f"未找到表头：前{HEADER_SCAN_ROWS}行中没有同时包含“{labels}”的一行（缺少：{missing}）。请使用导入模板。",
                    sheet=sheet_name,
                )
            ]
        )

    header = buffered[header_row - row_offset - 1]
    found_cols: dict[str, Column] = {}
    letters: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[CellError] = []
    for index, value in enumerate(header):
        name = normalise_header(value)
        if not name:
            continue
        col = by_name.get(name)
        if col is None:
            ignored.append(str(value).strip())
            continue
        if col.key in positions:
            errors.append(
                CellError(
                    f"表头“{value}”与第{column_letter(positions[col.key] + col_offset)}列重复（都表示“{col.label}”）。",
                    sheet=sheet_name,
                    row=header_row,
                    column=column_letter(index + col_offset),
                )
            )
            continue
        found_cols[col.key] = col
        letters[col.key] = column_letter(index + col_offset)
        positions[col.key] = index
    if errors:
        raise SpreadsheetError(errors)

    result = Sheet(sheet_name, header_row, found_cols, letters, [], ignored_headers=ignored)
    row_number = header_row
    for raw in rows_iter:
        row_number += 1
        if all(v in ("", None) or (isinstance(v, str) and not v.strip()) for v in raw):
            result.empty_rows += 1
            continue
        if len(result.rows) >= max_rows:
            raise SpreadsheetError(
                [
                    CellError(
                        f"数据行数超过上限（{max_rows}行），请拆分后分批导入。",
                        sheet=sheet_name,
                        row=row_number,
                    )
                ]
            )
        row = Row(row_number, {})
        for key, col in found_cols.items():
            pos = positions[key]
            raw_value = raw[pos] if pos < len(raw) else ""
            try:
                row.values[key] = coerce(raw_value, col)
            except ValueError as exc:
                row.errors.append(CellError(str(exc), sheet=sheet_name, row=row_number, column=col.label))
        result.rows.append(row)
    return result


def coerce(value: object, col: Column) -> object:
    """Type one cell for `col`; raises ValueError with a Chinese message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if col.required:
            raise ValueError("必填，不能为空。")
        return None
    if col.kind in ("text", "code"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # codes typed as numbers come back as floats (340800.0)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.strftime("%Y-%m-%d")
        text = str(value).strip()
        if len(text) > col.max_length:
            raise ValueError(f"内容过长（{len(text)}个字符），最多{col.max_length}个。")
        if col.choices and text not in col.choices:
            raise ValueError(f"“{text}”不是可选值（可选：{'、'.join(col.choices)}）。")
        return text
    if col.kind == "int":
        if isinstance(value, bool):
            raise ValueError("应为整数。")
        if isinstance(value, (int, float)):
            if float(value) != int(value):
                raise ValueError(f"应为整数，实际为{value}。")
            return int(value)
        text = str(value).strip().replace(",", "").replace("，", "")
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"应为整数，实际为“{text[:20]}”。")
        return int(text)
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                pass
        raise ValueError(f"日期“{text[:20]}”无法识别，请写成 2024-05-30 的形式。")
    raise ValueError(f"未知的列类型 {col.kind}")

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
from collections.abc import Iterator, Mapping
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
    sensitive: bool = False  # a whole value is never shown, stored or logged (kexie.imports.sensitive)


@dataclass
class Row:
    number: int  # Excel row number
    values: dict[str, object]
    errors: list[CellError] = field(default_factory=list)
    raw: list | None = field(default=None, repr=False)  # the cells as read (corrections applied)


@dataclass
class Sheet:
    name: str
    header_row: int
    columns: dict[str, Column]  # key → column found
    column_letters: dict[str, str]  # key → Excel column letter
    rows: list[Row]
    empty_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    estimated_rows: int = 0  # rows below the header, empty ones included (known before reading them)
    positions: dict[str, int] = field(default_factory=dict)  # key → index in the raw row
    _stream: Iterator[Row] | None = field(default=None, repr=False)

    def iter_rows(self) -> Iterator[Row]:
        """The data rows: the kept list when there is one, otherwise the stream (consumable once)."""
        if self._stream is None:
            return iter(self.rows)
        stream, self._stream = self._stream, None
        return stream


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


def _has_formula_tag(zf: zipfile.ZipFile, part: str) -> bool:
    """Stream the part (1 MB at a time, never the whole XML in memory) looking for any <f> tag."""
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if _FORMULA_TAG.search(data):
                return True
            tail = data[-16:]
    return False


def _check_formulas(zf: zipfile.ZipFile) -> None:
    errors = []
    for sheet_name, part in _sheet_files(zf):
        try:
            if not _has_formula_tag(zf, part):
                continue  # the common case: one streaming pass, no per-cell parsing
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


def _iter_sheet(path: Path) -> tuple[str, Iterator[list], int, int, int]:
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
    return visible[0], sheet.iter_rows(), 0, first_col, sheet.height


def read_sheet(path: Path, columns: tuple[Column, ...], *, max_rows: int) -> Sheet:
    """Find the header (it may sit below a title row), map columns, and type every cell; all rows
    are kept in `sheet.rows` (small files). Large files go through `open_sheet` and `iter_rows`."""
    sheet = open_sheet(path, columns, max_rows=max_rows)
    sheet.rows = list(sheet.iter_rows())
    return sheet


Corrections = Mapping[int, Mapping[str, str]]  # Excel row number → column key → text typed on the page


def open_sheet(
    path: Path, columns: tuple[Column, ...], *, max_rows: int, corrections: Corrections | None = None
) -> Sheet:
    """Find the header and map the columns now; the data rows are typed one at a time as
    `sheet.iter_rows()` is consumed (once), so no list of all rows is ever built in Python.

    python-calamine parses the whole worksheet into its own (Rust) memory when it is opened — about
    as large as the uncompressed cell values — and hands out one Python row at a time.

    `corrections` replace cells of the file by text a user typed on the batch page (the stored file
    itself is never changed); they are typed and checked exactly like the file's own cells."""
    sheet_name, rows_iter, row_offset, col_offset, height = _iter_sheet(path)
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

    result = Sheet(
        sheet_name, header_row, found_cols, letters, [], ignored_headers=ignored, positions=positions
    )
    result.estimated_rows = max(0, height - header_row)
    result._stream = _typed_rows(result, rows_iter, positions, max_rows, corrections or {})
    return result


def _corrected(raw: list, fixes: Mapping[str, str], positions: dict[str, int]) -> list:
    raw = list(raw)
    for key, text in fixes.items():
        pos = positions.get(key)
        if pos is None:
            continue
        if pos >= len(raw):
            raw.extend([""] * (pos + 1 - len(raw)))
        raw[pos] = text
    return raw


def cell_text(value: object) -> str:
    """A cell as a person would type it again: dates as 2025-03-01, whole numbers without “.0”."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _typed_rows(
    sheet: Sheet,
    rows_iter: Iterator[list],
    positions: dict[str, int],
    max_rows: int,
    corrections: Corrections,
) -> Iterator[Row]:
    found = [
        (key, col, positions[key], col.kind == "text" and not col.choices, col.kind, col.choices or ())
        for key, col in sheet.columns.items()
    ]
    count = 0
    row_number = sheet.header_row
    for raw in rows_iter:
        row_number += 1
        if corrections and row_number in corrections:
            raw = _corrected(raw, corrections[row_number], positions)
        if all(v in ("", None) or (isinstance(v, str) and not v.strip()) for v in raw):
            sheet.empty_rows += 1
            continue
        if count >= max_rows:
            raise SpreadsheetError(
                [
                    CellError(
                        f"数据行数超过上限（{max_rows}行），请拆分后分批导入。",
                        sheet=sheet.name,
                        row=row_number,
                    )
                ]
            )
        count += 1
        row = Row(row_number, {}, raw=raw)
        values = row.values
        width = len(raw)
        for key, col, pos, plain, kind, choices in found:
            raw_value = raw[pos] if pos < width else ""
            # the common cases first, without the general path's checks (coerce() gives the same)
            if raw_value == "" or raw_value is None:
                if not col.required:
                    values[key] = None  # an empty optional cell
                    continue
            elif plain and type(raw_value) is str and len(raw_value) <= col.max_length:
                # text: stripped, below max_length
                text = raw_value.strip()
                if text or not col.required:
                    values[key] = text or None
                    continue
            elif type(raw_value) is str and raw_value in choices:
                values[key] = raw_value  # one of the column's choices, as written in the template
                continue
            elif kind == "int" and (
                type(raw_value) is int or (type(raw_value) is float and raw_value.is_integer())
            ):
                values[key] = int(raw_value)  # a number cell holding a whole number
                continue
            elif kind == "date" and type(raw_value) is dt.date:
                values[key] = raw_value  # a date cell
                continue
            try:
                values[key] = coerce(raw_value, col)
            except ValueError as exc:
                row.errors.append(CellError(str(exc), sheet=sheet.name, row=row_number, column=col.label))
        yield row


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

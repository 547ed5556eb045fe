"""Builders of .xlsx files for the import tests (XlsxWriter, written into pytest's tmp_path).

Cells are written with their real Excel types: numbers as numbers, dates as dates, `Formula(...)`
as a formula with a cached value, BLANK as an empty formatted cell, None as no cell at all. An optional title row sits above the header.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import xlsxwriter

HEADER = ["机构代码", "名称", "类型", "上级代码", "区划代码", "简称", "成立日期"]
SHEET = "组织机构"


class Formula(str):
    """A cell written with write_formula (its cached value is `value`)."""

    def __new__(cls, formula: str, value: str = ""):
        obj = super().__new__(cls, formula)
        obj.value = value
        return obj


class Blank:
    """An empty cell that carries a format (Excel writes these as <c r=".." s=".."/>)."""


BLANK = Blank()


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] | None = HEADER,
    title: str | None = None,
    sheet: str = SHEET,
    first_col: int = 0,
    first_row: int = 0,
) -> Path:
    """Write `rows` below `header` (and below `title` when given); returns `path`.

    A row given as [] is left empty (an empty row in the middle of the data); `first_row` and
    `first_col` leave that many empty rows above and columns to the left of the table."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = first_row
    if title is not None:
        ws.write_string(r, first_col, title)
        r += 1
    if header is not None:
        for c, label in enumerate(header):
            ws.write_string(r, first_col + c, label)
        r += 1
    for values in rows:
        for c, value in enumerate(values):
            col = first_col + c
            if value is None:
                continue
            if isinstance(value, Blank):
                ws.write_blank(r, col, None, date_fmt)
            elif isinstance(value, Formula):
                ws.write_formula(r, col, str(value), None, value.value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, col, value, date_fmt)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, bool):
                ws.write_boolean(r, col, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
        r += 1
    wb.close()
    return path


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes | None]) -> Path:
    """Rewrite one part of the zip container in place (None drops the part)."""
    src = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = change(data)
                if data is None:
                    continue
            zout.writestr(info.filename, data)
    path.write_bytes(out.getvalue())
    return path


def corrupt_member_data(path: Path, member: str) -> Path:
    """Damage the compressed bytes of one member, leaving the zip directory intact."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        offset = zf.getinfo(member).header_offset
    # local file header: 30 fixed bytes, then the name and the extra field (lengths at 26 and 28)
    name_len = int.from_bytes(data[offset + 26 : offset + 28], "little")
    extra_len = int.from_bytes(data[offset + 28 : offset + 30], "little")
    start = offset + 30 + name_len + extra_len
    for i in (start + 2, start + 3):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path

"""Writing .xlsx files (exports and import templates) with XlsxWriter; one place for the look."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

from kexie.core.text import excel_safe

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class SheetData:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = ()
    notes: Sequence[str] = ()  # lines written above the header (e.g. filter description)
    dropdowns: dict[int, Sequence[str]] = field(default_factory=dict)  # column index → allowed values
    required: Sequence[int] = ()  # column indexes shown as required


def build_workbook(sheets: Sequence[SheetData]) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "font_name": "宋体"})
    head_req = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_name": "宋体"})
    note = wb.add_format({"italic": True, "font_color": "#666666"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    text = wb.add_format({"num_format": "@"})
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.title[:31])
        row = 0
        for line in sheet.notes:
            ws.write_string(row, 0, line, note)
            row += 1
        for col, header in enumerate(sheet.headers):
            ws.write_string(row, col, header, head_req if col in sheet.required else head)
            ws.set_column(col, col, sheet.widths[col] if col < len(sheet.widths) else 16, text)
        ws.freeze_panes(row + 1, 0)
        header_row = row
        for values in sheet.rows:
            row += 1
            for col, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.datetime):
                    ws.write_datetime(row, col, value.replace(tzinfo=None), date)
                elif isinstance(value, dt.date):
                    ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(row, col, value)
                else:
                    ws.write_string(row, col, str(excel_safe(str(value))))
        for col, choices in sheet.dropdowns.items():
            ws.data_validation(
                header_row + 1,
                col,
                header_row + 5000,
                col,
                {
                    "validate": "list",
                    "source": list(choices),
                    "error_title": "无效的值",
                    "error_message": "请从下拉列表中选择。",
                },
            )
    wb.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

"""Rendering a report version: .docx (python-docx, from the reference document) and PDF (WeasyPrint).

Both end with the same appendix, one row per linked figure: the text as printed, the indicator (name
and code), the period (and base period of a change), the scope (unit), the value and the number of
records behind it — so every figure in the document can be traced without the web page.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK

from kexie.reports import wordstyles
from kexie.reports.document import iter_figures, span_text

REFERENCE = Path(__file__).parent / "assets" / "reference.docx"
APPENDIX_TITLE = "附：数字来源"
APPENDIX_HEADER = ["序号", "文中数字", "指标（代码）", "期间", "范围", "数值", "记录数"]
KIND_LABELS = {"value": "", "share": "占比", "rank": "位次", "growth": "增幅", "pp": "变化"}


def _value_text(fig: dict) -> str:
    value = fig["value"]
    kind = fig["kind"]
    if kind == "growth":
        return f"{value * 100:.2f}%"
    if kind == "share":
        return f"{value:.2f}%"
    if kind == "pp":
        return f"{value:+.2f}个百分点"
    if kind == "rank":
        return f"第{value}位（共{fig.get('siblings', '')}个，值{fig.get('ranked_value', '')}）"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def appendix_rows(body: dict) -> list[list[str]]:
    """One row per linked figure, in reading order (the .docx and PDF appendix)."""
    rows = []
    for n, fig in enumerate(iter_figures(body), start=1):
        kind = KIND_LABELS.get(fig["kind"], "")
        name = f"{fig['name']}{'·' + kind if kind else ''}（{fig['code']}）"
        if fig.get("key_label"):
            name += f"，{fig['key_label']}"
        period = fig["period_label"]
        if fig.get("base_period_label"):
            period += f"，较{fig['base_period_label']}"
        scope = fig["unit_name"]
        if fig.get("parent_name") and fig["kind"] in ("share", "rank"):
            scope += f"（在{fig['parent_name']}中）"
        rows.append([str(n), fig["text"], name, period, scope, _value_text(fig), str(fig["count"])])
    return rows


FACTS_TITLE = "附：照录事项来源"
FACTS_HEADER = ["序号", "表述（照录）", "单位", "时间", "授予/发布单位", "来源"]


def fact_rows(body: dict) -> list[list[str]]:
    """One row per stated fact (荣誉、排名、率先 from the facts register) still marked in the text."""
    rows = []
    for block in body.get("blocks", []):
        for span in block.get("spans", []) if block["kind"] == "paragraph" else []:
            fact = span.get("fact")
            if fact:
                rows.append(
                    [
                        str(len(rows) + 1),
                        span["text"],
                        fact["unit_name"],
                        fact["when"],
                        fact["issuer"],
                        fact["source"],
                    ]
                )
    return rows


# --------------------------------------------------------------------------- .docx


def _cell_text(cell, text: str, style: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    run = paragraph.add_run(text)
    run.bold = bold


def _add_table(document, header: list[str], rows: list[list[str]], style: str) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(header):
        _cell_text(table.rows[0].cells[i], text, style, bold=True)
    for r, row in enumerate(rows, start=1):
        cells = table.rows[r].cells
        for i, text in enumerate(row):
            _cell_text(cells[i], text, style)


def render_docx(body: dict) -> bytes:
    """The report as a .docx: title, headings, paragraphs, tables, then the appendix of figures."""
    document = Document(str(REFERENCE))
    document.add_paragraph(body["title"], style="Title")
    for block in body["blocks"]:
        if block["kind"] == "heading":
            document.add_paragraph(
                block["text"], style="Heading 1" if block.get("level", 1) == 1 else "Heading 2"
            )
        elif block["kind"] == "paragraph":
            document.add_paragraph("".join(span_text(s) for s in block["spans"]), style="Normal")
        elif block["kind"] == "table":
            if block.get("caption"):
                document.add_paragraph(block["caption"], style=wordstyles.CAPTION_STYLE)
            rows = [[span_text(c) for c in row] for row in block["rows"]]
            _add_table(document, block["header"], rows, wordstyles.TABLE_STYLE)
    rows = appendix_rows(body)
    if rows:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_paragraph(APPENDIX_TITLE, style="Heading 1")
        document.add_paragraph(
            f"本报告共有{len(rows)}个数字由系统根据活动记录计算，逐项列出其指标、期间、范围、数值和所依据的记录数，"
            "可在平台上按同样条件查到这些记录。",
            style="Normal",
        )
        _add_table(document, APPENDIX_HEADER, rows, wordstyles.APPENDIX_STYLE)
    facts = fact_rows(body)
    if facts:
        document.add_paragraph(FACTS_TITLE, style="Heading 1")
        document.add_paragraph("以下事项不由系统计算，按来源文件原文照录。", style="Normal")
        _add_table(document, FACTS_HEADER, facts, wordstyles.APPENDIX_STYLE)
    document.core_properties.title = body["title"]
    document.core_properties.author = "kexie"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def render_html(body: dict, *, version_label: str = "") -> str:
    """The print HTML WeasyPrint lays out (CJK TrueType fonts, footer "第 N 页")."""
    return render_to_string(
        "reports/print.html",
        {
            "body": body,
            "appendix": appendix_rows(body),
            "header": APPENDIX_HEADER,
            "version_label": version_label,
        },
    )


def render_pdf(body: dict, *, version_label: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(body, version_label=version_label)).write_pdf()

""".docx and PDF: open, contain the (edited) text and the figures, appendix, East Asian fonts, CJK glyphs."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from kexie.reports import exports, wordstyles
from kexie.reports.document import iter_figures, span_text
from kexie.reports.exports import APPENDIX_HEADER, REFERENCE
from kexie.reports.models import Report, ReportVersion


def poppler(tool: str, *args: str) -> str:
    """Run a poppler-utils tool (installed by scripts/setup.sh) and return its output."""
    path = shutil.which(tool)
    assert path, f"{tool} missing: run scripts/setup.sh dev (poppler-utils)"
    return subprocess.run([path, *args], capture_output=True, text=True, check=True).stdout  # noqa: S603


@pytest.fixture
def edited(tree, people, login, activities, media):
    """A generated annual review whose first paragraph was edited in the browser (version 2)."""
    client = login("county_filler")
    client.post("/reports/new/", {"template": "annual", "unit": tree["county"].pk, "period": "2024"})
    report = Report.objects.get()
    block = next(b for b in report.versions.get().body["blocks"] if b["kind"] == "paragraph")
    text = "".join(f"【{s['figure']['text']}】" if "figure" in s else s["text"] for s in block["spans"])
    client.post(
        f"/reports/{report.pk}/blocks/{block['id']}/", {"text": "这是修改过的句子。" + text, "base": 1}
    )
    return client, report, report.versions.get(number=2)


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_opens_and_holds_the_text_the_figures_and_an_appendix_row_per_figure(edited):
    client, report, version = edited
    response = client.get(f"/reports/{report.pk}/versions/2/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = _docx_text(document)
    assert "这是修改过的句子。" in text
    figures = list(iter_figures(version.body))
    assert all(f["text"] in text for f in figures)
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == version.body["title"]
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == APPENDIX_HEADER
    rows = appendix.rows[1:]
    assert len(rows) == len(figures)
    for row, fig in zip(rows, figures, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[1] == fig["text"]
        assert fig["code"] in cells[2]
        assert cells[4].startswith(fig["unit_name"])
        assert cells[6] == str(fig["count"])
    body_paragraphs = [b for b in version.body["blocks"] if b["kind"] == "paragraph"]
    docx_normal = [p.text for p in document.paragraphs if p.style.name == "Normal" and p.text]
    assert docx_normal[: len(body_paragraphs)] == [
        "".join(span_text(s) for s in b["spans"]) for b in body_paragraphs
    ]


def test_the_reference_document_sets_east_asian_fonts_on_every_style():
    document = Document(str(REFERENCE))
    styles = document.styles
    expected = {
        "Normal": wordstyles.BODY_FONT,
        "Title": wordstyles.TITLE_FONT,
        "Heading 1": wordstyles.HEADING1_FONT,
        "Heading 2": wordstyles.HEADING2_FONT,
        wordstyles.TABLE_STYLE: wordstyles.BODY_FONT,
        wordstyles.APPENDIX_STYLE: wordstyles.BODY_FONT,
    }
    for name, font in expected.items():
        style = styles[name]
        assert wordstyles.east_asian_font(style) == font, name
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name
        assert fonts.get(qn("w:asciiTheme")) is None, name
    normal = styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == 28
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37
    assert round(section.left_margin.mm) == 28
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    font_table = next(
        p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    assert "仿宋_GB2312".encode() in font_table.blob
    assert 'w:altName w:val="仿宋"'.encode() in font_table.blob


def test_the_pdf_is_rendered_by_the_task_and_holds_the_edited_text_and_figures(edited, tmp_path):
    client, report, version = edited
    status = client.get(f"/reports/{report.pk}/versions/2/pdf/status/").content.decode()
    assert 'data-testid="pdf-request"' in status
    response = client.post(f"/reports/{report.pk}/versions/2/pdf/", HTTP_HX_REQUEST="true")
    assert 'data-testid="pdf-download"' in response.content.decode()  # ImmediateBackend: rendered already
    version.refresh_from_db()
    assert version.pdf_status == ReportVersion.PdfStatus.READY
    assert version.pdf.name.endswith(".pdf")
    download = client.get(f"/reports/{report.pk}/versions/2/pdf/download/")
    assert download["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    flat = "".join(text.split())
    assert "这是修改过的句子。" in flat
    assert version.body["title"] in flat
    assert all("".join(f["text"].split()) in flat for f in iter_figures(version.body))
    assert "第1页" in flat
    assert "附：数字来源" in flat
    fonts = poppler("pdffonts", str(pdf))
    assert "UMing" in fonts  # the CJK TrueType face is embedded, not a fallback


def test_a_failed_rendering_is_shown_and_can_be_retried(edited, monkeypatch):

    client, report, _version = edited

    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(exports, "render_pdf", broken)
    html = client.post(f"/reports/{report.pk}/versions/2/pdf/", HTTP_HX_REQUEST="true").content.decode()
    assert "上次生成失败" in html
    assert "字体缺失" in html
    assert 'data-testid="pdf-request"' in html
    assert client.get(f"/reports/{report.pk}/versions/2/pdf/download/").status_code == 404


def test_a_pending_pdf_is_polled_until_it_is_ready(edited):
    client, report, version = edited
    ReportVersion.objects.filter(pk=version.pk).update(pdf_status=ReportVersion.PdfStatus.PENDING)
    pending = client.get(f"/reports/{report.pk}/versions/2/pdf/status/").content.decode()
    assert 'hx-trigger="every 2s"' in pending
    assert 'data-testid="pdf-pending"' in pending
    # a second request while it renders does not enqueue it again
    client.post(f"/reports/{report.pk}/versions/2/pdf/", HTTP_HX_REQUEST="true")
    version.refresh_from_db()
    assert version.pdf_status == ReportVersion.PdfStatus.PENDING
    assert not version.pdf


def test_a_pdf_left_pending_by_a_stopped_worker_can_be_asked_for_again(edited, settings, monkeypatch):
    client, report, version = edited
    long_ago = timezone.now() - dt.timedelta(minutes=settings.KEXIE_TASK_STALLED_MINUTES + 1)
    ReportVersion.objects.filter(pk=version.pk).update(
        pdf_status=ReportVersion.PdfStatus.PENDING, pdf_requested_at=long_ago
    )
    stalled = client.get(f"/reports/{report.pk}/versions/2/pdf/status/").content.decode()
    assert 'data-testid="pdf-stalled"' in stalled
    assert f"超过 {settings.KEXIE_TASK_STALLED_MINUTES} 分钟" in stalled
    assert "hx-trigger" not in stalled  # no more polling of a job nobody runs
    assert "重新生成 PDF" in stalled
    assert 'data-testid="pdf-stalled"' in client.get(f"/reports/{report.pk}/?v=2").content.decode()

    rendered = []
    real = exports.render_pdf
    monkeypatch.setattr(exports, "render_pdf", lambda *a, **kw: rendered.append(1) or real(*a, **kw))
    html = client.post(f"/reports/{report.pk}/versions/2/pdf/", HTTP_HX_REQUEST="true").content.decode()
    assert rendered == [1]  # enqueued again (ImmediateBackend renders it at once)
    assert 'data-testid="pdf-download"' in html
    version.refresh_from_db()
    assert version.pdf_status == ReportVersion.PdfStatus.READY
    assert version.pdf_requested_at > long_ago


def test_a_pdf_pending_for_a_short_while_is_not_asked_for_twice(edited, monkeypatch):
    client, report, version = edited
    rendered = []
    monkeypatch.setattr(exports, "render_pdf", lambda *a, **kw: rendered.append(1) or b"%PDF-1.7")
    ReportVersion.objects.filter(pk=version.pk).update(
        pdf_status=ReportVersion.PdfStatus.PENDING, pdf_requested_at=timezone.now()
    )
    html = client.post(f"/reports/{report.pk}/versions/2/pdf/", HTTP_HX_REQUEST="true").content.decode()
    assert rendered == []
    assert 'data-testid="pdf-pending"' in html

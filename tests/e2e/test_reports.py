"""A county filler generates the annual review, edits a sentence, and exports .docx and PDF."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from kexie.reports.document import iter_figures
from kexie.reports.models import Report
from tests.factories import PASSWORD
from tests.reports.conftest import build_activities

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITED = "这是在浏览器里修改的句子。"
PNG_PREFIX = "/tmp/kexie-report-e2e"  # the first page as PNG, for a person to look at


def _poppler(tool: str, *args: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} missing: run scripts/setup.sh dev (poppler-utils)"
    return subprocess.run([path, *args], capture_output=True, text=True, check=True).stdout  # noqa: S603


def test_generate_edit_and_export_the_annual_review(
    page: Page, live_server, tree, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_activities(tree)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("county_filler")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_have_text("怀宁县科学技术协会")

    page.get_by_role("button", name="统计报表").click()
    page.get_by_role("link", name="工作报告", exact=True).click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.get_by_test_id("new-report").click()
    page.get_by_label("年度工作总结").check()
    page.get_by_label("期间").fill("2024")
    page.get_by_role("button", name="生成初稿").click()
    expect(page.get_by_test_id("report-title")).to_have_text("怀宁县科学技术协会2024年工作总结")
    first_figure = page.get_by_test_id("figure").first
    expect(first_figure).to_have_attribute(
        "href", "/activities/?period=2024&unit=" + str(tree["county"].pk) + "&academic=0"
    )

    # edit the first paragraph: a new sentence in front, the figures left in their 【】
    page.get_by_test_id("edit").click()
    report = Report.objects.get()
    block = next(b for b in report.versions.get().body["blocks"] if b["kind"] == "paragraph")
    editor = page.get_by_test_id(f"block-{block['id']}")
    textarea = editor.locator("textarea")
    original = textarea.input_value()
    assert "【" in original
    textarea.fill(EDITED + original)
    editor.get_by_role("button", name="保存本段").click()
    expect(page.get_by_test_id(f"block-{block['id']}").get_by_test_id("saved")).to_have_text(
        "已保存为第2版。"
    )
    expect(page.get_by_test_id("version-badge")).to_have_text("第2版")
    page.screenshot(path="/tmp/kexie-report-editor.png")
    page.get_by_test_id("done").click()
    expect(page.get_by_test_id("report-body")).to_contain_text(EDITED)
    expect(page.get_by_test_id("version-number")).to_have_text("第2版")
    figures = list(iter_figures(report.versions.get(number=2).body))
    page.screenshot(path="/tmp/kexie-report-page.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_test_id("docx-download").click()
    docx_path = tmp_path / "report.docx"
    info.value.save_as(docx_path)
    document = Document(io.BytesIO(docx_path.read_bytes()))
    docx_text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert EDITED in docx_text
    assert all(f["text"] in docx_text for f in figures)

    page.get_by_test_id("pdf-request").click()
    expect(page.get_by_test_id("pdf-download")).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        page.get_by_test_id("pdf-download").click()
    pdf_path = tmp_path / "report.pdf"
    info.value.save_as(pdf_path)
    flat = "".join(_poppler("pdftotext", str(pdf_path), "-").split())
    assert EDITED in flat
    assert all("".join(f["text"].split()) in flat for f in figures)
    _poppler("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf_path), PNG_PREFIX)

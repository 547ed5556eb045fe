"""Report pages: generate, view with provenance links, edit (versions), restore, and scope denial."""

from __future__ import annotations

import pytest

from kexie.reports.document import iter_figures
from kexie.reports.models import Report, ReportVersion


@pytest.fixture
def report(tree, people, login, activities):
    client = login("county_filler")
    response = client.post(
        "/reports/new/", {"template": "annual", "unit": tree["county"].pk, "period": "2024"}
    )
    assert response.status_code == 302
    return Report.objects.get()


def _para(version: ReportVersion) -> dict:
    """The first paragraph with at least two figures."""
    return next(
        b
        for b in version.body["blocks"]
        if b["kind"] == "paragraph" and sum("figure" in s for s in b["spans"]) >= 2
    )


def _editable(block: dict) -> str:
    return "".join(f"【{s['figure']['text']}】" if "figure" in s else s["text"] for s in block["spans"])


def test_generating_stores_version_one_and_the_page_links_every_figure(report, login, tree):
    assert report.org_unit == tree["county"]
    assert report.template == "annual"
    assert report.period == "2024"
    v1 = report.versions.get()
    assert v1.number == 1
    assert v1.note == "系统生成初稿"
    page = login("county_filler").get(f"/reports/{report.pk}/").content.decode()
    assert "怀宁县科学技术协会2024年工作总结" in page
    figures = list(iter_figures(v1.body))
    assert page.count('data-testid="figure"') == len(figures)
    linked = [f for f in figures if f["href"]]
    assert linked
    assert all(f["href"].replace("&", "&amp;") in page for f in linked)


def test_the_generate_form_shows_the_engines_refusal(tree, people, login):
    response = login("county_filler").post(
        "/reports/new/", {"template": "annual", "unit": tree["county"].pk, "period": "2024"}
    )
    assert response.status_code == 200
    assert "没有可用于“年度工作总结”的数据" in response.content.decode()
    assert not Report.objects.exists()


def test_editing_a_paragraph_makes_a_version_and_keeps_the_figures_linked(report, login):
    client = login("county_filler")
    v1 = report.versions.get()
    block = _para(v1)
    figures = [s["figure"] for s in block["spans"] if "figure" in s]
    text = "经统计，" + _editable(block)
    response = client.post(
        f"/reports/{report.pk}/blocks/{block['id']}/", {"text": text, "base": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已保存为第2版" in html
    assert 'hx-swap-oob="true"' in html
    v2 = report.versions.get(number=2)
    saved = next(b for b in v2.body["blocks"] if b["id"] == block["id"])
    assert saved["spans"][0] == {"text": "经统计，" + block["spans"][0]["text"]}
    assert [s["figure"] for s in saved["spans"] if "figure" in s] == figures
    assert v1.body == report.versions.get(number=1).body  # the old version is untouched
    # saving the same text again makes no version
    client.post(
        f"/reports/{report.pk}/blocks/{block['id']}/", {"text": text, "base": 2}, HTTP_HX_REQUEST="true"
    )
    assert report.versions.count() == 2


def test_retyping_a_figure_unlinks_it_and_says_so(report, login):
    client = login("county_filler")
    block = _para(report.versions.get())
    first = next(s["figure"] for s in block["spans"] if "figure" in s)
    text = _editable(block).replace(f"【{first['text']}】", "很多", 1)
    html = client.post(
        f"/reports/{report.pk}/blocks/{block['id']}/", {"text": text, "base": 1}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"不再关联：{first['text']}" in html
    v2 = report.versions.get(number=2)
    assert first["id"] not in {f["id"] for f in iter_figures(v2.body)}
    assert len(list(iter_figures(v2.body))) == len(list(iter_figures(report.versions.get(number=1).body))) - 1


def test_a_bad_edit_is_refused_and_the_text_kept(report, login):
    block = _para(report.versions.get())
    response = login("county_filler").post(
        f"/reports/{report.pk}/blocks/{block['id']}/",
        {"text": "未配对【的括号", "base": 1},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "最后一个“【”没有配对的“】”" in html
    assert "未配对【的括号" in html
    assert report.versions.count() == 1


def test_a_paragraph_changed_by_someone_else_is_not_overwritten(report, login):
    block = _para(report.versions.get())
    login("county_admin").post(f"/reports/{report.pk}/blocks/{block['id']}/", {"text": "甲的修改", "base": 1})
    client = login("county_filler")
    response = client.post(
        f"/reports/{report.pk}/blocks/{block['id']}/", {"text": "乙的修改", "base": 1}, HTTP_HX_REQUEST="true"
    )
    assert "该段落已被他人修改" in response.content.decode()
    assert report.versions.count() == 2
    other = next(b for b in report.versions.get(number=1).body["blocks"] if b["kind"] == "heading")
    client.post(f"/reports/{report.pk}/blocks/{other['id']}/", {"text": "一、科普工作", "base": 1})
    assert report.versions.count() == 3  # another block edited from the old base still saves


def test_the_title_can_be_edited_and_an_old_version_restored(report, login):
    client = login("county_filler")
    client.post(
        f"/reports/{report.pk}/blocks/title/", {"text": "怀宁县科协2024年工作总结（送审稿）", "base": 1}
    )
    report.refresh_from_db()
    assert report.title == "怀宁县科协2024年工作总结（送审稿）"
    old = client.get(f"/reports/{report.pk}/?v=1").content.decode()
    assert 'data-testid="old-version"' in old
    assert "怀宁县科学技术协会2024年工作总结" in old
    response = client.post(f"/reports/{report.pk}/versions/1/restore/")
    assert response.status_code == 302
    v3 = report.versions.get(number=3)
    assert v3.body == report.versions.get(number=1).body
    assert v3.note == "恢复第1版"
    report.refresh_from_db()
    assert report.title == "怀宁县科学技术协会2024年工作总结"


@pytest.mark.parametrize("who", ["outsider", "township_filler"])
def test_users_outside_the_unit_get_404_everywhere(report, login, who):
    client = login(who)
    base = f"/reports/{report.pk}"
    for url in (
        f"{base}/",
        f"{base}/edit/",
        f"{base}/versions/1/docx/",
        f"{base}/versions/1/pdf/status/",
        f"{base}/versions/1/pdf/download/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/blocks/b2/", f"{base}/versions/1/restore/", f"{base}/versions/1/pdf/"):
        assert client.post(url, {"text": "x", "base": 1}).status_code == 404, url
    assert "怀宁县科学技术协会2024年工作总结" not in client.get("/reports/").content.decode()
    assert report.versions.count() == 1


def test_a_viewer_reads_and_exports_but_cannot_edit(report, login):
    client = login("county_viewer")
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    assert client.get(f"/reports/{report.pk}/versions/1/docx/").status_code == 200
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 404
    assert client.post(f"/reports/{report.pk}/blocks/b2/", {"text": "x", "base": 1}).status_code == 404
    assert client.get("/reports/new/").status_code == 404
    assert "修改文字" not in client.get(f"/reports/{report.pk}/").content.decode()


def test_a_user_cannot_generate_for_a_unit_outside_the_scope(tree, people, login, activities):
    response = login("county_filler").post(
        "/reports/new/", {"template": "annual", "unit": tree["other_county"].pk, "period": "2024"}
    )
    assert response.status_code == 200  # the unit is not among the form's choices
    assert not Report.objects.exists()


def test_the_list_shows_the_reports_in_scope_and_an_empty_state(report, login):
    assert "怀宁县科学技术协会2024年工作总结" in login("city_admin").get("/reports/").content.decode()
    empty = login("outsider").get("/reports/").content.decode()
    assert 'data-testid="empty"' in empty


def test_the_navigation_leads_to_the_reports(tree, people, login):
    page = login("county_filler").get("/reports/").content.decode()
    assert 'href="/reports/"' in page
    assert "还没有工作报告" in page


def test_a_final_report_is_not_edited_until_it_is_a_draft_again(report, login):
    client = login("county_filler")
    client.post(f"/reports/{report.pk}/status/", {"status": "final"})
    report.refresh_from_db()
    assert report.status == Report.Status.FINAL
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 302
    response = client.post(
        f"/reports/{report.pk}/blocks/title/", {"text": "新标题", "base": 1}, HTTP_HX_REQUEST="true"
    )
    assert "报告已定稿" in response.content.decode()
    assert report.versions.count() == 1
    assert (
        login("county_viewer").post(f"/reports/{report.pk}/status/", {"status": "draft"}).status_code == 404
    )
    client.post(f"/reports/{report.pk}/status/", {"status": "draft"})
    client.post(f"/reports/{report.pk}/blocks/title/", {"text": "新标题", "base": 1})
    assert report.versions.count() == 2

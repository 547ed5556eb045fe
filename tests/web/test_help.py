"""The 帮助 page: docs/用户手册.md rendered safely with a table of contents, for logged-in users only."""

import re

from kexie.web.help import guide_path, render_markdown

GUIDE_SECTIONS = [
    "入门",
    "组织机构",
    "科普活动",
    "批量导入",
    "统计分析",
    "工作报告",
    "荣誉与排名",
    "数字核对",
]


def test_help_needs_login(client, db):
    response = client.get("/help/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_help_renders_every_heading_of_the_guide_with_a_table_of_contents(tree, login):
    body = login("county_viewer").get("/help/").content.decode()
    text = guide_path().read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings[: len(GUIDE_SECTIONS)] == GUIDE_SECTIONS  # the guide's structure; later sections follow
    toc = body.split('data-testid="help-toc"')[1].split("</nav>")[0]
    sections = [h for h in render_markdown(text).toc if h.level == 2]
    assert [h.text for h in sections] == [h.strip() for h in headings]
    for h in sections:
        assert f'<h2 id="{h.anchor}">' in body
        assert f'href="#{h.anchor}">{h.text}</a>' in toc
    assert '<h2 id="入门">入门</h2>' in body
    assert "<h1" not in body.split('data-testid="help-body"')[1]  # the guide's title is the page's


def test_raw_html_and_script_links_in_the_guide_are_shown_as_text(db):
    guide = render_markdown(
        "# 手册\n\n## 第一章\n\n<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n[点我](javascript:alert(3))\n'
    )
    assert "<script>" not in guide.html
    assert "<img" not in guide.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in guide.html
    assert 'href="javascript' not in guide.html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in guide.html


def test_headings_get_unique_anchors_and_tables_render(db):
    guide = render_markdown(
        "# 手册\n\n## 导入\n\n### 步骤\n\n## 导入\n\n| 角色 | 权限 |\n|---|---|\n| 填报员 | 录入 |\n"
    )
    assert [(h.level, h.text, h.anchor) for h in guide.toc] == [
        (2, "导入", "导入"),
        (3, "步骤", "步骤"),
        (2, "导入", "导入-2"),
    ]
    assert guide.title == "手册"
    assert "<td>填报员</td>" in guide.html


def test_the_header_help_link_opens_the_section_of_the_page(tree, login):
    client = login("county_filler")
    link = 'class="nav-link px-2" data-testid="help-link"'
    assert f'href="/help/#科普活动" {link}' in client.get("/activities/").content.decode()
    assert f'href="/help/#组织机构" {link}' in client.get("/orgs/").content.decode()
    assert f'href="/help/" {link}' in client.get("/").content.decode()

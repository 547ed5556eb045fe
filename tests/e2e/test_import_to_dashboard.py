"""Issue #3's acceptance flow, in the browser: a county 填报员 imports an .xlsx of 500 real-looking
activities, corrects the one bad row from the preview, commits; the city 管理员's dashboard then shows
the new totals per county, and the county's figure opens exactly its records."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from playwright.sync_api import Page, expect

from kexie.activities.models import Activity
from tests.activities.test_import import HEADER, SHEET
from tests.factories import PASSWORD, make_activity
from tests.imports.helpers import write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 500
BAD = 137  # index of the row whose organiser code is mistyped
TOPICS = {
    "讲座/报告会": ["健康生活科普讲座", "防范电信诈骗讲座", "人工智能与生活报告会", "食品安全讲座"],
    "展览": ["航天科普展", "防灾减灾主题展", "生态文明科普展"],
    "咨询/义诊": ["科技下乡咨询", "专家义诊进社区"],
    "培训": ["水稻绿色防控技术培训", "电商直播技能培训", "茶叶种植技术培训"],
    "竞赛": ["青少年科技创新大赛", "科普知识竞赛"],
    "科普大篷车": ["科普大篷车进校园", "科普大篷车进乡村"],
}
CAMPAIGNS = ["", "", "", "全国科普日", "科技活动周", "科技之春"]


def _rows() -> list[list[object]]:
    rng = random.Random(500)
    rows = []
    for n in range(ROWS):
        kind = rng.choice(list(TOPICS))
        organiser = "340822" if rng.random() < 0.6 else "340822100000"  # 怀宁县 or its 高河镇
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
        campaign = rng.choice(CAMPAIGNS)
        if campaign == "全国科普日":
            day = dt.date(2024, 9, rng.randint(14, 22))
        values = {
            "活动名称": f"{'高河镇' if organiser != '340822' else '怀宁县'}{rng.choice(TOPICS[kind])}（第{n + 1}场）",
            "活动类型": kind,
            "活动品牌": campaign or None,
            "主办单位代码": organiser,
            "开始日期": day,
            "结束日期": None,
            "活动地点": rng.choice(["县科技馆", "高河镇文化站", "县第一中学", "石牌镇农技站"]),
            "形式": "线下",
            "参与人次": rng.randint(20, 800),
            "线上浏览量": 0,
            "参与科技工作者人次": rng.randint(1, 12),
            "参与志愿者人次": rng.randint(0, 10),
            "目标人群": rng.choice(["农民", "青少年", "社区居民、老年人"]),
            "重点活动": "是" if rng.random() < 0.1 else "否",
            "活动简介": "",
        }
        rows.append([values[h] for h in HEADER])
    return rows


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def test_county_imports_500_activities_and_the_city_dashboard_shows_them(
    page: Page, live_server, tree, people, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # what was there before: 3 activities of 怀宁县, 4 of 桐城市 in 2024
    for n in range(3):
        make_activity(tree["county"], f"年初讲座{n}", dt.date(2024, 2, 10 + n), participants=100)
    for n in range(4):
        make_activity(
            tree["county2"],
            f"桐城科普展{n}",
            dt.date(2024, 4, 1 + n),
            activity_type="exhibition",
            participants=50,
        )

    rows = _rows()
    good_code = rows[BAD][HEADER.index("主办单位代码")]
    rows[BAD][HEADER.index("主办单位代码")] = "34O822"  # a letter O typed for a zero
    excel_row = BAD + 3  # a title row, the header, then the data
    path = write_xlsx(
        tmp_path / "怀宁县2024年科普活动台账.xlsx",
        rows,
        header=HEADER,
        sheet=SHEET,
        title="怀宁县2024年科普活动台账",
    )
    imported_participants = sum(r[HEADER.index("参与人次")] for r in rows)

    base = live_server.url
    _login(page, base, "county_filler")
    page.get_by_role("button", name="科学素质").click()
    page.locator("#navbar-menu").get_by_role("link", name="批量导入科普活动").click()
    page.get_by_label("Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()

    # the preview names the bad row and offers it for correction; nothing is written
    expect(page.get_by_test_id("batch-status")).to_have_text("校验未通过")
    errors = page.get_by_test_id("batch-errors")
    expect(errors).to_contain_text("34O822")
    fix_row = page.locator(f'[data-testid="fix-row"][data-row="{excel_row}"]')
    expect(fix_row).to_have_count(1)
    bad_cell = fix_row.locator(f'input[name="fix-{excel_row}-org_code"]')
    expect(bad_cell).to_have_value("34O822")
    assert not Activity.objects.filter(org_unit=tree["county"]).exclude(title__startswith="年初").exists()
    page.screenshot(path="/tmp/import_fix.png", full_page=True)

    bad_cell.fill(good_code)
    page.get_by_test_id("fix-save").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("待确认")
    expect(page.get_by_test_id("corrections-log")).to_contain_text("34O822")
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入")
    expect(page.locator(".alert-success")).to_contain_text(f"新增{ROWS}条")

    # the city 管理员's dashboard: the new totals per county, clickable to the records
    _login(page, base, "city_admin")
    page.goto(f"{base}/analytics/?period=2024")
    expect(page.get_by_test_id("dashboard-scope")).to_have_text("安庆市科学技术协会 · 2024年")
    county_total = 3 + ROWS
    county_row = page.locator(f'[data-testid="child-row"][data-unit-code="{tree["county"].code}"]')
    expect(county_row).to_have_attribute("data-rank", "1")
    count_link = county_row.locator('a[data-indicator="popsci_activities"]')
    expect(count_link).to_have_text(str(county_total))
    expect(county_row.locator('a[data-indicator="popsci_participants"]')).to_have_text(
        f"{300 + imported_participants:,}"
    )
    other = page.locator(f'[data-testid="child-row"][data-unit-code="{tree["county2"].code}"]')
    expect(other.locator('a[data-indicator="popsci_activities"]')).to_have_text("4")
    page.screenshot(path="/tmp/dashboard_after_import.png", full_page=True)

    count_link.click()
    page.wait_for_url("**/activities/?**")
    expect(page.get_by_test_id("total-count")).to_have_text(f"{county_total:,}".replace(",", ""))
    assert Activity.objects.filter(org_unit__path__startswith=tree["county"].path).count() == county_total

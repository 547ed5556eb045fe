"""A city 管理员 opens the dashboard: the charts draw, and a county's figure (or a bar of a chart)
opens the activities list showing exactly that many records."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_activity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# 怀宁县 (with its township) 7 科普活动 in 2024, 桐城市 3, plus records that must not count
PLAN = [
    ("county", "lecture", dt.date(2024, 3, 1), 120),
    ("county", "lecture", dt.date(2024, 5, 18), 300),
    ("county", "exhibition", dt.date(2024, 5, 20), 800),
    ("county", "training", dt.date(2024, 9, 16), 60),
    ("township", "consultation", dt.date(2024, 9, 17), 45),
    ("township", "lecture", dt.date(2024, 9, 18), 75),
    ("township", "lecture", dt.date(2024, 11, 3), 30),
    ("county2", "lecture", dt.date(2024, 4, 9), 200),
    ("county2", "exhibition", dt.date(2024, 9, 20), 1500),
    ("county2", "training", dt.date(2024, 12, 1), 40),
    ("other_city", "lecture", dt.date(2024, 6, 1), 999),
    ("county", "lecture", dt.date(2023, 6, 1), 10),
]


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def test_city_admin_clicks_through_a_county_figure_to_its_records(page: Page, live_server, tree, people):
    for n, (unit, kind, day, participants) in enumerate(PLAN):
        make_activity(tree[unit], f"活动{n}", day, activity_type=kind, participants=participants)
    county_count = sum(1 for u, _, d, _ in PLAN if u in ("county", "township") and d.year == 2024)
    lectures = sum(1 for u, k, d, _ in PLAN if u not in ("other_city",) and k == "lecture" and d.year == 2024)

    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _login(page, base, "city_admin")
    page.get_by_role("button", name="统计报表").click()
    page.locator("#navbar-menu").get_by_role("link", name="统计分析").click()
    page.get_by_label("期间").fill("2024")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("dashboard-scope")).to_have_text("安庆市科学技术协会 · 2024年")

    for chart in ("trend-chart", "type-chart", "campaign-chart"):
        box = page.get_by_test_id(chart)
        expect(box).to_have_attribute("data-rendered", "true")
        expect(box.locator("canvas")).to_have_count(1)
    # ECharts really drew: the trend canvas has non-blank pixels
    painted = page.evaluate(
        """() => {
            const canvas = document.querySelector('[data-testid="trend-chart"] canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
            return n;
        }"""
    )
    assert painted > 1000
    page.screenshot(path="/tmp/dashboard.png", full_page=True)

    cell = page.locator(
        f'[data-testid="child-row"][data-unit-code="{tree["county"].code}"] a[data-indicator="popsci_activities"]'
    )
    expect(cell).to_have_text(str(county_count))
    cell.click()
    page.wait_for_url("**/activities/?**")
    expect(page.get_by_test_id("total-count")).to_have_text(str(county_count))
    expect(page.locator("[data-testid=activity-table] tbody tr")).to_have_count(county_count)

    # a bar of the type chart opens the list of that type
    page.go_back()
    type_chart = page.get_by_test_id("type-chart")
    expect(type_chart).to_have_attribute("data-rendered", "true")
    type_chart.scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const el = document.querySelector('[data-testid="type-chart"]');
            const chart = echarts.getInstanceByDom(el);
            const option = chart.getOption();
            const index = option.yAxis[0].data.indexOf('讲座/报告会');
            const value = option.series[0].data[index];
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, index]);
            const box = el.getBoundingClientRect();
            return {x: box.left + x, y: box.top + y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**type=lecture**")
    expect(page.get_by_test_id("total-count")).to_have_text(str(lectures))
    assert not errors, errors

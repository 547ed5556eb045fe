"""A county filler pastes a text with a wrong figure, sees it highlighted with the computed value, and
follows the link to the records behind it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_activity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_wrong_figure_is_highlighted_and_links_to_its_records(page: Page, live_server, tree, people):
    for i in range(3):
        make_activity(
            tree["county"], f"水稻种植技术讲座{i + 1}", dt.date(2024, 4, 10 + i), participants=100 + i
        )
    make_activity(tree["other_city"], "池州的讲座", dt.date(2024, 4, 10))  # out of scope: never counted
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("county_filler")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_have_text("怀宁县科学技术协会")

    page.get_by_role("button", name="统计报表").click()
    page.get_by_role("link", name="数字核对").click()
    page.get_by_label("要核对的文字").fill("2024年，全县共举办科普活动5场次，参与群众303人次。")
    page.get_by_label("报告期间").fill("2024")
    page.get_by_role("button", name="开始核对").click()

    wrong = page.locator('[data-testid="claim"][data-verdict="inconsistent"]')
    expect(wrong).to_have_count(1)
    expect(wrong).to_have_text("5场次")
    expect(page.locator('[data-testid="claim"][data-verdict="consistent"]')).to_have_text("303人次")
    expect(page.get_by_test_id("count-inconsistent")).to_have_text("不一致 1")

    wrong.click()  # the popover: the computed value and the link to the records
    popover = page.locator(".popover")
    expect(popover).to_contain_text("按记录计算：3场次")
    page.screenshot(path="/tmp/kexie-factcheck.png", full_page=True)
    popover.get_by_role("link", name="查看记录").click()

    expect(page).to_have_url(re.compile(r"/activities/\?period=2024&unit=\d+"))
    expect(page.get_by_test_id("total-count")).to_have_text("3")
    table = page.get_by_test_id("activity-table")
    expect(table).to_contain_text("水稻种植技术讲座1")
    expect(table).not_to_contain_text("池州")
    page.screenshot(path="/tmp/kexie-factcheck-records.png", full_page=True)

"""In a browser: the unit picker (htmx, under the strict CSP) chooses a unit by typing part of its
name, and two people editing one record — the second save is refused with the first one's change."""

import pytest
from playwright.sync_api import Browser, Page, expect

from kexie.facts.models import Fact
from kexie.orgs.models import Role
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def test_pick_a_unit_then_a_second_editor_is_refused_with_the_diff(
    page: Page, browser: Browser, live_server, tree, people
):
    base = live_server.url
    make_user("county_filler_2", tree["county"], Role.FILLER, full_name="李四")
    _login(page, base, "county_filler")
    page.goto(f"{base}/facts/new/")
    page.get_by_label("所属单位").fill("高河")
    page.get_by_role("button", name="高河镇科协").click()
    expect(page.get_by_text("已选：高河镇科协")).to_be_visible()
    page.get_by_label("类别").select_option(label="荣誉")
    page.get_by_label("表述").fill("全国科普日优秀组织单位")
    page.get_by_label("授予/发布单位").fill("中国科协")
    page.get_by_label("级别").select_option(label="国家级")
    page.get_by_label("年份").fill("2023")
    page.get_by_label("来源", exact=True).fill("科协办函普字〔2023〕88号")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-field=org_unit]")).to_have_text("高河镇科协")
    fact = Fact.objects.get()
    assert fact.org_unit == tree["township"]

    other = browser.new_context(locale="zh-CN")
    second = other.new_page()
    _login(second, base, "county_filler_2")
    page.goto(f"{base}/facts/{fact.pk}/edit/")
    second.goto(f"{base}/facts/{fact.pk}/edit/")
    second.get_by_label("表述").fill("全国科普日优秀组织单位（复评）")
    second.get_by_role("button", name="保存").click()
    expect(second.locator("[data-field=statement]")).to_have_text("全国科普日优秀组织单位（复评）")

    page.get_by_label("备注").fill("我的修改")
    page.get_by_role("button", name="保存").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("李四")
    expect(conflict).to_contain_text("表述：全国科普日优秀组织单位 → 全国科普日优秀组织单位（复评）")
    expect(page.get_by_label("备注")).to_have_value("我的修改")
    other.close()
    fact.refresh_from_db()
    assert (fact.statement, fact.note) == ("全国科普日优秀组织单位（复评）", "")

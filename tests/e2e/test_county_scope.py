"""A county user logs in, sees its own subtree, and cannot open a unit outside it."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def test_county_user_sees_its_subtree_and_is_denied_outside(page: Page, live_server, tree, people):
    base = live_server.url
    _login(page, base, "county_filler")
    expect(page.get_by_test_id("active-unit")).to_have_text("怀宁县科学技术协会")

    page.get_by_role("button", name="组织建设").click()
    page.get_by_role("link", name="组织机构", exact=True).click()
    org_tree = page.get_by_test_id("org-tree")
    expect(org_tree).to_contain_text("怀宁县科学技术协会")
    expect(org_tree).to_contain_text("高河镇科协")
    expect(org_tree).not_to_contain_text("池州")
    expect(org_tree).not_to_contain_text("桐城")

    page.get_by_role("link", name="高河镇科协").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("高河镇科协")

    response = page.goto(f"{base}/orgs/{tree['other_city'].pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("not-found")).to_be_visible()
    response = page.goto(f"{base}/orgs/{tree['city'].pk}/")
    assert response.status == 404


def test_city_admin_expands_the_tree_lazily_on_a_phone(page: Page, live_server, tree, people):
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    _login(page, base, "city_admin")
    page.goto(f"{base}/orgs/")
    org_tree = page.get_by_test_id("org-tree")
    expect(org_tree).not_to_contain_text("高河镇科协")
    page.get_by_role("button", name="展开“怀宁县科学技术协会”").click()
    expect(org_tree).to_contain_text("高河镇科协")
    page.get_by_role("button", name="展开“怀宁县科学技术协会”").click()
    expect(page.get_by_text("高河镇科协")).to_be_hidden()
    page.screenshot(path="/tmp/kexie-tree-phone.png", full_page=True)

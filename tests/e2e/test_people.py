"""Issue #11's person registry in a browser: a county 填报员 enters a person (the ID number and the
phone are shown masked), a second entry with the same ID number is refused with a link to the
registered person, the county 管理员 views the whole phone number giving a reason, and the access
log shows who, whose and why — while no page ever shows the whole ID number."""

import pytest
from playwright.sync_api import Page, expect

from kexie.people.models import PersonalDataAccess
from tests.factories import PASSWORD
from tests.people.conftest import valid_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ID_NUMBER = valid_id("34082219800101001")
PHONE = "13812345678"
REASON = "通知参加院士专家座谈会"


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def _enter(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/people/new/")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("证件号码").fill(ID_NUMBER)
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("工作单位").fill("怀宁县农科所")
    page.get_by_label("科技工作者", exact=True).check()
    page.get_by_role("button", name="保存").click()


def test_enter_a_person_refuse_a_duplicate_and_view_the_phone_with_a_reason(page: Page, live_server, people):
    base = live_server.url
    _login(page, base, "county_filler")
    _enter(page, base, "张三")
    expect(page.get_by_test_id("masked-phone")).to_have_text("138****5678")
    expect(page.locator("body")).to_contain_text(ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:])
    assert ID_NUMBER not in page.content()
    assert PHONE not in page.content()
    first_url = page.url

    _enter(page, base, "张叁")
    error = page.locator('[data-field="id_masked"]')
    expect(error).to_contain_text("证件号码与已登记的 张三（怀宁县农科所）相同")
    error.get_by_role("link", name="张三（怀宁县农科所）").click()
    expect(page).to_have_url(first_url)

    _login(page, base, "county_admin")
    page.goto(first_url)
    page.get_by_role("link", name="查看完整号码").click()
    page.get_by_role("button", name="查看完整号码").click()  # no reason: refused
    expect(page.locator('[data-field="reason"]')).to_contain_text("请填写查看事由")
    page.get_by_label("查看事由").fill(REASON)
    page.get_by_role("button", name="查看完整号码").click()
    expect(page.get_by_test_id("full-phone")).to_have_text(PHONE)
    assert PersonalDataAccess.objects.get().reason == REASON

    page.goto(f"{base}/people/access-log/")
    log = page.get_by_test_id("access-log")
    expect(log).to_contain_text(REASON)
    expect(log).to_contain_text("张三")
    assert PHONE not in page.content()
    assert ID_NUMBER not in page.content()

"""The lifecycle in a browser: the 待办 badge leads to the record, the panel takes the step, a return
needs its reason, and the history shows who did what and why."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def _open_from_inbox(page: Page, name: str) -> None:
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    page.get_by_test_id("inbox-link").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_test_id("workflow-panel")).to_be_visible()


def test_an_application_moves_through_inboxes_and_a_return_needs_its_reason(
    page: Page, live_server, tree, people
):
    from kexie.registries import services
    from kexie.registries.models import Level, Programme

    # a flush by an earlier browser test empties the migration-seeded programmes: put them back
    importlib.import_module("kexie.registries.migrations.0002_seed_programmes").seed(apps, None)
    make_user("county_reviewer", tree["county"], Role.REVIEWER)
    make_user("city_reviewer", tree["city"], Role.REVIEWER)
    d = services.designation_create(
        access=access_for(people["county_filler"]),
        actor=people["county_filler"],
        data=services.DesignationData(
            org_unit=tree["county"],
            programme=Programme.objects.get(code="popsci_base"),
            level=Level.MUNICIPAL,
            holder_kind="school",
            holder_name="怀宁县第一中学",
            holder_region_code="340822",
        ),
    )
    name = str(d)
    base = live_server.url

    _login(page, base, "county_filler")
    _open_from_inbox(page, name)
    page.get_by_test_id("transition-submit").get_by_role("button", name="申报").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("已申报")

    _login(page, base, "county_reviewer")
    _open_from_inbox(page, name)
    page.get_by_test_id("transition-recommend").get_by_role("button", name="推荐").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("已推荐")

    _login(page, base, "city_reviewer")
    _open_from_inbox(page, name)
    returning = page.get_by_test_id("transition-return")
    returning.get_by_role("button", name="退回").click()  # the browser holds it: the reason is required
    expect(page.get_by_test_id("workflow-state")).to_have_text("已推荐")
    returning.get_by_label("退回理由").fill("缺少场馆面积证明")
    returning.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("已退回")
    log = page.get_by_test_id("workflow-log")
    expect(log).to_contain_text("缺少场馆面积证明")
    expect(log).to_contain_text("安庆市科学技术协会 · 审核员")
    expect(log).to_contain_text("已推荐 → 已退回")
    page.screenshot(path="/tmp/kexie-workflow-panel.png", full_page=True)

    _login(page, base, "county_filler")
    _open_from_inbox(page, name)  # back with the filler, to resubmit

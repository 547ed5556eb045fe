"""Issue #11 in a browser: a city runs a 最美科技工作者 round from notice to published result — the city
publishes the notice, a county 填报员 nominates a person with the 推荐表 and recommends, the city 审核员
checks eligibility (and returns once with a reason) and reviews, the city 管理员 publicises and publishes
the result 入选; the award appears, and the dashboard's and the award list's figures link to it."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kexie.orgs.models import Role
from tests.e2e.conftest import browser_context_args, browser_type_launch_args  # noqa: F401
from tests.factories import PASSWORD, make_user
from tests.honours.conftest import ID_1

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
RETURN_REASON = "缺少所在单位党组织意见"


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def _open_from_inbox(page: Page, name: str) -> None:
    page.get_by_test_id("inbox-link").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_test_id("workflow-panel")).to_be_visible()


def _take(page: Page, code: str, button: str, state: str, **fields: str) -> None:
    form = page.get_by_test_id(f"transition-{code}")
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name=button).click()
    expect(page.get_by_test_id("workflow-state")).to_have_text(state)


def test_a_city_runs_a_zuimei_round_from_notice_to_published_result(page: Page, live_server, tree, people):
    from kexie.honours.models import Award, Nomination

    make_user("city_filler", tree["city"], Role.FILLER)
    make_user("city_reviewer", tree["city"], Role.REVIEWER)
    base = live_server.url
    today = timezone.localdate()
    title = f"{today.year}年度安庆市最美科技工作者评选"

    # 通知: the city publishes the round
    _login(page, base, "city_filler")
    page.goto(f"{base}/honours/rounds/")
    page.get_by_role("link", name="发布评选/推荐通知").first.click()
    page.get_by_label("荣誉项目", exact=True).select_option(label="最美科技工作者")
    page.get_by_label("级别", exact=True).select_option(label="市级")
    page.get_by_label("年度", exact=True).fill(str(today.year))
    page.get_by_label("通知文号", exact=True).fill(f"宜科协发〔{today.year}〕5号")
    page.get_by_label("名额", exact=True).fill("10")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("round-nominations")).to_contain_text("名额 10 名")

    # 单位推荐: the county 填报员 nominates a person in that round, with the 推荐表
    _login(page, base, "county_filler")
    page.goto(f"{base}/honours/nominations/")
    page.get_by_role("link", name="登记推荐人选").first.click()
    page.get_by_label("轮次", exact=True).select_option(label=title)
    page.get_by_label("候选人/团队名称", exact=True).fill("张三")
    page.get_by_label("证件号码", exact=True).fill(ID_1)
    page.get_by_label("工作单位", exact=True).fill("怀宁县人民医院")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("填报中")
    expect(page.locator("body")).not_to_contain_text(ID_1)  # only the mask is shown
    expect(page.locator('[data-field="nominee_id"]')).to_have_text("3408**********123X")
    attachments = page.get_by_test_id("attachments")
    attachments.get_by_label("上传推荐表").set_input_files(
        {"name": "推荐表.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    attachments.get_by_label("上传推荐表").locator("xpath=..").get_by_role(
        "button", name="上传", exact=True
    ).click()
    expect(page.get_by_test_id("attachments").get_by_role("link", name="推荐表.pdf")).to_be_visible()
    _take(page, "recommend", "单位推荐", "已推荐")
    name = str(Nomination.objects.get(nominee_name="张三"))

    # 资格审查 by the city 审核员: returned once with a reason, then passed and reviewed
    _login(page, base, "city_reviewer")
    _open_from_inbox(page, name)
    _take(page, "return", "退回", "已退回", 退回理由=RETURN_REASON)
    _login(page, base, "county_filler")
    _open_from_inbox(page, name)
    expect(page.get_by_test_id("workflow-log")).to_contain_text(RETURN_REASON)
    _take(page, "recommend", "单位推荐", "已推荐")
    _login(page, base, "city_reviewer")
    _open_from_inbox(page, name)
    _take(page, "qualify", "资格审查通过", "资格审查通过")
    _take(page, "shortlist", "评审通过", "评审通过")

    # 公示 and 结果 by the city 管理员
    _login(page, base, "city_admin")
    _open_from_inbox(page, name)
    _take(page, "publicise", "公示", "公示中", 公示日期=today.isoformat())
    _take(page, "select", "入选", "入选", 结果文号=f"宜科协发〔{today.year}〕9号", 授予日期=today.isoformat())
    award = Award.objects.get(nomination__nominee_name="张三")
    page.get_by_test_id("award-link").click()
    expect(page.get_by_test_id("recipients")).to_contain_text("张三")

    # the dashboard's 人才举荐与表彰 card (loaded when scrolled to) counts it and links to it
    page.goto(f"{base}/analytics/?period={today.year}")
    page.mouse.wheel(0, 20000)  # the slot loads the card once it is scrolled into view
    card = page.get_by_test_id("honours-card")
    card.scroll_into_view_if_needed()
    expect(card.locator('[data-indicator="honour_persons"]')).to_have_text("1")
    expect(card.locator('[data-indicator="honour_person_times"]')).to_have_text("1")
    card.locator('[data-indicator="honour_awards"]').click()
    page.wait_for_url("**/honours/?**")
    expect(page.locator("[data-testid=record-table] tbody tr")).to_have_count(1)

    # the award list's figure for the year links to exactly this award
    page.goto(f"{base}/honours/?period={today.year}")
    figure = page.get_by_test_id("total-honour_awards")
    expect(figure).to_have_text("1")
    figure.get_by_role("link").click()
    page.wait_for_url("**/honours/?**")
    rows = page.locator("[data-testid=record-table] tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="张三").click()
    page.wait_for_url(f"**/honours/{award.pk}/")
    expect(page.locator('[data-field="document_no"]')).to_have_text(f"宜科协发〔{today.year}〕9号")

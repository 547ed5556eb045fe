"""Issue #10's designation lifecycle in a browser, end to end: a county 填报员 applies for a 市级科普教育基地
with its 申报书, the county 审核员 recommends, the city 审核员 returns it with a reason, the 填报员
resubmits, it is recommended and approved again, the city 管理员 认定 it with a 文号; the dashboard's
阵地与平台 count rises and its link lists the record; a yearly grade is entered; 撤销 on a date drops the
count from that day on (a period ending the day before still counts it); the 办理记录 and the 变更历史
keep every step.

The 撤销 date must fall after the 认定 date, and the 认定 date cannot be before the (re)submission nor in
the future, so the second half runs a few months later (time-machine moves the server's clock forward;
forward only, so the browser's cookies stay valid)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from kexie.core.periods import Period, PeriodKind
from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOLDER = "怀宁县第一中学"
OTHER_HOLDER = "桐城市科技馆"
RETURN_REASON = "缺少场馆面积证明"
REVOKE_REASON = "年度检查发现基地已停止对外开放"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


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
    """Fill a transition's fields (by label) on the record's panel, press its button, see the new state."""
    form = page.get_by_test_id(f"transition-{code}")
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name=button).click()
    expect(page.get_by_test_id("workflow-state")).to_have_text(state)


def _sites_in_force(page: Page, base: str, period: Period):
    """The dashboard's 阵地与平台 "期末有效" figure for `period` (the city, the active unit)."""
    page.goto(f"{base}/analytics/?period={period}")
    expect(page.get_by_test_id("dashboard-scope")).to_have_text(f"安庆市科学技术协会 · {period.label}")
    return page.get_by_test_id("sites-in-force").locator('[data-indicator="designations"]')


def _month_start(day: dt.date, months_ahead: int) -> dt.date:
    month = day.month - 1 + months_ahead
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def test_a_municipal_base_is_applied_for_granted_graded_and_revoked_with_every_step_kept(
    page: Page, live_server, tree, people
):
    from kexie.registries import services
    from kexie.registries.models import Designation, Level, Programme

    make_user("county_reviewer", tree["county"], Role.REVIEWER)
    make_user("city_reviewer", tree["city"], Role.REVIEWER)
    popsci_base = Programme.objects.get(code="popsci_base")
    # a base of the city's other county already in force, so that the count rises from 1 to 2
    county2_filler = make_user("county2_filler", tree["county2"], Role.FILLER)
    services.designation_create(
        access=access_for(county2_filler),
        actor=county2_filler,
        granted=True,
        data=services.DesignationData(
            org_unit=tree["county2"],
            programme=popsci_base,
            level=Level.MUNICIPAL,
            holder_kind="institution",
            holder_name=OTHER_HOLDER,
            document_no="宜科协发〔2024〕3号",
            granted_on=dt.date(2024, 5, 1),
        ),
    )
    base = live_server.url
    # the first half on a fixed morning (tomorrow, Beijing time: always forward, and never across midnight)
    today = timezone.localdate() + dt.timedelta(days=1)
    this_year = Period.year(today.year)
    doc_no = f"宜科协发〔{today.year}〕8号"
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), tzinfo=SHANGHAI), tick=True):
        # the dashboard before: one base in force at the end of this year
        _login(page, base, "city_admin")
        expect(_sites_in_force(page, base, this_year)).to_have_text("1")

        # 申报: the county 填报员 registers the application on /registries/ and uploads its 申报书
        _login(page, base, "county_filler")
        page.goto(f"{base}/registries/")
        page.get_by_role("link", name="登记称号/平台").first.click()
        page.get_by_label("称号/平台", exact=True).select_option(label="科普教育基地")
        page.get_by_label("级别", exact=True).select_option(label="市级")
        page.get_by_label("承担单位类型", exact=True).select_option(label="学校")
        page.get_by_label("承担单位名称", exact=True).fill(HOLDER)
        page.get_by_label("承担单位区划代码", exact=True).fill("340822")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("workflow-state")).to_have_text("草稿")
        designation = Designation.objects.get(holder_name=HOLDER)
        name = str(designation)
        assert designation.org_unit == tree["county"]
        assert designation.issuer_unit == tree["city"]  # 市级: the city 认定 it

        attachments = page.get_by_test_id("attachments")
        attachments.get_by_label("上传申报书").set_input_files(
            {"name": "申报书.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        attachments.get_by_label("上传申报书").locator("xpath=..").get_by_role(
            "button", name="上传", exact=True
        ).click()
        expect(page.get_by_test_id("attachments").get_by_role("link", name="申报书.pdf")).to_be_visible()
        _take(page, "submit", "申报", "已申报")

        # 推荐 by the county 审核员
        _login(page, base, "county_reviewer")
        _open_from_inbox(page, name)
        with page.expect_download() as download:
            page.get_by_test_id("attachments").get_by_role("link", name="申报书.pdf").click()
        assert download.value.suggested_filename == "申报书.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read() == PDF
        _take(page, "recommend", "推荐", "已推荐")

        # 退回 by the city 审核员: the reason is required
        _login(page, base, "city_reviewer")
        _open_from_inbox(page, name)
        page.get_by_test_id("transition-return").get_by_role("button", name="退回").click()
        expect(page.get_by_test_id("workflow-state")).to_have_text("已推荐")  # the browser holds it
        _take(page, "return", "退回", "已退回", 退回理由=RETURN_REASON)

        # the 填报员 sees it back in the 待办, resubmits; the county recommends again, the city approves
        _login(page, base, "county_filler")
        _open_from_inbox(page, name)
        expect(page.get_by_test_id("workflow-log")).to_contain_text(RETURN_REASON)
        _take(page, "submit", "申报", "已申报")
        _login(page, base, "county_reviewer")
        _open_from_inbox(page, name)
        _take(page, "recommend", "推荐", "已推荐")
        _login(page, base, "city_reviewer")
        _open_from_inbox(page, name)
        _take(page, "review", "审核通过", "已审核")

        # 认定 by the city 管理员, with its 文号 and date
        _login(page, base, "city_admin")
        _open_from_inbox(page, name)
        _take(page, "grant", "认定", "已认定", 文号=doc_no, 认定日期=today.isoformat())
        expect(page.locator('[data-field="document_no"]')).to_have_text(doc_no)

        # the dashboard's count rises, and its link lists exactly the bases in force, this one among them
        figure = _sites_in_force(page, base, this_year)
        expect(figure).to_have_text("2")
        expect(page.get_by_test_id("sites-new").locator('[data-indicator="designations_new"]')).to_have_text(
            "1"
        )
        for table, member in (("sites-by-programme", "popsci_base"), ("sites-by-level", "municipal")):
            row = page.get_by_test_id(table).locator(f'tr[data-member="{member}"] td.text-end')
            expect(row).to_have_text(["2", "1"])  # in force at the year's end, newly granted in it
        # by the holders' county: loaded into the card when it scrolls into view, drawn by ECharts
        page.get_by_test_id("sites-regions-slot").scroll_into_view_if_needed()
        expect(page.get_by_test_id("sites-regions-chart")).to_have_attribute(
            "data-rendered", "true", timeout=15000
        )
        by_region = page.get_by_test_id("sites-by-region")
        expect(by_region.locator('tr[data-member="340822"] td.text-end')).to_have_text("1")  # 怀宁县
        expect(by_region.locator('tr[data-member=""] td.text-end')).to_have_text("1")  # no region code
        figure.click()
        page.wait_for_url("**/registries/?**")
        rows = page.locator("[data-testid=record-table] tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text=HOLDER)).to_have_count(1)
        expect(rows.filter(has_text=OTHER_HOLDER)).to_have_count(1)

        # a yearly grade, entered on the record
        rows.filter(has_text=HOLDER).get_by_role("link", name=HOLDER).click()
        grades = page.get_by_test_id("evaluations")
        grades.get_by_label("评估年度").fill(str(today.year))
        grades.get_by_label("等级").select_option(label="优秀")
        grades.get_by_label("评估意见").fill("场馆开放和活动开展情况良好")
        grades.get_by_role("button", name="录入评估").click()
        expect(page.get_by_test_id("evaluations").locator("tbody")).to_contain_text(f"{today.year}年度")
        expect(page.get_by_test_id("evaluations").locator("tbody")).to_contain_text("优秀")

    # 撤销 on the first day of a month, entered some weeks later
    revoked_on = _month_start(today, 2)
    later = revoked_on + dt.timedelta(days=45)
    month_before = Period.containing(revoked_on - dt.timedelta(days=1), PeriodKind.MONTH)
    month_of = Period.containing(revoked_on, PeriodKind.MONTH)
    with time_machine.travel(dt.datetime.combine(later, dt.time(10), tzinfo=SHANGHAI), tick=True):
        _login(page, base, "city_admin")  # the server-side session has expired meanwhile
        page.goto(f"{base}{designation.get_absolute_url()}")
        revoke = page.get_by_test_id("transition-revoke")
        revoke.get_by_role("button", name="撤销").click()  # the browser holds it: reason and date required
        expect(page.get_by_test_id("workflow-state")).to_have_text("已认定")
        _take(page, "revoke", "撤销", "已撤销", 撤销理由=REVOKE_REASON, 撤销日期=revoked_on.isoformat())
        expect(page.get_by_test_id("workflow-no-action")).to_contain_text("流程已结束")

        # counted up to the day before 撤销, not from that day on
        expect(_sites_in_force(page, base, month_before)).to_have_text("2")
        expect(_sites_in_force(page, base, month_of)).to_have_text("1")
        for day, shown in ((revoked_on - dt.timedelta(days=1), 1), (revoked_on, 0)):
            page.goto(f"{base}/registries/?at={day.isoformat()}")
            expect(page.locator("[data-testid=record-table] tbody tr").filter(has_text=HOLDER)).to_have_count(
                shown
            )

        # the history keeps every step: the lifecycle log with who, why and what, and the field diffs
        page.goto(f"{base}{designation.get_absolute_url()}")
        log = page.get_by_test_id("workflow-log").locator("li")
        steps = [
            ("登记申报", "草稿"),
            ("申报", "草稿 → 已申报"),
            ("推荐", "已申报 → 已推荐"),
            ("退回", "已推荐 → 已退回"),
            ("申报", "已退回 → 已申报"),
            ("推荐", "已申报 → 已推荐"),
            ("审核通过", "已推荐 → 已审核"),
            ("认定", "已审核 → 已认定"),
            ("撤销", "已认定 → 已撤销"),
        ]
        expect(log).to_have_count(len(steps))
        texts = log.all_inner_texts()
        for (label, move), text in zip(steps, texts, strict=True):  # oldest first
            assert text.startswith(label), (label, text)
            assert move in text, (move, text)
        expect(log.filter(has_text="已推荐 → 已退回")).to_contain_text(RETURN_REASON)
        expect(log.filter(has_text="已推荐 → 已退回")).to_contain_text("安庆市科学技术协会 · 审核员")
        expect(log.filter(has_text="已审核 → 已认定")).to_contain_text(doc_no)
        expect(log.filter(has_text="已审核 → 已认定")).to_contain_text("安庆市科学技术协会 · 管理员")
        expect(log.filter(has_text="已认定 → 已撤销")).to_contain_text(REVOKE_REASON)
        expect(log.filter(has_text="已认定 → 已撤销")).to_contain_text(revoked_on.isoformat())

        history = page.get_by_test_id("history").locator("tbody tr")
        saves = ["新建：登记申报", *(f"修改：{label}" for label, _ in steps[1:-1])]
        saves += [f"修改：{today.year}年度评估", "修改：撤销"]
        expect(history.locator("td:nth-child(3)")).to_have_text(saves[::-1])  # newest first
        expect(history.filter(has_text="修改：认定")).to_contain_text(f"文号：（空） → {doc_no}")
        expect(history.filter(has_text="修改：撤销")).to_contain_text(
            f"撤销日期：（空） → {revoked_on.isoformat()}"
        )
        expect(history.filter(has_text="修改：撤销")).to_contain_text("状态：已认定 → 已撤销")
        page.screenshot(path="/tmp/kexie-designation-lifecycle.png", full_page=True)

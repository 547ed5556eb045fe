"""Issue #11 in a browser: (1) a county school's entry to the city's 青少年科技创新大赛 wins, advances to
the provincial round and wins there, and the list's 获奖作品 figure links to it; (2) a volunteer's hours
are entered by the team's 填报员, confirmed by the team unit's 审核员 from 待办, and appear in the totals
and on the volunteer's page — the volunteer's own account could not have confirmed them."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from kexie.orgs.models import Role
from tests.factories import PASSWORD, make_activity, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = dt.date


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()


def test_a_schools_entry_advances_from_city_to_province_and_wins(page: Page, live_server, tree, people):
    from kexie.contests import services
    from kexie.orgs.scoping import access_for

    city_filler = make_user("city_filler", tree["city"], Role.FILLER)
    access = access_for(city_filler)
    for level, name, day in (
        ("municipal", "第三十八届安庆市青少年科技创新大赛", D(2023, 4, 15)),
        ("provincial", "第三十八届安徽省青少年科技创新大赛", D(2023, 8, 19)),
    ):
        services.edition_create(
            access=access,
            actor=city_filler,
            data=services.EditionData(tree["city"], name, level, day, 38, organiser="安徽省科协"),
        )
    base = live_server.url
    _login(page, base, "county_filler")
    page.goto(f"{base}/contests/new/")
    page.get_by_label("赛事", exact=True).select_option(
        label="第三十八届安庆市青少年科技创新大赛（市级，2023年）"
    )
    page.get_by_label("学生姓名").fill("张明、李华")
    page.get_by_label("学校", exact=True).fill("怀宁县实验中学")
    page.get_by_label("学段").select_option(label="初中")
    page.get_by_label("作品名称").fill("校园雨水回收装置")
    page.get_by_label("辅导教师", exact=True).fill("王老师")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("entry-trail")).to_contain_text("张明、李华")
    page.get_by_label("本届获奖结果").select_option(label="一等奖")
    page.get_by_role("button", name="保存结果").click()
    expect(page.get_by_test_id("trail")).to_contain_text("一等奖")
    page.get_by_label("晋级到上一级赛事").select_option(
        label="第三十八届安徽省青少年科技创新大赛（省级，2023年）"
    )
    page.get_by_role("button", name="晋级").click()
    expect(page.get_by_test_id("trail")).to_contain_text("第三十八届安徽省青少年科技创新大赛（省级）")
    page.get_by_label("本届获奖结果").select_option(label="二等奖")
    page.get_by_role("button", name="保存结果").click()
    trail = page.get_by_test_id("trail")
    expect(trail).to_contain_text("第三十八届安庆市青少年科技创新大赛（市级）：一等奖")
    expect(trail).to_contain_text("第三十八届安徽省青少年科技创新大赛（省级）：二等奖")

    # the figure: provincial awards of 2023 for the county, computed by the engine, linking to the entry
    page.goto(f"{base}/contests/?period=2023&level=provincial")
    figure = page.get_by_test_id("total-contest_awards")
    expect(figure).to_have_text("1")
    figure.get_by_role("link").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("校园雨水回收装置")
    expect(rows.first).to_contain_text("二等奖")
    rows.first.get_by_role("link", name="校园雨水回收装置").click()
    expect(page.get_by_test_id("trail")).to_contain_text("安庆市")

    # a sibling county sees none of it
    make_user("sibling_filler", tree["county2"], Role.FILLER)
    _login(page, base, "sibling_filler")
    page.goto(f"{base}/contests/?period=2023")
    expect(page.get_by_text("校园雨水回收装置")).to_have_count(0)


def test_a_volunteers_hours_are_confirmed_by_the_team_and_appear_in_the_totals(
    page: Page, live_server, tree, people
):
    from kexie.orgs.scoping import access_for
    from kexie.volunteers import services

    reviewer = make_user("county_reviewer", tree["county"], Role.REVIEWER)
    filler = people["county_filler"]
    access = access_for(filler)
    team = services.team_create(
        access=access,
        actor=filler,
        data=services.TeamData(tree["county"], "怀宁县科技志愿服务大队", "association", D(2022, 3, 5)),
    )
    member = services.member_create(
        access=access, actor=filler, data=services.MemberData(team, "张明", D(2022, 4, 1))
    )
    make_activity(
        tree["county"], "科技志愿服务下乡", D(2023, 5, 20), activity_type="volunteer", status="held"
    )
    base = live_server.url

    _login(page, base, "county_filler")
    page.goto(f"{base}/volunteers/service/new/")
    page.get_by_label("志愿者", exact=True).select_option(label="张明（怀宁县科技志愿服务大队）")
    page.get_by_label("活动", exact=True).select_option(label="2023-05-20 科技志愿服务下乡")
    page.get_by_label("服务时长（小时）").fill("3.5")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("待确认")
    expect(page.get_by_test_id("transition-confirm")).to_have_count(0)  # the 填报员 cannot confirm
    page.goto(f"{base}/volunteers/service/?period=2023")
    expect(page.get_by_test_id("total-volunteer_hours")).to_have_text("0")

    _login(page, base, "county_reviewer")
    page.get_by_test_id("inbox-link").click()
    page.get_by_test_id("inbox-item").first.get_by_role("link").first.click()
    page.get_by_test_id("transition-confirm").get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("已确认")

    page.goto(f"{base}/volunteers/service/?period=2023")
    figure = page.get_by_test_id("total-volunteer_hours")
    expect(figure).to_have_text("3.5")
    figure.get_by_role("link").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.goto(f"{base}/volunteers/{member.volunteer.pk}/")
    expect(page.get_by_test_id("hours-total")).to_have_text("3.5")
    assert reviewer.pk != member.volunteer.account_id

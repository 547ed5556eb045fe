"""The dashboard page: every figure equals a hand count of the test's records, links list exactly
those records, the child table is ranked with shares, and nothing outside the user's subtree shows."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from kexie.orgs.scoping import Action
from tests.analytics.helpers import SPECS, YEAR_2023, YEAR_2024, expected, int_text, matching, parse

URL = "/analytics/"
HEADLINE_CODES = [
    "popsci_activities",
    "popsci_key_activities",
    "popsci_participants",
    "popsci_online_views",
    "academic_activities",
    "sci_worker_participation",
]
CHILD_CODES = ["popsci_activities", "popsci_participants", "popsci_key_activities", "academic_activities"]


def _headline(doc, code: str):
    card = doc.xpath(f'//div[@data-testid="headline"][@data-indicator="{code}"]')
    assert len(card) == 1, code
    return card[0]


def _listed(client, url: str) -> tuple[int, int, set[int]]:
    """What the activities list shows for a provenance URL: count, 参与人次 total, activity ids."""
    response = client.get(url)
    assert response.status_code == 200, url
    doc = parse(response)
    count = int_text(doc.xpath('//*[@data-testid="total-count"]')[0].text_content())
    people = int_text(doc.xpath('//*[@data-testid="total-participants"]')[0].text_content())
    ids = {int(tr.get("data-activity")) for tr in doc.xpath("//tr[@data-activity]")}
    return count, people, ids


def _ids(records, specs) -> set[int]:
    by_spec = {id(s): r.pk for s, r in zip(SPECS, records, strict=True)}
    return {by_spec[id(s)] for s in specs}


def test_dashboard_is_in_the_navigation_under_statistics(people, login):
    response = login("city_admin").get(reverse("web:home"))
    doc = parse(response)
    links = doc.xpath('//a[contains(@class,"dropdown-item")][@href="/analytics/"]')
    assert [a.text_content().strip() for a in links] == ["统计分析"]
    assert reverse("analytics:dashboard") == URL


def test_headline_figures_equal_a_hand_count_of_the_records(records, tree, login):
    response = login("city_admin").get(URL, {"period": "2024"})
    assert response.status_code == 200
    doc = parse(response)
    for code in HEADLINE_CODES:
        card = _headline(doc, code)
        now, before = card.xpath('.//a[@class="figure-link"]')
        assert int_text(now.text_content()) == expected(tree, code, unit="city", **YEAR_2024), code
        assert int_text(before.text_content()) == expected(tree, code, unit="city", **YEAR_2023), code
        assert "period=2024&" in now.get("href")
        assert "period=2023&" in before.get("href")


def test_headline_change_is_phrased_against_the_previous_year(records, tree, login):
    doc = parse(login("city_admin").get(URL, {"period": "2024"}))
    now = expected(tree, "popsci_participants", unit="city", **YEAR_2024)
    before = expected(tree, "popsci_participants", unit="city", **YEAR_2023)
    growth = round((now - before) / before * 100, 1)
    change = _headline(doc, "popsci_participants").xpath('.//*[@data-testid="change"]')[0].text_content()
    assert change.strip() == f"增长{growth:g}%"
    # 2023 had no online views at all: nothing to compare with
    views = _headline(doc, "popsci_online_views").xpath('.//*[@data-testid="change"]')[0].text_content()
    assert views.strip() == "上期为0"


def test_numbers_are_grouped_by_thousands(tree, login):
    from tests.factories import make_activity

    make_activity(
        tree["county"], "大型科普展", dt.date(2024, 9, 1), activity_type="exhibition", participants=1234567
    )
    doc = parse(login("city_admin").get(URL, {"period": "2024"}))
    card = _headline(doc, "popsci_participants")
    assert card.xpath('.//a[@class="figure-link"]')[0].text_content() == "1,234,567"
    assert "人次" in card.text_content()


def test_child_table_is_ranked_with_shares_of_the_total(records, tree, login):
    doc = parse(login("city_admin").get(URL, {"period": "2024"}))
    rows = doc.xpath('//tr[@data-testid="child-row"]')
    children = ["county", "county2", "society"]
    want = sorted(
        children,
        key=lambda k: -expected(tree, "popsci_activities", unit=k, **YEAR_2024),
    )
    assert [r.get("data-unit-code") for r in rows] == [tree[k].code for k in want]
    total = {c: expected(tree, c, unit="city", **YEAR_2024) for c in CHILD_CODES}
    ranks = []
    for row, key in zip(rows, want, strict=True):
        ranks.append(int(row.get("data-rank")))
        for code in CHILD_CODES:
            link = row.xpath(f'.//a[@data-indicator="{code}"]')[0]
            assert link.get("data-unit-code") == tree[key].code
            assert int_text(link.text_content()) == expected(tree, code, unit=key, **YEAR_2024), (key, code)
        for code in CHILD_CODES[:2]:
            share = row.xpath(f'.//td[contains(@class,"share")][@data-indicator="{code}"]')[0].text_content()
            value = expected(tree, code, unit=key, **YEAR_2024)
            assert share.strip() == f"{value / total[code] * 100:.1f}%"
    assert ranks == [1, 2, 3]
    # 本级 and 合计
    own = doc.xpath('//tr[@data-testid="own-row"]')[0]
    tot = doc.xpath('//tr[@data-testid="total-row"]')[0]
    for code in CHILD_CODES:
        own_value = expected(tree, code, unit="city", own_only=True, **YEAR_2024)
        assert int(own.xpath(f'.//*[@data-indicator="{code}"]')[0].get("data-value")) == own_value
        assert int_text(tot.xpath(f'.//a[@data-indicator="{code}"]')[0].text_content()) == total[code]
        children_sum = sum(expected(tree, code, unit=k, **YEAR_2024) for k in children)
        assert children_sum + own_value == total[code]


def test_equal_figures_share_a_rank(records, tree, login):
    from tests.factories import make_activity

    # 桐城 gets a fourth 科普活动 in 2024: level with 怀宁
    make_activity(tree["county2"], "追加讲座", dt.date(2024, 12, 1))
    doc = parse(login("city_admin").get(URL, {"period": "2024"}))
    rows = doc.xpath('//tr[@data-testid="child-row"]')
    assert [int(r.get("data-rank")) for r in rows] == [1, 1, 3]


def test_child_figures_link_to_exactly_their_records(records, tree, login):
    client = login("city_admin")
    doc = parse(client.get(URL, {"period": "2024"}))
    checked = 0
    for key in ("county", "county2", "society"):
        row = doc.xpath(f'//tr[@data-testid="child-row"][@data-unit-code="{tree[key].code}"]')[0]
        for code, where in [
            ("popsci_activities", {"popsci": True}),
            ("popsci_participants", {"popsci": True}),
            ("popsci_key_activities", {"popsci": True, "is_key": True}),
            ("academic_activities", {"popsci": False}),
        ]:
            link = row.xpath(f'.//a[@data-indicator="{code}"]')[0]
            count, people, ids = _listed(client, link.get("href"))
            specs = matching(tree, unit=key, **YEAR_2024, **where)
            assert ids == _ids(records, specs), (key, code)
            if code == "popsci_participants":
                assert people == int_text(link.text_content())
            else:
                assert count == int_text(link.text_content())
            checked += 1
    assert checked == 12


def test_trend_has_one_point_a_month_and_links_to_that_month(records, tree, login):
    client = login("city_admin")
    response = client.get(URL, {"period": "2024"})
    data = json.loads(parse(response).xpath('//script[@id="trend-chart-data"]')[0].text)
    bars, line = data["option"]["series"]
    assert data["option"]["xAxis"]["data"] == [f"{m}月" for m in range(1, 13)]
    for m in range(1, 13):
        start = dt.date(2024, m, 1)
        end = (dt.date(2024, m + 1, 1) if m < 12 else dt.date(2025, 1, 1)) - dt.timedelta(days=1)
        assert bars["data"][m - 1] == expected(tree, "popsci_activities", unit="city", start=start, end=end)
        assert line["data"][m - 1] == expected(tree, "popsci_participants", unit="city", start=start, end=end)
    september = data["links"][0][8]
    count, _, ids = _listed(client, september)
    specs = matching(tree, unit="city", start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 30), popsci=True)
    assert count == bars["data"][8] == len(specs)
    assert ids == _ids(records, specs)


def test_quarter_trend_has_its_three_months_and_compares_with_the_previous_quarter(records, tree, login):
    doc = parse(login("city_admin").get(URL, {"period": "2024Q3"}))
    data = json.loads(doc.xpath('//script[@id="trend-chart-data"]')[0].text)
    assert data["option"]["xAxis"]["data"] == ["7月", "8月", "9月"]
    card = _headline(doc, "popsci_activities")
    assert "2024年第二季度" in card.text_content()
    now, before = card.xpath('.//a[@class="figure-link"]')
    q3 = dict(start=dt.date(2024, 7, 1), end=dt.date(2024, 9, 30))
    q2 = dict(start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
    assert int_text(now.text_content()) == expected(tree, "popsci_activities", unit="city", **q3)
    assert int_text(before.text_content()) == expected(tree, "popsci_activities", unit="city", **q2)


def test_breakdowns_by_type_and_campaign(records, tree, login):
    client = login("city_admin")
    doc = parse(client.get(URL, {"period": "2024"}))
    popsci = matching(tree, unit="city", popsci=True, **YEAR_2024)
    type_rows = doc.xpath('//*[@data-testid="by-type"]//tr[@data-member]')
    want_types = {s.type for s in popsci}
    assert {r.get("data-member") for r in type_rows} == want_types
    for row in type_rows:
        specs = [s for s in popsci if s.type == row.get("data-member")]
        link = row.xpath('.//a[@data-indicator="popsci_activities"]')[0]
        assert int_text(link.text_content()) == len(specs)
        people = row.xpath('.//a[@data-indicator="popsci_participants"]')[0]
        assert int_text(people.text_content()) == sum(s.participants for s in specs)
        assert _listed(client, link.get("href"))[2] == _ids(records, specs)
    counts = [
        int_text(r.xpath('.//a[@data-indicator="popsci_activities"]')[0].text_content()) for r in type_rows
    ]
    assert counts == sorted(counts, reverse=True)

    campaign_rows = doc.xpath('//*[@data-testid="by-campaign"]//tr[@data-member]')
    assert {r.get("data-member") for r in campaign_rows} == {s.campaign or "none" for s in popsci}
    for row in campaign_rows:
        member = row.get("data-member")
        specs = [s for s in popsci if (s.campaign or "none") == member]
        cell = row.xpath('.//*[@data-indicator="popsci_activities"]')[0]
        assert int(cell.get("data-value")) == len(specs)
        if member != "none":  # the list page cannot filter "without campaign" yet: no link
            assert _listed(client, cell.get("href"))[2] == _ids(records, specs)

    chart = json.loads(doc.xpath('//script[@id="campaign-chart-data"]')[0].text)
    pie = {d["name"]: d["value"] for d in chart["option"]["series"][0]["data"]}
    assert sum(pie.values()) == len(popsci)


def test_a_child_name_drills_down_to_its_own_dashboard(records, tree, login):
    client = login("city_admin")
    doc = parse(client.get(URL, {"period": "2024"}))
    row = doc.xpath(f'//tr[@data-testid="child-row"][@data-unit-code="{tree["county"].code}"]')[0]
    href = row.xpath(".//td[2]/a")[0].get("href")
    drilled = parse(client.get(URL + href))
    assert (
        "怀宁县科学技术协会 · 2024年"
        in drilled.xpath('//*[@data-testid="dashboard-scope"]')[0].text_content()
    )
    assert [r.get("data-unit-code") for r in drilled.xpath('//tr[@data-testid="child-row"]')] == [
        tree["township"].code
    ]
    card = _headline(drilled, "popsci_activities")
    value = int_text(card.xpath('.//a[@class="figure-link"]')[0].text_content())
    assert value == expected(tree, "popsci_activities", unit="county", **YEAR_2024)
    assert (
        drilled.xpath('//a[starts-with(text(),"上一级")]')[0].get("href")
        == f"?unit={tree['city'].pk}&period=2024"
    )


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize("target", ["city", "county2", "province", "other_city", "other_county"])
def test_county_user_cannot_open_units_outside_its_subtree(records, tree, login, target, caplog):
    with caplog.at_level("WARNING", logger="kexie.security"):
        response = login("county_filler").get(URL, {"unit": tree[target].pk, "period": "2024"})
    assert response.status_code == 404
    assert "scope denial" in caplog.text


def test_outsider_cannot_open_the_city(records, tree, login):
    assert login("outsider").get(URL, {"unit": tree["city"].pk}).status_code == 404


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999", "9" * 30, "１"])
def test_unknown_unit_is_not_found(people, login, raw):
    assert login("city_admin").get(URL, {"unit": raw}).status_code == 404


def test_county_user_sees_only_its_subtree(records, tree, login):
    response = login("county_filler").get(URL, {"period": "2024"})
    assert response.status_code == 200
    content = response.content.decode()
    doc = parse(response)
    for code in HEADLINE_CODES:
        value = int_text(_headline(doc, code).xpath('.//a[@class="figure-link"]')[0].text_content())
        assert value == expected(tree, code, unit="county", **YEAR_2024), code
    assert [r.get("data-unit-code") for r in doc.xpath('//tr[@data-testid="child-row"]')] == [
        tree["township"].code
    ]
    # no other subtree's names or units in links, pickers or charts
    for other in ("county2", "other_city", "other_county", "society", "city", "province"):
        assert tree[other].name not in content
        assert f"unit={tree[other].pk}&" not in content.replace("&amp;", "&")
    units = {int(o.get("value")) for o in doc.xpath('//select[@name="unit"]/option')}
    assert units == {tree["county"].pk, tree["township"].pk}
    # other subtrees' distinctive figures never appear (999 and 777 participants, 99,999 views)
    figures = {el.get("data-value") for el in doc.xpath("//*[@data-value]")}
    assert not figures & {"999", "777", "99999"}


def test_a_user_without_any_unit_gets_404(db, login):
    from django.test import Client

    from kexie.accounts.models import User

    user = User.objects.create_user(username="nobody", password="x-pw-12345", full_name="无单位用户")
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 404


# --------------------------------------------------------------------------- period input


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2024Q5", "无法识别的期间“2024Q5”"),
        ("去年", "无法识别的期间“去年”"),
        ("2024W07", "看板不支持周“2024W07”"),
        ("2024-03-01..2024-06-30", "看板不支持自定义期间"),
        ("2001..2025", "多年期间“2001..2025”超过10年"),
    ],
)
def test_bad_period_gets_a_chinese_message_and_no_figures(records, login, raw, message):
    response = login("city_admin").get(URL, {"period": raw})
    assert response.status_code == 400
    doc = parse(response)
    error = doc.xpath('//*[@data-testid="period-error"]')[0].text_content()
    assert message in error
    assert not doc.xpath("//*[@data-value]")
    assert doc.xpath('//input[@name="period"]')[0].get("value") == raw


def test_default_period_is_the_current_year(records, tree, login):
    import time_machine

    with time_machine.travel(dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)):
        doc = parse(login("city_admin").get(URL))
    assert "2024年" in doc.xpath('//*[@data-testid="dashboard-scope"]')[0].text_content()
    value = int_text(
        _headline(doc, "popsci_activities").xpath('.//a[@class="figure-link"]')[0].text_content()
    )
    assert value == expected(tree, "popsci_activities", unit="city", **YEAR_2024)


def test_multi_year_span_shows_a_yearly_trend(records, tree, login):
    doc = parse(login("city_admin").get(URL, {"period": "2023..2025"}))
    data = json.loads(doc.xpath('//script[@id="trend-chart-data"]')[0].text)
    assert data["option"]["xAxis"]["data"] == ["2023年", "2024年", "2025年"]
    years = [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in (2023, 2024, 2025)]
    assert data["option"]["series"][0]["data"] == [
        expected(tree, "popsci_activities", unit="city", start=s, end=e) for s, e in years
    ]


# --------------------------------------------------------------------------- empty state


def test_empty_period_invites_a_filler_to_enter_or_import(records, login):
    doc = parse(login("county_filler").get(URL, {"period": "2019"}))
    empty = doc.xpath('//*[@data-testid="dashboard-empty"]')[0]
    assert "还没有已举办的活动记录" in empty.text_content()
    hrefs = {a.get("href") for a in empty.xpath(".//a")}
    assert reverse("activities:create") in hrefs
    assert reverse("imports:upload", args=["activities"]) in hrefs
    assert not doc.xpath("//*[@data-chart]")


def test_empty_period_for_an_admin_suggests_another_period(records, access_of, login):
    assert not access_of("city_admin").can(Action.ENTER)
    doc = parse(login("city_admin").get(URL, {"period": "2019"}))
    empty = doc.xpath('//*[@data-testid="dashboard-empty"]')[0]
    hrefs = [a.get("href") for a in empty.xpath(".//a")]
    assert reverse("activities:create") not in hrefs
    assert any("period=" in h for h in hrefs)


def test_planned_activities_alone_leave_the_dashboard_empty(tree, login):
    from tests.factories import make_activity

    make_activity(tree["county"], "计划中的讲座", dt.date(2024, 5, 5), status="planned")
    doc = parse(login("county_filler").get(URL, {"period": "2024"}))
    assert doc.xpath('//*[@data-testid="dashboard-empty"]')


# --------------------------------------------------------------------------- CSP


def test_no_inline_script_and_a_strict_policy(records, login):
    response = login("city_admin").get(URL, {"period": "2024"})
    doc = parse(response)
    scripts = doc.xpath("//script")
    assert scripts
    for script in scripts:
        assert script.get("src") or script.get("type") == "application/json", script.text
        if script.get("src") is None:
            json.loads(script.text)  # data only
    srcs = [s.get("src") for s in scripts if s.get("src")]
    assert any(src.endswith("vendor/echarts/echarts.min.js") for src in srcs)
    assert any(src.endswith("analytics/dashboard.js") for src in srcs)
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)[1]
    assert "'unsafe-inline'" not in script_src
    assert not re.search(r"\son\w+=", response.content.decode())  # no inline event handlers

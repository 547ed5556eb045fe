"""generate(): every figure is the engine's value, phrased by kexie.core.numbers; no data, no section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from kexie.activities.models import Activity
from kexie.core.errors import DomainError
from kexie.core.numbers import fits, parse_quantity, phrase, phrase_growth, phrase_percent, phrase_pp_change
from kexie.core.periods import Period
from kexie.indicators.engine import evaluate
from kexie.orgs.models import OrgUnit
from kexie.reports.generator import generate
from tests.factories import make_activity

CASES = [
    ("city_admin", "annual", "county", "2024", {}),  # the parent (city) is in scope: share and rank
    ("city_admin", "annual", "city", "2024", {}),
    ("county_filler", "annual", "county", "2024", {}),  # the parent is not in scope
    ("city_admin", "five_year", "city", "2020..2024", {}),
    ("city_admin", "five_year", "county", "2020..2024", {}),
    ("city_admin", "campaign", "city", "2024", {}),
    ("city_admin", "campaign", "county", "2024", {"campaign": "st_week"}),
]


def _engine_value(access, fig: dict, period: str, key: str | None):
    """The engine's value for the figure's indicator, period and unit, asked for independently."""
    breakdown = fig["breakdown"]
    if fig["own"]:
        result = evaluate(
            access=access,
            indicators=[fig["code"]],
            periods=[period],
            unit=fig["unit_id"],
            by="child",
            breakdown=breakdown,
        )
        return result.own(fig["code"], period, key=key).value
    result = evaluate(
        access=access, indicators=[fig["code"]], periods=[period], unit=fig["unit_id"], breakdown=breakdown
    )
    return result.value(fig["code"], period, key=key).value


def _check_figure(access, fig: dict) -> None:
    kind, code, period = fig["kind"], fig["code"], fig["period"]
    if kind == "value":
        assert fig["value"] == pytest.approx(_engine_value(access, fig, period, fig["key"])), fig
    elif kind == "growth":
        cur = _engine_value(access, fig, period, fig["key"])
        base = _engine_value(access, fig, fig["base_period"], fig["base_key"])
        assert fig["value"] == pytest.approx((cur - base) / base), fig
    elif kind == "pp":
        cur = _engine_value(access, fig, period, fig["key"])
        base = _engine_value(access, fig, fig["base_period"], fig["base_key"])
        assert fig["value"] == pytest.approx(cur - base), fig
    else:  # share / rank: the unit among the parent's children
        result = evaluate(
            access=access,
            indicators=[code],
            periods=[period],
            unit=fig["parent_id"],
            by="child",
            breakdown=fig["breakdown"],
        )
        if fig["own"]:
            mine = result.own(code, period, key=fig["key"])
        else:
            mine = result.value(code, period, fig["unit_id"], key=fig["key"])
        if kind == "share":
            assert fig["value"] == pytest.approx(mine.share * 100), fig
        else:
            larger = [v for v in result.ranking(code, period, key=fig["key"]) if (v.value or 0) > mine.value]
            assert fig["value"] == 1 + len(larger), fig
    # the record count is the engine's count of the records behind the figure
    counted = 0
    for count_code in fig["count_codes"]:
        result = evaluate(
            access=access,
            indicators=[count_code],
            periods=[period],
            unit=fig["unit_id"],
            by="child",
            breakdown=fig["breakdown"],
        )
        try:
            v = (
                result.own(count_code, period, key=fig["key"])
                if fig["own"]
                else result.value(count_code, period, key=fig["key"])
            )
        except LookupError:
            continue
        counted += v.value or 0
    assert fig["count"] == counted, fig


def _expected_text(fig: dict) -> str:
    """The text re-derived from the value with kexie.core.numbers, not with the generator's helper."""
    p, value = fig["phrasing"], fig["value"]
    if p["fn"] == "percent":
        return phrase_percent(value, is_percent=True)
    if p["fn"] == "growth":
        return phrase_growth(value)
    if p["fn"] == "pp":
        return phrase_pp_change(value, is_percent=True)
    if p["fn"] == "rank":
        return f"第{value}位"
    return phrase(
        value, p["unit"], p["style"], **{k: p[k] for k in ("precision", "scale", "decimals") if k in p}
    )


@pytest.mark.parametrize(("who", "key", "unit", "period", "options"), CASES)
def test_every_figure_equals_the_engine_value_and_is_phrased_by_numbers(
    tree, people, access_of, activities, who, key, unit, period, options
):
    access = access_of(who)
    draft = generate(access, key, tree[unit], period, options=options)
    figures = draft.figures()
    assert len(figures) >= 8
    for fig in figures:
        _check_figure(access, fig)
        assert fig["text"] == _expected_text(fig)
        if fig["phrasing"]["fn"] == "phrase" and fig["phrasing"]["unit"]:
            assert fits(parse_quantity(fig["text"]), fig["value"]), fig
    text, located = draft.text_with_figures()
    assert text == draft.plain_text()
    assert [text[x.start : x.end] for x in located] == [f["text"] for f in figures]


def test_value_figures_link_to_the_records_behind_them(tree, people, access_of, activities, client):
    access = access_of("city_admin")
    draft = generate(access, "annual", tree["city"], "2024")
    fig = next(
        f
        for f in draft.figures()
        if f["kind"] == "value" and f["code"] == "popsci_activities" and not f["own"]
    )
    held = Activity.objects.filter(
        status="held",
        activity_type__is_academic=False,
        start_date__year=2024,
        org_unit__path__startswith=tree["city"].path,
    )
    assert fig["value"] == held.count() == fig["count"]
    assert fig["href"].startswith("/activities/?")
    assert "period=2024" in fig["href"]


def test_the_annual_review_reads_like_a_report(tree, people, access_of, activities):
    draft = generate(access_of("city_admin"), "annual", tree["county"], "2024")
    text = draft.plain_text()
    assert draft.title == "怀宁县科学技术协会2024年工作总结"
    assert "一、科学普及" in text
    assert "二、受益群众与特色活动" in text  # the fixture's trainings: 培训人次
    assert "三、学术交流" in text
    assert "2024年，全县科协系统共举办科普活动" in text
    assert "在安庆市科学技术协会下属单位中居第" in text  # rank among the siblings (the city is in scope)
    assert "表1  2024年各单位科普活动情况" in text


def test_the_comparison_with_the_parent_is_left_out_when_the_parent_is_out_of_scope(
    tree, people, access_of, activities
):
    draft = generate(access_of("county_filler"), "annual", tree["county"], "2024")
    assert all(
        f["kind"] not in ("share", "rank") or f["parent_id"] == tree["county"].pk for f in draft.figures()
    )
    assert "安庆市科学技术协会" not in draft.plain_text()
    visible = set(OrgUnit.objects.filter(path__startswith=tree["county"].path).values_list("pk", flat=True))
    assert {f["unit_id"] for f in draft.figures()} <= visible


def test_a_unit_outside_the_scope_is_not_found(tree, people, access_of, activities):
    with pytest.raises(Http404):
        generate(access_of("county_filler"), "annual", tree["other_county"], "2024")
    with pytest.raises(Http404):
        generate(access_of("outsider"), "annual", tree["county"].pk, "2024")


def test_sections_without_data_are_left_out(tree, people, access_of):
    # only 科普 lectures in 2024, without scientists or volunteers: no 学术交流, no 参与 section,
    # no comparison with 2023 (nothing then), no other activity forms
    for day in (dt.date(2024, 3, 1), dt.date(2024, 4, 2)):
        make_activity(tree["county"], f"讲座{day}", day, participants=100)
    draft = generate(access_of("county_filler"), "annual", tree["county"], "2024")
    text = draft.plain_text()
    assert [b["text"] for b in draft.body["blocks"] if b["kind"] == "heading"] == ["一、科学普及"]
    assert draft.omitted == [
        "受益群众与特色活动",
        "学术交流",
        "阵地与平台",
        "人才举荐与表彰",  # issue 11
        "青少年科技教育",  # issue 11 (contests)
        "科技志愿服务",  # issue 11 (volunteers)
        "基层组织“3+1”",  # issue 11 (people, coverage)
        "科技工作者和志愿者参与",
        "荣誉与排名",
    ]
    assert "比上年" not in text
    assert "展览" not in text
    assert "学术" not in text
    assert "讲座、报告会2场次" in text
    assert all(f["value"] for f in draft.figures())  # never a "0" written into the text


def test_no_data_at_all_is_refused_with_a_message(tree, people, access_of):
    with pytest.raises(DomainError) as exc:
        generate(access_of("county_filler"), "annual", tree["county"], "2024")
    assert "没有可用于“年度工作总结”的数据" in exc.value.message


@pytest.mark.parametrize(
    ("key", "period", "options", "message"),
    [
        ("annual", "2024Q1", {}, "需要年度"),
        ("five_year", "2024", {}, "需要多年期间"),
        ("annual", "二〇二四", {}, "无法识别的期间"),
        ("campaign", "2025", {"campaign": "science_day"}, "全国科普日”在2025年没有举办"),
        ("campaign", "2024", {"campaign": "nope"}, "没有代码为“nope”的活动品牌"),
        ("nope", "2024", {}, "没有名为“nope”的报告模板"),
    ],
)
def test_bad_input_gets_a_precise_chinese_message(
    tree, people, access_of, activities, key, period, options, message
):
    with pytest.raises(DomainError) as exc:
        generate(access_of("city_admin"), key, tree["city"], period, options=options)
    assert message in exc.value.message


def test_the_five_year_review_compares_with_the_previous_span_and_the_base_year(tree, people, access_of):
    from tests.reports.conftest import build_activities

    build_activities(tree, years=(2015, 2016, 2019, 2020, 2023, 2024), per_unit_year=4)
    draft = generate(access_of("city_admin"), "five_year", tree["city"], "2020..2024")
    text = draft.plain_text()
    assert draft.title == "安庆市科学技术协会2020—2024年工作回顾"
    assert "五年来，全市科协系统累计举办科普活动" in text
    assert "与上一个五年（2015—2019年）相比" in text
    assert "2024年举办科普活动" in text
    assert "比2019年" in text
    growth = [f for f in draft.figures() if f["kind"] == "growth"]
    assert {(f["period"], f["base_period"]) for f in growth} >= {
        ("2020..2024", "2015..2019"),
        ("2024", "2019"),
    }


def test_the_campaign_summary_follows_the_science_day_into_the_science_month(tree, people, access_of):
    from tests.reports.conftest import build_activities

    build_activities(tree, years=(2024, 2025))
    draft = generate(access_of("city_admin"), "campaign", tree["city"], "2025")
    assert draft.title == "安庆市科学技术协会2025年全国科普月活动总结"
    assert "与2024年全国科普日相比" in draft.plain_text()
    growth = next(f for f in draft.figures() if f["kind"] == "growth")
    assert (growth["key"], growth["base_key"]) == ("science_month", "science_day")


def test_draft_figures_carry_what_the_appendix_needs(tree, people, access_of, activities):
    draft = generate(access_of("city_admin"), "annual", tree["county"], Period.year(2024))
    for fig in draft.figures():
        assert {
            "id",
            "code",
            "name",
            "period",
            "unit_id",
            "unit_name",
            "value",
            "text",
            "href",
            "count",
        } <= fig.keys()
    assert len({f["id"] for f in draft.figures()}) == len(draft.figures())


# --------------------------------------------------------------------------- templates and their sections


TEMPLATE_RUNS = {"annual": "2024", "five_year": "2020..2024", "campaign": "2024"}


def test_every_template_is_run_here():
    from kexie.reports.registry import templates

    assert sorted(t.key for t in templates()) == sorted(TEMPLATE_RUNS)


@pytest.mark.parametrize("key", sorted(TEMPLATE_RUNS))
def test_a_template_evaluates_exactly_what_its_sections_phrase(tree, people, access_of, activities, key):
    from kexie.reports.registry import template

    tmpl = template(key)
    assert tmpl.indicators == tuple(dict.fromkeys(c for s in tmpl.sections for c in s.uses))
    draft = generate(access_of("city_admin"), key, tree["city"], TEMPLATE_RUNS[key])  # raises if undeclared
    phrased = {fig["code"] for fig in draft.figures()}
    assert phrased <= set(tmpl.indicators) | set(tmpl.parent_indicators)
    assert len(phrased) >= 5


def test_a_section_phrasing_an_undeclared_indicator_raises_instead_of_losing_the_sentence(
    tree, people, access_of, activities, monkeypatch
):
    from kexie.reports import registry
    from kexie.reports.generator import UndeclaredIndicator

    def write(w):
        return [
            w.para(
                "举办科普活动", w.fig("popsci_activities"), "，线上浏览量", w.fig("popsci_online_views"), "。"
            )
        ]

    tmpl = registry.ReportTemplate(
        key="test_undeclared",
        name="测试",
        description="",
        period_kinds=(Period.year(2024).kind,),
        period_help="",
        title=lambda w: "测试",
        plan=lambda period, options: registry.Plan(periods=(period,)),
        sections=(registry.Section("科学普及", ("popsci_activities",), write),),
    )
    monkeypatch.setitem(registry._TEMPLATES, tmpl.key, tmpl)
    with pytest.raises(UndeclaredIndicator, match="popsci_online_views"):
        generate(access_of("city_admin"), tmpl.key, tree["city"], "2024")


def test_a_template_naming_an_unknown_indicator_is_refused_when_declared():
    from kexie.reports import registry

    with pytest.raises(LookupError, match="no_such_indicator"):
        registry.ReportTemplate(
            key="test_unknown",
            name="测试",
            description="",
            period_kinds=(Period.year(2024).kind,),
            period_help="",
            title=lambda w: "测试",
            plan=lambda period, options: registry.Plan(periods=(period,)),
            sections=(registry.Section("科学普及", ("no_such_indicator",), lambda w: []),),
        )

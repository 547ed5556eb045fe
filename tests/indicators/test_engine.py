"""The indicator engine on a fixed set of records: totals, children, periods, breakdowns, ratios, scope."""

import datetime as dt

import pytest
from django.http import Http404

from kexie.core.periods import Period
from kexie.indicators import registry
from kexie.indicators.engine import evaluate
from kexie.indicators.registry import NO_MEMBER, Aggregate, FormValue, Indicator, Kind, StockAt
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import ANONYMOUS
from tests.factories import make_unit
from tests.indicators.helpers import SPEC, expected, frozen, make_activities

ALL_CODES = [i.code for i in registry.indicators()]


def test_every_declaration_resolves():
    assert registry.check() == []


def test_every_indicator_has_an_independent_expectation():
    assert set(SPEC) == set(ALL_CODES)


def test_city_totals_count_held_activities_of_the_subtree_only(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=[
            "popsci_activities",
            "popsci_participants",
            "academic_activities",
            "academic_participants",
        ],
        periods=["2024"],
    )
    # 2024, 安庆 subtree, held: lecture (怀宁), exhibition (高河), consultation (桐城), academic (学会);
    # the planned/cancelled ones and 池州's lecture do not count.
    assert result.unit == tree["city"]
    assert result.value("popsci_activities", "2024").value == 3
    assert result.value("popsci_participants", "2024").value == 120 + 300 + 80
    assert result.value("academic_activities", "2024").value == 1
    assert result.value("academic_participants", "2024").value == 200


def test_sums_are_person_times_and_views_are_kept_apart(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=[
            "popsci_participants",
            "popsci_online_views",
            "sci_worker_participation",
            "volunteer_participation",
        ],
        periods=["2024..2025"],
    )
    v = {code: result.value(code, "2024..2025").value for code in result_codes(result)}
    assert v == {
        "popsci_participants": 120 + 300 + 80 + 1500 + 0,
        "popsci_online_views": 1000,
        "sci_worker_participation": 5 + 40 + 10,  # 科普 and academic events alike
        "volunteer_participation": 3,
    }
    assert all(isinstance(n, int) for n in v.values())


def result_codes(result):
    return [i.code for i in result.indicators]


def test_by_child_lists_every_child_with_zeros_own_level_and_shares(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"), indicators=["popsci_activities"], periods=["2024..2025"], by="child"
    )
    ranking = result.ranking("popsci_activities", "2024..2025")
    assert [(v.label, v.value) for v in ranking] == [
        ("怀宁县科学技术协会", 3),  # lecture + township's exhibition + contest
        ("桐城市科学技术协会", 1),
        ("安庆市医学会", 0),  # a child without 科普 records is listed with 0
    ]
    own = result.own("popsci_activities", "2024..2025")
    assert (own.value, own.label, own.own_only) == (1, "安庆市科学技术协会（本级）", True)
    total = result.value("popsci_activities", "2024..2025").value
    assert total == 5 == sum(v.value for v in ranking) + own.value
    assert [round(v.share, 3) for v in ranking] == [0.6, 0.2, 0.0]
    assert result.value("popsci_activities", "2024..2025", child=tree["county"]).value == 3


def test_ranking_of_a_unit_without_children_is_empty(records, tree, access_of):
    result = evaluate(
        access=access_of("township_filler"), indicators=["popsci_activities"], periods=["2024"], by="child"
    )
    assert result.ranking("popsci_activities", "2024") == []
    assert result.own("popsci_activities", "2024").value == 1


def test_period_kinds_each_get_their_own_value_even_when_they_overlap(tree, access_of):
    days = [
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 1),
        dt.date(2024, 9, 18),
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 1),
        dt.date(2026, 6, 30),
    ]
    make_activities({"unit": tree["county"], "type": "lecture", "day": d} for d in days)
    periods = {
        "2024": 5,  # year
        "2024S1": 3,  # half
        "2024Q1": 2,  # quarter: both ends inclusive
        "2024Q2": 1,
        "2024-09": 1,  # month
        "2024W38": 1,  # ISO week 2024-09-16..22
        "2024-03-31..2024-04-01": 2,  # custom
        "2024-12-31..2025-01-01": 2,  # custom across a year end
        "2023..2025": 6,  # span
        "2027": 0,
    }
    result = evaluate(access=access_of("county_admin"), indicators=["popsci_lectures"], periods=list(periods))
    assert {str(p): result.value("popsci_lectures", p).value for p in result.periods} == periods
    assert [str(p) for p in result.periods] == list(periods)  # in the order asked for


def test_series_of_months(records, access_of):
    months = Period.series("2025-07", "2025-10")
    result = evaluate(access=access_of("city_admin"), indicators=["popsci_activities"], periods=months)
    assert [v.value for v in result.series("popsci_activities")] == [0, 0, 2, 0]


def test_campaign_breakdown_follows_science_day_to_science_month(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities", "science_day_month_activities"],
        periods=["2024", "2025"],
        breakdown="campaign",
    )
    keys = dict(result.keys)
    assert keys["science_day"] == "全国科普日"
    assert keys["science_month"] == "全国科普月"
    assert keys[NO_MEMBER] == "无品牌"
    assert list(keys)[-1] == NO_MEMBER  # records without a campaign come last
    by_key = {
        (str(p), k): result.value("popsci_activities", p, key=k).value for p in result.periods for k in keys
    }
    assert by_key[("2024", "science_day")] == 2
    assert by_key[("2024", "science_month")] == 0
    assert by_key[("2025", "science_day")] == 0
    assert by_key[("2025", "science_month")] == 2
    assert by_key[("2024", "st_week")] == 1
    assert by_key[("2024", NO_MEMBER)] == 0
    # the combined indicator continues the series across the change
    assert [v.value for v in result.series("science_day_month_activities")] == [2, 2]
    # a to-one breakdown adds up to the total
    for p in result.periods:
        assert (
            sum(result.value("popsci_activities", p, key=k).value for k in keys)
            == result.value("popsci_activities", p).value
        )


def test_target_breakdown_counts_an_activity_under_each_group_but_once_in_totals(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities", "popsci_participants", "popsci_youth_activities"],
        periods=["2024"],
        breakdown="target",
    )
    v = lambda code, key=None: result.value(code, "2024", key=key).value  # noqa: E731
    assert v("popsci_activities") == 3  # the youth+elderly lecture is one activity
    assert v("popsci_participants") == 500
    assert v("popsci_activities", "youth") == 2
    assert v("popsci_activities", "elderly") == 1
    assert v("popsci_activities", "farmers") == 1
    assert v("popsci_participants", "youth") == 120 + 80
    assert v("popsci_youth_activities") == 2
    assert v("popsci_youth_activities", "elderly") == 1
    # members overlap: their sum exceeds the total, which is why totals come from their own query
    assert sum(v("popsci_activities", k) for k, _ in result.keys) == 4


def test_type_breakdown_with_children(records, tree, access_of):
    result = evaluate(
        access=access_of("province_sysadmin"),
        indicators=["popsci_activities"],
        periods=["2024"],
        unit=tree["city"],
        by="child",
        breakdown="type",
    )
    county = tree["county"]
    assert result.value("popsci_activities", "2024", county, key="lecture").value == 1
    assert result.value("popsci_activities", "2024", county, key="exhibition").value == 1
    assert result.value("popsci_activities", "2024", tree["county2"], key="lecture").value == 0
    assert [code for code, _ in result.keys] == ["lecture", "exhibition", "consultation", "academic"]
    ranking = result.ranking("popsci_activities", "2024", key="lecture")
    assert ranking[0].unit == county
    assert ranking[0].share == 1.0


def test_distinct_count_does_not_add_up(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"), indicators=["popsci_organisers"], periods=["2024..2025"], by="child"
    )
    assert result.value("popsci_organisers", "2024..2025").value == 4  # 怀宁, 高河, 桐城, 安庆本级
    assert result.value("popsci_organisers", "2024..2025", tree["county"]).value == 2
    assert result.own("popsci_organisers", "2024..2025").value == 1
    assert result.value("popsci_organisers", "2024..2025", tree["county"]).share is None


def test_ratio_and_its_zero_denominator(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_avg_participants", "popsci_key_share"],
        periods=["2024", "2026"],
        by="child",
    )
    assert result.value("popsci_avg_participants", "2024").value == pytest.approx(500 / 3)
    assert result.value("popsci_key_share", "2024").value == pytest.approx(100 / 3)
    assert result.value("popsci_avg_participants", "2026").value is None  # no activities: not computed
    society = result.value("popsci_avg_participants", "2024", tree["society"])
    assert society.value is None
    assert society.share is None
    assert result.ranking("popsci_avg_participants", "2024")[-1].value is None  # None ranks last


def test_other_subcounts_never_exceed_their_parent(records, access_of):
    subs = [
        "popsci_key_activities",
        "popsci_lectures",
        "popsci_exhibitions",
        "popsci_consultations",
        "popsci_trainings",
        "popsci_youth_activities",
        "science_day_month_activities",
        "st_week_activities",
    ]
    result = evaluate(
        access=access_of("province_sysadmin"),
        indicators=["popsci_activities", *subs],
        periods=["2024", "2025"],
        by="child",
    )
    for v in result:
        if v.code in subs:
            assert v.value <= same_place(result, "popsci_activities", v).value


def same_place(result, code, v):
    """The value of `code` for the same period, unit (or 本级) and member as `v`."""
    if v.own_only:
        return result.own(code, v.period, v.key)
    child = None if v.unit == result.unit else v.unit
    return result.value(code, v.period, child, v.key)


def test_every_indicator_matches_the_python_restatement(records, tree, access_of):
    periods = ["2024", "2025", "2024-09", "2024..2025"]
    for breakdown in (None, "type", "campaign", "target"):
        result = evaluate(
            access=access_of("city_admin"),
            indicators=ALL_CODES,
            periods=periods,
            by="child",
            breakdown=breakdown,
        )
        with frozen():
            for v in result:
                path = v.unit.path
                want = expected(
                    v.code, records, v.period, path, own_only=v.own_only, dim=breakdown, key=v.key
                )
                if want is None:
                    assert v.value is None, (v.code, v.period, v.label, v.key)
                else:
                    assert v.value == pytest.approx(want), (v.code, v.period, v.label, v.key)


# --------------------------------------------------------------------------- scope


def test_outsider_gets_404_for_a_unit_outside_its_subtree(records, tree, access_of):
    with pytest.raises(Http404):
        evaluate(
            access=access_of("outsider"),
            indicators=["popsci_activities"],
            periods=["2024"],
            unit=tree["city"],
        )


@pytest.mark.parametrize("unit", ["city", "county2", "province"])
def test_county_user_cannot_ask_for_a_parent_or_sibling(records, tree, access_of, unit):
    with pytest.raises(Http404):
        evaluate(
            access=access_of("county_filler"),
            indicators=["popsci_activities"],
            periods=["2024"],
            unit=tree[unit],
        )


def test_unit_by_id_goes_through_the_scoped_lookup(records, tree, access_of):
    with pytest.raises(Http404):
        evaluate(
            access=access_of("county_viewer"),
            indicators=["popsci_activities"],
            periods=["2024"],
            unit=tree["city"].pk,
        )
    result = evaluate(
        access=access_of("county_viewer"),
        indicators=["popsci_activities"],
        periods=["2024"],
        unit=tree["township"].pk,
    )
    assert result.value("popsci_activities", "2024").value == 1


def test_anonymous_access_gets_nothing(records):
    with pytest.raises(Http404):
        evaluate(access=ANONYMOUS, indicators=["popsci_activities"], periods=["2024"])


def test_a_county_user_sees_only_its_subtree_by_default(records, tree, access_of):
    result = evaluate(
        access=access_of("county_viewer"), indicators=["popsci_activities"], periods=["2024..2025"]
    )
    assert result.unit == tree["county"]
    assert result.value("popsci_activities", "2024..2025").value == 3


def test_a_forged_unit_object_cannot_widen_the_scope(records, tree, access_of):
    forged = tree["county"]
    forged.path = tree["province"].path  # an in-memory object that claims to be the province
    result = evaluate(
        access=access_of("county_viewer"),
        indicators=["popsci_activities"],
        periods=["2024..2025"],
        unit=forged,
    )
    assert result.unit.path == OrgUnit.objects.get(pk=forged.pk).path  # the unit as stored, not as claimed
    assert result.value("popsci_activities", "2024..2025").value == 3


# --------------------------------------------------------------------------- arguments


def test_unknown_indicator_breakdown_or_grouping_is_refused(records, access_of):
    access = access_of("city_admin")
    with pytest.raises(LookupError):
        evaluate(access=access, indicators=["no_such_thing"], periods=["2024"])
    with pytest.raises(LookupError):
        evaluate(access=access, indicators=["popsci_activities"], periods=["2024"], breakdown="colour")
    with pytest.raises(ValueError, match="by must be"):
        evaluate(access=access, indicators=["popsci_activities"], periods=["2024"], by="grandchild")
    with pytest.raises(ValueError, match="at least one"):
        evaluate(access=access, indicators=["popsci_activities"], periods=[])


def test_value_lookups_outside_the_result_are_errors(records, tree, access_of):
    result = evaluate(access=access_of("city_admin"), indicators=["popsci_activities"], periods=["2024"])
    with pytest.raises(LookupError):
        result.value("popsci_activities", "2025")
    with pytest.raises(LookupError):
        result.value("popsci_activities", "2024", child=tree["county"])  # by="total" has no children
    with pytest.raises(LookupError):
        result.value("popsci_participants", "2024")  # not asked for
    for lookup in (result.value, result.number):
        with pytest.raises(LookupError):
            lookup("popsci_activities", "2024", key="lecture")  # no breakdown asked
    assert result.number("popsci_activities", "2024") == result.value("popsci_activities", "2024").value


def test_breakdown_members_and_numbers_without_values(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities", "popsci_organisers"],
        periods=["2024", "2025"],
        by="child",
        breakdown="type",
    )
    keys = [code for code, _ in result.keys]
    assert keys
    assert result.members("popsci_activities") == keys
    with pytest.raises(LookupError):
        result.value("popsci_activities", "2024", key="no-such-type")
    # every figure: as many as iterating gives, and number() agrees with value() everywhere
    values = list(result)
    assert len(values) == len(result) == 2 * 2 * (2 + len(result.children)) * (1 + len(keys))
    for v in values:
        if v.own_only:
            number = result.number(v.code, v.period, key=v.key, own=True)
        else:
            child = None if v.unit.pk == result.unit.pk else v.unit
            number = result.number(v.code, v.period, child, key=v.key)
        assert number == v.value, (v.code, v.period, v.label, v.key)


def test_form_values_say_they_are_not_built_yet(monkeypatch, tree, access_of):
    fake = Indicator("fake", "占位", "个", Kind.STOCK, FormValue("kx_annual", "A01"), "测试用")
    monkeypatch.setitem(registry._INDICATORS, "fake", fake)
    with pytest.raises(NotImplementedError):
        evaluate(access=access_of("city_admin"), indicators=["fake"], periods=["2024"])


def test_a_q_filter_through_target_groups_never_double_counts(monkeypatch, tree, access_of):
    from django.db.models import Q

    make_activities(
        [
            {
                "unit": tree["county"],
                "type": "lecture",
                "day": dt.date(2024, 5, 5),
                "participants": 10,
                "targets": ["youth", "farmers", "elderly"],
            }
        ]
    )
    fake = Indicator(
        "fake_sum",
        "占位",
        "人次",
        Kind.FLOW,
        Aggregate("activity", "sum", "participants", Q(target_groups__code__in=["youth", "farmers"])),
        "测试用",
    )
    monkeypatch.setitem(registry._INDICATORS, "fake_sum", fake)
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["fake_sum", "popsci_participants"],
        periods=["2024"],
        breakdown="target",
    )
    assert result.value("fake_sum", "2024").value == 10
    assert result.value("popsci_participants", "2024").value == 10
    assert result.value("fake_sum", "2024", key="youth").value == 10
    assert result.value("fake_sum", "2024").provenance is None  # an __in condition has no list parameter


def test_new_children_show_up_without_records(records, tree, access_of):
    make_unit(tree["city"], "340811", "宜秀区科学技术协会", "county", "340811")
    result = evaluate(
        access=access_of("city_admin"), indicators=["popsci_activities"], periods=["2024"], by="child"
    )
    assert "宜秀区科学技术协会" in [v.label for v in result.ranking("popsci_activities", "2024")]


def test_records_are_read_through_the_scoping_mechanism(monkeypatch, records, access_of):
    from kexie.indicators import engine

    seen = []

    def spy(queryset, access, action):
        seen.append((queryset.model.__name__, action))
        return queryset.none()

    monkeypatch.setattr(engine, "scope", spy)
    access = access_of("city_admin")
    result = evaluate(access=access, indicators=["popsci_activities"], periods=["2024"])
    assert seen == [("ActivityMonthFact", "view")]  # the pre-aggregated table, scoped the same way
    assert result.sources == {"popsci_activities": "facts"}
    assert result.value("popsci_activities", "2024").value == 0
    seen.clear()
    result = evaluate(access=access, indicators=["popsci_activities"], periods=["2024"], source="records")
    assert seen == [("Activity", "view")]
    assert result.value("popsci_activities", "2024").value == 0


# --------------------------------------------------------------------------- stocks: org units


def test_org_units_are_counted_as_a_stock_on_the_last_day_of_each_period(tree, access_of):
    from kexie.orgs import services as org_services

    access = access_of("province_sysadmin")
    new = make_unit(tree["city"], "340811", "宜秀区科学技术协会", "county", "340811")
    OrgUnit.objects.filter(pk=new.pk).update(active_from=dt.date(2024, 7, 1))
    org_services.orgunit_close(access=access, unit=tree["society"], on=dt.date(2024, 3, 31))
    periods = ["2023", "2024Q1", "2024-03-30..2024-03-30", "2024Q2", "2024", "2025"]
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["org_units"],
        periods=periods,
        by="child",
        breakdown="org_type",
    )
    city = {p: result.value("org_units", p).value for p in periods}
    # 安庆: the city, 怀宁, 高河, 桐城 (+ the 学会 until it closed on 31 March, + 宜秀 from 1 July)
    assert city == {"2023": 5, "2024Q1": 4, "2024-03-30..2024-03-30": 5, "2024Q2": 4, "2024": 5, "2025": 5}
    assert result.sources == {"org_units": "records"}
    assert result.value("org_units", "2024", child=tree["county"]).value == 2  # 怀宁 and 高河
    assert result.own("org_units", "2024").value == 1
    assert result.value("org_units", "2024", key="county").value == 3
    assert result.value("org_units", "2023", key="society").value == 1
    assert dict(result.keys)["township"] == "乡镇科协"
    # the org list shows the units in force on the period's last day
    assert result.value("org_units", "2024").provenance == f"/orgs/?at=2024-12-31&unit={tree['city'].pk}"
    for v in result:
        want = expected("org_units", [], v.period, v.unit.path, own_only=v.own_only, key=v.key)
        assert v.value == want, (str(v.period), v.label, v.key)


def test_a_breakdown_applies_to_the_record_types_that_have_it(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities", "org_units"],
        periods=["2024"],
        breakdown="type",
    )
    assert result.value("popsci_activities", "2024", key="lecture").value == 1
    assert result.value("org_units", "2024").value == 5  # 安庆, 怀宁, 高河, 桐城, 医学会
    with pytest.raises(LookupError):
        result.value("org_units", "2024", key="lecture")
    with pytest.raises(LookupError, match="不能按"):
        evaluate(access=access_of("city_admin"), indicators=["org_units"], periods=["2024"], breakdown="type")


def test_a_stock_declaration_needs_a_field_unless_it_counts():
    # count_distinct stocks (distinct people holding a post on a day) are evaluated in
    # tests/people/test_coverage.py; they do not add up over children
    assert not StockAt("orgunit", "count_distinct", "org_type").additive
    with pytest.raises(ValueError, match="sum needs one"):
        StockAt("orgunit", "count_distinct")
    with pytest.raises(ValueError, match="sum needs one"):
        StockAt("orgunit", "sum")

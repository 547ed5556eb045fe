"""The list filter contract (GET parameters → ActivityFilters → activity_list) and the list's totals,
computed by the indicator engine (kexie.indicators.lists.activity_list_totals)."""

import datetime as dt

import pytest
from django.http import Http404

from kexie.activities import selectors
from kexie.activities.filters import list_url, parse_filters
from kexie.activities.models import Activity, ActivityType
from kexie.indicators.lists import activity_list_totals
from tests.factories import make_activity

D = dt.date


@pytest.fixture
def acts(tree):
    """Activities across the standard tree; keys are the names used by the tests."""
    ActivityType.objects.filter(code="academic").update(is_academic=True)
    return {
        "county_may": make_activity(
            tree["county"],
            "县里五月讲座",
            D(2023, 5, 10),
            participants=100,
            is_key=True,
            target_groups=("farmers", "elderly"),
            venue="县文化馆",
        ),
        "township_sept": make_activity(
            tree["township"],
            "高河科普日学术报告",
            D(2023, 9, 16),
            activity_type="academic",
            campaign="science_day",
            participants=50,
            target_groups=("youth",),
        ),
        "county2_feb": make_activity(
            tree["county2"], "桐城展览", D(2024, 2, 1), activity_type="exhibition", participants=300
        ),
        "other_dec": make_activity(
            tree["other_county"],
            "贵池跨年竞赛",
            D(2023, 12, 31),
            activity_type="contest",
            participants=10,
            end_date=D(2024, 1, 2),
        ),
        "county_cancelled": make_activity(
            tree["county"], "取消的讲座", D(2023, 11, 1), status=Activity.Status.CANCELLED, participants=0
        ),
        "county_planned": make_activity(
            tree["county"],
            "计划中的科普月活动",
            D(2025, 9, 5),
            campaign="science_month",
            status=Activity.Status.PLANNED,
        ),
    }


def listed(access, params) -> set[str]:
    filters = parse_filters(params, access=access)
    assert filters.is_valid, filters.errors
    return set(selectors.activity_list(access=access, filters=filters).values_list("title", flat=True))


def titles(acts, *names) -> set[str]:
    return {acts[n].title for n in names}


HELD = ("county_may", "township_sept", "county2_feb", "other_dec")


def test_default_lists_held_activities_of_the_whole_scope(acts, access_of):
    assert listed(access_of("province_sysadmin"), {}) == titles(acts, *HELD)


def test_the_scope_limits_the_list_before_any_filter(acts, access_of):
    assert listed(access_of("county_filler"), {}) == titles(acts, "county_may", "township_sept")
    assert listed(access_of("outsider"), {}) == titles(acts, "other_dec")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("all", (*HELD, "county_cancelled", "county_planned")),
        ("planned", ("county_planned",)),
        ("cancelled", ("county_cancelled",)),
        ("held", HELD),
    ],
)
def test_status_filter(acts, access_of, status, expected):
    assert listed(access_of("province_sysadmin"), {"status": status}) == titles(acts, *expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        pytest.param("2023", ("county_may", "township_sept", "other_dec"), id="year"),
        pytest.param("2023S2", ("township_sept", "other_dec"), id="half"),
        pytest.param("2023Q2", ("county_may",), id="quarter"),
        pytest.param("2023-09", ("township_sept",), id="month"),
        pytest.param("2023W37", ("township_sept",), id="iso-week"),
        pytest.param("2023-05-01..2023-09-16", ("county_may", "township_sept"), id="custom-range-inclusive"),
        pytest.param("2023..2024", HELD, id="span"),
        pytest.param("2024", ("county2_feb",), id="counted-by-start-date-only"),
    ],
)
def test_period_filter_counts_activities_by_start_date(acts, access_of, period, expected):
    assert listed(access_of("province_sysadmin"), {"period": period}) == titles(acts, *expected)


def test_unit_filter_takes_the_units_subtree(tree, acts, access_of):
    params = {"unit": str(tree["county"].pk)}
    assert listed(access_of("province_sysadmin"), params) == titles(acts, "county_may", "township_sept")


def test_unit_filter_outside_the_scope_is_a_404(tree, acts, access_of):
    with pytest.raises(Http404):
        parse_filters({"unit": str(tree["other_county"].pk)}, access=access_of("county_filler"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "exhibition"}, ("county2_feb",)),
        ({"academic": "1"}, ("township_sept",)),
        ({"campaign": "science_day"}, ("township_sept",)),
        ({"key": "1"}, ("county_may",)),
        ({"target": "youth"}, ("township_sept",)),
        ({"target": "farmers"}, ("county_may",)),
        ({"q": "展览"}, ("county2_feb",)),
        ({"q": "文化馆"}, ("county_may",)),
        ({"key": "0"}, ("township_sept", "county2_feb", "other_dec")),
        ({"academic": "0"}, ("county_may", "county2_feb", "other_dec")),
        ({"key": "", "academic": ""}, HELD),
        ({"campaign": "science_month", "status": "all"}, ("county_planned",)),
    ],
    ids=[
        "type",
        "academic",
        "campaign",
        "key",
        "target",
        "target-2",
        "q-title",
        "q-venue",
        "not-key",
        "not-academic",
        "flags-empty",
        "campaign-all",
    ],
)
def test_each_filter_narrows_the_list(acts, access_of, params, expected):
    assert listed(access_of("province_sysadmin"), params) == titles(acts, *expected)


def test_filters_combine(tree, acts, access_of):
    params = {"period": "2023", "unit": str(tree["city"].pk), "type": "lecture"}
    assert listed(access_of("province_sysadmin"), params) == titles(acts, "county_may")


def test_an_activity_with_several_target_groups_is_listed_once(acts, access_of):
    access = access_of("province_sysadmin")
    qs = selectors.activity_list(access=access, filters=parse_filters({"target": "farmers"}, access=access))
    assert qs.count() == 1
    totals = activity_list_totals(access=access, filters=parse_filters({"target": "farmers"}, access=access))
    assert totals == {"count": 1, "participants": 100}


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("start_date", ("county_may", "township_sept", "other_dec", "county2_feb")),
        ("-start_date", ("county2_feb", "other_dec", "township_sept", "county_may")),
        ("participants", ("other_dec", "township_sept", "county_may", "county2_feb")),
        ("-participants", ("county2_feb", "county_may", "township_sept", "other_dec")),
    ],
)
def test_sorting(acts, access_of, sort, order):
    access = access_of("province_sysadmin")
    qs = selectors.activity_list(access=access, filters=parse_filters({"sort": sort}, access=access))
    assert list(qs.values_list("title", flat=True)) == [acts[n].title for n in order]


def test_sorting_by_title(tree, acts, access_of):
    make_activity(tree["county"], "B 讲座", D(2023, 1, 1))
    make_activity(tree["county"], "A 讲座", D(2023, 1, 2))
    access = access_of("county_filler")
    qs = selectors.activity_list(
        access=access, filters=parse_filters({"sort": "title", "q": "讲座"}, access=access)
    )
    rows = list(qs.values_list("title", flat=True))
    assert rows.index("A 讲座") < rows.index("B 讲座")


def test_totals_are_count_and_participant_sum_of_the_filtered_set(acts, access_of):
    access = access_of("province_sysadmin")
    totals = activity_list_totals(access=access, filters=parse_filters({"period": "2023"}, access=access))
    assert totals == {"count": 3, "participants": 160}


def test_totals_of_an_empty_or_invalid_list_are_zero(acts, access_of):
    access = access_of("province_sysadmin")
    for params in ({"period": "2030"}, {"period": "2023Q5"}):
        totals = activity_list_totals(access=access, filters=parse_filters(params, access=access))
        assert totals == {"count": 0, "participants": 0}


PARAM_CASES = [
    {},
    {"status": "all"},
    {"status": "planned"},
    {"status": "cancelled", "period": "2023"},
    {"period": "2023"},
    {"period": "2023-09"},
    {"period": "2023-05-01..2023-09-20"},  # not whole months: the engine counts the records
    {"own": "1"},
    {"unit": "county", "own": "1", "status": "all"},
    {"unit": "county"},
    {"type": "lecture"},
    {"academic": "0"},
    {"campaign": "science_day,science_month", "status": "all"},
    {"campaign": "none"},
    {"campaign": "science_day,none"},
    {"key": "1"},
    {"key": "0"},
    {"target": "youth"},
    {"target": "none"},
    {"min_participants": "100"},
    {"min_participants": "1000"},
    {"q": "讲座"},
    {"q": "文化馆", "status": "all"},
]


@pytest.mark.parametrize("params", PARAM_CASES, ids=[str(c) for c in PARAM_CASES])
@pytest.mark.parametrize("persona", ["province_sysadmin", "county_filler"])
def test_totals_equal_the_listed_rows(tree, acts, access_of, params, persona):
    """The engine's totals for every filter against a count and sum of the list's own rows."""
    access = access_of(persona)
    params = {k: str(tree[v].pk) if k == "unit" else v for k, v in params.items()}
    if "unit" in params and not access.covers(tree["county"]):
        return
    filters = parse_filters(params, access=access)
    assert filters.is_valid, filters.errors
    rows = list(
        selectors.activity_list(access=access, filters=filters).values_list("participants", flat=True)
    )
    totals = activity_list_totals(access=access, filters=filters)
    assert totals == {"count": len(rows), "participants": sum(rows)}


def test_new_parameters_select_the_right_activities(tree, acts, access_of):
    access = access_of("province_sysadmin")
    assert listed(access, {"own": "1", "unit": str(tree["county"].pk), "status": "all"}) == titles(
        acts, "county_may", "county_cancelled", "county_planned"
    )
    assert listed(access, {"campaign": "science_day,science_month", "status": "all"}) == titles(
        acts, "township_sept", "county_planned"
    )
    assert listed(access, {"campaign": "none"}) == titles(acts, "county_may", "county2_feb", "other_dec")
    assert listed(access, {"campaign": "science_day,none"}) == titles(acts, *HELD)
    assert listed(access, {"target": "none"}) == titles(acts, "county2_feb", "other_dec")
    assert listed(access, {"min_participants": "100"}) == titles(acts, "county_may", "county2_feb")
    # own without a unit: the active unit's own activities
    assert listed(access_of("county_filler"), {"own": "1"}) == titles(acts, "county_may")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"period": "2023Q5"}, "无法识别的期间“2023Q5”"),
        ({"period": "去年"}, "无法识别的期间"),
        ({"unit": "abc"}, "单位参数应为单位编号"),
        ({"type": "nope"}, "没有代码为“nope”的活动类型"),
        ({"campaign": "nope"}, "没有代码为“nope”的活动品牌"),
        ({"target": "nope"}, "没有代码为“nope”的目标人群"),
        ({"key": "yes"}, "“重点活动”参数只能是 1、0 或留空"),
        ({"academic": "2"}, "“学术交流”参数只能是 1、0 或留空"),
        ({"status": "done"}, "状态参数“done”无效"),
        ({"campaign": "science_day,nope"}, "没有代码为“nope”的活动品牌"),
        ({"campaign": ",".join(f"c{n}" for n in range(21))}, "最多同时选20个"),
        ({"own": "yes"}, "“仅本级”参数只能是 1、0 或留空"),
        ({"min_participants": "-5"}, "应为不超过10位的整数"),
        ({"min_participants": "1e3"}, "应为不超过10位的整数"),
        ({"sort": "venue"}, "排序参数“venue”无效"),
    ],
)
def test_invalid_values_become_chinese_messages(acts, access_of, params, fragment):
    filters = parse_filters(params, access=access_of("province_sysadmin"))
    assert not filters.is_valid
    assert any(fragment in e for e in filters.errors), filters.errors


@pytest.mark.parametrize("academic", ["0", "1"])
def test_to_params_keeps_a_zero_flag(acts, access_of, academic):
    access = access_of("province_sysadmin")
    assert parse_filters({"academic": academic, "key": "0"}, access=access).to_params() == {
        "academic": academic,
        "key": "0",
    }


def test_to_params_reproduces_the_filters(tree, acts, access_of):
    access = access_of("province_sysadmin")
    params = {
        "period": "2023Q2",
        "unit": str(tree["county"].pk),
        "type": "lecture",
        "campaign": "science_day",
        "key": "1",
        "academic": "1",
        "target": "youth",
        "status": "all",
        "q": "讲座",
        "sort": "title",
    }
    filters = parse_filters(params, access=access)
    assert filters.to_params() == params
    assert parse_filters(filters.to_params(), access=access) == filters
    more = {
        "own": "1",
        "campaign": "science_day,science_month,none",
        "target": "none",
        "min_participants": "1000",
    }
    filters = parse_filters(more, access=access)
    assert filters.to_params() == more
    assert parse_filters(filters.to_params(), access=access) == filters
    assert "品牌：全国科普日或全国科普月或无品牌" in filters.describe()


def test_list_url_builds_contract_links_and_rejects_unknown_names(db):
    assert (
        list_url(period="2023Q2", unit=5, type="lecture", key=None)
        == "/activities/?period=2023Q2&unit=5&type=lecture"
    )
    assert list_url() == "/activities/"
    with pytest.raises(TypeError, match="region"):
        list_url(region="34")

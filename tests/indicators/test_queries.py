"""The engine's SQL: a fixed handful of queries whatever the number of children and periods."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from kexie.core.periods import Period
from kexie.indicators.engine import evaluate
from kexie.orgs.models import OrgType
from tests.factories import make_unit
from tests.indicators.helpers import generated_codes, make_activities

ALL_CODES = generated_codes()  # activities and org units: see the helper


def _reading(ctx) -> list[str]:
    """The statements that read data: on PostgreSQL the engine also sets its work_mem for the call
    (set_config, inside a transaction or savepoint), which is checked apart."""
    sql = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        assert any(s.startswith("SELECT set_config('work_mem'") for s in sql), sql
    return [
        s
        for s in sql
        if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SELECT set_config"))
    ]


def _queries(access, periods, breakdown, source="auto") -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = evaluate(
            access=access,
            indicators=ALL_CODES,
            periods=periods,
            by="child",
            breakdown=breakdown,
            source=source,
        )
        list(result)
    return len(_reading(ctx))


@pytest.mark.parametrize("source", ["auto", "records"])
def test_query_count_does_not_grow_with_children_or_periods(tree, access_of, source):
    access = access_of("city_admin")
    access.unit  # noqa: B018 - warm the per-request cache like a page does
    make_activities(
        {"unit": tree["county"], "type": "lecture", "day": dt.date(2024, m, 1), "targets": ["youth"]}
        for m in range(1, 13)
    )
    few = [Period.year(2024)]
    many = [*Period.series("2023-01", "2025-12"), Period.parse("2021..2025"), Period.parse("2024Q2")]
    small = {b: _queries(access, few, b, source) for b in (None, "type", "target")}

    for n in range(12):
        unit = make_unit(tree["city"], f"3408{50 + n}", f"新设区{n}科协", OrgType.COUNTY, "")
        make_activities([{"unit": unit, "type": "exhibition", "day": dt.date(2024, 6, 1 + n)}])
    large = {b: _queries(access, many, b, source) for b in (None, "type", "target")}

    assert large == small
    # + 2 everywhere: the org units (a stock, one query whatever the periods, and those founded, one
    # more: a flow over the units, not the activities); + 1 with a breakdown:
    # the members' codes and names (the counting queries group by the member's id)
    if source == "records":
        # children + (totals, count_distinct); a to-one breakdown's query gives the totals too (its
        # members add up); a to-many breakdown (target groups) needs a query of its own
        assert small == {None: 5, "type": 6, "target": 7}
    else:
        # children + facts (totals, distinct) + records (the target-group indicator's totals) + the
        # ids of the activity types and campaigns the fact filters name (FactSource.lists, one query
        # per list); by target group only the records can answer
        assert small == {None: 8, "type": 9, "target": 7}


def test_periods_that_are_not_whole_months_are_counted_from_the_records(tree, access_of):
    make_activities([{"unit": tree["county"], "type": "lecture", "day": dt.date(2024, 6, 1)}])
    access = access_of("city_admin")
    whole = evaluate(access=access, indicators=["popsci_activities"], periods=["2024Q2", "2024-06"])
    week = evaluate(access=access, indicators=["popsci_activities"], periods=["2024Q2", "2024W22"])
    assert whole.sources == {"popsci_activities": "facts"}
    assert week.sources == {"popsci_activities": "records"}
    assert (
        whole.value("popsci_activities", "2024Q2").value
        == week.value("popsci_activities", "2024Q2").value
        == 1
    )
    with pytest.raises(ValueError, match="整月"):
        evaluate(access=access, indicators=["popsci_activities"], periods=["2024W22"], source="facts")


def test_what_the_fact_table_answers(tree, access_of):
    access = access_of("city_admin")
    result = evaluate(access=access, indicators=ALL_CODES, periods=["2024"])
    on_records = {code for code, where in result.sources.items() if where == "records"}
    # target groups, series and facilities are not in the facts; org units (a stock, and those founded)
    # are counted from the units
    assert on_records == {
        "popsci_youth_activities",
        "farmer_activities",
        "farmer_participants",
        "series_editions",
        "series_participants",
        "museum_activities",
        "mobile_facility_activities",
        "org_units",
        "org_units_founded",
    }
    by_target = evaluate(
        access=access, indicators=["popsci_activities"], periods=["2024"], breakdown="target"
    )
    assert by_target.sources == {"popsci_activities": "records"}
    with pytest.raises(ValueError, match="预汇总表"):
        evaluate(access=access, indicators=["popsci_youth_activities"], periods=["2024"], source="facts")


def test_no_query_per_value(tree, access_of):
    access = access_of("city_admin")
    access.unit  # noqa: B018
    with CaptureQueriesContext(connection) as ctx:
        result = evaluate(access=access, indicators=["popsci_activities"], periods=["2024"])
        [v.provenance for v in result]  # building links reads nothing more
    types, facts = _reading(ctx)  # nothing else
    assert 'FROM "activities_activitytype"' in types  # the non-academic types' ids, read once …
    assert "activitymonthfact" in facts
    assert "activities_activitytype" not in facts  # … so the aggregate joins no list table


def test_list_conditions_read_as_ids_count_the_same_as_the_join(tree, access_of):
    """FactSource.lists: a condition on a field of a list (campaign__code=…) is answered with the
    list's ids on the facts. A condition no row meets, a negated one and a none-campaign record give
    what the records say (the join's semantics)."""
    make_activities(
        [
            {
                "unit": tree["county"],
                "type": "lecture",
                "day": dt.date(2024, 9, 2),
                "campaign": "science_day",
            },
            {"unit": tree["county"], "type": "lecture", "day": dt.date(2024, 9, 3), "campaign": "st_week"},
            {
                "unit": tree["county"],
                "type": "academic",
                "day": dt.date(2024, 9, 4),
                "campaign": "science_day",
            },
            {"unit": tree["county"], "type": "lecture", "day": dt.date(2024, 9, 5)},
        ]
    )
    access = access_of("city_admin")
    cases = [
        ({"campaign__code": "science_day"}, 1),
        ({"campaign__code": "没有这个品牌"}, 0),
        (~Q(campaign__code="science_day"), 2),  # st_week and the one without a campaign
        (Q(campaign__code="science_day") | Q(campaign__isnull=True), 2),
        ({"activity_type__code__in": ["lecture", "academic"]}, 3),  # academic is not 科普 anyway
    ]
    for where, expected in cases:
        got = {
            source: evaluate(
                access=access, indicators=["popsci_activities"], periods=["2024"], where=where, source=source
            )
            .value("popsci_activities", "2024")
            .value
            for source in ("facts", "records")
        }
        assert got == {"facts": expected, "records": expected}, where

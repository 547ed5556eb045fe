"""The engine's SQL: a fixed handful of queries whatever the number of children and periods."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.core.periods import Period
from kexie.indicators import registry
from kexie.indicators.engine import evaluate
from kexie.orgs.models import OrgType
from tests.factories import make_unit
from tests.indicators.helpers import make_activities

ALL_CODES = [i.code for i in registry.indicators()]


def _queries(access, periods, breakdown) -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = evaluate(
            access=access, indicators=ALL_CODES, periods=periods, by="child", breakdown=breakdown
        )
        list(result)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_children_or_periods(tree, access_of):
    access = access_of("city_admin")
    access.unit  # noqa: B018 - warm the per-request cache like a page does
    make_activities(
        {"unit": tree["county"], "type": "lecture", "day": dt.date(2024, m, 1), "targets": ["youth"]}
        for m in range(1, 13)
    )
    few = [Period.year(2024)]
    many = [
        *Period.series("2023-01", "2025-12"),
        Period.parse("2021..2025"),
        Period.parse("2024-02-10..2024-08-20"),
    ]
    small = {b: _queries(access, few, b) for b in (None, "type", "target")}

    for n in range(12):
        unit = make_unit(tree["city"], f"3408{50 + n}", f"新设区{n}科协", OrgType.COUNTY, "")
        make_activities([{"unit": unit, "type": "exhibition", "day": dt.date(2024, 6, 1 + n)}])
    large = {b: _queries(access, many, b) for b in (None, "type", "target")}

    assert large == small
    # children + (totals, count_distinct) without a breakdown; + the broken-down counts with one
    assert small == {None: 3, "type": 4, "target": 4}


def test_no_query_per_value(tree, access_of):
    access = access_of("city_admin")
    access.unit  # noqa: B018
    with CaptureQueriesContext(connection) as ctx:
        result = evaluate(access=access, indicators=["popsci_activities"], periods=["2024"])
        [v.provenance for v in result]  # building links reads nothing more
    assert len(ctx.captured_queries) == 1

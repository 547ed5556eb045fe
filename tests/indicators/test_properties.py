"""Generated record sets: every indicator × unit × period × breakdown equals a plain-Python fold."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie.indicators.engine import evaluate
from tests.indicators.helpers import (
    SPEC,
    behind,
    expected,
    frozen,
    generated_codes,
    listed,
    listed_units,
    make_activities,
)

ALL_CODES = generated_codes()  # activities and org units: see the helper
UNITS = ["province", "city", "county", "township", "county2", "society", "other_city", "other_county"]
TYPES = ["lecture", "exhibition", "consultation", "training", "contest", "academic", "other"]
CAMPAIGNS = [None, "science_day", "science_month", "st_week", "workers_day"]
GROUPS = ["youth", "farmers", "elderly", "residents"]
PERIODS = ("2024", "2025", "2024Q3", "2025-09", "2024W38", "2024-09-10..2025-09-20", "2023..2026", "2025S2")
# whole months only: the engine may answer from the pre-aggregated fact table
MONTH_PERIODS = ("2024", "2025", "2024Q3", "2025-09", "2024-09-01..2025-02-28", "2023..2026", "2025S2")

record = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(UNITS),
        "type": st.sampled_from(TYPES),
        "campaign": st.sampled_from(CAMPAIGNS),
        "day": st.dates(dt.date(2023, 6, 1), dt.date(2026, 6, 30)),
        "participants": st.sampled_from([0, 1, 35, 999, 1000, 4321]),
        "online_views": st.integers(0, 10**10),  # beyond 32 bits: a bigint sum
        "sci_workers": st.integers(0, 50),
        "volunteers": st.integers(0, 20),
        "is_key": st.booleans(),
        "status": st.sampled_from(["held", "held", "held", "planned", "cancelled"]),
        "targets": st.lists(st.sampled_from(GROUPS), max_size=3, unique=True),
    }
)


@pytest.mark.parametrize(("persona", "unit"), [("province_sysadmin", "province"), ("city_admin", "city")])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(record, max_size=25), breakdown=st.sampled_from([None, "type", "campaign", "target"]))
def test_engine_equals_a_python_fold(tree, access_of, persona, unit, specs, breakdown):
    # each example runs in a savepoint that is rolled back, so examples do not see each other's records
    with transaction.atomic():
        recs = make_activities({**s, "unit": tree[s["unit"]]} for s in specs)
        access = access_of(persona)
        paths = {u.pk: u.path for u in tree.values()}
        results = {
            (periods, source): evaluate(
                access=access,
                indicators=ALL_CODES,
                periods=periods,
                unit=tree[unit],
                by="child",
                breakdown=breakdown,
                source=source,
            )
            # weeks and odd ranges: "auto" reads records (asserted below), the very plan of "records"
            for periods, source in ((PERIODS, "auto"), (MONTH_PERIODS, "auto"), (MONTH_PERIODS, "records"))
        }
        auto = results[(MONTH_PERIODS, "auto")]
        if breakdown != "target":  # target groups are not in the facts: that breakdown reads records
            assert auto.sources["popsci_activities"] == auto.sources["popsci_organisers"] == "facts"
        assert set(results[(PERIODS, "auto")].sources.values()) == {"records"}  # weeks, odd ranges
        for (periods, source), result in results.items():
            numbers = _numbers(result)  # read before any Value is built: number() folds on its own
            if result is not auto:  # the fact-table path is checked by equality with "records" below
                with frozen():
                    _check(result, recs, paths, breakdown, (periods is MONTH_PERIODS, source))
            assert numbers == [v.value for v in result]
            assert len(result) == len(numbers)
        # both paths give the very same values, links and breakdown members
        records = results[(MONTH_PERIODS, "records")]
        assert auto.keys == records.keys
        assert [(v.code, v.period, v.label, v.key, v.value, v.share, v.provenance) for v in auto] == [
            (v.code, v.period, v.label, v.key, v.value, v.share, v.provenance) for v in records
        ]
        transaction.set_rollback(True)


def _numbers(result):
    """Every figure through Result.number(), in the order iterating the result gives its Values
    (by="child": the subtree, 本级, then each child)."""
    slots = [(None, False), (None, True), *((c, False) for c in result.children)]
    return [
        result.number(ind.code, period, child, key, own=own)
        for ind in result.indicators
        for period in result.periods
        for child, own in slots
        for key in [None, *result.members(ind.code)]
    ]


def _check(result, recs, paths, breakdown, case):
    for v in result:
        want = expected(v.code, recs, v.period, v.unit.path, own_only=v.own_only, dim=breakdown, key=v.key)
        where = (case, v.code, str(v.period), v.label, breakdown, v.key)
        if want is None:
            assert v.value is None, where
        else:
            assert v.value == pytest.approx(want), where
        if v.provenance is not None and v.provenance.startswith("/orgs/"):
            assert len(listed_units(v.provenance)) == v.value, where
        elif v.provenance is not None:
            shown = {r.pk for r in listed(v.provenance, recs, paths)}
            assert shown == _records_behind(v, recs, breakdown), where


def _records_behind(v, recs, breakdown):
    measure, _ = SPEC[v.code]
    if isinstance(measure, tuple) and measure[0] == "ratio":
        code = measure[2]  # a linked ratio lists the records of its denominator (= its numerator's)
    else:
        code = v.code
    return {
        r.pk for r in behind(code, recs, v.period, v.unit.path, own_only=v.own_only, dim=breakdown, key=v.key)
    }

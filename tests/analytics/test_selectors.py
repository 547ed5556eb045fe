"""The dashboard selector: plain data from three engine calls, nothing counted anywhere else."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

import kexie.analytics
from kexie.analytics import selectors
from kexie.analytics.templatetags.dashboard import grouped
from kexie.core.periods import Period, PeriodError
from kexie.indicators import engine
from kexie.orgs.models import OrgType
from tests.analytics.helpers import YEAR_2024, expected, matching
from tests.factories import make_activity, make_unit

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("", "2026"),
        ("  ", "2026"),
        ("2024", "2024"),
        ("2024s1", "2024S1"),
        ("2024Q2", "2024Q2"),
        ("2024-5", "2024-05"),
    ],
)
def test_period_text_is_read_with_the_current_year_as_default(text, want):
    assert str(selectors.dashboard_period(text, today=TODAY)) == want


@pytest.mark.parametrize("text", ["2024W07", "2024-01-01..2024-01-31", "2015..2025", "２０２４Ｑ９", "abc"])
def test_periods_the_dashboard_cannot_show_are_refused_in_chinese(text):
    with pytest.raises(PeriodError) as info:
        selectors.dashboard_period(text, today=TODAY)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_trend_points_are_months_or_years_of_a_span():
    assert [str(p) for p in selectors.trend_periods(Period.parse("2024Q2"))] == [
        "2024-04",
        "2024-05",
        "2024-06",
    ]
    assert [str(p) for p in selectors.trend_periods(Period.parse("2024-02"))] == ["2024-02"]
    assert [str(p) for p in selectors.trend_periods(Period.parse("2021..2025"))] == [
        str(y) for y in range(2021, 2026)
    ]
    assert str(selectors.previous_period(Period.parse("2024-01"))) == "2023-12"
    assert str(selectors.previous_period(Period.parse("2021..2025"))) == "2016..2020"


def test_selector_returns_the_hand_counted_figures(records, tree, access_of):
    d = selectors.dashboard(access=access_of("city_admin"), unit=None, period="2024")
    assert d.unit == tree["city"]
    assert str(d.previous) == "2023"
    assert {h.figure.code: h.figure.value for h in d.headlines} == {
        code: expected(tree, code, unit="city", **YEAR_2024) for code in selectors.HEADLINE
    }
    assert [r.unit for r in d.rows] == [tree["county"], tree["county2"], tree["society"]]
    for row in d.rows:
        key = next(k for k in ("county", "county2", "society") if tree[k] == row.unit)
        f = row.figures["popsci_participants"]
        assert f.value == expected(tree, "popsci_participants", unit=key, **YEAR_2024)
        total = expected(tree, "popsci_participants", unit="city", **YEAR_2024)
        assert f.share == pytest.approx(f.value / total)
    assert d.own.figures["popsci_activities"].value == len(
        matching(tree, unit="city", own_only=True, popsci=True, **YEAR_2024)
    )
    assert not d.is_empty


def test_selector_asks_the_engine_three_times_and_nothing_else(records, access_of, monkeypatch):
    calls = []
    real = engine.evaluate

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "evaluate", spy)
    selectors.dashboard(access=access_of("city_admin"), unit=None, period="2024")
    assert len(calls) == 3
    main, by_type, by_campaign = calls
    assert main["by"] == "child"
    assert [str(p) for p in main["periods"]] == ["2024", "2023", *(f"2024-{m:02d}" for m in range(1, 13))]
    assert (by_type["breakdown"], by_campaign["breakdown"]) == ("type", "campaign")


def test_selector_refuses_a_unit_outside_the_scope(records, tree, access_of):
    with pytest.raises(Http404):
        selectors.dashboard(access=access_of("county_filler"), unit=tree["county2"], period="2024")
    with pytest.raises(Http404):
        selectors.dashboard(access=access_of("outsider"), unit=tree["city"].pk, period="2024")


def test_page_queries_do_not_grow_with_the_number_of_children(records, tree, login):
    client = login("city_admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/analytics/", {"period": "2024"}).status_code == 200
        return len(ctx.captured_queries)

    queries()  # warm the per-process caches (the inbox badge reads the workflows' content types once)
    before = queries()
    for n in range(6):
        county = make_unit(tree["city"], f"34089{n}", f"测试县{n}科协", OrgType.COUNTY, "")
        make_activity(county, f"县{n}讲座", dt.date(2024, 4, n + 1))
    assert queries() == before


def test_grouped_numbers():
    from decimal import Decimal

    assert grouped(1234567) == "1,234,567"
    assert grouped(0) == "0"
    assert grouped(Decimal("2480000")) == "2,480,000"
    assert grouped(1234.56) == "1,234.6"
    assert grouped(None) == "—"


def test_analytics_reads_records_only_through_the_engine():
    """No ORM aggregation, raw SQL or record model in the analytics app: figures come from evaluate()."""
    forbidden_calls = {"aggregate", "annotate", "Count", "Sum", "Avg", "raw", "extra", "RawSQL"}
    root = Path(kexie.analytics.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.startswith(("kexie.activities", "django.db")) for n in names), path
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("objects", "_default_manager", "cursor"), (path, node.attr)
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                assert name not in forbidden_calls, (path, name)

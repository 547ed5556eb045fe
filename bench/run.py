"""Times the province dashboard: hand-written SQL (bench.baseline) and the indicator engine, same
process, same database, same figures; prints the table and the engine/baseline ratio.

    PYTHONPATH=src:. .venv/bin/python -m bench.run --activities 100000 [--database-url URL]

The bench database is built with bench.generate, or reused when its activity count matches.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from bench import _db, generate

TARGET_RATIO = 1.5  # engine within 1.5× of the hand-written SQL (issue #3)
TARGET_DASHBOARD_MS = 300  # province-wide dashboard at 1M activities on PostgreSQL


@dataclass
class Timing:
    label: str
    cold_ms: float
    warm_ms: list[float]
    peak_mb: float | None = None  # Python allocations during one call (tracemalloc)
    queries: int = 0  # SQL statements of one call
    sql_ms: float = 0.0  # time inside cursor.execute of one (warm) call: the rest is Python

    @property
    def median_ms(self) -> float:
        return statistics.median(self.warm_ms)


def _ms(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def measure(
    label: str, fn: Callable[[], object], repeat: int, *, memory: bool = True
) -> tuple[Timing, object]:
    """Cold = the first call on a fresh database connection (the server's and the OS's caches stay
    warm); warm = `repeat` calls after it. Then one untimed call under tracemalloc."""
    from django.db import connection

    connection.close()
    cold, result = _ms(fn)
    warm = [_ms(fn)[0] for _ in range(repeat)]
    log = _SqlLog()
    with connection.execute_wrapper(log):
        fn()
    peak = None
    if memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return Timing(label, cold, warm, peak, len(log.ms), sum(log.ms)), result


class _SqlLog:
    """Execute wrapper: the time of each statement (fetching included for Django's cursors)."""

    def __init__(self) -> None:
        self.ms: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms.append((time.perf_counter() - started) * 1000)


# --------------------------------------------------------------------------- the indicator engine


def engine_access(root):
    """A system-administrator Access at the province (what a province user's request would carry)."""
    from kexie.orgs.models import Role
    from kexie.orgs.scoping import Access, Grant

    grant = Grant(
        membership_id=0, unit_id=root.pk, unit_path=root.path, unit_name=root.name, role=Role.SYSADMIN
    )
    return Access(user_id=0, grants=(grant,), active=grant)


def engine_dashboard(engine, access, root, year: int, source: str = "auto", values: bool = False) -> dict:
    """The dashboard's engine calls — the same figures as bench.baseline.dashboard(), same shape:
    one evaluate() for the five totals by child, one per breakdown (activity type, campaign).
    `source` is evaluate()'s: "auto" (the fact table where it can answer) or "records".

    Every figure is read as a number (`Result.number`), as the baseline gives numbers; with
    values=True each is read as a `Value` (with its share, and the link to its records built on
    first use) — what a caller showing the figure does, a few hundred times per page."""
    from bench.baseline import OWN, TOTAL, TOTALS

    periods = [str(year), *(f"{year}-{m:02d}" for m in range(1, 13))]
    extra = {} if source == "auto" else {"source": source}
    totals = engine.evaluate(
        access=access, indicators=TOTALS, periods=periods, unit=root, by="child", **extra
    )
    breakdowns = {
        name: engine.evaluate(
            access=access,
            indicators=["popsci_activities"],
            periods=periods,
            unit=root,
            by="child",
            breakdown=dim,
            **extra,
        )
        for name, dim in (("by_type", "type"), ("by_campaign", "campaign"))
    }
    used = {v for result in (totals, *breakdowns.values()) for v in getattr(result, "sources", {}).values()}

    def read(result, code, period, child=None, key=None, own=False):
        if not values:
            return result.number(code, period, child, key, own=own)
        return (result.own(code, period, key) if own else result.value(code, period, child, key)).value

    def slots(result, code, period, key=None):
        cells = {
            OWN: read(result, code, period, key=key, own=True),
            TOTAL: read(result, code, period, key=key),
        }
        for child in result.children:
            cells[child.code] = read(result, code, period, child, key)
        return cells

    out: dict = {
        "unit": root.code,
        "year": year,
        "children": {c.code: c.name for c in totals.children},
        "totals": {},
        "sources": sorted(used),
    }
    for period in periods:
        out["totals"][period] = {}
        for code in TOTALS:
            for slot, value in slots(totals, code, period).items():
                out["totals"][period].setdefault(slot, {})[code] = int(value or 0)
    for name, result in breakdowns.items():
        out[name] = {}
        for period in periods:
            cells: dict = {}
            for key, _label in result.keys:
                for slot, value in slots(result, "popsci_activities", period, key).items():
                    cells.setdefault(slot, {})
                    if value:
                        cells[slot][key] = int(value)
            for slot in out["totals"][period]:
                cells.setdefault(slot, {})
            out[name][period] = cells
    return out


def time_engine(
    root, year: int, repeat: int, source: str = "auto", values: bool = False
) -> tuple[Timing | None, dict | None, str]:
    """>>> ENGINE HOOK <<< Times the indicator engine's dashboard calls (kexie.indicators.engine).

    Returns (timing, figures, note). When the engine cannot be imported or its API does not answer
    these calls, returns no timing and says why: never a made-up number."""
    try:
        from kexie.indicators import engine
    except ImportError as exc:
        return None, None, f"engine: not available yet ({exc})"
    access = engine_access(root)
    label = ("facts" if source == "auto" else source) + (", as Values" if values else "")
    try:
        timing, figures = measure(
            f"engine · dashboard, {label} (3 evaluate())",
            lambda: engine_dashboard(engine, access, root, year, source, values),
            repeat,
        )
    except (AttributeError, TypeError, LookupError, NotImplementedError) as exc:
        return None, None, f"engine: not available yet (its API did not answer the dashboard calls: {exc!r})"
    return timing, figures, ""


def paired_ratio(
    first: Callable[[], object], second: Callable[[], object], rounds: int
) -> tuple[float, float, float]:
    """second / first from `rounds` back-to-back pairs (the order alternating), so that both sides of
    each ratio see the machine in the same state: on a shared virtual machine whose speed drifts between
    two blocks of runs, the ratio of two block medians can swing by ±30 %. Returns (median, lowest,
    highest) of the per-pair ratios."""
    ratios = []
    for n in range(rounds):
        if n % 2:
            b, _ = _ms(second)
            a, _ = _ms(first)
        else:
            a, _ = _ms(first)
            b, _ = _ms(second)
        ratios.append(b / a)
    return statistics.median(ratios), min(ratios), max(ratios)


def time_page(root, year: int, repeat: int) -> Timing:
    """The dashboard page's own selector (kexie.analytics.selectors.dashboard) for the province and
    the year, as the page calls it: its three evaluate() calls (the headline indicators per child for
    the year, the year before and the 12 months; type and campaign for the year) and the assembly of
    headlines, trend, breakdowns and the ranked child table. No hand-written twin: it is the page."""
    from kexie.analytics.selectors import dashboard

    access = engine_access(root)
    timing, _ = measure(
        "dashboard page · analytics selector",
        lambda: dashboard(access=access, unit=root, period=str(year)),
        repeat,
    )
    return timing


# --------------------------------------------------------------------------- 阵地与平台 (issue 10)


def time_sites(root, year: int, repeat: int, activities: int, vendor: str) -> None:
    """The dashboard's 阵地 section (kexie.analytics.selectors.sites: two evaluate() calls) against two
    hand-written GROUP BYs, and the whole page as the view runs it (the dashboard selector + the section)."""
    from bench import registries
    from kexie.analytics.selectors import dashboard, sites, trend_periods
    from kexie.core.periods import Period

    access = engine_access(root)
    d = registries.designation_count()
    base, base_figures = measure(
        "baseline · 阵地 section (2 GROUP BY)", lambda: registries.baseline(root, year), repeat
    )
    eng, eng_figures = measure(
        "engine · 阵地 section (sites selector)", lambda: registries.engine(access, root, year), repeat
    )
    period = Period.year(year)

    def page():
        dashboard(access=access, unit=root, period=str(year))
        sites(access=access, unit=root, period=period, trend=trend_periods(period))

    whole, _ = measure("dashboard page + 阵地 section", page, repeat)
    print(f"阵地与平台: {d:,} designations, {activities:,} activities")
    print_timings([base, eng, whole])
    paired, low, high = paired_ratio(
        lambda: registries.baseline(root, year),
        lambda: registries.engine(access, root, year),
        max(2 * repeat, 10),
    )
    print(
        f"ratio 阵地 section engine / hand-written SQL: {eng.median_ms / base.median_ms:.2f}× "
        f"(paired runs {paired:.2f}×, range {low:.2f}–{high:.2f})"
    )
    diffs = registries.equal(base_figures, eng_figures)
    print(
        "results equal (阵地 section): yes" if not diffs else f"results equal (阵地 section): NO {diffs[:3]}"
    )
    ok = "met" if whole.median_ms < TARGET_DASHBOARD_MS else "NOT met"
    where = "PostgreSQL" if vendor == "postgresql" else vendor
    print(
        f"target < {TARGET_DASHBOARD_MS} ms for the page with its 阵地 section ({where}, {activities:,} activities, "
        f"{d:,} designations): {ok} (median {whole.median_ms:.0f} ms, min {min(whole.warm_ms):.0f} ms)"
    )


# --------------------------------------------------------------------------- fact refresh cost


def time_refresh(repeat: int) -> list[tuple[str, int, int, Timing]]:
    """What keeping the fact table current costs a write: kexie.activities.facts.refresh() of
    - the cell of one activity in the busiest cell (a unit-month with the most activities), and of
      one in a typical cell (the median) — what every create/update/delete/restore adds;
    - the cells of 10,000 activities (consecutive ids: spread over units and months as an import of
      a year's 台账 would be), what a 10k-row update or rollback adds, with cells_for() timed apart;
    - facts.add() of the same 10,000 activities, what a 10k-row import of new activities adds.
    Each refresh runs in a transaction that is rolled back (the facts are recomputed identically
    anyway). Returns (label, activities, cells, timing)."""
    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from kexie.activities import facts
    from kexie.activities.models import Activity

    per_cell = list(
        Activity.objects.annotate(m=TruncMonth("start_date"))
        .values_list("org_unit_id", "m")
        .annotate(n=Count("pk"))
        .order_by("-n", "org_unit_id", "m")
    )
    busiest, median = per_cell[0], per_cell[len(per_cell) // 2]
    ids = list(Activity.objects.order_by("pk").values_list("pk", flat=True)[:10_000])
    bulk = Activity.objects.filter(pk__in=ids)

    def rolled_back(fn):
        def run():
            with transaction.atomic():
                fn()
                transaction.set_rollback(True)

        return run

    out = []
    for label, (unit_id, month, count) in (("busiest cell", busiest), ("median cell", median)):
        cell = {(unit_id, facts.month_of(month))}
        t, _ = measure(
            f"refresh · 1 write ({label})", rolled_back(lambda c=cell: facts.refresh(c)), repeat, memory=False
        )
        out.append((label, count, 1, t))
    cells = facts.cells_for(bulk)
    t, _ = measure("cells_for · 10k activities", lambda: facts.cells_for(bulk), repeat, memory=False)
    out.append(("cells_for", len(ids), len(cells), t))
    t, _ = measure(
        "refresh · 10k activities",
        rolled_back(lambda: facts.refresh(cells)),
        max(1, repeat // 2),
        memory=False,
    )
    out.append(("bulk", len(ids), len(cells), t))
    t, _ = measure(
        "add · 10k new activities (import)",
        rolled_back(lambda: facts.add(bulk)),
        repeat,
        memory=False,
    )
    out.append(("add", len(ids), len(cells), t))
    generate.vacuum_facts()  # the rolled-back inserts left dead rows behind
    return out


def print_refresh(rows) -> None:
    print(f"{'fact refresh':<44}{'activities':>11}{'cells':>8}{'warm median ms':>16}{'queries':>9}")
    for _label, count, cells, t in rows:
        print(f"{t.label:<44}{count:>11,}{cells:>8,}{t.median_ms:>16.1f}{t.queries:>9}")


# --------------------------------------------------------------------------- comparison and output


def differences(expected: dict, actual: dict, limit: int = 20) -> list[str]:
    """Cells where the engine's figures differ from the baseline's (breakdowns compared without zeros)."""
    out: list[str] = []
    if expected["children"] != actual["children"]:
        out.append(f"children differ: {expected['children']} vs {actual['children']}")
    for family in ("totals", "by_type", "by_campaign"):
        for period, slots in expected[family].items():
            for slot, cells in slots.items():
                other = actual[family].get(period, {}).get(slot)
                if other is None:
                    out.append(f"{family} {period} {slot}: missing in engine result")
                    continue
                mine = {k: v for k, v in cells.items() if v or family == "totals"}
                theirs = {k: v for k, v in other.items() if v or family == "totals"}
                if mine != theirs:
                    for k in sorted(set(mine) | set(theirs)):
                        if mine.get(k) != theirs.get(k):
                            out.append(
                                f"{family} {period} {slot} {k!r}: baseline {mine.get(k)} engine {theirs.get(k)}"
                            )
                if len(out) >= limit:
                    return out
    return out


def print_timings(rows: list[Timing]) -> None:
    width = max(44, *(len(t.label) + 2 for t in rows))
    print(
        f"{'what':<{width}}{'cold ms':>10}{'warm median':>13}{'min':>9}{'max':>9}{'queries':>9}{'in SQL ms':>11}"
        f"{'py peak MB':>12}"
    )
    for t in rows:
        peak = f"{t.peak_mb:.1f}" if t.peak_mb is not None else "—"
        print(
            f"{t.label:<{width}}{t.cold_ms:>10.1f}{t.median_ms:>13.1f}{min(t.warm_ms):>9.1f}{max(t.warm_ms):>9.1f}"
            f"{t.queries:>9}{t.sql_ms:>11.1f}{peak:>12}"
        )


def print_figures(figures: dict) -> None:
    from bench.baseline import OWN, TOTAL, TOTALS

    year = str(figures["year"])
    names = figures["children"] | {OWN: OWN, TOTAL: TOTAL}
    short = ("场次", "重点", "参与人次", "线上浏览量", "科技工作者人次")
    print(f"\n{year} per child (held activities; counts/sums as in bench.baseline):")
    print(f"{'slot':<10}{'name':<16}" + "".join(f"{h:>14}" for h in short))
    for slot, cells in figures["totals"][year].items():
        print(f"{slot:<10}{names[slot][:12]:<16}" + "".join(f"{cells[m]:>14,}" for m in TOTALS))
    print(f"\n{year} by month, whole province ({TOTAL}):")
    print(f"{'month':<10}" + "".join(f"{h:>14}" for h in short))
    for period, slots in figures["totals"].items():
        if period != year:
            print(f"{period:<10}" + "".join(f"{slots[TOTAL][m]:>14,}" for m in TOTALS))
    for family in ("by_type", "by_campaign"):
        cells = figures[family][year][TOTAL]
        print(
            f"\n{year} {family} ({TOTAL}): "
            + ", ".join(f"{k or '(none)'} {v:,}" for k, v in sorted(cells.items()))
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tree", choices=("anhui", "synthetic"), default="anhui")
    parser.add_argument("--database-url", help=f"default ${_db.URL_ENV} or {_db.DEFAULT_URL}")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per measurement (median printed)")
    parser.add_argument(
        "--jit", choices=("server", "on", "off"), default="server", help="PostgreSQL JIT per session"
    )
    parser.add_argument(
        "--work-mem",
        metavar="SIZE",
        help="PostgreSQL work_mem per session, e.g. 16MB (default: the server's)",
    )
    parser.add_argument("--show-figures", action="store_true", help="print the dashboard's figures")
    parser.add_argument(
        "--json", metavar="PATH", help="write the baseline's figures (and the engine's) as JSON"
    )
    parser.add_argument("--no-engine", action="store_true")
    parser.add_argument("--facts-only", action="store_true", help="do not time the engine on the records")
    parser.add_argument("--no-refresh", action="store_true", help="do not time the fact refresh")
    parser.add_argument(
        "--designations",
        type=int,
        default=0,
        metavar="N",
        help="add N designations (阵地与平台, issue 10) and time the dashboard's 阵地 section too",
    )
    args = parser.parse_args(argv)

    _db.setup(args.database_url)
    from django.db import connection
    from django.db.backends.signals import connection_created

    from bench import baseline

    if args.jit != "server" or args.work_mem:

        def set_session(sender, connection, **kwargs):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    if args.jit != "server":
                        cursor.execute(f"SET jit = {'on' if args.jit == 'on' else 'off'}")
                    if args.work_mem:
                        cursor.execute("SELECT set_config('work_mem', %s, false)", [args.work_mem])

        connection_created.connect(set_session, weak=False)

    settings_note = ""
    if connection.vendor == "postgresql":
        settings_note = f", jit {args.jit}, work_mem {args.work_mem or 'server'}"
    print(f"database: {_db.describe()}{settings_note}")
    generate.ensure(args.activities, seed=args.seed, tree=args.tree)
    root = generate.province_root()
    n = generate.activity_count()
    if args.designations:
        from bench import registries

        registries.ensure(args.designations, root)
    print(
        f"\nprovince dashboard of {root.name} ({root.code}), {args.year} and its 12 months, {n:,} activities"
    )

    rows: list[Timing] = []
    for family, fn in baseline.FAMILIES.items():
        s = baseline.scope(root.path, args.year)
        t, _ = measure(f"baseline · {family} (1 GROUP BY)", lambda fn=fn, s=s: fn(s), args.repeat)
        rows.append(t)
    base, figures = measure(
        "baseline · dashboard (3 GROUP BY + scope)",
        lambda: baseline.dashboard(root.path, args.year),
        args.repeat,
    )
    rows.append(base)
    for family, fn in baseline.FACT_FAMILIES.items():
        s = baseline.scope(root.path, args.year)
        t, _ = measure(f"fact SQL · {family} (1 GROUP BY)", lambda fn=fn, s=s: fn(s), args.repeat)
        rows.append(t)
    fact_base, fact_figures = measure(
        "fact SQL · dashboard (3 GROUP BY + scope)",
        lambda: baseline.dashboard(root.path, args.year, facts=True),
        args.repeat,
    )
    rows.append(fact_base)
    engine_timing, engine_figures, note = (None, None, "engine: skipped (--no-engine)")
    records_timing = records_figures = page_timing = values_timing = values_figures = None
    if not args.no_engine:
        engine_timing, engine_figures, note = time_engine(root, args.year, args.repeat)
        values_timing, values_figures, _ = time_engine(root, args.year, args.repeat, values=True)
        if not args.facts_only:
            records_timing, records_figures, _ = time_engine(root, args.year, args.repeat, source="records")
        page_timing = time_page(root, args.year, args.repeat)
    for t in (engine_timing, values_timing, records_timing, page_timing):
        if t is not None:
            rows.append(t)
    print()
    print_timings(rows)
    print(f"peak RSS of this process: {generate.peak_rss_mb():.0f} MB")
    if note:
        print(note)
    diffs = differences(figures, fact_figures)
    print("fact SQL equals the raw SQL: yes" if not diffs else f"fact SQL equals the raw SQL: NO {diffs[:3]}")
    if engine_timing is not None:
        print(f"engine (default) read: {', '.join(engine_figures.pop('sources'))}")
        ratio = engine_timing.median_ms / base.median_ms
        print(f"ratio engine / hand-written raw SQL (warm medians of the two blocks): {ratio:.2f}×")
        from kexie.indicators import engine as engine_module

        access = engine_access(root)
        paired, low, high = paired_ratio(
            lambda: baseline.dashboard(root.path, args.year),
            lambda: engine_dashboard(engine_module, access, root, args.year),
            max(2 * args.repeat, 10),
        )
        verdict = "met" if paired <= TARGET_RATIO else "NOT met"
        print(
            f"ratio engine / hand-written raw SQL, paired runs: {paired:.2f}× (range {low:.2f}–{high:.2f}; "
            f"target ≤ {TARGET_RATIO}×: {verdict})"
        )
        print(
            f"ratio engine / hand-written SQL over the fact table: {engine_timing.median_ms / fact_base.median_ms:.2f}×"
        )
        if values_timing is not None:
            values_figures.pop("sources")
            paired, low, high = paired_ratio(
                lambda: baseline.dashboard(root.path, args.year),
                lambda: engine_dashboard(engine_module, access, root, args.year, values=True),
                max(2 * args.repeat, 10),
            )
            print(
                f"ratio engine, every figure read as a Value / hand-written raw SQL: "
                f"{values_timing.median_ms / base.median_ms:.2f}× (paired runs {paired:.2f}×, "
                f"range {low:.2f}–{high:.2f})"
            )
        if records_timing is not None:
            records_figures.pop("sources")
            print(
                f"ratio engine on records (source='records') / hand-written raw SQL: "
                f"{records_timing.median_ms / base.median_ms:.2f}×"
            )
        for label, other in (
            ("engine", engine_figures),
            ("engine, as Values", values_figures),
            ("engine on records", records_figures),
        ):
            if other is None:
                continue
            diffs = differences(figures, other)
            print(
                f"results equal ({label}): yes"
                if not diffs
                else f"results equal ({label}): NO ({len(diffs)}+)"
            )
            for line in diffs:
                print(f"  {line}")
        if connection.vendor == "postgresql" and n >= 1_000_000:
            for label, t in (("dashboard page", page_timing), ("the 3 calls above", engine_timing)):
                ok = "met" if t.median_ms < TARGET_DASHBOARD_MS else "NOT met"
                print(
                    f"target < {TARGET_DASHBOARD_MS} ms at ≥ 1M on PostgreSQL, {label}: {ok} "
                    f"(median {t.median_ms:.0f} ms, min {min(t.warm_ms):.0f} ms)"
                )
    if args.designations and not args.no_engine:
        print()
        time_sites(root, args.year, args.repeat, n, connection.vendor)
    if not args.no_refresh:
        print()
        print_refresh(time_refresh(args.repeat))
    if args.show_figures:
        print_figures(figures)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"baseline": figures, "engine": engine_figures}, fh, ensure_ascii=False, indent=1)
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Times the generation of the annual review (年度工作总结) of the demo city next to the bare engine calls
the template makes, same process, same database; the target of issue #4 is < 2 s.

    PYTHONPATH=src:. .venv/bin/python -m bench.reports [--activities 40000] [--year 2025] [--repeat 9]

The database is its own SQLite file (default /tmp/kexie_bench_reports.sqlite3), rebuilt on every run:
the demo exactly as `manage.py seed_demo` loads it (kexie.orgs.demo: 中国科协 → 3 provinces → 6 cities
…, the demo logins, and every app's demo hook, i.e. the demo activities). It is timed twice:
1. the demo as shipped;
2. after `--activities` more synthetic activities organised inside the demo city 安庆市 (its counties,
   townships and side units), with the skew of bench.generate (organisers Zipf-weighted by kind,
   seasonal peaks and campaigns, log-normal participants), 2021–2025 — a city's realistic volume.
Two users generate the same review each time:
- city_admin (管理员 at the city): one engine call (the province is outside the scope, so there is no
  comparison with the siblings);
- province_admin (管理员 at the province): two engine calls (the city's share and rank in the province).
The baseline is exactly those engine calls, so the ratio is what the report adds on top of the engine
(phrasing, sentences, figure spans, record counts, the campaign name lookups).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench import _db, generate

DEFAULT_URL = "sqlite:////tmp/kexie_bench_reports.sqlite3"
CITY_CODE = "340800"  # 安庆市科学技术协会 in the demo
TARGET_MS = 2000


def _ms(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def _timed(label: str, fn, repeat: int) -> dict:
    from django.db import connection

    connection.close()
    cold, result = _ms(fn)
    warm = [_ms(fn)[0] for _ in range(repeat)]
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        fn()
    return {
        "label": label,
        "cold": cold,
        "median": statistics.median(warm),
        "warm": warm,
        "queries": len(queries),
        "result": result,
    }


def _demo(say=print) -> None:
    """The demo exactly as `manage.py seed_demo` loads it: the org tree, the logins and the records of
    every app's demo hook (the demo activities). Refuses a database that already has org units."""
    from kexie.orgs import demo
    from kexie.orgs.management.commands.seed_demo import demo_extensions

    summary = demo.build_demo()
    if not summary.created:
        raise SystemExit("the bench database already has org units; remove it or pass another --database-url")
    say(
        f"demo: {sum(summary.units_by_type.values()):,} units, {summary.users} users in {summary.seconds:.1f} s"
    )
    for extend in demo_extensions():
        say("demo hook: " + extend())


def _more_activities(city, n: int, seed: int, say=print) -> None:
    """`n` synthetic activities inside the demo city's subtree (bench.generate's generator), then the
    fact table rebuilt."""
    from kexie.activities import facts

    # bench.generate's generator organises its activities inside "the province root"; point it at the
    # demo city for the duration of the generation.
    original = generate.province_root
    generate.province_root = lambda: city
    try:
        summary = generate.generate_activities(n, seed)
    finally:
        generate.province_root = original
    started = time.perf_counter()
    rows = facts.rebuild()
    say(
        f"activities: +{summary.activities:,} in {city.name}'s subtree ({dict(summary.by_status)}) in "
        f"{summary.seconds:.1f} s; fact table rebuilt ({rows:,} rows) in {time.perf_counter() - started:.1f} s"
    )


def _scenario(title: str, city, year, repeat: int) -> bool:
    """Times generate() for city_admin and province_admin next to the engine calls it makes."""
    from kexie.accounts.models import User
    from kexie.activities.models import Activity
    from kexie.indicators.engine import evaluate
    from kexie.indicators.registry import indicator
    from kexie.orgs.models import OrgUnit
    from kexie.orgs.scoping import access_for, subtree_q
    from kexie.reports.catalogue import ANNUAL
    from kexie.reports.generator import count_codes
    from kexie.reports.generator import generate as generate_report

    province = OrgUnit.objects.get(path=city.path[: -OrgUnit.steplen])

    def with_counts(codes):
        return list(dict.fromkeys([*codes, *(c for x in codes for c in count_codes(indicator(x)))]))

    codes, pcodes = with_counts(ANNUAL.indicators), with_counts(ANNUAL.parent_indicators)
    in_city = Activity.objects.filter(subtree_q(city.path, via="org_unit"))
    print(
        f"\n{title}: annual review of {city.name}, {year.label} — {in_city.count():,} activities in the city "
        f"({in_city.filter(start_date__year=year.start.year).count():,} in {year.label}); "
        f"warm median of {repeat} runs, cold = first call on a new connection"
    )
    print(f"{'':38} {'cold ms':>9} {'warm ms':>9} {'queries':>8} {'ratio':>7}")
    ok = True
    for username in ("city_admin", "province_admin"):
        access = access_for(User.objects.get(username=username))
        with_parent = access.covers(province)

        def engine(access=access, with_parent=with_parent):
            evaluate(access=access, indicators=codes, periods=[year, year.previous()], unit=city, by="child")
            if with_parent:
                evaluate(access=access, indicators=pcodes, periods=[year], unit=province, by="child")

        base = _timed(f"{username}: engine calls only", engine, repeat)
        report = _timed(
            f"{username}: generate()",
            lambda access=access: generate_report(access, "annual", city, year),
            repeat,
        )
        draft = report["result"]
        ok &= report["median"] < TARGET_MS
        ratio = report["median"] / base["median"] if base["median"] else float("nan")
        print(f"{base['label']:38} {base['cold']:9.1f} {base['median']:9.1f} {base['queries']:8d}")
        print(
            f"{report['label']:38} {report['cold']:9.1f} {report['median']:9.1f} {report['queries']:8d} {ratio:6.2f}x"
        )
        print(
            f"{'':38} {len(draft.figures())} figures, {len(draft.plain_text())} characters, "
            f"sections left out: {'、'.join(draft.omitted) or 'none'}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--activities",
        type=int,
        default=40_000,
        help="synthetic activities added to the demo city (default 40000)",
    )
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="rebuilt on every run; its name must contain 'bench'"
    )
    args = parser.parse_args(argv)
    url = _db.bench_url(args.database_url)
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is not None and path.exists():
        path.unlink()  # the bench database is rebuilt from scratch on every run
    _db.setup(url)
    print(f"database: {_db.describe()}")
    _demo()

    from kexie.core.periods import Period
    from kexie.orgs.models import OrgUnit

    city = OrgUnit.objects.get(code=CITY_CODE)
    year = Period.year(args.year)
    ok = _scenario("the demo as shipped", city, year, args.repeat)
    if args.activities:
        _more_activities(city, args.activities, args.seed)
        ok &= _scenario(f"the demo city with {args.activities:,} more activities", city, year, args.repeat)
    print(f"\ntarget: generate() < {TARGET_MS} ms warm in every case -> {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The import benchmark of issue #3: a 100k-row activities .xlsx through the kexie pipeline, against
the fastest plain way to get the same rows into the table.

    PYTHONPATH=src:. .venv/bin/python -m bench.imports --rows 100000 \
        [--database-url postgres://postgres@127.0.0.1:5432/kexie_bench_import]

- The workbook: `bench.generate`'s activity generator (same skew, same seed) under the bench province,
  written by XlsxWriter in constant_memory mode as a 台账 with the importer's Chinese headers (names of
  types, brands and target groups, organiser codes, real date cells). Cached in var/ per rows+seed.
- (a) baseline: python-calamine reads every row, the names are mapped to ids with dicts, and
  `Activity.objects.bulk_create` inserts the same fields (no validation, no history) in one transaction.
- (b) pipeline: `imports.services.batch_upload` (container checks, streaming read, validation and
  preview) then `batch_commit` (re-check against the database, all-or-nothing write with history and
  the rollback log), called directly and synchronously, as the background task does.

Each contender runs in its own fresh subprocess on the same database (activities wiped before each), so
its peak memory is the process's peak resident set (`getrusage(RUSAGE_SELF).ru_maxrss`), which — unlike
tracemalloc — also counts what calamine (Rust) allocates. The figure includes the interpreter and
Django (~60–70 MB). The database must be a bench database (name containing "bench"); the default is
the SQLite file var/bench_import.sqlite3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import _db

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{BASE_DIR / 'var' / 'bench_import.sqlite3'}"
TARGET_SPEED_SHARE = 0.5  # the pipeline at no less than half the baseline's rows/s
TARGET_PEAK_MB = 300
CONTENDERS = {
    "baseline": "baseline · calamine + bulk_create",
    "baseline_raw": "baseline · calamine + raw multi-row INSERT",
    "pipeline": "kexie · upload → validate → commit",
}
# The sheet's columns, by the import spec's keys (labels come from the spec, as in the downloadable
# template); the writer and the baseline reader address them by position in this order.
COLUMNS = (
    "title", "activity_type", "campaign", "org_code", "start_date", "end_date", "venue", "mode",
    "participants", "online_views", "sci_workers", "volunteers", "target_groups", "is_key", "description",
    "status", "region_code",
)  # fmt: skip
VENUES = ("科普活动室", "文化站", "新时代文明实践站", "科技馆", "会议中心", "村委会")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def workbook_path(rows: int, seed: int) -> Path:
    return BASE_DIR / "var" / f"bench_import_{rows}_{seed}.xlsx"


def header() -> list[str]:
    from kexie.activities.importers import ACTIVITY_SPEC

    labels = {c.key: c.label for c in ACTIVITY_SPEC.columns}
    return [labels[key] for key in COLUMNS]


def write_workbook(path: Path, rows: int, seed: int) -> float:
    """The 台账 of `rows` activities under the bench province; returns seconds spent."""
    import xlsxwriter

    from bench.generate import _Generator
    from kexie.activities.models import Activity, Campaign, TargetGroup
    from kexie.orgs.models import OrgUnit

    mode_labels, status_labels = dict(Activity.Mode.choices), dict(Activity.Status.choices)

    started = time.perf_counter()
    gen = _Generator(seed, "postgresql", 1)  # "postgresql": dates as date objects, not ISO text
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[u[0] for u in gen.units])}
    type_names = {gen.type_ids[code]: name for code, name in gen.type_names.items()}
    campaign_names = dict(Campaign.objects.values_list("pk", "name"))
    group_names = dict(TargetGroup.objects.values_list("pk", "name"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("科普活动")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "2021—2025年科普活动台账")
    for c, label in enumerate(header()):
        ws.write_string(1, c, label)
    r = 2
    for chunk, targets, _ in gen.chunks(rows):
        groups: dict[int, list[str]] = {}
        for activity_id, group_id in targets:
            groups.setdefault(activity_id, []).append(group_names[group_id])
        for row in chunk:
            (pk, unit_id, title, type_id, campaign_id, start, end, region, _venue, mode, participants) = row[
                :11
            ]
            views, sci, volunteers, is_key, _desc, status = row[11:17]
            unit = units[unit_id]
            ws.write_string(r, 0, title)
            ws.write_string(r, 1, type_names[type_id])
            if campaign_id:
                ws.write_string(r, 2, campaign_names[campaign_id])
            ws.write_string(r, 3, unit.code)
            ws.write_datetime(r, 4, dt.datetime(start.year, start.month, start.day), date_fmt)
            if end != start:
                ws.write_datetime(r, 5, dt.datetime(end.year, end.month, end.day), date_fmt)
            ws.write_string(r, 6, f"{unit.short_name or unit.name}{VENUES[pk % len(VENUES)]}")
            ws.write_string(r, 7, mode_labels[mode])
            ws.write_number(r, 8, participants)
            ws.write_number(r, 9, views)
            ws.write_number(r, 10, sci)
            ws.write_number(r, 11, volunteers)
            if pk in groups:
                ws.write_string(r, 12, "、".join(groups[pk]))
            ws.write_string(r, 13, "是" if is_key else "否")
            if pk % 4 == 0:
                ws.write_string(r, 14, f"围绕{title[:6]}开展宣传，发放资料并现场答疑。")
            ws.write_string(r, 15, status_labels[status])
            if region:
                ws.write_string(r, 16, region)
            r += 1
    wb.close()
    tmp.replace(path)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- the two contenders


def run_baseline(path: Path, user_pk: int, *, raw: bool = False) -> dict:
    """calamine → dict lookups → one bulk insert per 2,000 rows, in one transaction; no validation,
    no history. `raw=False`: Django's `bulk_create` (the issue's baseline); `raw=True`: multi-row
    INSERT … RETURNING with values adapted once (the same helper the pipeline writes with) — the
    fastest insert available through Django's connection, a stricter yardstick."""
    import python_calamine
    from django.db import connection, transaction
    from django.utils import timezone

    from kexie.activities.importers import _insert
    from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
    from kexie.orgs.models import OrgUnit

    started = time.perf_counter()
    types = dict(ActivityType.objects.values_list("name", "pk"))
    campaigns = dict(Campaign.objects.values_list("name", "pk"))
    groups = dict(TargetGroup.objects.values_list("name", "pk"))
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    modes = {label: value for value, label in Activity.Mode.choices}
    statuses = {label: value for value, label in Activity.Status.choices}
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    next(rows), next(rows)  # title and header
    through = Activity.target_groups.through
    count = 0
    fields = [
        "title", "activity_type_id", "campaign_id", "org_unit_id", "start_date", "end_date", "venue", "mode",
        "participants", "online_views", "sci_workers", "volunteers", "is_key", "description", "status",
        "region_code", "created_by_id", "created_at", "updated_at",
    ]  # fmt: skip
    columns = [Activity._meta.get_field(f.removesuffix("_id")).column for f in fields]
    ops = connection.ops

    def day(v):
        return v.date() if isinstance(v, dt.datetime) else v

    def flush(batch: list[dict], tg: list[list[int]]) -> None:
        if raw:
            now = ops.adapt_datetimefield_value(timezone.now())
            values = [
                tuple(
                    now if f in ("created_at", "updated_at")
                    else ops.adapt_datefield_value(a[f]) if f in ("start_date", "end_date")
                    else a[f]
                    for f in fields
                )
                for a in batch
            ]  # fmt: skip
            ids = _insert(Activity._meta.db_table, columns, values, returning="id")
            links = [(pk, g) for pk, gs in zip(ids, tg, strict=True) for g in gs]
            _insert(through._meta.db_table, ["activity_id", "targetgroup_id"], links)
            return
        created = Activity.objects.bulk_create([Activity(**a) for a in batch])
        links = [
            through(activity_id=a.pk, targetgroup_id=g) for a, gs in zip(created, tg, strict=True) for g in gs
        ]
        through.objects.bulk_create(links)

    with transaction.atomic():
        batch: list[dict] = []
        tg: list[list[int]] = []
        for v in rows:
            start = day(v[4])
            batch.append(
                {
                    "title": v[0],
                    "activity_type_id": types[v[1]],
                    "campaign_id": campaigns.get(v[2]),
                    "org_unit_id": units[v[3]],
                    "start_date": start,
                    "end_date": day(v[5]) or start,
                    "venue": v[6],
                    "mode": modes[v[7]],
                    "participants": int(v[8]),
                    "online_views": int(v[9]),
                    "sci_workers": int(v[10]),
                    "volunteers": int(v[11]),
                    "is_key": v[13] == "是",
                    "description": v[14],
                    "status": statuses[v[15]],
                    "region_code": str(v[16]),
                    "created_by_id": user_pk,
                }
            )
            tg.append([groups[n] for n in v[12].split("、")] if v[12] else [])
            count += 1
            if len(batch) >= 2000:
                flush(batch, tg)
                batch, tg = [], []
        if batch:
            flush(batch, tg)
    return {"rows": count, "seconds": time.perf_counter() - started}


def run_pipeline(path: Path, user_pk: int) -> dict:
    """upload → validate → commit through the kexie services, synchronously."""
    from django.conf import settings

    from kexie.accounts.models import User
    from kexie.activities.importers import ACTIVITY_SPEC
    from kexie.imports import services
    from kexie.orgs.scoping import access_for

    settings.KEXIE_IMPORT_BACKGROUND_BYTES = 1 << 40  # check in this process, as the worker would
    user = User.objects.get(pk=user_pk)
    access = access_for(user)
    phases = {}
    started = time.perf_counter()
    with path.open("rb") as fh:
        batch = services.batch_upload(
            access=access, user=user, spec=ACTIVITY_SPEC, upload=fh, file_name=path.name
        )
    phases["upload"] = time.perf_counter() - started
    if batch.status != "validated":
        raise SystemExit(f"upload refused: {batch.errors[:5]}")
    t0 = time.perf_counter()
    batch = services.batch_commit(access=access, spec=ACTIVITY_SPEC, batch=batch, user=user, background=False)
    phases["commit"] = time.perf_counter() - t0
    if batch.status != "committed":
        raise SystemExit(f"commit failed: {batch.errors[:5]}")
    return {
        "rows": batch.rows_created + batch.rows_updated,
        "seconds": time.perf_counter() - started,
        "phases": phases,
    }


# --------------------------------------------------------------------------- orchestration


def bench_user():
    """A province system administrator of the bench tree (created once)."""
    from bench.generate import province_root
    from kexie.accounts.models import User
    from kexie.orgs.models import Membership, Role

    user, _ = User.objects.get_or_create(username="bench_importer", defaults={"full_name": "基准导入员"})
    Membership.objects.get_or_create(user=user, org_unit=province_root(), role=Role.SYSADMIN)
    return user


def child(args) -> int:
    url = _db.setup(
        args.database_url or os.environ.get(_db.URL_ENV) or DEFAULT_URL, migrate=False, say=lambda *_: None
    )
    del url
    from bench.generate import wipe_activities

    wipe_activities()
    path, user = Path(args.file), int(args.user)
    if args.phase == "pipeline":
        result = run_pipeline(path, user)
    else:
        result = run_baseline(path, user, raw=args.phase == "baseline_raw")
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help=f"default ${_db.URL_ENV} or {DEFAULT_URL}")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contender (best is reported)")
    parser.add_argument("--phase", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return child(args)

    url = _db.setup(args.database_url or os.environ.get(_db.URL_ENV) or DEFAULT_URL)
    print(f"database: {_db.describe()}")
    from bench.generate import build_province, wipe_activities

    tree = build_province(seed=args.seed)
    print(f"province tree: {tree.units:,} units ({'built' if tree.created else 'reused'})")
    user = bench_user()
    path = workbook_path(args.rows, args.seed)
    if not path.exists():
        seconds = write_workbook(path, args.rows, args.seed)
        print(f"workbook: {path.name} written in {seconds:.1f} s")
    print(f"workbook: {path.name}, {path.stat().st_size / 1048576:.1f} MB, {args.rows:,} data rows")

    results: dict[str, list[dict]] = {phase: [] for phase in CONTENDERS}
    for _ in range(args.repeat):
        for phase in CONTENDERS:
            cmd = [sys.executable, "-m", "bench.imports", "--phase", phase, "--file", str(path)]
            cmd += ["--user", str(user.pk), "--database-url", url]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())  # noqa: S603
            results[phase].append(json.loads(out.stdout.strip().splitlines()[-1]))
    wipe_activities()

    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    print()
    print(f"{'contender':<40}{'seconds':>9}{'rows/s':>10}{'peak RSS MB':>13}")
    for key in CONTENDERS:
        r = best[key]
        print(
            f"{CONTENDERS[key]:<40}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>10,.0f}{r['peak_rss_mb']:>13.0f}"
        )
    phases = best["pipeline"].get("phases", {})
    if phases:
        print("  pipeline phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    share = best["baseline"]["seconds"] / best["pipeline"]["seconds"]
    strict = best["baseline_raw"]["seconds"] / best["pipeline"]["seconds"]
    peak = best["pipeline"]["peak_rss_mb"]
    print(
        f"\npipeline speed = {share:.2f} × baseline (bulk_create; target ≥ {TARGET_SPEED_SHARE}): "
        f"{'met' if share >= TARGET_SPEED_SHARE else 'NOT met'}"
    )
    print(f"pipeline speed = {strict:.2f} × raw-insert baseline (stricter, informative)")
    print(
        f"pipeline peak RSS = {peak:.0f} MB (target < {TARGET_PEAK_MB}): {'met' if peak < TARGET_PEAK_MB else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

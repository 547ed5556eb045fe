"""The 阵地与平台 part of the province dashboard (issue 10): N synthetic designations on the bench
province, and the section's figures by hand-written SQL and by the engine (kexie.analytics.selectors.sites).

    PYTHONPATH=src:. .venv/bin/python -m bench.run --activities 100000 --designations 20000

The designations are written with bulk_create (no services, no history: the data is synthetic) and are
reused while their count matches. The baseline is two GROUP BYs on registries_designation joined to the
org tree (subtree by path range): the year's counts per programme and level — in force on its last day
(granted_on ≤ d ≤ ends_on, ends_on NULL = no end) and granted within it — and the new ones per month.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time

SEED = 10


def designation_count() -> int:
    from kexie.registries.models import Designation

    return Designation.objects.count()


def wipe() -> None:
    from django.db import connection

    from kexie.registries.models import Designation

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {Designation._meta.db_table} RESTART IDENTITY CASCADE")
        else:
            cursor.execute(f"DELETE FROM {Designation._meta.db_table}")


def generate(n: int, root, *, seed: int = SEED) -> float:
    """`n` designations kept by the units of the province (counties and townships most), over 2010–2025:
    5-year terms where the programme has one, 6 % revoked, 3 % applications not yet granted."""
    from django.db import connection, transaction

    from kexie.orgs.models import OrgUnit
    from kexie.registries.models import Designation, Programme, State
    from kexie.registries.services import term_end

    started = time.perf_counter()
    rng = random.Random(seed)
    units = list(OrgUnit.objects.filter(path__startswith=root.path).values_list("pk", "depth", "region_code"))
    weights = {1: 2, 2: 10, 3: 20, 4: 6, 5: 1}
    unit_cum = list(itertools.accumulate(weights.get(depth, 1) for _, depth, _ in units))
    programmes = list(Programme.objects.filter(org_unit__isnull=True))
    level_weight = {"national": 1, "provincial": 3, "municipal": 6, "county": 10}
    prog_weights = {"popsci_base": 12, "kepu_estation": 30, "academician_station": 8, "demo_community": 8}
    p_cum = list(itertools.accumulate(prog_weights.get(p.code, 3) for p in programmes))
    level_cum = {p.pk: list(itertools.accumulate(level_weight[lv] for lv in p.levels)) for p in programmes}
    first, days = dt.date(2010, 1, 1), (dt.date(2025, 12, 31) - dt.date(2010, 1, 1)).days
    batch: list[Designation] = []
    with transaction.atomic():
        for i in range(n):
            unit_id, _, region = rng.choices(units, cum_weights=unit_cum)[0]
            programme = rng.choices(programmes, cum_weights=p_cum)[0]
            level = rng.choices(programme.levels, cum_weights=level_cum[programme.pk])[0]
            granted_on = first + dt.timedelta(days=int(days * rng.random() ** 0.7))
            valid_until = term_end(granted_on, programme.term_years) if programme.term_years else None
            revoked_on, state = None, State.GRANTED
            roll = rng.random()
            if roll < 0.03:
                granted_on, valid_until, state = None, None, rng.choice([State.DRAFT, State.SUBMITTED])
            elif roll < 0.09:
                revoked_on = granted_on + dt.timedelta(days=rng.randint(200, 2500))
                state = State.REVOKED
            elif valid_until and valid_until < dt.date(2026, 1, 1):
                state = State.EXPIRED
            ends = [d for d in (valid_until, revoked_on and revoked_on - dt.timedelta(days=1)) if d]
            batch.append(
                Designation(
                    org_unit_id=unit_id,
                    programme=programme,
                    level=level,
                    holder_kind="institution",
                    holder_name=f"承担单位{i}",
                    holder_key=f"n:承担单位{i}|{region}",
                    holder_region_code=region,
                    granted_on=granted_on,
                    valid_until=valid_until,
                    revoked_on=revoked_on,
                    ends_on=min(ends) if ends else None,
                    state=state,
                    document_no="合成数据" if granted_on else "",
                    latest_grade=rng.choice(["", "", "excellent", "good", "pass", "fail"]),
                )
            )
            if len(batch) == 5000:
                Designation.objects.bulk_create(batch)
                batch = []
        if batch:
            Designation.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE registries_designation" if connection.vendor == "postgresql" else "ANALYZE"
        )
    return time.perf_counter() - started


def ensure(n: int, root, *, say=print) -> None:
    have = designation_count()
    if have == n:
        say(f"designations: {have:,} reused (counts match)")
        return
    if have:
        wipe()
    seconds = generate(n, root)
    say(f"designations: {n:,} rows in {seconds:.1f} s")


def baseline(root, year: int) -> dict:
    """Hand-written SQL, what the section shows: the year's in-force and new counts per programme and
    level (one GROUP BY, folded in Python), and the new ones per month (one GROUP BY over the year).
    {"by_programme": {code: (in_force, new)}, "by_level": {level: (…)}, "months_new": [12 counts]}."""
    from django.db import connection

    from kexie.core.periods import Period
    from kexie.orgs.scoping import path_upper_bound

    p = Period.year(year)
    scope = [root.path, path_upper_bound(root.path)]
    month = (
        "EXTRACT(MONTH FROM d.granted_on)"
        if connection.vendor == "postgresql"
        else ("CAST(strftime('%%m', d.granted_on) AS INTEGER)")
    )
    by_programme: dict = {}
    by_level: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.code, d.level, "
            "COUNT(*) FILTER (WHERE d.granted_on <= %s AND (d.ends_on IS NULL OR d.ends_on >= %s)), "
            "COUNT(*) FILTER (WHERE d.granted_on >= %s) "
            "FROM registries_designation d JOIN orgs_orgunit u ON u.id = d.org_unit_id "
            "JOIN registries_programme g ON g.id = d.programme_id "
            "WHERE d.granted_on IS NOT NULL AND d.granted_on <= %s AND u.path >= %s AND u.path < %s "
            "GROUP BY g.code, d.level",
            [p.end, p.end, p.start, p.end, *scope],
        )
        for code, level, stock, new in cursor.fetchall():
            for bucket, key in ((by_programme, code), (by_level, level)):
                s, n = bucket.get(key, (0, 0))
                bucket[key] = (s + stock, n + new)
        cursor.execute(
            f"SELECT {month}, COUNT(*) FROM registries_designation d JOIN orgs_orgunit u ON u.id = d.org_unit_id "
            "WHERE d.granted_on >= %s AND d.granted_on <= %s AND u.path >= %s AND u.path < %s GROUP BY 1",
            [p.start, p.end, *scope],
        )
        months = [0] * 12
        for m, count in cursor.fetchall():
            months[int(m) - 1] = count
    return {"by_programme": by_programme, "by_level": by_level, "months_new": months}


def engine(access, root, year: int) -> dict:
    """The dashboard section's selector (two evaluate() calls), read into the baseline's shape."""
    from kexie.analytics.selectors import SITES_NEW, sites, trend_periods
    from kexie.core.periods import Period

    p = Period.year(year)
    s = sites(access=access, unit=root, period=p, trend=trend_periods(p))
    return {
        "by_programme": {r.key: (r.in_force.value, r.new.value) for r in s.by_programme},
        "by_level": {r.key: (r.in_force.value, r.new.value) for r in s.by_level},
        "months_new": [t.figures[SITES_NEW].value for t in s.trend],
    }


def equal(base: dict, eng: dict) -> list[str]:
    """Differences between the baseline and the engine (programmes and levels with a figure; months)."""
    diffs = []
    for part in ("by_programme", "by_level"):
        want = {k: v for k, v in base[part].items() if any(v)}
        if want != eng[part]:
            diffs.append(f"{part}: {want} != {eng[part]}")
    if base["months_new"] != eng["months_new"]:
        diffs.append(f"new by month: {base['months_new']} != {eng['months_new']}")
    return diffs

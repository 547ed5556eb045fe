"""The hand-written SQL baseline: the figures of a province dashboard, one GROUP BY per family.

For a unit's subtree (path >= P AND path < successor(P)) and one year, bucketed by direct child
(substr(path, 1, len(P) + 4): a child's path prefix, or P itself for the unit's own records, 本级) and
by month (the year is the sum of its months):

- totals: held non-academic activities (科普活动场次), of them key ones (重点), their participants
  and online views, and the sci_workers of all held activities (academic ones too);
- by_type: held non-academic activities per activity type code;
- by_campaign: held non-academic activities per campaign code ("" = no campaign).

The same definitions as the engine's indicators popsci_activities, popsci_key_activities,
popsci_participants, popsci_online_views, sci_worker_participation (src/kexie/indicators/catalogue.py),
so the two can be checked for equal results as well as timed. Plain cursor.execute on the real tables,
no ORM, the same SQL text on SQLite and PostgreSQL except for the month expression.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

STEPLEN = 4  # treebeard's steplen of OrgUnit
TOTALS = (
    "popsci_activities",
    "popsci_key_activities",
    "popsci_participants",
    "popsci_online_views",
    "sci_worker_participation",
)
OWN = "本级"  # the unit's own records
TOTAL = "合计"  # the whole subtree
MONTH_SQL = {
    "sqlite": "CAST(substr({}, 6, 2) AS INTEGER)",  # dates are stored as 'YYYY-MM-DD'
    "postgresql": "CAST(EXTRACT(MONTH FROM {}) AS INTEGER)",
}


def month_sql(column: str) -> str:
    return MONTH_SQL[connection.vendor].format(column)


def path_upper_bound(path: str) -> str:
    from kexie.orgs.scoping import path_upper_bound as bound

    return bound(path)


@dataclass(frozen=True)
class Scope:
    """The unit, its subtree bounds, its direct children (path → code) and the year."""

    path: str
    code: str
    name: str
    upper: str
    child_len: int
    children: dict[str, tuple[str, str]]  # path → (code, name)
    year: int

    @property
    def start(self):
        return connection.ops.adapt_datefield_value(dt.date(self.year, 1, 1))

    @property
    def end(self):
        return connection.ops.adapt_datefield_value(dt.date(self.year + 1, 1, 1))

    def slot(self, prefix: str) -> str:
        return OWN if prefix == self.path else self.children[prefix][0]

    @property
    def slots(self) -> list[str]:
        return [OWN, *(code for code, _ in self.children.values())]

    @property
    def periods(self) -> list[str]:
        return [str(self.year), *(f"{self.year}-{m:02d}" for m in range(1, 13))]


def scope(path: str, year: int) -> Scope:
    """One query for the unit, one for its children."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, name, depth FROM orgs_orgunit WHERE path = %s", [path])
        code, name, depth = cursor.fetchone()
        upper = path_upper_bound(path)
        cursor.execute(
            "SELECT path, code, name FROM orgs_orgunit WHERE path >= %s AND path < %s AND depth = %s ORDER BY path",
            [path, upper, depth + 1],
        )
        children = {p: (c, n) for p, c, n in cursor.fetchall()}
    return Scope(path, code, name, upper, len(path) + STEPLEN, children, year)


def _where(s: Scope) -> tuple[str, list]:
    return (
        "a.status = 'held' AND o.path >= %s AND o.path < %s AND a.start_date >= %s AND a.start_date < %s",
        [s.path, s.upper, s.start, s.end],
    )


def totals_rows(s: Scope) -> list[tuple]:
    where, params = _where(s)
    sql = f"""
        SELECT substr(o.path, 1, {int(s.child_len)}) AS slot, {month_sql("a.start_date")} AS month,
               COUNT(*) FILTER (WHERE NOT t.is_academic),
               COUNT(*) FILTER (WHERE NOT t.is_academic AND a.is_key),
               SUM(a.participants) FILTER (WHERE NOT t.is_academic),
               SUM(a.online_views) FILTER (WHERE NOT t.is_academic),
               SUM(a.sci_workers)
        FROM activities_activity a
        JOIN orgs_orgunit o ON o.id = a.org_unit_id
        JOIN activities_activitytype t ON t.id = a.activity_type_id
        WHERE {where}
        GROUP BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def by_type_rows(s: Scope) -> list[tuple]:
    where, params = _where(s)
    sql = f"""
        SELECT substr(o.path, 1, {int(s.child_len)}) AS slot, {month_sql("a.start_date")} AS month,
               t.code, COUNT(*)
        FROM activities_activity a
        JOIN orgs_orgunit o ON o.id = a.org_unit_id
        JOIN activities_activitytype t ON t.id = a.activity_type_id
        WHERE {where} AND NOT t.is_academic
        GROUP BY 1, 2, 3"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def by_campaign_rows(s: Scope) -> list[tuple]:
    where, params = _where(s)
    sql = f"""
        SELECT substr(o.path, 1, {int(s.child_len)}) AS slot, {month_sql("a.start_date")} AS month,
               c.code, COUNT(*)
        FROM activities_activity a
        JOIN orgs_orgunit o ON o.id = a.org_unit_id
        JOIN activities_activitytype t ON t.id = a.activity_type_id
        LEFT JOIN activities_campaign c ON c.id = a.campaign_id
        WHERE {where} AND NOT t.is_academic
        GROUP BY 1, 2, 3"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


FAMILIES = {"totals": totals_rows, "by_type": by_type_rows, "by_campaign": by_campaign_rows}


# ---- the same figures from the pre-aggregated fact table (activities_activitymonthfact) ------------
# One row per organiser × month × type × campaign × key × status with the count (n) and the sums; a
# second, fairer baseline for the engine's fact path: the same GROUP BYs, over fewer rows.


def _fact_where(s: Scope) -> tuple[str, list]:
    return (
        "f.status = 'held' AND o.path >= %s AND o.path < %s AND f.month >= %s AND f.month < %s",
        [s.path, s.upper, s.start, s.end],
    )


def fact_totals_rows(s: Scope) -> list[tuple]:
    where, params = _fact_where(s)
    sql = f"""
        SELECT substr(o.path, 1, {int(s.child_len)}) AS slot, {month_sql("f.month")} AS month,
               SUM(f.n) FILTER (WHERE NOT t.is_academic),
               SUM(f.n) FILTER (WHERE NOT t.is_academic AND f.is_key),
               SUM(f.participants) FILTER (WHERE NOT t.is_academic),
               SUM(f.online_views) FILTER (WHERE NOT t.is_academic),
               SUM(f.sci_workers)
        FROM activities_activitymonthfact f
        JOIN orgs_orgunit o ON o.id = f.org_unit_id
        JOIN activities_activitytype t ON t.id = f.activity_type_id
        WHERE {where}
        GROUP BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fact_by_type_rows(s: Scope) -> list[tuple]:
    where, params = _fact_where(s)
    sql = f"""
        SELECT substr(o.path, 1, {int(s.child_len)}) AS slot, {month_sql("f.month")} AS month,
               t.code, SUM(f.n)
        FROM activities_activitymonthfact f
        JOIN orgs_orgunit o ON o.id = f.org_unit_id
        JOIN activities_activitytype t ON t.id = f.activity_type_id
        WHERE {where} AND NOT t.is_academic
        GROUP BY 1, 2, 3"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fact_by_campaign_rows(s: Scope) -> list[tuple]:
    where, params = _fact_where(s)
    sql = f"""
        SELECT substr(o.path, 1, {int(s.child_len)}) AS slot, {month_sql("f.month")} AS month,
               c.code, SUM(f.n)
        FROM activities_activitymonthfact f
        JOIN orgs_orgunit o ON o.id = f.org_unit_id
        JOIN activities_activitytype t ON t.id = f.activity_type_id
        LEFT JOIN activities_campaign c ON c.id = f.campaign_id
        WHERE {where} AND NOT t.is_academic
        GROUP BY 1, 2, 3"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


FACT_FAMILIES = {
    "totals": fact_totals_rows,
    "by_type": fact_by_type_rows,
    "by_campaign": fact_by_campaign_rows,
}


def _fold_totals(s: Scope, rows) -> dict:
    """{period: {slot: {measure: int}}} with every period and slot present (zeros included)."""
    out = {p: {slot: dict.fromkeys(TOTALS, 0) for slot in [*s.slots, TOTAL]} for p in s.periods}
    for prefix, month, *values in rows:
        slot = s.slot(prefix)
        for period in (str(s.year), f"{s.year}-{int(month):02d}"):
            for where in (slot, TOTAL):
                cell = out[period][where]
                for measure, v in zip(TOTALS, values, strict=True):
                    cell[measure] += int(v or 0)
    return out


def _fold_counts(s: Scope, rows) -> dict:
    """{period: {slot: {member: count}}}: every period and slot present, only members with records."""
    out: dict = {p: {slot: {} for slot in [*s.slots, TOTAL]} for p in s.periods}
    for prefix, month, member, count in rows:
        slot = s.slot(prefix)
        member = member or ""
        for period in (str(s.year), f"{s.year}-{int(month):02d}"):
            for where in (slot, TOTAL):
                cell = out[period][where]
                cell[member] = cell.get(member, 0) + int(count)
    return out


def dashboard(path: str, year: int = 2024, *, facts: bool = False) -> dict:
    """Every figure of the province dashboard for the subtree at `path`: plain dicts of ints.

    {"unit", "year", "children": {code: name}, "totals": …, "by_type": …, "by_campaign": …}; periods
    are "2024" and "2024-01" … "2024-12", slots are the children's codes, 本级 and 合计."""
    s = scope(path, year)
    families = FACT_FAMILIES if facts else FAMILIES
    return {
        "unit": s.code,
        "year": year,
        "children": {code: name for code, name in s.children.values()},
        "totals": _fold_totals(s, families["totals"](s)),
        "by_type": _fold_counts(s, families["by_type"](s)),
        "by_campaign": _fold_counts(s, families["by_campaign"](s)),
    }

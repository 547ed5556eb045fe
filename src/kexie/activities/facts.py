"""Keeps `ActivityMonthFact` (activities pre-aggregated per organiser × month × type × campaign × key ×
status) equal to what the activities themselves say.

The contract for every write path (services, imports, unit merges):

    cells = facts.cells_for(queryset_of_the_activities_about_to_change)   # before the write
    … write …
    facts.refresh(cells | facts.cells_for(queryset_of_the_written_activities))   # after, same transaction

or, for activities that are only *new* (a bulk import's creates):

    … insert …
    facts.add(queryset_of_the_new_activities)                                     # same transaction

A *cell* is (org unit id, first day of a month): the grain at which facts are recomputed. `refresh()`
deletes the fact rows of the cells and recomputes them from the activities with one INSERT … SELECT
per chunk of cells, so it is exact whatever happened in between (a changed organiser, date, type,
status, a deletion). It locks the org units of the cells first (SELECT … FOR UPDATE, sorted), so two
concurrent writers of the same unit cannot both insert a recomputed cell (PostgreSQL, READ COMMITTED);
SQLite serialises writers anyway.

`add()` appends the new activities' own contributions as extra rows (a cell may hold several rows;
readers sum): its cost follows the rows written, not the size of the cells they land in — a 10,000-
activity import into 5M activities recomputed cells holding ≈ 1M activities with `refresh()` (15 s on
PostgreSQL, 37 s on SQLite). The next `refresh()` of a cell folds its rows back into one each. It takes
the same unit locks as `refresh()`, so a concurrent refresh of a cell either sees the new activities
and their rows or neither.

`rebuild()` recomputes the whole table (management command `rebuild_activity_facts`), e.g. after data
was written around the services (the bench generator, a restore from backup).

Target groups (many-to-many) are not in the facts: figures filtered or broken down by target group
are counted from the activities themselves (the engine falls back), as are distinct counts of fields
that are not fact columns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, DateField, Func, Q, QuerySet, Sum

from kexie.activities.models import MAJOR_EVENT_PARTICIPANTS, Activity, ActivityMonthFact
from kexie.orgs.models import OrgUnit

Cell = tuple[int, dt.date]  # (org unit id, first day of the month of start_date)

# fact column ← activity column (dimensions are copied, grouped by)
DIMENSIONS = {
    "org_unit_id": "org_unit_id",
    "month": "month",  # annotated: MonthStart(start_date)
    "activity_type_id": "activity_type_id",
    "campaign_id": "campaign_id",
    "is_key": "is_key",
    "status": "status",
}
MEASURES = {
    "n": Count("pk"),
    "n_major": Count("pk", filter=Q(participants__gte=MAJOR_EVENT_PARTICIPANTS)),
    "participants": Sum("participants"),
    "online_views": Sum("online_views"),
    "sci_workers": Sum("sci_workers"),
    "volunteers": Sum("volunteers"),
    "beneficiaries": Sum("beneficiaries"),
    "sessions": Sum("sessions"),
    "materials_copies": Sum("materials_copies"),
    "materials_kinds": Sum("materials_kinds"),
}
CHUNK = 2000  # cells per statement (SQLite's bound parameters stay well under its limit)


class MonthStart(Func):
    """The first day of the month of a date column, computed by the database itself (Django's
    TruncMonth calls a Python function per row on SQLite: a 10k-activity refresh took 8.4 s instead
    of 5.2 s on the 1M bench database)."""

    output_field = DateField()
    template = "CAST(date_trunc('month', CAST(%(expressions)s AS timestamp)) AS date)"  # PostgreSQL

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'start of month')", **extra)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def cells_for(queryset: QuerySet[Activity]) -> set[Cell]:
    """The cells the activities of `queryset` lie in right now (call it before a change and after)."""
    rows = (
        queryset.order_by()
        .annotate(fact_month=MonthStart("start_date"))
        .values_list("org_unit_id", "fact_month")
        .distinct()
    )
    return {(unit_id, _as_date(month)) for unit_id, month in rows}


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # defensive: some SQLite builds hand back text
        return dt.date.fromisoformat(value[:10])
    return value


def refresh(cells: Iterable[Cell]) -> None:
    """Recompute the fact rows of `cells` from the activities, inside the caller's transaction."""
    cells = {(int(unit_id), month_of(_as_date(month))) for unit_id, month in cells}
    if not cells:
        return
    with transaction.atomic():
        _lock_units({unit_id for unit_id, _ in cells})
        ordered = sorted(cells, key=lambda c: (c[1], c[0]))
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            fact_q, record_q = _cell_filters(chunk)
            ActivityMonthFact.objects.filter(fact_q).delete()
            _insert(Activity.objects.filter(record_q))


def add(queryset: QuerySet[Activity]) -> int:
    """Add the contributions of activities that are not in the facts yet (just inserted, in the
    caller's transaction); returns the number of fact rows appended. Never for activities already
    counted: a change or a deletion goes through `refresh()`."""
    with transaction.atomic():
        _lock_units(queryset.order_by().values_list("org_unit_id", flat=True).distinct())
        return _insert(queryset)


def _lock_units(unit_ids: Iterable[int]) -> None:
    """Serialise writers of the facts of the same units (SELECT … FOR UPDATE in id order; a no-op on
    SQLite, which has one writer)."""
    units = sorted(set(unit_ids))
    for start in range(0, len(units), CHUNK):
        list(
            OrgUnit.objects.select_for_update()
            .filter(pk__in=units[start : start + CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _cell_filters(cells: list[Cell]) -> tuple[Q, Q]:
    """(facts of the cells, activities of the cells): one OR term per month, units IN a list."""
    by_month: dict[dt.date, list[int]] = defaultdict(list)
    for unit_id, month in cells:
        by_month[month].append(unit_id)
    fact_q, record_q = Q(pk__in=[]), Q(pk__in=[])
    for month, units in by_month.items():
        fact_q |= Q(month=month, org_unit_id__in=units)
        record_q |= Q(start_date__gte=month, start_date__lt=_next_month(month), org_unit_id__in=units)
    return fact_q, record_q


def _grouped(queryset: QuerySet[Activity]) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(month=MonthStart("start_date"))
        .values(*DIMENSIONS.values())
        .annotate(**MEASURES)
    )


def _insert(queryset: QuerySet[Activity]) -> int:
    """INSERT INTO facts (…) SELECT … GROUP BY … — the aggregation never leaves the database."""
    grouped = _grouped(queryset)
    compiler = grouped.query.get_compiler(using=grouped.db)
    select_sql, params = compiler.as_sql()
    # the SELECT list is exactly the dimensions, then the measures, in this order (checked here so
    # that a Django upgrade changing the order fails loudly instead of filling the wrong columns)
    selected = [alias for _, _, alias in compiler.select]
    if selected != [*DIMENSIONS.values(), *MEASURES]:
        raise RuntimeError(f"unexpected column order in the fact query: {selected}")
    table = ActivityMonthFact._meta.db_table
    columns = [ActivityMonthFact._meta.get_field(name).column for name in [*DIMENSIONS, *MEASURES]]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) {select_sql}", params)
        return cursor.rowcount


@transaction.atomic
def rebuild() -> int:
    """Recompute every fact row from the activities; returns the number of fact rows written."""
    ActivityMonthFact.objects.all().delete()
    return _insert(Activity.objects.all())

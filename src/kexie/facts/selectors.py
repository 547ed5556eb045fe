"""Reads of facts — always through the scoping mechanism.

`fact_list(access=…, unit=…, period=…)` is what the report generator uses to list a unit's honours,
rankings and firsts "as stated" for the period of a report.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kexie.core.periods import Period
from kexie.facts.models import Fact
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope, subtree_q

register_scoped(Fact, via="org_unit")

HistoricalFact = Fact.history.model


def period_q(period: Period) -> Q:
    """Facts that happened in `period`: a dated fact when its day lies in it; a fact known only by its
    year when the whole year lies in it (a quarterly report does not claim a year-only honour)."""
    first, last = period.start.year, period.end.year
    whole_years = [y for y in range(first, last + 1) if Period.year(y) in period]
    return Q(date__isnull=False, date__gte=period.start, date__lte=period.end) | Q(
        date__isnull=True, year__in=whole_years
    )


def fact_list(
    *,
    access: Access,
    unit: OrgUnit | None = None,
    period: Period | str | None = None,
    kind: str | None = None,
    level: str | None = None,
    year: int | None = None,
    q: str = "",
    own_only: bool = False,
    action: Action = Action.VIEW,
) -> QuerySet[Fact]:
    """Facts of `unit`'s subtree (default: the active unit's; only the unit's own with `own_only`) in
    scope, newest first, optionally in `period` and filtered by kind, level, year and a text `q`."""
    qs = scope(Fact.objects.select_related("org_unit"), access, action)
    if unit is not None:
        qs = qs.filter(org_unit=unit) if own_only else qs.filter(subtree_q(unit.path, via="org_unit"))
    if period is not None:
        qs = qs.filter(period_q(Period.parse(period)))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(
            Q(statement__icontains=q) | Q(issuer__icontains=q) | Q(source__icontains=q) | Q(note__icontains=q)
        )
    return qs.order_by("-year", "-date", "org_unit__path", "-pk")


def fact_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Fact:
    """One fact in scope, or 404 (logged when it exists outside the scope)."""
    return get_in_scope(Fact.objects.select_related("org_unit", "created_by"), access, action, pk=pk)


HISTORY_HIDDEN = {
    "created_at",
    "updated_at",
    "created_by",
    "source_file",
    "source_size",
    "source_content_type",
}


def _shown(record, field: str, value) -> str:
    if value in (None, ""):
        return ""
    if field == "org_unit":
        unit = OrgUnit.objects.filter(pk=value).first()
        return unit.name if unit else str(value)
    display = getattr(record, f"get_{field}_display", None)
    return str(display()) if display else str(value)


def fact_history(*, fact_id: int, limit: int = 50) -> list[tuple[object, list[tuple[str, str, str]]]]:
    """History of a fact the caller already obtained through fact_get(), newest first, each record with
    its differences from the one before: [(record, [(field label, old, new), …]), …]."""
    records = list(
        HistoricalFact.objects.filter(id=fact_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    out = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        diff = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                if change.field in HISTORY_HIDDEN:
                    continue
                label = str(Fact._meta.get_field(change.field).verbose_name)
                old = _shown(previous, change.field, change.old)
                new = _shown(record, change.field, change.new)
                diff.append((label, old, new))
        out.append((record, diff))
    return out


def fact_years(*, access: Access) -> list[int]:
    """Years that have facts in scope, newest first (for the year filter)."""
    return list(scope(Fact.objects.all(), access).order_by("-year").values_list("year", flat=True).distinct())


def unit_choices(*, access: Access) -> QuerySet[OrgUnit]:
    """Active units the caller may record facts for."""
    return scope(OrgUnit.objects.filter(active_to__isnull=True), access, Action.ENTER).order_by("path")

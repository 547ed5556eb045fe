"""Figures shown on list and tree pages, computed by the engine like every other figure: the totals
of a filtered activity list (“共…项活动，参与人次合计…”) and the org unit counts by type (工作台, 组织机构).

A list page's totals are figures like any other: they come from `evaluate()` with the list's filters
as `where` conditions, so the list, the dashboard and the reports can never disagree. The engine reads
the pre-aggregated facts when the filters allow it (period, unit, own, type, academic, campaign, key,
status) and the records otherwise (free text, target group, a participant minimum other than 1000).
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Q
from django.utils import timezone

from kexie.activities.filters import ActivityFilters
from kexie.activities.records import ACTIVITIES
from kexie.core.periods import Period
from kexie.indicators.engine import evaluate
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action
from kexie.records.filters import engine_scope


def activity_list_totals(*, access: Access, filters: ActivityFilters, action: Action = Action.VIEW) -> dict:
    """{"count", "participants"} of exactly the activities `activity_list(access, filters)` lists."""
    if not access.can(action) or access.unit is None or not filters.is_valid:
        return {"count": 0, "participants": 0}
    # the list's own path to its totals (records.views); the declaration's all_time makes it total
    period, unit, where, all_records = engine_scope(ACTIVITIES, filters.values, access)
    result = evaluate(
        access=access,
        indicators=["activities", "participants"],
        periods=[period],
        unit=unit,
        where=where,
        all_records=all_records,
    )
    period = result.periods[0]
    return {
        "count": result.number("activities", period),
        "participants": result.number("participants", period),
    }


# ---- org units: the counts by type on the home and org tree pages ---------------------------------


def _today() -> Period:
    day = timezone.localdate()
    return Period.custom(day, day)


def org_type_counts(*, access: Access, unit: OrgUnit) -> list[tuple[str, int]]:
    """(type name, number) of the units below `unit` (itself excluded) that exist today, in the
    order of OrgType: the indicator org_units broken down by type."""
    period = _today()
    result = evaluate(
        access=access,
        indicators=["org_units"],
        periods=[period],
        unit=unit,
        breakdown="org_type",
        where=~Q(pk=unit.pk),
    )
    counts = [(label, result.number("org_units", period, key=code)) for code, label in result.keys]
    return [(label, n) for label, n in counts if n]


def org_type_counts_by_child(*, access: Access, parent: OrgUnit) -> dict[str, Counter]:
    """For each direct child of `parent` (by path): the units of each type below it (the child
    itself excluded) that exist today."""
    period = _today()
    result = evaluate(
        access=access,
        indicators=["org_units"],
        periods=[period],
        unit=parent,
        by="child",
        breakdown="org_type",
        where=~Q(depth=parent.depth + 1),
    )
    out: dict[str, Counter] = {}
    for child in result.children:
        counts = Counter()
        for code, _label in result.keys:
            n = result.number("org_units", period, child, key=code)
            if n:
                counts[code] = n
        out[child.path] = counts
    return out

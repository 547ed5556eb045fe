"""Reads of activities, their managed lists and deletions — always through the scoping mechanism.
(The list's filters, its totals, history with diffs and attachments are the record layer's, from the
declaration in records.py.)"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, Q, QuerySet, Subquery

from kexie.activities.filters import ActivityFilters
from kexie.activities.models import (
    Activity,
    ActivityMonthFact,
    ActivityType,
    Campaign,
    TargetGroup,
)
from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope
from kexie.registries.models import Facility

register_scoped(Activity, via="org_unit")
# Derived rows: read by the indicator engine only. Scoped like the activities, so a unit merge moves
# them together with the activities (the fact table has no unique key, so moved rows simply add up).
register_scoped(ActivityMonthFact, via="org_unit")
# Local campaigns and activity types belong to the unit that set them up (national ones have none and
# are never in anyone's scope: they cannot be edited).
register_scoped(Campaign, via="org_unit")
register_scoped(ActivityType, via="org_unit")

HistoricalActivity = Activity.history.model


def activity_list(
    *, access: Access, filters: ActivityFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[Activity]:
    """The activities `access` may see for `action`, narrowed by `filters` (see filters.py) through
    the record layer's conditions, in the filters' sort order."""
    from kexie.activities.records import ACTIVITIES
    from kexie.records.filters import filtered

    f = filters or ActivityFilters()
    qs = scope(Activity.objects.select_related("org_unit", "activity_type", "campaign"), access, action)
    return filtered(ACTIVITIES, qs, f.values, access).order_by(*ACTIVITIES.ordering_for(f.sort))


def activity_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Activity:
    return get_in_scope(
        Activity.objects.select_related(
            "org_unit", "activity_type", "campaign", "created_by", "import_batch", "facility"
        ),
        access,
        action,
        pk=pk,
    )


def activity_import_batch(*, access: Access, activity: Activity):
    """The import batch the activity came from, or None (entered by hand, or a batch outside the
    caller's scope: a unit above imported it)."""
    from kexie.imports.selectors import batch_list

    if activity.import_batch_id is None:
        return None
    return batch_list(access=access).filter(pk=activity.import_batch_id).first()


def activity_calendar(
    *, access: Access, month: Period, filters: ActivityFilters | None = None, limit: int = 3000
) -> tuple[list[list[dict]], int]:
    """Weeks (Monday first) of the month; each day {date, in_month, activities}. An activity is listed
    on every day of the month it runs. Returns (weeks, number of activities found)."""
    base = filters or ActivityFilters.every_status()
    # the month is matched by overlap, not by start date, so the period filter is not used here
    f = dataclasses.replace(base.without("period"), sort="start_date")
    rows = list(
        activity_list(access=access, filters=f)
        .filter(start_date__lte=month.end, end_date__gte=month.start)
        .values("pk", "title", "start_date", "end_date", "status", "is_key")[:limit]
    )
    per_day: dict[dt.date, list[dict]] = defaultdict(list)
    for r in rows:
        day = max(r["start_date"], month.start)
        last = min(r["end_date"], month.end)
        while day <= last:
            per_day[day].append(r)
            day += dt.timedelta(days=1)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.start.year, month.start.month):
        weeks.append(
            [
                {
                    "date": d,
                    "weekday": "一二三四五六日"[d.weekday()],
                    "in_month": d.month == month.start.month,
                    "activities": per_day.get(d, []),
                }
                for d in week
            ]
        )
    return weeks, len(rows)


# ---- managed lists ---------------------------------------------------------------------------


def _visible_lists_q(access: Access) -> Q:
    """Managed-list rows (campaigns, activity types) `access` sees: the national ones and those set up
    by a unit above the active unit (its ancestors and itself) or inside its subtree."""
    root = access.root_path
    if root is None:
        return Q(pk__in=[])
    return (
        Q(org_unit__isnull=True)
        | Q(org_unit__path__in=_ancestor_paths(root))
        | Q(org_unit__in=scope(OrgUnit.objects.all(), access, Action.VIEW))
    )


def activity_types(
    *, access: Access, include: ActivityType | None = None, active_only: bool = True
) -> QuerySet[ActivityType]:
    """Activity types the user may pick (national and local ones, see `_visible_lists_q`)."""
    q = _visible_lists_q(access) & (Q(is_active=True) if active_only else Q())
    if include is not None:
        q |= Q(pk=include.pk)
    return ActivityType.objects.filter(q)


def target_groups() -> QuerySet[TargetGroup]:
    return TargetGroup.objects.all()


def _ancestor_paths(path: str) -> list[str]:
    step = OrgUnit.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def campaign_choices(*, access: Access, include: Campaign | None = None) -> QuerySet[Campaign]:
    """Campaigns the user may pick: national ones and those defined by a unit above the user's active
    unit (its ancestors and itself) or inside its subtree."""
    if access.root_path is None:
        return Campaign.objects.none()
    q = _visible_lists_q(access) & Q(is_active=True)
    if include is not None:
        q |= Q(pk=include.pk)
    return Campaign.objects.filter(q)


def facility_choices(*, access: Access, include: Facility | None = None) -> QuerySet[Facility]:
    """Venues and mobile units (kexie.registries) an activity may name: those of the units above the
    active unit and of its subtree (a county's 大篷车 serves its townships), in use or not (the
    service checks the date)."""
    q = _visible_lists_q(access) & Q(org_unit__isnull=False)
    if include is not None:
        q |= Q(pk=include.pk)
    return Facility.objects.filter(q).select_related("org_unit").order_by("org_unit__path", "kind", "name")


def visible_campaigns(*, access: Access) -> QuerySet[Campaign]:
    """Every campaign `access` may see, active or not (list filters, imports)."""
    return Campaign.objects.filter(_visible_lists_q(access))


# ---- the page of a unit's own campaigns and activity types ------------------------------------


@dataclasses.dataclass
class ManagedLists:
    """What the 活动品牌与类型 page shows for the active unit."""

    national_campaigns: list[Campaign]
    inherited_campaigns: list[Campaign]  # set up by units above the active unit
    own_campaigns: list[Campaign]
    national_types: list[ActivityType]
    inherited_types: list[ActivityType]
    own_types: list[ActivityType]


def managed_lists(*, access: Access) -> ManagedLists:
    unit = access.unit
    above = _ancestor_paths(unit.path)[:-1]

    def split(model):
        rows = list(
            model.objects.filter(
                Q(org_unit__isnull=True) | Q(org_unit__path__in=above) | Q(org_unit=unit)
            ).select_related("org_unit")
        )
        return (
            [r for r in rows if r.org_unit_id is None],
            sorted(
                (r for r in rows if r.org_unit_id and r.org_unit_id != unit.pk), key=lambda r: r.org_unit.path
            ),
            [r for r in rows if r.org_unit_id == unit.pk],
        )

    campaigns, types = split(Campaign), split(ActivityType)
    return ManagedLists(*campaigns, *types)


def campaign_get(*, access: Access, pk: int, action: Action = Action.MANAGE) -> Campaign:
    """A local campaign inside the scope (national ones have no unit: never found, so never edited)."""
    return get_in_scope(Campaign.objects.select_related("org_unit"), access, action, pk=pk)


def activity_type_get(*, access: Access, pk: int, action: Action = Action.MANAGE) -> ActivityType:
    return get_in_scope(ActivityType.objects.select_related("org_unit"), access, action, pk=pk)


def unit_choices(*, access: Access, action: Action = Action.ENTER) -> QuerySet[OrgUnit]:
    """Active units of the subtree the user may enter records for (organisers, co-organisers)."""
    return scope(OrgUnit.objects.filter(active_to__isnull=True), access, action).order_by("path")


# ---- history and deleted activities ------------------------------------------------------------


def _latest_record_id() -> Subquery:
    return Subquery(
        HistoricalActivity.objects.filter(id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def deleted_activity_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet:
    """Deleted activities (their last history record is the deletion) whose organiser is in scope."""
    return (
        HistoricalActivity.objects.filter(
            history_type="-", org_unit__in=scope(OrgUnit.objects.all(), access, action)
        )
        .filter(history_id=_latest_record_id())
        .select_related("history_user", "org_unit", "activity_type")
        .order_by("-history_date", "-history_id")
    )

"""Reads of activities, their attachments and history — always through the scoping mechanism."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, Q, QuerySet, Subquery

from kexie.activities.filters import SORTS, ActivityFilters
from kexie.activities.models import (
    Activity,
    ActivityMonthFact,
    ActivityType,
    Attachment,
    Campaign,
    TargetGroup,
)
from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope, subtree_q
from kexie.registries.models import Facility

register_scoped(Activity, via="org_unit")
register_scoped(Attachment, via="activity__org_unit")
# Derived rows: read by the indicator engine only. Scoped like the activities, so a unit merge moves
# them together with the activities (the fact table has no unique key, so moved rows simply add up).
register_scoped(ActivityMonthFact, via="org_unit")
# Local campaigns and activity types belong to the unit that set them up (national ones have none and
# are never in anyone's scope: they cannot be edited).
register_scoped(Campaign, via="org_unit")
register_scoped(ActivityType, via="org_unit")

HistoricalActivity = Activity.history.model
HistoricalAttachment = Attachment.history.model


def activity_conditions(f: ActivityFilters) -> Q:
    """The list filters other than scope, period, unit (and own) and status, as conditions on
    Activity. The list below and the indicator engine (for the list's totals) apply the very same."""
    q = Q()
    if f.activity_type is not None:
        q &= Q(activity_type__code=f.activity_type.code)
    if f.academic is not None:
        q &= Q(activity_type__is_academic=f.academic)
    if f.campaigns or f.campaign_none or f.campaign_any:
        terms = [Q(campaign__code__in=[c.code for c in f.campaigns])] if f.campaigns else []
        terms += [Q(campaign__isnull=True)] * f.campaign_none + [Q(campaign__isnull=False)] * f.campaign_any
        either = terms[0]
        for term in terms[1:]:
            either |= term
        q &= either
    if f.is_key is not None:
        q &= Q(is_key=f.is_key)
    if f.target is not None:
        # one target group: an activity matches at most once, so the join never repeats it
        q &= Q(target_groups__code=f.target.code)
    elif f.target_none:
        q &= Q(target_groups__isnull=True)
    if f.facility is not None:
        q &= Q(facility__id=f.facility.pk)
    elif f.facility_none:
        q &= Q(facility__isnull=True)
    if f.facility_kinds:
        q &= Q(facility__kind__in=list(f.facility_kinds))
    if f.series:
        q &= Q(series=f.series)
    if f.in_series is not None:
        q &= Q(series__isnull=not f.in_series)
    if f.min_participants is not None:
        q &= Q(participants__gte=f.min_participants)
    if f.q:
        q &= Q(title__icontains=f.q) | Q(venue__icontains=f.q)
    return q


def activity_list(
    *, access: Access, filters: ActivityFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[Activity]:
    """The activities `access` may see for `action`, narrowed by `filters` (see filters.py)."""
    f = filters or ActivityFilters()
    qs = scope(Activity.objects.select_related("org_unit", "activity_type", "campaign"), access, action)
    if f.period is not None:
        qs = qs.filter(start_date__gte=f.period.start, start_date__lte=f.period.end)
    if f.unit is not None:
        qs = qs.filter(subtree_q(f.unit.path, via="org_unit"))
    if f.own:
        qs = qs.filter(org_unit_id=(f.unit or access.unit).pk)
    qs = qs.filter(activity_conditions(f))
    if f.status is not None:
        qs = qs.filter(status=f.status)
    return qs.order_by(*SORTS[f.sort])


def activity_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Activity:
    return get_in_scope(
        Activity.objects.select_related(
            "org_unit", "activity_type", "campaign", "created_by", "import_batch", "facility"
        ),
        access,
        action,
        pk=pk,
    )


def activity_calendar(
    *, access: Access, month: Period, filters: ActivityFilters | None = None, limit: int = 3000
) -> tuple[list[list[dict]], int]:
    """Weeks (Monday first) of the month; each day {date, in_month, activities}. An activity is listed
    on every day of the month it runs. Returns (weeks, number of activities found)."""
    base = filters or ActivityFilters(status=None)
    # the month is matched by overlap, not by start date, so the period filter is not used here
    f = dataclasses.replace(base, period=None, sort="start_date")
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


def deleted_activity_get(*, access: Access, pk: int, action: Action = Action.ENTER):
    """The deletion record of activity `pk`, if it is deleted and its organiser is in scope; else 404."""
    from django.http import Http404

    record = deleted_activity_list(access=access, action=action).filter(id=pk).first()
    if record is None:
        raise Http404("不存在或无权访问")
    return record


def history_m2m_ids(record) -> dict[str, list[int]]:
    """The target group and co-organiser ids stored with one history record."""
    return {
        "target_groups": sorted(record.target_groups.values_list("targetgroup_id", flat=True)),
        "co_organisers": sorted(record.co_organisers.values_list("orgunit_id", flat=True)),
    }


def attachment_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Attachment:
    return get_in_scope(Attachment.objects.select_related("activity"), access, action, pk=pk)


def attachment_list(*, activity: Activity) -> QuerySet[Attachment]:
    """Attachments of an activity the caller already obtained through activity_get()."""
    return activity.attachments.select_related("uploaded_by").order_by("kind", "uploaded_at", "pk")


# ---- change history for the detail page ------------------------------------------------------

HISTORY_HIDDEN = {"id", "created_at", "updated_at", "created_by", "import_batch"}


def _display(field_name: str, value, names: dict) -> str:
    if value is None or value == "":
        return ""
    if field_name in ("activity_type", "campaign", "org_unit", "facility"):
        return names.get((field_name, value), f"#{value}")
    if field_name in ("target_groups", "co_organisers"):
        column = "targetgroup" if field_name == "target_groups" else "orgunit"
        key = "target_group" if field_name == "target_groups" else "org_unit"
        return "、".join(names.get((key, row[column]), f"#{row[column]}") for row in value)
    if field_name == "mode":
        return Activity.Mode(value).label if value in Activity.Mode.values else str(value)
    if field_name == "status":
        return Activity.Status(value).label if value in Activity.Status.values else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def activity_history(*, activity_id: int, limit: int = 50) -> list[tuple[object, list[tuple[str, str, str]]]]:
    """History records of one activity (newest first), each with its differences from the one before:
    [(record, [(field label, old, new), …]), …]. Call it only for an activity obtained through
    activity_get() (or a deletion record from deleted_activity_get())."""
    records = list(
        HistoricalActivity.objects.filter(id=activity_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    changes = []
    raw: list[tuple[object, list]] = []
    ids: dict[str, set] = defaultdict(set)
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        diff = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                if change.field in HISTORY_HIDDEN:
                    continue
                diff.append(change)
                if change.field in ("activity_type", "campaign", "org_unit", "facility"):
                    ids[change.field].update(v for v in (change.old, change.new) if v)
                elif change.field == "target_groups":
                    ids["target_group"].update(r["targetgroup"] for r in [*change.old, *change.new])
                elif change.field == "co_organisers":
                    ids["org_unit"].update(r["orgunit"] for r in [*change.old, *change.new])
        raw.append((record, diff))
    names: dict = {}
    for key, model in (
        ("activity_type", ActivityType),
        ("campaign", Campaign),
        ("org_unit", OrgUnit),
        ("target_group", TargetGroup),
        ("facility", Facility),
    ):
        if ids[key]:
            names.update(
                {
                    (key, pk): name
                    for pk, name in model.objects.filter(pk__in=ids[key]).values_list("pk", "name")
                }
            )
    for record, diff in raw:
        rows = [
            (
                str(Activity._meta.get_field(c.field).verbose_name),
                _display(c.field, c.old, names),
                _display(c.field, c.new, names),
            )
            for c in diff
        ]
        changes.append((record, rows))
    return changes

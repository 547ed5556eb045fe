"""Reads of the registries: access-checked lists and gets, all through kexie.orgs.scoping.

`designation_list` and `facility_list` take the same filters as the list pages' query parameters
(the indicator engine's provenance links use them, see `LIST_PARAMS`), so a figure's link lists
exactly the records behind it:

    unit=<OrgUnit id>   that unit and its subtree (own=1: the unit's own records only)
    period=<Period>     granted (认定) within the period — the flow "新认定"  (facilities: opened within)
    at=<YYYY-MM-DD>     in force on that day — the stock "累计/现有"       (facilities: open that day)
    programme=<code>  category=<code>  level=<code>[,<code>…]  state=<code>  grade=<code>  holder_kind=<code>
    kind=<facility kind code>
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope, subtree_q
from kexie.registries.models import (
    Designation,
    Evaluation,
    Expert,
    Facility,
    FacilityTrip,
    HistoricalDesignation,
    Programme,
)
from kexie.registries.services import programmes_usable_by

register_scoped(Designation, via="org_unit")
register_scoped(Evaluation, via="designation__org_unit")
register_scoped(Expert, via="designation__org_unit")
register_scoped(Facility, via="org_unit")
register_scoped(FacilityTrip, via="facility__org_unit")

# query parameter → lookup on Designation (the engine's ListLink params use the same names)
DESIGNATION_PARAMS = {
    "programme": "programme__code",
    "category": "programme__category",
    "level": "level",
    "state": "state",
    "grade": "latest_grade",
    "holder_kind": "holder_kind",
    "national_category": "national_category",
}
FACILITY_PARAMS = {"kind": "kind"}


def in_force_q(day: dt.date) -> Q:
    """Designations in force on `day`: granted on or before it, and its last day (ends_on) not before it.

    The same condition as the indicators' StockAt(valid_from="granted_on", valid_to="ends_on")
    with the record type's base filter (granted_on set)."""
    return Q(granted_on__isnull=False, granted_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def facility_open_q(day: dt.date) -> Q:
    """Facilities open on `day` (停用 on a date: not open from that day)."""
    return (Q(opened_on__isnull=True) | Q(opened_on__lte=day)) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def _unit_q(unit: OrgUnit | None, own: bool, via: str = "org_unit") -> Q:
    if unit is None:
        return Q()
    return Q(**{via: unit}) if own else subtree_q(unit.path, via=via)


def _period(period: Period | str | None) -> Period | None:
    if period in (None, ""):
        return None
    return period if isinstance(period, Period) else Period.from_input(period)


def designation_list(
    *,
    access: Access,
    unit: OrgUnit | None = None,
    own: bool = False,
    period: Period | str | None = None,
    at: dt.date | None = None,
    text: str = "",
    action: Action = Action.VIEW,
    **filters: str,
) -> QuerySet[Designation]:
    """Designations in scope matching the list filters (see the module docstring); unknown filters raise."""
    qs = scope(Designation.objects.select_related("programme", "org_unit", "holder_unit"), access, action)
    qs = qs.filter(_unit_q(unit, own))
    p = _period(period)
    if p is not None:
        qs = qs.filter(granted_on__gte=p.start, granted_on__lte=p.end)
    if at is not None:
        qs = qs.filter(in_force_q(at))
    for name, value in filters.items():
        if name not in DESIGNATION_PARAMS:
            raise TypeError(f"unknown designation filter {name!r}")
        if value in (None, ""):
            continue
        if isinstance(value, str) and "," in value:  # several members: "national,provincial"
            qs = qs.filter(**{f"{DESIGNATION_PARAMS[name]}__in": value.split(",")})
        else:
            qs = qs.filter(**{DESIGNATION_PARAMS[name]: value})
    if text:
        qs = qs.filter(
            Q(holder_name__icontains=text) | Q(document_no__icontains=text) | Q(batch__icontains=text)
        )
    return qs


def designation_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Designation:
    """One designation in scope, or 404 (logged when it exists outside the scope)."""
    return get_in_scope(
        Designation.objects.select_related("programme", "org_unit", "holder_unit", "created_by"),
        access,
        action,
        pk=pk,
    )


def designation_evaluations(*, designation: Designation) -> list[Evaluation]:
    """The yearly grades of a designation the caller already obtained through designation_get()."""
    return list(designation.evaluations.order_by("-year"))


def designation_experts(*, designation: Designation) -> list[Expert]:
    return list(designation.experts.order_by("left_on", "name"))


def designation_history(*, designation: Designation, limit: int = 50) -> list[HistoricalDesignation]:
    return list(
        HistoricalDesignation.objects.filter(id=designation.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def programme_list(*, access: Access, include_inactive: bool = False) -> QuerySet[Programme]:
    """Programmes the active unit may use: built-in ones and local ones of the unit and its ancestors."""
    unit = access.unit
    if unit is None:
        return Programme.objects.none()
    qs = programmes_usable_by(unit)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "code")


def programme_by_code(*, access: Access, code: str) -> Programme | None:
    return programme_list(access=access, include_inactive=True).filter(code=code).first()


def facility_list(
    *,
    access: Access,
    unit: OrgUnit | None = None,
    own: bool = False,
    period: Period | str | None = None,
    at: dt.date | None = None,
    text: str = "",
    action: Action = Action.VIEW,
    **filters: str,
) -> QuerySet[Facility]:
    qs = scope(Facility.objects.select_related("org_unit"), access, action).filter(_unit_q(unit, own))
    p = _period(period)
    if p is not None:
        qs = qs.filter(opened_on__gte=p.start, opened_on__lte=p.end)
    if at is not None:
        qs = qs.filter(facility_open_q(at))
    for name, value in filters.items():
        if name not in FACILITY_PARAMS:
            raise TypeError(f"unknown facility filter {name!r}")
        if value not in (None, ""):
            qs = qs.filter(**{FACILITY_PARAMS[name]: value})
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(address__icontains=text))
    return qs


def facility_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Facility:
    return get_in_scope(Facility.objects.select_related("org_unit", "created_by"), access, action, pk=pk)


def facility_trips(*, facility: Facility) -> list[FacilityTrip]:
    return list(facility.trips.select_related("host_unit").order_by("-start_on"))

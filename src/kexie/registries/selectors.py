"""Reads of the registries: access-checked lists and gets, all through kexie.orgs.scoping.

The list pages' filters (and so the engine's provenance links, `kexie.records.filters.list_link`)
are declared once in `registries/records.py`; `in_force_q` and `facility_open_q` are their date
conditions, the same as the indicators' StockAt.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope
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


def designation_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Designation]:
    """Designations in scope; the list's filters (declared once in registries/records.py) narrow it."""
    return scope(Designation.objects.select_related("programme", "org_unit", "holder_unit"), access, action)


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


def facility_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Facility]:
    """Facilities in scope; the list's filters (registries/records.py) narrow it."""
    return scope(Facility.objects.select_related("org_unit"), access, action)


def facility_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Facility:
    return get_in_scope(Facility.objects.select_related("org_unit", "created_by"), access, action, pk=pk)


def facility_trips(*, facility: Facility) -> list[FacilityTrip]:
    return list(facility.trips.select_related("host_unit").order_by("-start_on"))


def facility_has_trips(facility: Facility) -> bool:
    """Whether 巡展/下乡 records were entered for the facility (it is counted: no 删除)."""
    return facility.trips.exists()

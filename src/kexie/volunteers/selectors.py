"""Reads of volunteering — always through the scoping mechanism (kexie.orgs.scoping).

List pages read the parameters of the engine's provenance links (indicators/catalogue.py): unit,
own, period, at (in force that day: teams, volunteers), kind, star, state, team.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from kexie.activities.models import Activity
from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope
from kexie.volunteers.models import DEFAULT_STARS, ServiceRecord, StarScale, Team, TeamMember, Volunteer
from kexie.volunteers.workflow import CONFIRMED

register_scoped(Team, via="org_unit")
register_scoped(Volunteer, via="org_unit")
register_scoped(TeamMember, via="org_unit")
register_scoped(ServiceRecord, via="org_unit")
register_scoped(StarScale, via="org_unit")


def team_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Team]:
    return scope(Team.objects.select_related("org_unit"), access, action).order_by("org_unit__path", "name")


def team_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Team:
    return get_in_scope(Team.objects.select_related("org_unit"), access, action, pk=pk)


def team_options(access: Access) -> QuerySet[Team]:
    return team_list(access=access).filter(dissolved_on__isnull=True)


def volunteer_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Volunteer]:
    return scope(Volunteer.objects.select_related("org_unit", "person"), access, action).order_by(
        "org_unit__path", "name", "pk"
    )


def volunteer_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Volunteer:
    return get_in_scope(
        Volunteer.objects.select_related("org_unit", "person", "account"), access, action, pk=pk
    )


def member_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[TeamMember]:
    return scope(TeamMember.objects.select_related("team__org_unit", "volunteer"), access, action).order_by(
        "team__org_unit__path", "team__name", "name", "pk"
    )


def member_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> TeamMember:
    return get_in_scope(
        TeamMember.objects.select_related("team__org_unit", "volunteer"), access, action, pk=pk
    )


def member_options(access: Access) -> QuerySet[TeamMember]:
    """Members a service record may be entered for: current members of teams in scope."""
    return member_list(access=access).filter(left_on__isnull=True, team__dissolved_on__isnull=True)


def activity_options(access: Access) -> QuerySet[Activity]:
    """Held activities the caller can see, newest first (the activity a volunteer served at)."""
    return scope(Activity.objects.filter(status=Activity.Status.HELD), access).order_by("-start_date", "-pk")


def service_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[ServiceRecord]:
    return scope(
        ServiceRecord.objects.select_related("org_unit", "member__team", "member__volunteer", "activity"),
        access,
        action,
    ).order_by("-served_on", "-pk")


def service_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> ServiceRecord:
    return get_in_scope(
        ServiceRecord.objects.select_related("org_unit", "member__team", "member__volunteer", "activity"),
        access,
        action,
        pk=pk,
    )


def scale_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[StarScale]:
    return scope(StarScale.objects.select_related("org_unit"), access, action).order_by("org_unit__path")


def scale_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> StarScale:
    return get_in_scope(StarScale.objects.select_related("org_unit"), access, action, pk=pk)


def thresholds_for(unit: OrgUnit) -> tuple[int, ...]:
    """The star scale that applies at `unit`: its own, else the nearest unit above with one, else the
    default 100/300/600/1000/1500 hours."""
    prefixes = [unit.path[:n] for n in range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)]
    scale = StarScale.objects.filter(org_unit__path__in=prefixes).order_by("-org_unit__depth").first()
    return scale.thresholds if scale else DEFAULT_STARS


def star_for(hours: Decimal, thresholds: tuple[int, ...]) -> int:
    return sum(1 for t in thresholds if hours >= t)


def confirmed_hours(volunteer: Volunteer) -> Decimal:
    total = ServiceRecord.objects.filter(member__volunteer=volunteer, state=CONFIRMED).aggregate(
        s=Sum("hours")
    )["s"]
    return total or Decimal(0)


def yearly_hours(volunteer: Volunteer) -> list[tuple[int, Decimal]]:
    """(year, confirmed hours) of a volunteer, newest first."""
    rows = (
        ServiceRecord.objects.filter(member__volunteer=volunteer, state=CONFIRMED)
        .annotate(y=ExtractYear("served_on"))
        .values("y")
        .annotate(h=Sum("hours"))
        .order_by("-y")
    )
    return [(r["y"], r["h"]) for r in rows]


def team_hours(team: Team) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    rows = (
        ServiceRecord.objects.filter(member__team=team, state=CONFIRMED)
        .annotate(y=ExtractYear("served_on"))
        .values("y")
        .annotate(h=Sum("hours"))
    )
    for r in rows:
        out[r["y"]] += r["h"]
    return dict(sorted(out.items(), reverse=True))


def in_force_q(day) -> Q:
    return Q(flagged_on__lte=day) & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))


def registered_q(day) -> Q:
    return Q(registered_on__lte=day) & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day))


def flagged_within(period: Period) -> Q:
    return Q(flagged_on__gte=period.start, flagged_on__lte=period.end)


def registered_within(period: Period) -> Q:
    return Q(registered_on__gte=period.start, registered_on__lte=period.end)


def served_within(period: Period) -> Q:
    return Q(served_on__gte=period.start, served_on__lte=period.end)


def joined_within(period: Period) -> Q:
    return Q(joined_on__gte=period.start, joined_on__lte=period.end)

"""Reads of honours: access-checked lists and gets, all through kexie.orgs.scoping.

The list pages' filters (records.py) read the same parameters as the indicator engine's provenance
links (indicators/catalogue.py, "honours" block), so a figure's link lists exactly its records.
Rounds are scoped by their organising unit; a unit below it sees the rounds it may nominate in
through `rounds_open_to` (the nomination form), never the round's page.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kexie.honours.models import Award, Nomination, Programme, Recipient, Round
from kexie.honours.services import programmes_usable_by, rounds_open_to
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope

register_scoped(Round, via="org_unit")
register_scoped(Nomination, via="org_unit")
register_scoped(Award, via="org_unit")
register_scoped(Recipient, via="award__org_unit")


def programme_list(*, access: Access, include_inactive: bool = False) -> QuerySet[Programme]:
    """Programmes the active unit may use: built-in ones and local ones of the unit and its ancestors."""
    unit = access.unit
    if unit is None:
        return Programme.objects.none()
    qs = programmes_usable_by(unit)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "code")


def round_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Round]:
    return scope(Round.objects.select_related("programme", "org_unit"), access, action).annotate(
        n_nominations=Count("nominations", distinct=True)
    )


def round_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Round:
    return get_in_scope(
        Round.objects.select_related("programme", "org_unit", "created_by"), access, action, pk=pk
    )


def rounds_for(*, access: Access) -> QuerySet[Round]:
    """Rounds the active unit may nominate in (organised by it or a unit above), newest first."""
    unit = access.unit
    if unit is None:
        return Round.objects.none()
    return rounds_open_to(unit).order_by("-year", "-pk")


def round_nominations(*, access: Access, round_: Round) -> QuerySet[Nomination]:
    """The nominations of a round the caller obtained through round_get (scoped again)."""
    return scope(
        Nomination.objects.filter(round=round_).select_related("org_unit", "person"), access, Action.VIEW
    ).order_by("state", "org_unit__path", "pk")


def nomination_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Nomination]:
    return scope(
        Nomination.objects.select_related(
            "round", "round__programme", "round__org_unit", "org_unit", "person"
        ),
        access,
        action,
    )


def nomination_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Nomination:
    return get_in_scope(
        Nomination.objects.select_related(
            "round", "round__programme", "round__org_unit", "org_unit", "person"
        ),
        access,
        action,
        pk=pk,
    )


def award_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Award]:
    return scope(Award.objects.select_related("programme", "org_unit", "person"), access, action)


def award_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Award:
    return get_in_scope(
        Award.objects.select_related("programme", "org_unit", "person", "nomination", "created_by"),
        access,
        action,
        pk=pk,
    )


def award_recipients(*, award: Award) -> list[Recipient]:
    return list(award.recipient_rows.select_related("person").order_by("pk"))


def upward_q() -> Q:
    """Nominations for honours of 省级 and above."""
    return Q(round__level__in=["national", "provincial"])

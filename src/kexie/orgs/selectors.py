"""Reads of the org tree and memberships — always through the scoping mechanism."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from kexie.accounts.models import User
from kexie.core.periods import Period
from kexie.orgs.models import Membership, OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, scope, subtree_q


def orgunit_list(
    *,
    access: Access,
    action: Action = Action.VIEW,
    search: str = "",
    include_closed: bool = True,
    within: OrgUnit | None = None,
    only: OrgUnit | None = None,
    founded: Period | None = None,
    at: dt.date | None = None,
    org_type: str = "",
) -> QuerySet[OrgUnit]:
    """Units in scope, by name/code text; `within` a subtree (the unit included), `only` one unit (本级), `founded` within a
    period (成立日期), in force `at` a day (founded by then and not closed before: the indicator engine's
    组织机构数 counts exactly these), of one `org_type`. The engine's provenance links read this list."""
    qs = scope(OrgUnit.objects.all(), access, action)
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(short_name__icontains=search)
        )
    if not include_closed:
        qs = qs.filter(active_to__isnull=True)
    if within is not None:
        qs = qs.filter(subtree_q(within.path))
    if only is not None:
        qs = qs.filter(pk=only.pk)
    if founded is not None:
        qs = qs.filter(active_from__gte=founded.start, active_from__lte=founded.end)
    if at is not None:
        qs = qs.filter(Q(active_from__isnull=True) | Q(active_from__lte=at)).filter(
            Q(active_to__isnull=True) | Q(active_to__gt=at)
        )
    if org_type:
        qs = qs.filter(org_type=org_type)
    return qs.order_by("path")


def orgunit_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> OrgUnit:
    return get_in_scope(OrgUnit.objects.all(), access, action, pk=pk)


def orgunit_children(*, access: Access, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Direct children of a unit that the user may see; closed units last."""
    return (
        scope(OrgUnit.objects.filter(depth=unit.depth + 1), access)
        .filter(subtree_q(unit.path))
        .order_by(F("active_to").asc(nulls_first=True), "org_type", "code")
    )


def orgunit_ancestors(*, access: Access, unit: OrgUnit) -> list[OrgUnit]:
    """Ancestors of `unit` that the user may see (for breadcrumbs), root first."""
    paths = [unit.path[:i] for i in range(OrgUnit.steplen, len(unit.path), OrgUnit.steplen)]
    return list(scope(OrgUnit.objects.filter(path__in=paths), access).order_by("depth"))


def membership_list(*, access: Access, unit: OrgUnit | None = None, action: Action = Action.VIEW):
    qs = scope(Membership.objects.select_related("user", "org_unit"), access, action)
    if unit is not None:
        qs = qs.filter(org_unit=unit)
    return qs.order_by("org_unit__path", "user__username")


def membership_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Membership:
    return get_in_scope(Membership.objects.select_related("user", "org_unit"), access, action, pk=pk)


def user_list(*, access: Access, search: str = "", action: Action = Action.MANAGE) -> QuerySet[User]:
    """Users holding at least one membership inside the scope."""
    qs = scope(User.objects.all(), access, action).distinct()
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return qs.order_by("username")


def user_get(*, access: Access, pk: int, action: Action = Action.MANAGE) -> User:
    return get_in_scope(User.objects.all(), access, action, pk=pk)

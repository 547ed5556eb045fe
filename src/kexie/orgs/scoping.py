"""The one scoping mechanism: (user, active membership, action) → the org subtree a query may touch.

Every queryset of scoped data — pages, API, exports, imports, reports — goes through `scope()` or
`get_in_scope()`. A model becomes scoped by `register_scoped(Model, via="org_unit")`, naming the
lookup from the model to its OrgUnit. The subtree is a *range* on the materialized path
(path >= P and path < successor(P)), which both SQLite and PostgreSQL answer from the path index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404

from kexie.orgs.models import Membership, OrgUnit, Role

security_log = logging.getLogger("kexie.security")


class Action(StrEnum):
    VIEW = "view"  # read pages, figures
    EXPORT = "export"  # download lists and reports
    ENTER = "enter"  # create/edit/import records (填报)
    REVIEW = "review"  # approve/return submissions (审核)
    MANAGE = "manage"  # org metadata and users of the subtree (管理)
    SYSTEM = "system"  # system-wide settings (系统管理)


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.SYSADMIN: frozenset(Action),
    Role.ADMIN: frozenset({Action.VIEW, Action.EXPORT, Action.MANAGE}),
    Role.FILLER: frozenset({Action.VIEW, Action.EXPORT, Action.ENTER}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.EXPORT, Action.REVIEW}),
    Role.VIEWER: frozenset({Action.VIEW, Action.EXPORT}),
}

# Roles a member of each role may grant to others (never more than it holds).
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.SYSADMIN: tuple(Role.values),
    Role.ADMIN: (Role.ADMIN, Role.FILLER, Role.REVIEWER, Role.VIEWER),
}


def path_upper_bound(path: str) -> str:
    """The smallest path greater than every path that starts with `path` (treebeard's alphabet)."""
    alphabet = OrgUnit.alphabet
    chars = list(path)
    while chars:
        pos = alphabet.index(chars[-1])
        if pos + 1 < len(alphabet):
            chars[-1] = alphabet[pos + 1]
            return "".join(chars)
        chars.pop()  # carry: "…Z" has no successor within its position
    return "~"  # above every path of the tree


@dataclass(frozen=True)
class Grant:
    membership_id: int
    unit_id: int
    unit_path: str
    unit_name: str
    role: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label


@dataclass
class Access:
    """What one request's user may do, computed once per request."""

    user_id: int | None
    grants: tuple[Grant, ...] = ()
    active: Grant | None = None
    _unit_cache: dict[int, OrgUnit] = field(default_factory=dict, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None and self.active is not None

    def can(self, action: Action | str) -> bool:
        return self.active is not None and Action(action) in ROLE_ACTIONS[self.active.role]

    @property
    def root_path(self) -> str | None:
        return self.active.unit_path if self.active else None

    @property
    def unit(self) -> OrgUnit | None:
        """The active org unit (the root of everything this request sees)."""
        if self.active is None:
            return None
        if self.active.unit_id not in self._unit_cache:
            self._unit_cache[self.active.unit_id] = OrgUnit.objects.get(pk=self.active.unit_id)
        return self._unit_cache[self.active.unit_id]

    def covers(self, unit: OrgUnit, action: Action | str = Action.VIEW) -> bool:
        """Is `unit` inside the active subtree and does the active role allow `action`?"""
        root = self.root_path
        return root is not None and self.can(action) and unit.path.startswith(root)

    def grantable_roles(self) -> tuple[str, ...]:
        return GRANTABLE_ROLES.get(self.active.role, ()) if self.active else ()


ANONYMOUS = Access(user_id=None)


def access_for(user, membership_id: int | None = None) -> Access:
    """Build the Access of `user`; `membership_id` (from the session) selects the active membership."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    rows = (
        Membership.objects.filter(user=user)
        .select_related("org_unit")
        .order_by("org_unit__depth", "org_unit__path", "role")
    )
    grants = tuple(
        Grant(
            membership_id=m.pk,
            unit_id=m.org_unit_id,
            unit_path=m.org_unit.path,
            unit_name=m.org_unit.name,
            role=m.role,
        )
        for m in rows
    )
    active = next((g for g in grants if g.membership_id == membership_id), grants[0] if grants else None)
    return Access(user_id=user.pk, grants=grants, active=active)


# model → lookup from the model to its OrgUnit ("" when the model is OrgUnit itself)
_SCOPED: dict[type[models.Model], str] = {}


def register_scoped(model: type[models.Model], *, via: str) -> None:
    _SCOPED[model] = via


def scoped_models() -> dict[type[models.Model], str]:
    return dict(_SCOPED)


def subtree_q(path: str, *, via: str = "") -> models.Q:
    """Q object for "the unit at `path` and everything under it", seen from a model through `via`."""
    prefix = f"{via}__" if via else ""
    return models.Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path_upper_bound(path)})


def scope(queryset: models.QuerySet, access: Access, action: Action | str = Action.VIEW) -> models.QuerySet:
    """Restrict `queryset` to the active subtree of `access`; empty when the role lacks `action`."""
    try:
        via = _SCOPED[queryset.model]
    except KeyError:
        raise LookupError(f"{queryset.model.__name__} is not registered with register_scoped()") from None
    if not access.can(action) or access.root_path is None:
        return queryset.none()
    return queryset.filter(subtree_q(access.root_path, via=via))


def require_covers(
    access: Access, unit: OrgUnit, *actions: Action, what: str = "填报", records: str = "记录"
) -> None:
    """Raise PermissionDeniedError unless `unit` lies in the caller's subtree and the role allows one of
    `actions`; the message says which of the two is missing ("您当前的角色不能审核“X”的称号与平台记录。")."""
    from kexie.core.errors import PermissionDeniedError

    if any(access.covers(unit, action) for action in actions):
        return
    if access.root_path is not None and unit.path.startswith(access.root_path):
        raise PermissionDeniedError(f"您当前的角色不能{what}“{unit.name}”的{records}。")
    raise PermissionDeniedError(f"“{unit.name}”不在您的{what}范围内。")


def get_in_scope(
    queryset: models.QuerySet, access: Access, action: Action | str = Action.VIEW, **lookup
) -> models.Model:
    """One object inside the scope, or 404 — never revealing whether it exists elsewhere."""
    try:
        # distinct(): models scoped through a to-many relation (users via memberships) repeat rows
        return scope(queryset, access, action).distinct().get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.filter(**lookup).exists():
            security_log.warning(
                "scope denial: user=%s active=%s action=%s model=%s lookup=%r",
                access.user_id,
                access.active.membership_id if access.active else None,
                action,
                queryset.model.__name__,
                lookup,
            )
        raise Http404("不存在或无权访问") from None


register_scoped(OrgUnit, via="")
register_scoped(Membership, via="org_unit")
register_scoped(get_user_model(), via="memberships__org_unit")

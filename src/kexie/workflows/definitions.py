"""Workflow declarations: states, transitions, who may take each and where; the registry of workflows.

A `Workflow` is plain data declared in code by the record app and registered, with its model, in the
app's `AppConfig.ready()`. Nothing here touches the database; `services.transition()` enforces it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from kexie.orgs.models import TERRITORIAL_LEVEL, Role

if TYPE_CHECKING:
    from django import forms

    from kexie.orgs.models import OrgUnit

# A transition labelled with one of these words must ask for a reason (issue #10: 退回/驳回/撤销).
REASON_WORDS = ("退回", "驳回", "撤销", "不通过", "不予")

_NEVER = models.Q(pk__in=[])

LEVEL_BODY = {
    0: "全国科协",
    1: "省级科协",
    2: "市级科协",
    3: "县级科协",
    4: "乡镇（街道）科协",
    5: "村（社区）科协",
}


@dataclass(frozen=True)
class Place:
    """Where the actor's active unit must sit relative to the record's unit. Build with `At.*`."""

    kind: str  # "unit" | "parent" | "level" | "above" | "field"
    level: int | None = None
    lookup: str = ""
    name: str = ""  # how messages name the place; a default per kind

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.kind == "level":
            return LEVEL_BODY.get(self.level, "上级科协")
        return {"unit": "本单位", "parent": "直接上级单位", "above": "上级单位", "field": "指定单位"}[
            self.kind
        ]

    def matches(self, *, actor: OrgUnit, unit: OrgUnit, obj: models.Model) -> bool:
        """Does the actor's unit `actor` sit at this place for a record kept by `unit`?"""
        inside = unit.path.startswith(actor.path)
        if self.kind == "unit":
            return actor.pk == unit.pk
        if self.kind == "parent":
            return inside and unit.depth == actor.depth + 1
        if self.kind == "level":
            return inside and _is_territorial_at(actor, self.level)
        if self.kind == "above":
            return inside
        if self.kind == "field":
            return _resolve(obj, self.lookup) == actor.pk
        raise ImproperlyConfigured(f"unknown place {self.kind!r}")

    def q(self, *, actor: OrgUnit, via: str) -> models.Q | None:
        """The same test as a filter on the record model (the inbox), within the actor's subtree;
        None when the subtree itself is the answer (an empty Q would vanish inside an OR)."""
        if self.kind == "unit":
            return models.Q(**{via: actor.pk})
        if self.kind == "parent":
            return models.Q(**{f"{via}__depth": actor.depth + 1})
        if self.kind == "level":
            return None if _is_territorial_at(actor, self.level) else _NEVER
        if self.kind == "above":
            return None
        if self.kind == "field":
            return models.Q(**{self.lookup: actor.pk})
        raise ImproperlyConfigured(f"unknown place {self.kind!r}")


def _is_territorial_at(unit: OrgUnit, level: int | None) -> bool:
    return unit.level == level and unit.org_type in TERRITORIAL_LEVEL


def _resolve(obj: models.Model, lookup: str) -> int | None:
    """The pk at the end of a `a__b` lookup from `obj` (an FK to OrgUnit), or None."""
    *path, last = lookup.split("__")
    target: Any = obj
    for part in path:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


class At:
    """Places, relative to the record's unit (the unit the model is scoped by):

    - `At.unit()`: the record's own unit (a township 填报员 submits its own application);
    - `At.parent()`: the unit directly above it (a county reviews its townships' returns);
    - `At.level(Level.COUNTY)`: the territorial 科协 of that level at or above it (the county recommends
      both its townships' and its own applications; `Level.PREFECTURE` → the city);
    - `At.above()`: any unit at or above it;
    - `At.field("issuer_unit", "认定单位")`: exactly the unit an FK of the record names (the issuing level). That unit
      must be at or above the record's unit, since the actor must see the record in scope.
    A transition may accept several places: `at=(At.level(Level.COUNTY), At.level(Level.PREFECTURE))`.
    """

    @staticmethod
    def unit() -> Place:
        return Place("unit")

    @staticmethod
    def parent() -> Place:
        return Place("parent")

    @staticmethod
    def level(level: int) -> Place:
        return Place("level", level=int(level))

    @staticmethod
    def above() -> Place:
        return Place("above")

    @staticmethod
    def field(lookup: str, name: str = "") -> Place:
        return Place("field", lookup=lookup, name=name)


@dataclass(frozen=True)
class State:
    code: str
    label: str
    terminal: bool = False
    tone: str = "secondary"  # Tabler colour of the badge: "green", "red", "yellow", "blue", …


@dataclass(frozen=True, eq=False)
class Transition:
    """One allowed move. `roles=()` with `system=True`: taken by the system (`access=None`), e.g. 到期.
    `inbox=False`: offered on the record's panel but never puts the record in anyone's 待办."""

    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...] = ()
    at: Place | tuple[Place, ...] = Place("unit")
    reason_required: bool = False
    reason_label: str = "意见"
    fields: Mapping[str, forms.Field] = field(default_factory=dict)
    help: str = ""  # one sentence shown with the button: what taking it means
    tone: str = "primary"  # button colour: "primary", "danger", "warning", "secondary"
    system: bool = False
    # Does a record in a source state wait for this transition (the inbox)? False for moves that are
    # possible but nobody's task: 撤回申请, 撤销 or 责令整改 of a valid designation …
    inbox: bool = True

    @property
    def places(self) -> tuple[Place, ...]:
        return self.at if isinstance(self.at, tuple) else (self.at,)

    def allows_role(self, role: str | None) -> bool:
        return role is not None and role in self.roles


@dataclass(eq=False)
class Workflow:
    """A lifecycle: states, the initial state, transitions, and an optional hook.

    `on_transition(*, obj, transition, data, access, log)` runs inside the transition's transaction after
    the state changed (obj.state is already the new state); it may write the record's own fields (e.g.
    文号 and granted_on on 认定) and may raise `DomainError` to refuse the whole transition.
    """

    name: str
    label: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    on_transition: Callable[..., None] | None = None

    def __post_init__(self) -> None:
        self._states = {s.code: s for s in self.states}
        self._transitions = {t.code: t for t in self.transitions}
        problems = []
        if len(self._states) != len(self.states):
            problems.append("duplicate state codes")
        if len(self._transitions) != len(self.transitions):
            problems.append("duplicate transition codes")
        if self.initial not in self._states:
            problems.append(f"initial state {self.initial!r} is not declared")
        for t in self.transitions:
            for code in (*t.sources, t.target):
                if code not in self._states:
                    problems.append(f"transition {t.code!r} names undeclared state {code!r}")
            for code in t.sources:
                if code in self._states and self._states[code].terminal:
                    problems.append(f"transition {t.code!r} leaves terminal state {code!r}")
            if any(w in t.label for w in REASON_WORDS) and not t.reason_required:
                problems.append(f"transition {t.code!r} ({t.label}) must require a reason")
            if not t.roles and not t.system:
                problems.append(f"transition {t.code!r} names no role")
            if unknown := set(t.roles) - set(Role.values):
                problems.append(f"transition {t.code!r} names unknown roles {sorted(unknown)}")
            if "reason" in t.fields:
                problems.append(f"transition {t.code!r}: 'reason' is reserved")
        if problems:
            raise ImproperlyConfigured(f"workflow {self.name!r}: " + "; ".join(problems))

    def state(self, code: str) -> State:
        return self._states[code]

    def state_label(self, code: str) -> str:
        state = self._states.get(code)
        return state.label if state else code

    def get_transition(self, code: str) -> Transition | None:
        return self._transitions.get(code)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """For the model field: `state = models.CharField(..., choices=WORKFLOW.choices)`."""
        return [(s.code, s.label) for s in self.states]


@dataclass(frozen=True)
class Registration:
    workflow: Workflow
    model: type[models.Model]
    via: str  # lookup from the model to its OrgUnit (from kexie.orgs.scoping)
    related: tuple[str, ...] = ()  # what the record's name shows (a designation's programme)


_REGISTRY: dict[type[models.Model], Registration] = {}


def register(workflow: Workflow, model: type[models.Model], *, related: tuple[str, ...] = ()) -> None:
    """Attach `workflow` to `model` (call in AppConfig.ready(), after `register_scoped(model, via=…)`).
    `related`: the relations the record's name (`str()`) reads, loaded with it in the inbox (default:
    its required foreign keys)."""
    from kexie.orgs.scoping import scoped_models
    from kexie.workflows.models import StatefulModel

    if not issubclass(model, StatefulModel):
        raise ImproperlyConfigured(f"{model.__name__} must inherit kexie.workflows.models.StatefulModel")
    via = scoped_models().get(model)
    if via is None:
        raise ImproperlyConfigured(f"register_scoped({model.__name__}, via=…) must come first")
    if not via or "memberships" in via:
        raise ImproperlyConfigured(f"{model.__name__} must be scoped through a single FK to OrgUnit")
    if not related:  # the record's required foreign keys (what its name usually reads)
        related = tuple(
            f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null and f.name != via
        )
    _REGISTRY[model] = Registration(workflow=workflow, model=model, via=via, related=tuple(related))


def unregister(model: type[models.Model]) -> None:
    """For tests that declare throw-away models."""
    _REGISTRY.pop(model, None)


def registration_for(model: type[models.Model]) -> Registration:
    try:
        return _REGISTRY[model._meta.concrete_model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no registered workflow") from None


def registrations() -> list[Registration]:
    return list(_REGISTRY.values())


def registration_by_content_type(ct_id: int) -> Registration:
    """The registration whose model has this ContentType id (LookupError if none)."""
    from django.contrib.contenttypes.models import ContentType

    for reg in _REGISTRY.values():
        if ContentType.objects.get_for_model(reg.model).pk == ct_id:
            return reg
    raise LookupError(f"no workflow registered for content type {ct_id}")

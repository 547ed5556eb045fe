"""Reads of the lifecycle: the transitions an actor may take on a record, a record's log, and the inbox
(every record in scope waiting for a transition the active membership may take, across workflows)."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, IntegerField, Value

from kexie.orgs.scoping import Access, Action, scope
from kexie.workflows.definitions import (
    Registration,
    Transition,
    registration_by_content_type,
    registration_for,
    registrations,
)
from kexie.workflows.models import TransitionLog
from kexie.workflows.services import place_ok, record_unit


def available_transitions(*, access: Access, obj: models.Model) -> list[Transition]:
    """The transitions the active membership of `access` may take on `obj` now, in declaration order."""
    reg = registration_for(type(obj))
    return [
        t
        for t in reg.workflow.transitions_from(obj.state)
        if not t.system and place_ok(access=access, obj=obj, t=t, reg=reg)
    ]


def object_log(*, obj: models.Model) -> models.QuerySet[TransitionLog]:
    """Every transition taken on `obj`, oldest first, with who and for which unit."""
    ct = ContentType.objects.get_for_model(type(obj)._meta.concrete_model)
    return TransitionLog.objects.filter(content_type=ct, object_id=obj.pk).select_related("user", "unit")


def _waiting_q(access: Access, reg: Registration) -> models.Q | None:
    """Records of `reg` waiting for a transition the active membership may take (state, role, place),
    counting only transitions declared `inbox=True` (the default)."""
    if access.active is None:
        return None
    mine = [
        t for t in reg.workflow.transitions if t.inbox and not t.system and t.allows_role(access.active.role)
    ]
    actor = access.unit if mine else None
    if actor is None:
        return None
    q = None
    for t in mine:
        tq = models.Q(state__in=t.sources)
        place_qs = [p.q(actor=actor, via=reg.via) for p in t.places]
        if None not in place_qs:  # else: anywhere in the subtree
            tq &= functools.reduce(operator.or_, place_qs)
        q = tq if q is None else q | tq
    return q


def waiting(*, access: Access, reg: Registration) -> models.QuerySet:
    """The records of one registered workflow waiting for this actor (scoped)."""
    q = _waiting_q(access, reg)
    qs = scope(reg.model._default_manager.all(), access, Action.VIEW)
    return qs.none() if q is None else qs.filter(q)


def _inbox_rows(access: Access) -> models.QuerySet | None:
    """(content type id, object id, waiting since) of every waiting record, oldest first, as one query."""
    parts = []
    for reg in registrations():
        if _waiting_q(access, reg) is None:
            continue
        ct = ContentType.objects.get_for_model(reg.model)
        parts.append(
            waiting(access=access, reg=reg)
            .order_by()
            .annotate(wf_ct=Value(ct.pk, output_field=IntegerField()), wf_oid=F("pk"))
            .values_list("wf_ct", "wf_oid", "state_changed_at")
        )
    if not parts:
        return None
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("state_changed_at", "wf_ct", "wf_oid")


def inbox_count(*, access: Access) -> int:
    """How many records wait for the active membership (the header badge): one query."""
    rows = _inbox_rows(access)
    return 0 if rows is None else rows.count()


@dataclass
class InboxItem:
    obj: models.Model
    unit: models.Model
    workflow_label: str
    state_label: str
    state_tone: str
    transitions: list[Transition]
    waiting_since: datetime
    url: str


def inbox_rows(*, access: Access) -> models.QuerySet | list:
    """The ordered rows for a Paginator; turn a page into items with `inbox_items()`."""
    rows = _inbox_rows(access)
    return [] if rows is None else rows


def inbox_items(*, access: Access, rows) -> list[InboxItem]:
    """The records of one page of `inbox_rows()`, each with what this actor may do to it."""
    wanted: dict[int, list[int]] = {}
    for ct_id, oid, _ in rows:
        wanted.setdefault(ct_id, []).append(oid)
    loaded: dict[tuple[int, int], models.Model] = {}
    for ct_id, ids in wanted.items():
        reg = registration_by_content_type(ct_id)
        # the unit, and whatever the record's name shows (a designation's programme)
        for obj in reg.model._default_manager.select_related(reg.via, *reg.related).filter(pk__in=ids):
            loaded[(ct_id, obj.pk)] = obj
    items = []
    for ct_id, oid, since in rows:
        obj = loaded.get((ct_id, oid))
        if obj is None:  # deleted between the two queries
            continue
        wf = registration_for(type(obj)).workflow
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        items.append(
            InboxItem(
                obj=obj,
                unit=record_unit(obj),
                workflow_label=wf.label,
                state_label=wf.state_label(obj.state),
                state_tone=obj.state_tone,
                transitions=available_transitions(access=access, obj=obj),
                waiting_since=since,
                url=url,
            )
        )
    return items

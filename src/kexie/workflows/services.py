"""The one way a lifecycle moves: `transition()` (checked, compare-and-set, logged, hooked), and
`record_start()` for the log's first line when a record is created."""

from __future__ import annotations

import copy
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action
from kexie.workflows.definitions import Registration, Transition, registration_for
from kexie.workflows.forms import transition_form_class
from kexie.workflows.models import TransitionLog


class TransitionNotAllowed(DomainError):
    def __init__(self, message: str):
        super().__init__(message, code="transition_not_allowed")


class StaleState(DomainError):
    """The record left the state the actor saw: someone else acted first (compare-and-set lost)."""

    def __init__(self, message: str):
        super().__init__(message, code="conflict")


def record_unit(obj: models.Model, reg: Registration | None = None) -> OrgUnit:
    """The OrgUnit that keeps `obj` (the unit it is scoped by)."""
    reg = reg or registration_for(type(obj))
    target: Any = obj
    for part in reg.via.split("__"):
        target = getattr(target, part)
    return target


def place_ok(
    *, access: Access | None, obj: models.Model, t: Transition, reg: Registration | None = None
) -> bool:
    """May the active membership of `access` take `t` on `obj` (role, scope and place), state aside?"""
    if access is None:
        return t.system
    if access.active is None or not t.allows_role(access.active.role):
        return False
    unit = record_unit(obj, reg)
    actor = access.unit
    if actor is None or not access.covers(unit, Action.VIEW):
        return False
    return any(p.matches(actor=actor, unit=unit, obj=obj) for p in t.places)


def _clean(t: Transition, *, reason: str, data: dict | None) -> tuple[str, dict]:
    form = transition_form_class(t)(data={"reason": reason, **(data or {})}, prefix=None)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else name
        if name == "reason" and not (reason or "").strip():
            raise DomainError(f"“{t.label}”必须填写理由。", field="reason")
        raise DomainError(f"“{t.label}”的{label}：{errors[0]}", field=name)
    cleaned = dict(form.cleaned_data)
    return cleaned.pop("reason").strip(), cleaned


def transition(
    *, access: Access | None, obj: models.Model, code: str, reason: str = "", data: dict | None = None
) -> TransitionLog:
    """Take transition `code` on `obj` as the active membership of `access` (`None`: the system).

    Checks that `code` leaves obj's current state (the state the caller saw: `obj.state`), that the
    actor's role and unit may take it, the reason and extra fields; then moves the state with
    ``UPDATE … WHERE pk = … AND state = <seen>`` — 0 rows means someone else acted first (StaleState,
    nothing written). The log row and the workflow's hook run in the same transaction. Returns the log
    row; `obj.state` is the new state. Raises DomainError (Chinese message) on every refusal.
    """
    reg = registration_for(type(obj))
    wf = reg.workflow
    t = wf.get_transition(code)
    if t is None:
        raise TransitionNotAllowed(f"“{wf.label}”流程没有“{code}”这一操作。")
    seen = obj.state
    if seen not in t.sources:
        raise TransitionNotAllowed(f"当前状态为“{wf.state_label(seen)}”，不能“{t.label}”。")
    if not place_ok(access=access, obj=obj, t=t, reg=reg):
        if access is None:
            raise PermissionDeniedError(f"“{t.label}”须由用户办理。")
        raise PermissionDeniedError(f"您当前的单位和角色不能“{t.label}”：{who_may(t)}。")
    reason, cleaned = _clean(t, reason=reason, data=data)
    now = timezone.now()
    model = type(obj)._meta.concrete_model
    before = _snapshot(obj)
    try:
        log = _move(
            obj, t=t, wf=wf, model=model, seen=seen, now=now, access=access, reason=reason, cleaned=cleaned
        )
    except BaseException:
        _restore(obj, before)  # the database rolled back: so does the object the caller holds
        raise
    return log


def _move(obj, *, t, wf, model, seen, now, access, reason, cleaned) -> TransitionLog:
    """The state moved, the log row written and the hook run, in one transaction."""
    # looked up (and cached) outside it: a content type created in a rolled-back transaction would
    # stay in ContentType's cache with the id of a row that no longer exists
    content_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        moved = model._default_manager.filter(pk=obj.pk, state=seen).update(
            state=t.target, state_changed_at=now
        )
        if moved == 0:
            current = model._default_manager.filter(pk=obj.pk).values_list("state", flat=True).first()
            now_label = wf.state_label(current) if current is not None else "已删除"
            raise StaleState(f"该记录已被他人处理（当前状态：{now_label}），请刷新页面后再操作。")
        obj.state, obj.state_changed_at = t.target, now
        log = TransitionLog.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            workflow=wf.name,
            transition=t.code,
            label=t.label,
            from_state=seen,
            to_state=t.target,
            user_id=access.user_id if access else None,
            unit_id=access.active.unit_id if access and access.active else None,
            role=access.active.role if access and access.active else "",
            reason=reason,
            data=_jsonable(cleaned),
            at=now,
        )
        if wf.on_transition is not None:
            wf.on_transition(obj=obj, transition=t, data=cleaned, access=access, log=log)
    return log


def _snapshot(obj: models.Model) -> tuple[dict[str, Any], dict[str, Any]]:
    """The loaded field values (mutable ones copied) and cached relations of `obj`."""
    values = {
        f.attname: copy.deepcopy(obj.__dict__[f.attname])
        if isinstance(obj.__dict__[f.attname], (dict, list))
        else obj.__dict__[f.attname]
        for f in obj._meta.concrete_fields
        if f.attname in obj.__dict__
    }
    return values, dict(obj._state.fields_cache)


def _restore(obj: models.Model, snapshot: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Put `obj` back as `_snapshot` saw it: its state and every field a refused hook had set (a field
    not loaded then is unloaded again, so it is read from the database on next access)."""
    values, cache = snapshot
    for f in obj._meta.concrete_fields:
        if f.attname in values:
            obj.__dict__[f.attname] = values[f.attname]
        else:
            obj.__dict__.pop(f.attname, None)
    obj._state.fields_cache = cache


def record_start(
    *,
    access: Access | None,
    obj: models.Model,
    label: str = "创建",
    reason: str = "",
    data: dict | None = None,
) -> TransitionLog:
    """The log's first line for a record just created in its initial (or, for records entered after the
    fact such as upward designations, a later) state. Call inside the creating service's transaction."""
    reg = registration_for(type(obj))
    model = type(obj)._meta.concrete_model
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=obj.pk,
        workflow=reg.workflow.name,
        transition="",
        label=label,
        from_state="",
        to_state=obj.state,
        user_id=access.user_id if access else None,
        unit_id=access.active.unit_id if access and access.active else None,
        role=access.active.role if access and access.active else "",
        reason=reason,
        data=_jsonable(data or {}),
        at=timezone.now(),
    )


def who_may(t: Transition) -> str:
    """ "须由县级科协的审核员办理" — who may take `t`, in words."""
    from kexie.orgs.models import Role

    if t.system:
        return "由系统自动办理"
    roles = "、".join(Role(r).label for r in t.roles)
    places = "或".join(p.label for p in t.places)
    return f"须由{places}的{roles}办理"


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, models.Model):  # a choice of record (ModelChoiceField): kept as its name
            return str(o)
        return super().default(o)


def _jsonable(data: dict) -> dict:
    """The extra fields as the log keeps them: dates as ISO strings, records by name."""
    return json.loads(json.dumps(data, cls=_Encoder))

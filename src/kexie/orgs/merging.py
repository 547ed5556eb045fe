"""Unit merges (合并单位): how the records of a merged unit reach the unit it is merged into.

`kexie.orgs.services.orgunit_merge` moves the tree (children), the memberships and closes the source;
every *record app* owns how its own rows move, through a handler registered here. orgs never names
the record apps: a kexie app's `merge.py` module is imported when the apps are ready (`autodiscover()`,
called from OrgsConfig.ready(), as Django's admin finds `admin.py`), and registers its handler:

    # src/kexie/<app>/merge.py
    from kexie.orgs.merging import move_rows, register_merge_handler

    def merge_things(source, target, on) -> int:
        clash = Thing.objects.filter(org_unit=source, code__in=Thing.objects.filter(org_unit=target).values("code"))
        if (a := clash.first()) is not None:
            raise DomainError(f"无法合并：“{source.name}”的……“{a}”与“{target.name}”的……“…”重复。……")
        return move_rows(Thing.objects.filter(org_unit=source), target)

    register_merge_handler("科普阵地", merge_things, count=lambda source: Thing.objects.filter(org_unit=source).count())

The contract of a handler `fn(source, target, on) -> int | None`:

- It runs inside the merge's transaction (after the source's children moved under the target, before
  the memberships move and the source is closed), in registration order. Return the number of rows
  moved (shown to the user: "科普活动 12 条"), or None.
- It moves the app's rows with one UPDATE per model (`move_rows` does this and writes one "~"
  history record per row when the model has django-simple-history), refreshes whatever it derives
  from them (e.g. the activity fact table) in the same transaction, and decides what stays with the
  source as history (a document the source issued, say) — then it moves nothing for that model.
- A clash (two rows that would share a natural key at the target) raises `DomainError` with a
  Chinese message naming both records *before* writing, e.g. “怀宁县科协”的活动“科普讲座”（2024年5月3日）
  与“桐城市科协”的同名活动冲突…. Any exception undoes the whole merge (records, tree, memberships);
  an IntegrityError the checks missed should be turned into a DomainError too (a savepoint around the
  UPDATE), so that no caller — page, command, task — ever sees a 500.
- The actor (for history) is `merge_actor()`, the wording of history records `merge_reason()`.
- No scope checks: the merge service checked that the actor may manage both units.
- `count(source)` (optional) says how many rows would move; the merge page shows it beforehand.

What the apps of today do: activities move (natural key 主办单位+活动名称+开始日期 checked; fact cells
refreshed; co-organiser links and the campaigns the source set up follow), 荣誉与排名 move, import
batches move (refused while one of the source's batches is running), 工作报告 stay with the source as
its documents (the units above it still see them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from kexie.orgs.models import OrgUnit

MergeFn = Callable[[OrgUnit, OrgUnit, dt.date], int | None]
CountFn = Callable[[OrgUnit], int]


@dataclass(frozen=True)
class MergeHandler:
    label: str  # what moves, in Chinese: "科普活动"
    move: MergeFn
    count: CountFn | None = None


_HANDLERS: dict[str, MergeHandler] = {}


def register_merge_handler(label: str, fn: MergeFn, *, count: CountFn | None = None) -> MergeHandler:
    """Register how one record app's rows move on a merge (see the module docstring). Registering a
    label again replaces its handler (an app's ready() may run twice in tests)."""
    handler = MergeHandler(label=label, move=fn, count=count)
    _HANDLERS[label] = handler
    return handler


def merge_handlers() -> list[MergeHandler]:
    return list(_HANDLERS.values())


def autodiscover() -> None:
    """Import the `merge` module of every kexie app that has one (each registers its handler), in
    INSTALLED_APPS order — the order the handlers run in."""
    from importlib import import_module

    for config in apps.get_app_configs():
        if config.name.startswith("kexie.") and module_has_submodule(config.module, "merge"):
            import_module(f"{config.name}.merge")


# ---- for handlers --------------------------------------------------------------------------------

_ACTOR: ContextVar = ContextVar("kexie_merge_actor", default=None)


@contextmanager
def acting(actor) -> Iterator[None]:
    """Make `actor` the merge's actor for the handlers run inside (set by the merge service)."""
    token = _ACTOR.set(actor)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def merge_actor():
    """The user performing the merge running now (None outside a merge or when unknown)."""
    return _ACTOR.get()


def merge_reason(source: OrgUnit, target: OrgUnit) -> str:
    """The change reason history records of a merge carry."""
    return f"“{source.name}”并入“{target.name}”"


CHUNK = 2000


def move_rows(
    queryset: models.QuerySet,
    target: OrgUnit,
    *,
    field: str = "org_unit",
    reason: str = "",
    stamp: str | None = "updated_at",
) -> int:
    """Point the rows of `queryset` at `target` (one UPDATE) and write one "~" history record per row
    when the model keeps django-simple-history; `stamp` (a field name, if the model has it) is set
    to now, so that whatever compares change stamps (rollback of an import, a form opened before)
    sees the change. Returns the number of rows moved."""
    model = queryset.model
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    values: dict = {field: target}
    names = {f.name for f in model._meta.concrete_fields}
    if stamp and stamp in names:
        values[stamp] = timezone.now()
    moved = queryset.update(**values)
    history = getattr(model, "history", None)
    if history is not None:
        actor = merge_actor()
        for start in range(0, len(ids), CHUNK):
            history.bulk_history_create(
                model.objects.filter(pk__in=ids[start : start + CHUNK]),
                update=True,
                default_user=actor,
                default_change_reason=reason or "单位合并",
            )
    return moved

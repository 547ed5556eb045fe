"""Reads the record layer derives from a declaration: a record's history with its diffs, and what
changed since a version (for the lost-update refusal). Scoped reads stay the record app's own
selectors (named by the declaration); these take a record the caller already obtained through them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kexie.records.declarations import Declaration


@dataclass(frozen=True)
class Change:
    """One save by someone: who, when, how (新建/修改/删除 and the reason), and what: (label, old, new)."""

    who: str
    at: dt.datetime
    how: str
    what: tuple[tuple[str, str, str], ...]


def _hidden(declaration: Declaration) -> set[str]:
    hidden = set(declaration.history_hidden)
    if declaration.workflow:
        # the lifecycle's own stamp (kexie.workflows.models.StatefulModel): the 办理记录 says when
        # each step was taken, so the diff would only repeat it as a raw timestamp
        hidden.add("state_changed_at")
    for slot in declaration.files:
        hidden |= {slot.size_field, slot.type_field, slot.field}
    return hidden


def _label(declaration: Declaration, name: str) -> str:
    try:
        return declaration.field(name).label
    except LookupError:
        return str(declaration.model._meta.get_field(name).verbose_name)


def _shown(declaration: Declaration, name: str, value) -> str:
    if value in (None, ""):
        return ""
    try:
        return declaration.field(name).display_value(value)
    except LookupError:
        field = declaration.model._meta.get_field(name)
        if field.choices:
            return str(dict(field.choices).get(value, value))
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _diff(declaration: Declaration, record, previous) -> tuple[tuple[str, str, str], ...]:
    if previous is None or record.history_type != "~":
        return ()
    hidden = _hidden(declaration)
    out = []
    for change in record.diff_against(previous).changes:
        if change.field in hidden:
            continue
        out.append(
            (
                _label(declaration, change.field),
                _shown(declaration, change.field, change.old),
                _shown(declaration, change.field, change.new),
            )
        )
    return tuple(out)


def history(*, declaration: Declaration, record_id: int, limit: int = 50) -> list[tuple[object, list]]:
    """The record's history, newest first, each entry with its differences from the one before:
    [(history record, [(field label, old, new), …]), …] — what the c-history component shows."""
    records = list(
        declaration.model.history.filter(id=record_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    out = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        out.append((record, list(_diff(declaration, record, previous))))
    return out


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "系统"
    return getattr(user, "display_name", "") or user.get_username()


def changes_since(*, declaration: Declaration, record_id: int, version: str) -> list[Change]:
    """The saves of a record after the one that left it at `version` (its version field's value as
    the form carried it), oldest first, each with who, when and what it changed."""
    field = declaration.version_field
    rows = list(
        declaration.model.history.filter(id=record_id).select_related("history_user").order_by("history_id")
    )
    start = None
    for index, row in enumerate(rows):
        value = getattr(row, field)
        if (value.isoformat() if hasattr(value, "isoformat") else str(value)) == version:
            start = index  # the last save that left this version
    if start is None:  # the version was never seen (history trimmed): everything we know
        start = 0
        later = rows
    else:
        later = rows[start + 1 :]
    out = []
    for row in later:
        index = rows.index(row)
        previous = rows[index - 1] if index > 0 else None
        how = {"+": "新建", "-": "删除"}.get(row.history_type, "修改")
        if row.history_change_reason and row.history_change_reason != how:
            how = f"{how}（{row.history_change_reason}）"
        out.append(
            Change(who=_who(row), at=row.history_date, how=how, what=_diff(declaration, row, previous))
        )
    return out


def changes_after(*, declaration: Declaration, record_id: int, moment: dt.datetime) -> list[Change]:
    """The saves of a record after `moment` (e.g. when an import file was checked), oldest first."""
    rows = list(
        declaration.model.history.filter(id=record_id).select_related("history_user").order_by("history_id")
    )
    out = []
    for index, row in enumerate(rows):
        if row.history_date <= moment:
            continue
        previous = rows[index - 1] if index > 0 else None
        how = {"+": "新建", "-": "删除"}.get(row.history_type, "修改")
        if row.history_change_reason and row.history_change_reason != how:
            how = f"{how}（{row.history_change_reason}）"
        out.append(
            Change(who=_who(row), at=row.history_date, how=how, what=_diff(declaration, row, previous))
        )
    return out


def attachments(*, declaration: Declaration, record) -> list:
    """The attachments of a record the caller already obtained through the record type's get."""
    from django.contrib.contenttypes.models import ContentType

    from kexie.records.models import Attachment

    return list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(declaration.model), object_id=record.pk
        )
        .select_related("uploaded_by")
        .order_by("slot", "-uploaded_at")
    )


def attachment_get(*, declaration: Declaration, record, pk: int):
    """One attachment of a record already obtained in scope, or 404."""
    from django.contrib.contenttypes.models import ContentType
    from django.http import Http404

    from kexie.records.models import Attachment

    found = Attachment.objects.filter(
        pk=pk, content_type=ContentType.objects.get_for_model(declaration.model), object_id=record.pk
    ).first()
    if found is None:
        raise Http404("附件不存在")
    return found

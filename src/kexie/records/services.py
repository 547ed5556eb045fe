"""Writes through the record layer: the record app's own services (named by the declaration) behind
one guard that no record type can forget — an update is refused when the record changed after the
form (or the import) that carries it was opened, with who changed what.

Usable from pages, imports, the API, a shell or a task alike: pass the version the caller saw.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kexie.core import uploads
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs.scoping import Access
from kexie.records.declarations import Declaration
from kexie.records.forms import version_of
from kexie.records.models import Attachment
from kexie.records.selectors import Change, changes_since


class StaleRecordError(DomainError):
    """The record changed since the caller's version: `changes` says who changed what (oldest
    first) and `current` is the version to carry if the caller decides to save over it anyway."""

    def __init__(self, message: str, *, changes: list[Change], current: str):
        super().__init__(message, code="conflict")
        self.changes = changes
        self.current = current


def describe_changes(changes: list[Change]) -> str:
    """张三（12-03 14:32）修改：表述：A → B；级别：省级 → 国家级"""
    parts = []
    for change in changes:
        local = timezone.localtime(change.at)
        what = "；".join(f"{label}：{old or '（空）'} → {new or '（空）'}" for label, old, new in change.what)
        parts.append(f"{change.who}（{local:%m-%d %H:%M}）{change.how}" + (f"：{what}" if what else ""))
    return "；".join(parts)


def stale_error(declaration: Declaration, record, version: str, *, lead: str) -> StaleRecordError:
    changes = changes_since(declaration=declaration, record_id=record.pk, version=version)
    said = describe_changes(changes) if changes else "（变更记录不可用）"
    return StaleRecordError(
        f"{lead}已被他人修改，您的修改没有保存。变更：{said}。",
        changes=changes,
        current=version_of(declaration, record),
    )


def record_create(*, declaration: Declaration, access: Access, actor, values: dict):
    """新建 through the record app's create service."""
    return declaration.create(access=access, actor=actor, values=values)


@transaction.atomic
def record_update(*, declaration: Declaration, access: Access, actor, record, values: dict, version: str):
    """修改, unless the record moved on from `version` (then StaleRecordError with the diff).

    The row is locked (PostgreSQL: SELECT … FOR UPDATE; SQLite: the write transaction is
    immediate) before the version is compared, so two saves from the same version cannot both pass.
    """
    model = declaration.model
    current = model._default_manager.select_for_update().filter(pk=record.pk).first()
    if current is None:
        raise DomainError(
            f"这条{declaration.texts.noun}在您打开表单之后已被删除，修改没有保存。", code="gone"
        )
    if version_of(declaration, current) != version:
        raise stale_error(declaration, current, version, lead=f"这条{declaration.texts.noun}在您打开表单之后")
    return declaration.update(access=access, actor=actor, record=current, values=values)


@transaction.atomic
def record_delete(*, declaration: Declaration, access: Access, actor, record, reason: str = "") -> None:
    """删除 through the record app's delete service (its history stays; with a declared `restore`
    the deletion can be undone, attachments included)."""
    if declaration.delete is None:
        raise DomainError(f"{declaration.label}不能删除。")
    if declaration.delete_reason:
        declaration.delete(access=access, actor=actor, record=record, reason=reason)
    else:
        declaration.delete(access=access, actor=actor, record=record)


@transaction.atomic
def record_restore(*, declaration: Declaration, access: Access, actor, pk: int):
    """恢复 (undo a deletion) through the record app's restore service."""
    if declaration.restore is None:
        raise DomainError(f"{declaration.label}删除后不能恢复。")
    return declaration.restore(access=access, actor=actor, pk=pk)


# --------------------------------------------------------------------------- attachments


def _slot(declaration: Declaration, key: str):
    for slot in declaration.attachments:
        if slot.key == key:
            return slot
    raise DomainError("没有这类附件。", field="file")


def _slot_for(declaration: Declaration, detected: str):
    """The first declared slot that takes files of this type (attachments by type)."""
    for slot in declaration.attachments:
        if detected in slot.kinds:
            return slot
    allowed = "、".join(
        sorted({e for s in declaration.attachments for k in s.kinds for e in uploads.FILE_TYPES[k][1]})
    )
    raise DomainError(f"{declaration.label}的附件只能是{allowed}文件。", field="file")


@transaction.atomic
def attachment_add(*, declaration: Declaration, access: Access, actor, record, slot: str, upload):
    """附件上传: checked by its bytes (kexie.core.uploads), into one of the declared slots (or, with
    `attachments_by_type` and no slot given, the slot of its type), for a record the caller may enter
    records for; stored under MEDIA_ROOT with a random name, served only through the record."""
    if not access.covers(getattr(record, declaration.org_field), declaration.enter_action):
        raise PermissionDeniedError("您不能为这条记录上传附件。")
    content_type = ContentType.objects.get_for_model(declaration.model)
    limit = declaration.max_attachments
    if (
        limit is not None
        and Attachment.objects.filter(content_type=content_type, object_id=record.pk).count() >= limit
    ):
        raise DomainError(f"每条{declaration.texts.noun}最多{limit}个附件，请先删除不需要的。", field="file")
    detected = uploads.validate_upload(upload)
    if not slot and declaration.attachments_by_type:
        spec = _slot_for(declaration, detected)
    else:
        spec = _slot(declaration, slot)
    if detected not in spec.kinds:
        allowed = "、".join(sorted({e for k in spec.kinds for e in uploads.FILE_TYPES[k][1]}))
        raise DomainError(f"{spec.label}只能上传{allowed}文件。", field="file")
    mime, extensions = uploads.FILE_TYPES[detected]
    attachment = Attachment(
        content_type=content_type,
        object_id=record.pk,
        slot=spec.key,
        original_name=uploads.original_name(upload.name),
        size=upload.size,
        mime_type=mime,
        uploaded_by=actor,
    )
    upload.seek(0)
    attachment.file.save(f"{uuid.uuid4().hex}{extensions[0]}", upload, save=False)
    stored = attachment.file.name
    try:
        attachment.save()
    except Exception:
        default_storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, declaration: Declaration, access: Access, actor, record, attachment) -> None:
    if not access.covers(getattr(record, declaration.org_field), declaration.enter_action):
        raise PermissionDeniedError("您不能删除这条记录的附件。")
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))

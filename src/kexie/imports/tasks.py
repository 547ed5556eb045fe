"""Background jobs of the import pipeline, on the queue "imports": they only rebuild the importer's
scope and call the services (all logic, progress and cancellation live in `services`)."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from kexie.imports import services
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.orgs.scoping import Access, access_for

log = logging.getLogger("kexie.imports")
Status = ImportBatch.Status


def _access(batch: ImportBatch, user) -> Access | None:
    """The scope the user had when they asked (their membership then), or None when it is gone."""
    access = access_for(user, batch.membership_id)
    if access.active is None or access.active.membership_id != batch.membership_id:
        return None
    return access


def _give_up(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
        status=Status.INVALID if batch.status == Status.VALIDATING else Status.FAILED,
        phase="",
        errors=[{"message": message, "sheet": None, "row": None, "column": None}],
        finished_at=timezone.now(),
    )


def _run(batch_id: int, status: str, user_field: str, work) -> str:
    batch = ImportBatch.objects.select_related("created_by", "committed_by").filter(pk=batch_id).first()
    if batch is None or batch.status != status:
        return "skipped"  # cancelled while queued, or handled already
    spec = get_spec(batch.spec)
    access = _access(batch, getattr(batch, user_field) or batch.created_by)
    if spec is None or access is None or not access.can(spec.action):
        _give_up(batch, "导入人的角色或单位已变更，无法在后台继续处理；请重新上传。")
        return "refused"
    try:
        batch = work(batch, spec, access)
    except Exception:
        log.exception("import batch %s failed in the background", batch_id)
        batch.refresh_from_db()
        if batch.status == status:
            _give_up(batch, "后台处理时发生系统错误，没有写入任何数据。请稍后重试或联系管理员。")
        raise
    return batch.status


@task(queue_name="imports")
def validate_batch(batch_id: int) -> str:
    """Check an uploaded file that was too large to check inside the request."""
    return _run(
        batch_id,
        Status.VALIDATING,
        "created_by",
        lambda batch, spec, access: services.batch_validate(batch=batch, spec=spec, access=access),
    )


@task(queue_name="imports")
def commit_batch(batch_id: int) -> str:
    """Commit a validated batch with many rows (see the services' docstring for the transaction)."""
    return _run(
        batch_id,
        Status.COMMITTING,
        "committed_by",
        lambda batch, spec, access: services.run_commit(batch_id=batch.pk, spec=spec, access=access),
    )

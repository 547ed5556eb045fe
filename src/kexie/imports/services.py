"""The import pipeline: upload → check → preview → atomic commit. Nothing is written unless the
whole file is valid; every attempt is kept as an ImportBatch."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.imports.excel import CellError, Sheet, SpreadsheetError, check_container, read_sheet
from kexie.imports.models import ImportBatch
from kexie.imports.specs import ImportSpec, RowError
from kexie.orgs.scoping import Access

PREVIEW_ROWS = 20
MAX_STORED_ERRORS = 500


def _archive_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(spec: ImportSpec, path: Path, access: Access) -> tuple[Sheet | None, list[CellError]]:
    """Parse and validate without writing anything."""
    try:
        check_container(path, max_bytes=settings.KEXIE_MAX_UPLOAD_BYTES)
        sheet = read_sheet(path, spec.columns, max_rows=spec.max_rows)
    except SpreadsheetError as exc:
        return None, exc.errors
    errors = [e for row in sheet.rows for e in row.errors]
    if not sheet.rows:
        errors.append(CellError("表头下面没有数据行。", sheet=sheet.name, row=sheet.header_row + 1))
    if not errors:
        errors = spec.validate(sheet, access)
    return sheet, sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def _preview(spec: ImportSpec, sheet: Sheet) -> dict:
    """The first rows as shown on the batch page, with the labels of the columns the file has."""
    cols = [c for c in spec.preview_columns() if c.key in sheet.columns]
    return {
        "columns": [c.label for c in cols],
        "rows": [
            {
                "row": r.number,
                "cells": ["" if r.values.get(c.key) is None else str(r.values[c.key]) for c in cols],
            }
            for r in sheet.rows[:PREVIEW_ROWS]
        ],
    }


def batch_upload(*, access: Access, user, spec: ImportSpec, upload, file_name: str) -> ImportBatch:
    """Store the upload, check it, and record the outcome (validated or invalid). Writes no records."""
    if not access.can(spec.action) or access.unit is None:
        raise PermissionDeniedError("您的角色不能导入这类数据。")
    stored = _archive_dir() / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:6]}"
    size = 0
    limit = settings.KEXIE_MAX_UPLOAD_BYTES
    with stored.open("wb") as out:
        for chunk in (
            upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        ):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    batch = ImportBatch(
        spec=spec.key,
        org_unit=access.unit,
        created_by=user,
        file_name=Path(file_name).name[:255],
        file_size=size,
        file_sha256="",
        stored_file=str(stored),
    )
    if size > limit:
        stored.unlink(missing_ok=True)
        batch.stored_file = ""
        batch.status = ImportBatch.Status.INVALID
        batch.errors = [CellError(f"文件过大，上限为 {limit / 1048576:.0f} MB，请拆分后分批导入。").as_dict()]
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    batch.file_sha256 = _sha256(stored)
    sheet, errors = check_file(spec, stored, access)
    batch.rows_total = len(sheet.rows) if sheet else 0
    if sheet is not None:
        batch.preview = _preview(spec, sheet)
        notices = []
        if sheet.ignored_headers:
            notices.append("以下列未被识别，将被忽略：" + "、".join(sheet.ignored_headers[:20]))
        if sheet.empty_rows:
            notices.append(f"已跳过{sheet.empty_rows}个空行。")
        batch.notices = notices
    batch.errors = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
    batch.status = ImportBatch.Status.INVALID if errors else ImportBatch.Status.VALIDATED
    if errors:
        batch.finished_at = timezone.now()
    batch.save()
    return batch


def batch_commit(*, access: Access, spec: ImportSpec, batch: ImportBatch) -> ImportBatch:
    """Re-check the stored file against the database as it is now and write it all, or nothing."""
    if batch.status != ImportBatch.Status.VALIDATED:
        raise DomainError(f"该批次当前状态为“{batch.get_status_display()}”，不能导入。")
    if not access.can(spec.action):
        raise PermissionDeniedError("您的角色不能导入这类数据。")
    sheet, errors = check_file(spec, Path(batch.stored_file), access)
    if not errors:
        try:
            with transaction.atomic():
                # Compare-and-set inside the transaction: of two concurrent commits only one wins,
                # and a failed commit leaves the status untouched by rolling back with the records.
                won = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATED).update(
                    status=ImportBatch.Status.COMMITTED, finished_at=timezone.now()
                )
                if not won:
                    raise DomainError("该批次已被处理，请刷新页面。")
                result = spec.commit(sheet, access, batch=batch)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    rows_created=result.created, rows_updated=result.updated
                )
        except RowError as exc:
            errors = [CellError(exc.message, sheet=sheet.name, row=exc.row, column=exc.column)]
        except DomainError as exc:
            errors = [CellError(exc.message)]
    if errors:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATED).update(
            status=ImportBatch.Status.FAILED,
            errors=[e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
            finished_at=timezone.now(),
        )
    batch.refresh_from_db()
    return batch


def batch_discard(*, batch: ImportBatch) -> ImportBatch:
    if batch.status == ImportBatch.Status.VALIDATED:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATED).update(
            status=ImportBatch.Status.DISCARDED, finished_at=timezone.now()
        )
        batch.refresh_from_db()
    return batch

"""The import pipeline: upload → check → preview → atomic commit → (maybe) rollback. Nothing is written
unless the whole file is valid; every attempt is kept as an ImportBatch.

Small files are checked and committed inside the request. A file above
`settings.KEXIE_IMPORT_BACKGROUND_BYTES` (upload) or with more than
`settings.KEXIE_IMPORT_BACKGROUND_ROWS` data rows (commit) is handed to a background task
(`kexie.imports.tasks`, queue "imports"); the batch page polls its progress and may cancel it.

How progress stays visible while the commit stays all-or-nothing
----------------------------------------------------------------
A commit runs in two steps.

1. *Checking* (phase "checking"): the stored file is streamed again and every row re-checked against
   the database as it is now. Nothing is written to records here, so no transaction is held open:
   the progress (`rows_done` of `progress_total`) is a cheap UPDATE of the batch row committed every
   `PROGRESS_EVERY` rows (autocommit), and the cancel flag is read at the same moments. Both databases
   show it to the polling page at once; a web request can set the flag at any time.
2. *Writing* (phase "writing"): one `transaction.atomic()` writes every record, the rollback log and
   finally flips the batch to committed with a compare-and-set — all or nothing. While it is open:
   - PostgreSQL: progress is written through a second, autocommit connection to the same database
     (`ProgressReporter` opens it), so the polling page sees it while the big transaction is still
     uncommitted; the cancel flag is read at each report and a cancel raises, which rolls the whole
     transaction back.
   - SQLite: the writer holds the database's single write lock, so no other connection can write a
     progress row (and the web process could not set the flag without waiting for the lock). The
     phase "writing" was committed just before the transaction starts; the page shows an
     indeterminate bar, and the cancel button is not offered in that phase (`batch_cancel` refuses
     it instead of blocking on the lock). The writing step is the short one (bulk inserts).
   If the worker dies, the transaction dies with it: nothing half-written either way.

Rollback (`batch_rollback`) asks the spec to undo what the batch did, in one transaction, refusing when
any of its records changed after the import (compare-and-set on `updated_at`) or was touched by a later
batch; the batch becomes "rolled_back" and the history records the undo.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from kexie.core.background import is_stalled_q, stalled_minutes
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.text import validate_plain_text
from kexie.imports import sensitive
from kexie.imports.excel import (
    CellError,
    Corrections,
    Row,
    Sheet,
    SpreadsheetError,
    cell_text,
    check_container,
    open_sheet,
)
from kexie.imports.models import ImportBatch
from kexie.imports.specs import ImportSpec, RowError
from kexie.orgs.scoping import Access

PREVIEW_ROWS = 20
FIX_ROWS = 20  # rows with problems offered for correction on the batch page
MAX_STORED_ERRORS = 500
PROGRESS_EVERY = 2000  # rows between two progress reports (and cancel checks)
Status = ImportBatch.Status
Phase = ImportBatch.Phase

# Test hook: callables (batch_id, phase, rows_done, progress_total) run right after each report.
progress_hooks: list[Callable[[int, str, int, int], None]] = []


class Cancelled(Exception):
    """The user asked to cancel: unwinds the checking loop or the write transaction."""


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


@contextlib.contextmanager
def _readable(spec: ImportSpec, stored: str) -> Iterator[Path]:
    """The archived upload as a file the reader can open: itself, or — for a spec with sensitive
    columns, whose archive is sealed — a private temporary copy unsealed for this one pass."""
    path = Path(stored)
    if not spec.sensitive_keys():
        yield path
        return
    with path.open("rb") as fh:
        sealed = sensitive.is_sealed(fh.read(sensitive.MAGIC_LENGTH))
    if not sealed:
        yield path
        return
    fd, name = tempfile.mkstemp(suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(sensitive.unseal_bytes(path.read_bytes()))
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _corrections(spec: ImportSpec, batch: ImportBatch) -> Corrections:
    """The saved corrections as typed (sensitive cells are kept sealed on the batch)."""
    rows = batch.corrections_by_row()
    if spec.sensitive_keys():
        rows = {n: {k: str(sensitive.unseal_text(v)) for k, v in cells.items()} for n, cells in rows.items()}
    return rows


def background_bytes() -> int:
    return getattr(settings, "KEXIE_IMPORT_BACKGROUND_BYTES", 256 * 1024)


def background_rows() -> int:
    return getattr(settings, "KEXIE_IMPORT_BACKGROUND_ROWS", 2000)


# ---- progress -----------------------------------------------------------------------------------


class ProgressReporter:
    """Writes `phase`, `rows_done` and `progress_total` of one batch every `every` rows and checks
    its cancel flag at the same moments. Outside a transaction it uses the default connection
    (autocommit); inside the commit's transaction it uses a side connection on PostgreSQL and
    skips the write on SQLite (see the module docstring)."""

    def __init__(self, batch_id: int, *, every: int | None = None):
        self.batch_id = batch_id
        self.every = every or PROGRESS_EVERY
        self.phase = ""
        self.done = 0
        self.total = 0
        self._next = self.every
        self._side = None  # the side connection (PostgreSQL, while writing)
        self.in_transaction = False

    # -- phases
    def start(self, phase: str, total: int) -> None:
        self.phase, self.done, self.total, self._next = phase, 0, total, self.every
        self.report()

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        if self.done >= self._next:
            self._next = self.done + self.every
            self.report()

    def enter_transaction(self) -> None:
        self.in_transaction = True

    def close(self) -> None:
        self.in_transaction = False
        if self._side is not None:
            self._side.close()
            self._side = None

    # -- the write and the check
    def report(self) -> None:
        values = {
            "phase": self.phase,
            "rows_done": self.done,
            "progress_total": self.total,
            "progress_at": timezone.now(),
        }
        if not self.in_transaction:
            ImportBatch.objects.filter(pk=self.batch_id).update(**values)
            cancelled = ImportBatch.objects.filter(pk=self.batch_id, cancel_requested=True).exists()
        elif connection.vendor == "postgresql":
            cancelled = self._side_report(values)
        else:  # SQLite holds one write lock: nobody else can see or set anything until we commit
            cancelled = ImportBatch.objects.filter(pk=self.batch_id, cancel_requested=True).exists()
        for hook in progress_hooks:
            hook(self.batch_id, self.phase, self.done, self.total)
        if cancelled:
            raise Cancelled

    def _side_report(self, values: dict) -> bool:
        if self._side is None:
            self._side = connections.create_connection(connection.alias)
            self._side.set_autocommit(True)
        table = ImportBatch._meta.db_table
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET phase = %s, rows_done = %s, progress_total = %s, progress_at = %s "  # noqa: S608
                "WHERE id = %s RETURNING cancel_requested",
                [
                    values["phase"],
                    values["rows_done"],
                    values["progress_total"],
                    values["progress_at"],
                    self.batch_id,
                ],
            )
            row = cursor.fetchone()
        return bool(row and row[0])


class _Scan:
    """What one streaming pass over the rows collects besides the spec's own work."""

    def __init__(self, sheet: Sheet, progress: ProgressReporter | None, keys: frozenset[str] = frozenset()):
        self.sheet = sheet
        self.progress = progress
        self.rows = 0
        self.preview: list[Row] = []
        self.cell_errors: list[CellError] = []
        self.error_count = 0
        # sensitive columns: their values are remembered to be masked in any message quoting them
        self.scrub = sensitive.Scrubber(keys) if keys else None
        self._raw_positions = [sheet.positions[k] for k in keys if k in sheet.positions] if keys else []

    def __iter__(self) -> Iterator[Row]:
        progress = self.progress
        scrub = self.scrub
        for row in self.sheet.iter_rows():
            self.rows += 1
            if scrub is not None:
                scrub.remember(row.values)
                raw = row.raw or []
                for p in self._raw_positions:
                    if p < len(raw):
                        scrub.add(cell_text(raw[p]))
            if len(self.preview) < PREVIEW_ROWS:
                self.preview.append(row)
            if row.errors:
                self.error_count += len(row.errors)
                if len(self.cell_errors) < MAX_STORED_ERRORS * 2:
                    self.cell_errors.extend(row.errors)
            if progress is not None:
                progress.advance()
            yield row


def _preview(spec: ImportSpec, sheet: Sheet, rows: list[Row]) -> dict:
    """The first rows as shown on the batch page, with the labels of the columns the file has."""
    cols = [c for c in spec.preview_columns() if c.key in sheet.columns]
    keys = spec.sensitive_keys()
    return {
        "columns": [c.label for c in cols],
        "rows": [
            {
                "row": r.number,
                "cells": [
                    ""
                    if r.values.get(c.key) is None
                    else (sensitive.mask(r.values[c.key]) if c.key in keys else str(r.values[c.key]))
                    for c in cols
                ],
            }
            for r in rows
        ],
    }


def _scan_file(
    spec: ImportSpec,
    path: Path,
    access: Access,
    *,
    keep: bool,
    progress: ProgressReporter | None,
    checked_sha256: str = "",
    corrections: Corrections | None = None,
) -> tuple[object | None, list[CellError], _Scan | None]:
    """Container checks, then one streaming pass: typed cells and the spec's checks.
    Returns (the spec's plan when `keep` and valid, sorted errors, the scan). The container checks
    are skipped for a stored file whose digest is still the one it had when it passed them."""
    try:
        if not checked_sha256 or _sha256(path) != checked_sha256:
            check_container(path, max_bytes=settings.KEXIE_MAX_UPLOAD_BYTES)
        if progress is not None:
            progress.start(Phase.OPENING, 0)
        sheet = open_sheet(path, spec.columns, max_rows=spec.max_rows, corrections=corrections)
        if progress is not None:
            progress.start(Phase.CHECKING, sheet.estimated_rows)
        scan = _Scan(sheet, progress, spec.sensitive_keys())
        plan, errors = spec.prepare(scan, sheet, access, keep=keep)
    except SpreadsheetError as exc:
        return None, exc.errors, None
    errors = [*scan.cell_errors, *errors]
    if not scan.rows:
        errors.append(CellError("表头下面没有数据行。", sheet=sheet.name, row=sheet.header_row + 1))
    errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return (None if errors else plan), errors, scan


def _store_errors(errors: list[CellError], scan: _Scan | None = None) -> list[dict]:
    stored = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
    if scan is not None and scan.scrub is not None:  # a message quoting a sensitive cell shows it masked
        for e in stored:
            e["message"] = scan.scrub(e["message"])
    return stored


def _more_errors_notice(scan: _Scan | None, errors: list[CellError]) -> list[str]:
    if len(errors) > MAX_STORED_ERRORS:
        return [f"问题较多，只列出前{MAX_STORED_ERRORS}个；请修改后重新上传。"]
    return []


# ---- upload and validation ----------------------------------------------------------------------


def batch_upload(*, access: Access, user, spec: ImportSpec, upload, file_name: str) -> ImportBatch:
    """Store the upload, check it, and record the outcome (validated or invalid). Writes no records.
    A large file is only stored here; its check runs as a background task."""
    if not access.can(spec.action) or access.unit is None:
        raise PermissionDeniedError("您的角色不能导入这类数据。")
    stored = _archive_dir() / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:6]}"
    size = 0
    limit = settings.KEXIE_MAX_UPLOAD_BYTES
    # a spec with sensitive columns: the upload is read into memory and only its seal is archived,
    # so no whole sensitive value is ever written to the archive (kexie.imports.sensitive)
    sealed = bool(spec.sensitive_keys())
    plain = bytearray()
    with stored.open("wb") as out:
        for chunk in (
            upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        ):
            size += len(chunk)
            if size > limit:
                break
            if sealed:
                plain += chunk
            else:
                out.write(chunk)
        if sealed and size <= limit:
            out.write(sensitive.seal_bytes(bytes(plain)))
    batch = ImportBatch(
        spec=spec.key,
        org_unit=access.unit,
        created_by=user,
        file_name=Path(file_name).name[:255],
        file_size=size,
        file_sha256="",
        stored_file=str(stored),
        membership_id=access.active.membership_id if access.active else None,
    )
    if size > limit:
        stored.unlink(missing_ok=True)
        batch.stored_file = ""
        batch.status = Status.INVALID
        batch.errors = [CellError(f"文件过大，上限为 {limit / 1048576:.0f} MB，请拆分后分批导入。").as_dict()]
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    batch.file_sha256 = hashlib.sha256(plain).hexdigest() if sealed else _sha256(stored)
    del plain
    batch.status = Status.VALIDATING
    batch.phase = Phase.QUEUED
    batch.progress_at = timezone.now()
    batch.save()
    if size > background_bytes():
        from kexie.imports import tasks

        # enqueued in the caller's transaction: the worker cannot see the task before the batch
        tasks.validate_batch.enqueue(batch.pk)
        batch.refresh_from_db()
        return batch
    return batch_validate(batch=batch, spec=spec, access=access)


def batch_validate(*, batch: ImportBatch, spec: ImportSpec, access: Access) -> ImportBatch:
    """Check the stored file of a batch waiting for validation; the batch becomes validated,
    invalid or (when the user asked) cancelled. Writes no records."""
    started = ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATING, phase=Phase.QUEUED).update(
        phase=Phase.OPENING, progress_at=timezone.now()
    )
    if not started:
        batch.refresh_from_db()
        return batch
    progress = ProgressReporter(batch.pk)
    try:
        with _readable(spec, batch.stored_file) as path:
            _plan, errors, scan = _scan_file(
                spec,
                path,
                access,
                keep=False,
                progress=progress,
                corrections=_corrections(spec, batch),
            )
            fix = (
                _fix_rows(spec, batch, path, scan.sheet, errors, scan)
                if errors and scan is not None
                else None
            )
    except Cancelled:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATING).update(
            status=Status.CANCELLED, phase="", finished_at=timezone.now()
        )
        batch.refresh_from_db()
        return batch
    fields: dict = {
        "status": Status.INVALID if errors else Status.VALIDATED,
        "errors": _store_errors(errors, scan),
        "phase": "",
        "rows_total": scan.rows if scan else 0,
        "rows_done": scan.rows if scan else 0,
        "progress_total": scan.rows if scan else 0,
    }
    if scan is not None:
        fields["preview"] = _preview(spec, scan.sheet, scan.preview)
        notices = []
        if scan.sheet.ignored_headers:
            notices.append("以下列未被识别，将被忽略：" + "、".join(scan.sheet.ignored_headers[:20]))
        if scan.sheet.empty_rows:
            notices.append(f"已跳过{scan.sheet.empty_rows}个空行。")
        fields["notices"] = notices + _more_errors_notice(scan, errors)
        fields["preview"]["fix"] = fix
    if errors:
        fields["finished_at"] = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATING).update(**fields)
    batch.refresh_from_db()
    return batch


# ---- correcting rows on the page ----------------------------------------------------------------


def _fix_rows(
    spec: ImportSpec, batch: ImportBatch, path: Path, sheet: Sheet, errors: list[CellError], scan: _Scan
) -> dict | None:
    """The first rows with problems, every column as text, for the correction form: one more pass
    over the file (only for a batch that failed its checks), stopping at the last row wanted.
    A sensitive cell is not offered as text: the form shows its mask and an empty input to retype it."""
    wanted: dict[int, dict[str, str]] = {}
    for e in errors:
        if e.row and e.row > sheet.header_row and len(wanted) < FIX_ROWS:
            wanted.setdefault(e.row, {})
            if e.column:
                wanted[e.row][e.column] = (wanted[e.row].get(e.column, "") + " " + e.message).strip()
    if not wanted:
        return None
    columns = [c for c in spec.columns if c.key in sheet.columns]
    try:
        again = open_sheet(
            path,
            spec.columns,
            max_rows=spec.max_rows,
            corrections=_corrections(spec, batch),
        )
        found: dict[int, Row] = {}
        last = max(wanted)
        for row in again.iter_rows():
            if row.number in wanted:
                found[row.number] = row
            if row.number >= last:
                break
    except SpreadsheetError:
        return None
    rows = []
    keys = spec.sensitive_keys()
    scrub = scan.scrub or (lambda message: message)
    for number, problems in sorted(wanted.items()):
        row = found.get(number)
        if row is None:
            continue
        raw = row.raw or []
        cells = []
        for col in columns:
            pos = again.positions[col.key]
            text = cell_text(raw[pos]) if pos < len(raw) else ""
            cell = {
                "key": col.key,
                "label": col.label,
                "text": text,
                "problem": scrub(problems.get(col.label, "")),
            }
            if col.key in keys:
                cell.update(text="", masked=sensitive.mask(text), sensitive=True)
            cells.append(cell)
        messages = [scrub(e.message) for e in errors if e.row == number and not e.column]
        rows.append({"row": number, "cells": cells, "problems": messages})
    return {"columns": [c.label for c in columns], "rows": rows}


def batch_fix(
    *, access: Access, spec: ImportSpec, batch: ImportBatch, user, changes: dict[int, dict[str, str]]
) -> ImportBatch:
    """Correct cells of a batch that failed its checks, then check the whole file again with the
    corrections applied (the stored file stays as uploaded; the corrections and who made them are
    kept on the batch and applied again at commit)."""
    if not access.can(spec.action):
        raise PermissionDeniedError("您的角色不能导入这类数据。")
    if batch.status != Status.INVALID or not batch.preview.get("fix"):
        raise DomainError(f"该批次当前状态为“{batch.get_status_display()}”，不能在线更正。")
    offered = {r["row"]: {c["key"]: c["text"] for c in r["cells"]} for r in batch.preview["fix"]["rows"]}
    keys = spec.sensitive_keys()
    labels = {c.key: c.label for c in spec.columns}
    corrections = batch.corrections_by_row()
    log = list(batch.corrections_log)
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    problems: list[str] = []
    for number, cells in sorted(changes.items()):
        if number not in offered:
            raise DomainError(f"第{number}行不在可更正的行中，请刷新页面。")
        for key, text in cells.items():
            if key not in offered[number]:
                raise DomainError(f"第{number}行没有“{labels.get(key, key)}”列，请刷新页面。")
            text = text.strip()
            column = next(c for c in spec.columns if c.key == key)
            secret = key in keys
            if secret and not text:
                continue  # a sensitive cell is never pre-filled: left empty, it stays as it was
            try:
                validate_plain_text(text)
            except ValidationError as exc:
                problems.append(f"第{number}行“{column.label}”：{exc.messages[0]}")
                continue
            if len(text) > column.max_length:
                problems.append(f"第{number}行“{column.label}”：不能超过{column.max_length}个字。")
                continue
            old = offered[number][key]
            if text == old:
                continue
            corrections.setdefault(number, {})[key] = sensitive.seal_text(text) if secret else text
            log.append(
                {
                    "row": number,
                    "column": column.label,
                    "old": "（不显示）" if secret else old,
                    "new": sensitive.mask(text) if secret else text,
                    "by": user.display_name,
                    "at": now,
                }
            )
    if problems:
        raise DomainError("；".join(problems[:10]))
    if len(log) == len(batch.corrections_log):
        raise DomainError("没有修改任何单元格。")
    won = ImportBatch.objects.filter(pk=batch.pk, status=Status.INVALID).update(
        status=Status.VALIDATING,
        phase=Phase.QUEUED,
        progress_at=timezone.now(),
        errors=[],
        finished_at=None,
        corrections={str(n): cells for n, cells in corrections.items()},
        corrections_log=log,
    )
    if not won:
        raise DomainError("该批次已被处理，请刷新页面。")
    batch.refresh_from_db()
    if batch.file_size > background_bytes():
        from kexie.imports import tasks

        tasks.validate_batch.enqueue(batch.pk)
        batch.refresh_from_db()
        return batch
    return batch_validate(batch=batch, spec=spec, access=access)


# ---- commit -------------------------------------------------------------------------------------


def batch_commit(
    *, access: Access, spec: ImportSpec, batch: ImportBatch, user=None, background: bool | None = None
) -> ImportBatch:
    """Re-check the stored file against the database as it is now and write it all, or nothing.
    A batch of more than KEXIE_IMPORT_BACKGROUND_ROWS rows is committed by a background task
    (`background` forces either way); the returned batch is then still "committing"."""
    if batch.status != Status.VALIDATED:
        raise DomainError(f"该批次当前状态为“{batch.get_status_display()}”，不能导入。")
    if not access.can(spec.action):
        raise PermissionDeniedError("您的角色不能导入这类数据。")
    # Compare-and-set: of two concurrent confirmations only one gets the batch.
    won = ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATED).update(
        status=Status.COMMITTING,
        phase=Phase.QUEUED,
        progress_at=timezone.now(),
        rows_done=0,
        progress_total=batch.rows_total,
        cancel_requested=False,
        committed_by=user,
        membership_id=access.active.membership_id if access.active else batch.membership_id,
    )
    if not won:
        raise DomainError("该批次已被处理，请刷新页面。")
    if background is None:
        background = batch.rows_total > background_rows()
    if background:
        from kexie.imports import tasks

        tasks.commit_batch.enqueue(batch.pk)
        batch.refresh_from_db()
        return batch
    return run_commit(batch_id=batch.pk, spec=spec, access=access)


def run_commit(*, batch_id: int, spec: ImportSpec, access: Access) -> ImportBatch:
    """The commit itself (inline for small batches, in the worker for large ones)."""
    if not ImportBatch.objects.filter(pk=batch_id, status=Status.COMMITTING, phase=Phase.QUEUED).update(
        phase=Phase.OPENING, progress_at=timezone.now()
    ):
        return ImportBatch.objects.get(pk=batch_id)  # cancelled while queued, or already running
    batch = ImportBatch.objects.select_related("created_by", "committed_by").get(pk=batch_id)
    progress = ProgressReporter(batch.pk)
    errors: list[CellError] = []
    scan = None
    try:
        with _readable(spec, batch.stored_file) as path:
            plan, errors, scan = _scan_file(
                spec,
                path,
                access,
                keep=True,
                progress=progress,
                checked_sha256=batch.file_sha256,  # validated means the container checks passed
                corrections=_corrections(spec, batch),
            )
        if not errors:
            progress.start(Phase.WRITING, spec.plan_size(plan))
            progress.enter_transaction()
            with transaction.atomic():
                result = spec.write(plan, access, batch=batch, progress=progress)
                del plan
                progress.report()  # the last chance to cancel before the batch is flipped
                won = ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).update(
                    status=Status.COMMITTED,
                    phase="",
                    rows_created=result.created,
                    rows_updated=result.updated,
                    rows_done=progress.total,
                    finished_at=timezone.now(),
                )
                if not won:
                    raise DomainError("该批次已被处理，请刷新页面。")
    except Cancelled:
        progress.close()
        ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).update(
            status=Status.CANCELLED, phase="", finished_at=timezone.now()
        )
        return ImportBatch.objects.get(pk=batch.pk)
    except RowError as exc:
        errors = [
            CellError(exc.message, sheet=scan.sheet.name if scan else None, row=exc.row, column=exc.column)
        ]
    except DomainError as exc:
        errors = [CellError(exc.message)]
    finally:
        progress.close()
    if errors:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTING).update(
            status=Status.FAILED,
            phase="",
            errors=_store_errors(errors, scan),
            finished_at=timezone.now(),
        )
    return ImportBatch.objects.get(pk=batch.pk)


# ---- cancel, discard, rollback ------------------------------------------------------------------


def cancel_offered(batch: ImportBatch) -> bool:
    """Is the cancel button shown? Not while SQLite holds its write lock for the final write — unless
    the batch has stalled, when the button ends it."""
    if not batch.is_running:
        return False
    return batch.is_stalled or not (connection.vendor == "sqlite" and batch.phase == Phase.WRITING)


def _end_stalled(batch: ImportBatch, now) -> bool:
    """End a running batch that made no progress for KEXIE_TASK_STALLED_MINUTES. Its worker is gone
    (a stopped worker's transaction was rolled back by the database) or, if only slow, finds the cancel
    flag at its next report and the status changed under its final compare-and-set: nothing is written
    either way. A commit that stalls becomes "导入失败", a check "校验未通过", each with the reason."""
    minutes = stalled_minutes()
    quiet = is_stalled_q("progress_at", now=now)
    ended = 0
    for status, outcome, what in (
        (Status.VALIDATING, Status.INVALID, "校验"),
        (Status.COMMITTING, Status.FAILED, "导入"),
    ):
        message = (
            f"后台{what}超过{minutes}分钟没有进展（处理程序可能已停止或重启），已由用户结束，"
            "没有写入任何数据。请重新上传文件；如果反复出现，请联系系统管理员检查后台处理程序（db_worker）。"
        )
        ended += (
            ImportBatch.objects.filter(quiet, pk=batch.pk, status=status)
            .exclude(phase=Phase.QUEUED)
            .update(
                status=outcome,
                phase="",
                cancel_requested=True,
                errors=[CellError(message).as_dict()],
                finished_at=now,
            )
        )
    return bool(ended)


def batch_cancel(*, access: Access, spec: ImportSpec, batch: ImportBatch) -> ImportBatch:
    """Ask a running check or commit to stop. A batch still waiting in the queue is cancelled at once;
    a running one stops at its next progress report, having written nothing."""
    if not access.can(spec.action):
        raise PermissionDeniedError("您的角色不能导入这类数据。")
    if batch.status not in ImportBatch.RUNNING:
        raise DomainError(f"该批次当前状态为“{batch.get_status_display()}”，无需取消。")
    now = timezone.now()
    if ImportBatch.objects.filter(pk=batch.pk, status__in=ImportBatch.RUNNING, phase=Phase.QUEUED).update(
        status=Status.CANCELLED, phase="", cancel_requested=True, finished_at=now
    ):
        batch.refresh_from_db()
        return batch
    try:
        if _end_stalled(batch, now):
            batch.refresh_from_db()
            return batch
    except DatabaseError as exc:  # SQLite: a live writer holds the lock, so it was not stalled after all
        raise DomainError("正在写入数据库，即将完成，此阶段不能取消；完成后可以撤销整个批次。") from exc
    if connection.vendor == "sqlite" and batch.phase == Phase.WRITING:
        raise DomainError("正在写入数据库，即将完成，此阶段不能取消；完成后可以撤销整个批次。")
    try:
        ImportBatch.objects.filter(pk=batch.pk, status__in=ImportBatch.RUNNING).update(cancel_requested=True)
    except DatabaseError as exc:  # SQLite: the writer took the lock between our read and this write
        raise DomainError("正在写入数据库，即将完成，此阶段不能取消；完成后可以撤销整个批次。") from exc
    batch.refresh_from_db()
    return batch


def batch_discard(*, batch: ImportBatch) -> ImportBatch:
    if batch.status == Status.VALIDATED:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATED).update(
            status=Status.DISCARDED, finished_at=timezone.now()
        )
        batch.refresh_from_db()
    return batch


def batch_rollback(*, access: Access, spec: ImportSpec, batch: ImportBatch, user) -> ImportBatch:
    """Undo a committed batch in one transaction: created records are deleted, updated ones get their
    values from before the import back. Refused (nothing changed) when a record moved on since."""
    if not access.can(spec.action):
        raise PermissionDeniedError("您的角色不能撤销这类数据的导入。")
    if not access.covers(batch.org_unit, spec.action):
        raise PermissionDeniedError("该批次不在您的管理范围内。")
    if batch.status != Status.COMMITTED:
        raise DomainError(f"该批次当前状态为“{batch.get_status_display()}”，只有已导入的批次可以撤销。")
    with transaction.atomic():
        won = ImportBatch.objects.filter(pk=batch.pk, status=Status.COMMITTED).update(
            status=Status.ROLLED_BACK, rolled_back_by=user, rolled_back_at=timezone.now()
        )
        if not won:
            raise DomainError("该批次已被处理，请刷新页面。")
        spec.rollback(batch, access, actor=user)
    batch.refresh_from_db()
    return batch


def later_batches_touching(batch: ImportBatch, content_type, object_ids) -> ImportBatch | None:
    """The first committed batch after `batch` that logged a change of one of `object_ids`
    (an iterable or a subquery of ids)."""
    from kexie.imports.models import ImportBatchRecord

    record = (
        ImportBatchRecord.objects.filter(
            content_type=content_type,
            object_id__in=object_ids,
            batch__status=Status.COMMITTED,
            batch__pk__gt=batch.pk,
        )
        .select_related("batch")
        .order_by("batch_id")
        .first()
    )
    return record.batch if record else None

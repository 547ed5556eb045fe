"""Import specs: one per record type, registered here; the pipeline knows nothing else about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kexie.core.errors import DomainError
from kexie.imports.excel import CellError, Column, Row, Sheet
from kexie.orgs.scoping import Access, Action


class RowError(DomainError):
    """A commit-time problem that belongs to one row (and maybe one column) of the sheet."""

    def __init__(self, message: str, *, row: int, column: str | None = None):
        super().__init__(message, field=column)
        self.row = row
        self.column = column


@dataclass
class CommitResult:
    created: int = 0
    updated: int = 0


@dataclass
class ImportSpec:
    """Subclass per record type. The pipeline streams the rows once per step:

    - `prepare(rows, sheet, access, keep=…)` sees every row (each typed, with its cell errors; rows
      with cell errors are to be skipped), checks them against the database as it is now, writes
      nothing, and returns (plan, errors): the plan is what `write` needs, built only when `keep`
      (at upload time only the errors matter, so nothing is kept). A spec that needs the whole
      sheet at once (cross-row rules) may collect the rows; one that can work chunk by chunk
      should, so that memory stays flat.
    - `write(plan, access, batch=…, progress=…)` runs inside the pipeline's one transaction, writes
      through the record type's rules, logs what it did for `rollback`, calls `progress.advance(n)`
      as it goes, and raises RowError/DomainError on anything unexpected (everything is rolled back).
    - `rollback(batch, access, actor=…)` undoes a committed batch inside the pipeline's transaction,
      or raises DomainError (in Chinese) when a record has changed since.
    """

    key: str = ""
    title: str = ""
    description: str = ""
    columns: tuple[Column, ...] = ()
    max_rows: int = 20000
    action: Action = Action.ENTER
    example_rows: list[dict] = field(default_factory=list)
    # keys of sensitive columns besides those whose Column says so (kexie.imports.sensitive)
    sensitive: tuple[str, ...] = ()

    def prepare(
        self, rows: Iterable[Row], sheet: Sheet, access: Access, *, keep: bool
    ) -> tuple[Any, list[CellError]]:
        raise NotImplementedError

    def plan_size(self, plan: Any) -> int:
        """How many records `write` will touch (the progress bar's total while writing)."""
        raise NotImplementedError

    def write(self, plan: Any, access: Access, *, batch, progress) -> CommitResult:
        """Write the plan; `batch` is the ImportBatch being committed (its created_by uploaded it)."""
        raise NotImplementedError

    def rollback(self, batch, access: Access, *, actor) -> None:
        raise NotImplementedError

    def preview_columns(self) -> list[Column]:
        return list(self.columns)

    def sensitive_keys(self) -> frozenset[str]:
        """The columns whose whole values the pipeline never shows, stores or logs."""
        return frozenset(self.sensitive) | {c.key for c in self.columns if c.sensitive}


_REGISTRY: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _REGISTRY[spec.key] = spec
    return spec


def get_spec(key: str) -> ImportSpec | None:
    return _REGISTRY.get(key)


def all_specs() -> list[ImportSpec]:
    return list(_REGISTRY.values())

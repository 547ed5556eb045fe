"""Import specs: one per record type, registered here; the pipeline knows nothing else about them."""

from __future__ import annotations

from dataclasses import dataclass, field

from kexie.core.errors import DomainError
from kexie.imports.excel import CellError, Column, Sheet
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
    """Subclass per record type. `validate` sees the whole sheet (duplicates, cross-row rules) and
    must not write; `commit` writes through the record type's services inside the pipeline's
    transaction and raises DomainError (with `row`) on anything unexpected."""

    key: str = ""
    title: str = ""
    description: str = ""
    columns: tuple[Column, ...] = ()
    max_rows: int = 20000
    action: Action = Action.ENTER
    example_rows: list[dict] = field(default_factory=list)

    def validate(self, sheet: Sheet, access: Access) -> list[CellError]:
        raise NotImplementedError

    def commit(self, sheet: Sheet, access: Access, *, batch) -> CommitResult:
        """Write the sheet; `batch` is the ImportBatch being committed (its created_by is the actor)."""
        raise NotImplementedError

    def preview_columns(self) -> list[Column]:
        return list(self.columns)


_REGISTRY: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _REGISTRY[spec.key] = spec
    return spec


def get_spec(key: str) -> ImportSpec | None:
    return _REGISTRY.get(key)


def all_specs() -> list[ImportSpec]:
    return list(_REGISTRY.values())

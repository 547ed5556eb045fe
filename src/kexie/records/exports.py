"""Export columns: the import columns of a declaration, written back — the same labels, and each
cell the way the import reads it (units by 机构代码, choices by their Chinese label, dates as
dates), so an exported list re-imports cleanly and updates the same records."""

from __future__ import annotations

from collections.abc import Iterable

from kexie.imports.excel import Column
from kexie.records.declarations import BoundField, Declaration

KIND_TO_COLUMN = {
    "unit": "code",
    "m2m": "text",
    "fk": "text",
    "bool": "text",
    "choice": "text",
    "int": "int",
    "date": "date",
    "text": "text",
    "longtext": "text",
}


def column_label(bf: BoundField) -> str:
    return f"{bf.label}代码" if bf.kind == "unit" else bf.label


def column_required(bf: BoundField) -> bool:
    """A required field is a required column unless an empty cell has a meaning: the importer's
    unit, or the model's default (e.g. 形式: 线下)."""
    return bf.required and bf.kind != "unit" and bf.default in (None, "")


def import_columns(d: Declaration) -> tuple[Column, ...]:
    """The declaration's import columns (also the export's headers, in the same order)."""
    out = []
    for bf in d.column_fields:
        help_text = bf.decl.column_help or bf.decl.help
        if bf.kind == "unit":
            help_text = help_text or "填写机构代码（也可以填单位全称）；可空，默认为导入时的当前单位"
        elif bf.kind == "m2m" and not help_text:
            help_text = "多个用顿号、逗号或分号隔开" + ("，填机构代码或单位全称" if bf.of_units else "")
        out.append(
            Column(
                bf.column_key,
                column_label(bf),
                required=column_required(bf),
                kind=bf.decl.column_kind or KIND_TO_COLUMN[bf.kind],
                aliases=tuple(
                    a
                    for a in dict.fromkeys((*bf.decl.aliases, *((bf.label,) if bf.kind == "unit" else ())))
                    if a != column_label(bf)
                ),
                choices=tuple(label for _, label in bf.choices)
                if bf.kind == "choice"
                else (("是", "否") if bf.kind == "bool" else ()),
                help=help_text,
                example=bf.decl.example,
                max_length=bf.max_length or (2000 if bf.kind == "longtext" else 200),
                sensitive=bf.decl.sensitive,
            )
        )
    return tuple(out)


def cell(bf: BoundField, record) -> object:
    """One export cell: what the import reads back to the same value."""
    if bf.kind == "unit":
        unit = getattr(record, bf.name)
        return unit.code if unit else ""
    if bf.kind == "m2m":
        related = getattr(record, bf.name).all()
        return "、".join(str(getattr(r, "code" if bf.of_units else bf.decl.match)) for r in related)
    value = getattr(record, bf.name)
    if bf.kind == "fk":
        return getattr(value, bf.decl.match) if value is not None else ""
    if bf.kind == "bool":
        return "是" if value else "否"
    if bf.kind == "choice":
        return bf.display_value(value)
    return "" if value is None else value


def export_rows(d: Declaration, records: Iterable) -> tuple[list[str], list[list[object]]]:
    """The import's columns, then the declaration's `export_extra` columns (read-only facts such as
    the entry time; the import ignores them)."""
    fields = d.column_fields
    headers = [column_label(bf) for bf in fields] + [header for header, _, _ in d.export_extra]
    rows = [
        [cell(bf, record) for bf in fields] + [value(record) for _, value, _ in d.export_extra]
        for record in records
    ]
    return headers, rows

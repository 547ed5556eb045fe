"""The import spec of a declaration, for the shared pipeline (kexie.imports): columns from the
declared fields (exports.import_columns), rows checked with the record app's own `validate`, a row
whose natural key matches a record in scope updates it, everything else creates; all or nothing.

No lost update here either: a row that would update a record changed after the file was uploaded
and checked is refused at commit with who changed what, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.imports import sensitive
from kexie.imports.excel import CellError, Row, Sheet
from kexie.imports.models import ImportBatchRecord
from kexie.imports.specs import CommitResult, ImportSpec, RowError
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access
from kexie.records.declarations import Declaration
from kexie.records.exports import column_label, import_columns
from kexie.records.forms import enter_units
from kexie.records.selectors import changes_after
from kexie.records.services import describe_changes

SPLIT = re.compile(r"\s*[、,，;；]\s*")


def _blank(kind: str) -> Any:
    if kind == "bool":
        return False
    if kind == "m2m":
        return []
    return "" if kind in ("text", "longtext", "choice") else None


def _empty(bf) -> Any:
    """An empty cell: the model's default when it has one (形式: 线下), else the kind's blank."""
    return bf.default if bf.default not in (None, "") else _blank(bf.kind)


def _current(record, bf) -> Any:
    value = getattr(record, bf.name)
    return list(value.all()) if bf.kind == "m2m" else value


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _before_value(record, bf) -> Any:
    """A field's value before the import, for rollback; a sensitive one (a phone) is kept sealed."""
    value = _jsonable(_current(record, bf))
    if bf.decl.sensitive and isinstance(value, str) and value:
        return sensitive.seal_text(value)
    return value


@dataclass
class DeclaredImportSpec(ImportSpec):
    declaration: Declaration | None = None

    @classmethod
    def for_declaration(cls, d: Declaration) -> DeclaredImportSpec:
        columns = import_columns(d)
        return cls(
            key=d.key,
            title=d.label,
            description=d.import_description,
            columns=columns,
            max_rows=5000,
            action=d.enter_action,
            example_rows=[{c.key: c.example for c in columns if c.example}],
            declaration=d,
        )

    # -- checking
    def _unit(self, text: str, units, cache: dict) -> OrgUnit | str:
        """The unit for a 机构代码 or exact name in the caller's entry scope, or the message."""
        if text not in cache:
            unit = units.filter(code=text).first() or None
            if unit is None:
                named = list(units.filter(name=text)[:2])
                unit = named[0] if len(named) == 1 else None
                if len(named) > 1:
                    cache[text] = f"有多个单位叫“{text}”，请改填机构代码。"
                    return cache[text]
            if unit is None:
                exists = (
                    OrgUnit.objects.filter(code=text).exists() or OrgUnit.objects.filter(name=text).exists()
                )
                cache[text] = (
                    f"单位“{text}”不在您的填报范围内。"
                    if exists
                    else f"找不到机构代码或名称为“{text}”的单位。"
                )
            else:
                cache[text] = unit
        return cache[text]

    @staticmethod
    def _named(options, bf, text: str):
        for field in (bf.decl.match, *bf.decl.also_match):
            found = options.filter(**{field: text}).first()
            if found is not None:
                return found
        return None

    def _many(self, bf, raw: str, access: Access, units, cache) -> list | str:
        """Several rows of an m2m field named in one cell (units by 机构代码 or name), or the message."""
        out = []
        if bf.of_units:
            options = None
        elif bf.decl.options:
            options = bf.decl.options(access)
        else:
            options = bf.model_field.related_model._default_manager.all()
        for token in (t for t in SPLIT.split(raw.strip()) if t):
            if options is None:
                found = self._unit(token, units, cache)
                if isinstance(found, str):
                    return found
            else:
                found = self._named(options, bf, token)
                if found is None:
                    return f"没有名为“{token}”的{bf.label}（或您不能使用）。"
            if found not in out:
                out.append(found)
        return out

    def _values(self, row: Row, sheet: Sheet, access: Access, existing, units, cache) -> dict | CellError:
        d = self.declaration
        values: dict[str, Any] = {}
        for bf in d.column_fields:
            label = column_label(bf)
            if bf.column_key not in sheet.columns:
                values[bf.name] = _current(existing, bf) if existing is not None else _empty(bf)
                continue
            raw = row.values.get(bf.column_key)
            if raw in (None, ""):
                values[bf.name] = _empty(bf)
            elif bf.kind == "m2m":
                found = self._many(bf, str(raw), access, units, cache)
                if isinstance(found, str):
                    return CellError(found, sheet=sheet.name, row=row.number, column=label)
                values[bf.name] = found
            elif bf.kind == "unit":
                unit = self._unit(str(raw).strip(), units, cache)
                if isinstance(unit, str):
                    return CellError(unit, sheet=sheet.name, row=row.number, column=label)
                values[bf.name] = unit
            elif bf.kind == "fk":
                options = bf.decl.options(access) if bf.decl.options else None
                found = self._named(options, bf, str(raw).strip()) if options is not None else None
                if found is None:
                    return CellError(
                        f"没有名为“{raw}”的{bf.label}（或您不能使用）。",
                        sheet=sheet.name,
                        row=row.number,
                        column=label,
                    )
                values[bf.name] = found
            elif bf.kind == "bool":
                values[bf.name] = str(raw).strip() == "是"
            elif bf.kind == "choice":
                by_label = {label_: value for value, label_ in bf.choices}
                values[bf.name] = by_label.get(str(raw), str(raw))
            else:
                values[bf.name] = raw
        if values.get(d.org_field) is None:
            values[d.org_field] = access.unit
        return values

    def prepare(self, rows: Iterable[Row], sheet: Sheet, access: Access, *, keep: bool):
        d = self.declaration
        units = enter_units(access)
        cache: dict = {}
        errors: list[CellError] = []
        plan: list[tuple[int, int | None, dict]] = []
        seen: dict[tuple, int] = {}
        records = d.list_queryset(access=access)
        for row in rows:
            if row.errors:
                continue
            values = self._values(row, sheet, access, None, units, cache)
            if isinstance(values, CellError):
                errors.append(values)
                continue
            existing = None
            if d.natural_key:
                key = tuple(values.get(k) for k in d.natural_key)
                if key in seen:
                    labels = "、".join(d.field(k).label for k in d.natural_key)
                    errors.append(
                        CellError(
                            f"与第{seen[key]}行重复（{labels}相同）。", sheet=sheet.name, row=row.number
                        )
                    )
                    continue
                seen[key] = row.number
                existing = records.filter(**dict(zip(d.natural_key, key, strict=True))).first()
                if existing is not None and len(sheet.columns) < len(d.column_fields):
                    values = self._values(row, sheet, access, existing, units, cache)
            try:
                d.validate(access=access, values=values)
            except DomainError as exc:
                column = (
                    column_label(d.field(exc.field))
                    if exc.field in {f.name for f in d.column_fields}
                    else None
                )
                errors.append(CellError(exc.message, sheet=sheet.name, row=row.number, column=column))
                continue
            if keep:
                plan.append((row.number, existing.pk if existing is not None else None, values))
        return (plan if keep and not errors else None), errors

    def plan_size(self, plan) -> int:
        return len(plan)

    # -- writing
    def write(self, plan, access: Access, *, batch, progress) -> CommitResult:
        d = self.declaration
        model = d.model
        if not access.can(d.enter_action):
            raise PermissionDeniedError(f"您的角色不能填报{d.label}。")
        actor = batch.created_by
        checked_at = batch.created_at  # the upload, checked right then
        content_type = ContentType.objects.get_for_model(model)
        result = CommitResult()
        log = []
        for row_number, pk, values in plan:
            try:
                if pk is None:
                    record = d.create(access=access, actor=actor, values=values)
                    log.append((row_number, record.pk, ImportBatchRecord.Action.CREATED, None))
                    result.created += 1
                else:
                    record = model._default_manager.select_for_update().filter(pk=pk).first()
                    if record is None:
                        raise RowError(
                            f"这一行对应的{d.texts.noun}在上传校验之后被删除了，请重新上传文件。",
                            row=row_number,
                        )
                    if getattr(record, d.version_field) > checked_at:
                        changes = changes_after(declaration=d, record_id=pk, moment=checked_at)
                        raise RowError(
                            f"这一行对应的{d.texts.noun}“{d.title(record)}”在上传校验之后已被他人修改，"
                            f"为避免覆盖，本次导入没有写入任何数据。变更：{describe_changes(changes) or '（变更记录不可用）'}。"
                            "请核对后重新上传文件。",
                            row=row_number,
                        )
                    before = {bf.name: _before_value(record, bf) for bf in d.column_fields}
                    d.update(access=access, actor=actor, record=record, values=values)
                    log.append((row_number, pk, ImportBatchRecord.Action.UPDATED, before))
                    result.updated += 1
            except RowError:
                raise
            except DomainError as exc:
                column = (
                    column_label(d.field(exc.field))
                    if exc.field in {f.name for f in d.column_fields}
                    else None
                )
                raise RowError(exc.message, row=row_number, column=column) from exc
            progress.advance()
        stamps = dict(
            model._default_manager.filter(pk__in=[pk for _, pk, _, _ in log]).values_list(
                "pk", d.version_field
            )
        )
        ImportBatchRecord.objects.bulk_create(
            ImportBatchRecord(
                batch=batch,
                content_type=content_type,
                object_id=pk,
                action=action,
                row=row_number,
                before=before,
                stamp=stamps.get(pk),
            )
            for row_number, pk, action, before in log
        )
        return result

    def rollback(self, batch, access: Access, *, actor) -> None:
        """Deletes what the batch created and restores what it updated, refusing when any of those
        records changed after the import (or a later batch touched them)."""
        from kexie.imports.services import later_batches_touching

        d = self.declaration
        model = d.model
        if not access.can(d.enter_action):
            raise PermissionDeniedError(f"您的角色不能填报{d.label}。")
        content_type = ContentType.objects.get_for_model(model)
        logged = list(batch.records.filter(content_type=content_type).order_by("-row"))
        later = later_batches_touching(batch, content_type, [r.object_id for r in logged])
        if later is not None:
            raise DomainError(
                f"本批次的{d.label}已被之后的导入批次“{later.file_name}”（{timezone.localtime(later.created_at):%Y-%m-%d %H:%M}）修改，请先撤销那一批。"
            )
        current = model._default_manager.in_bulk([r.object_id for r in logged])
        for r in logged:
            record = current.get(r.object_id)
            if record is None or getattr(record, d.version_field) != r.stamp:
                raise DomainError(
                    f"第{r.row}行导入的{d.texts.noun}在导入之后又被修改或删除了，无法撤销本批次；如需恢复，请逐条修改。"
                )
            if not access.covers(getattr(record, d.org_field), d.enter_action):
                raise PermissionDeniedError(f"第{r.row}行导入的{d.texts.noun}不在您的填报范围内，不能撤销。")
        for r in logged:
            record = current[r.object_id]
            if r.action == ImportBatchRecord.Action.CREATED:
                if d.delete is None:
                    raise DomainError(f"{d.label}不能删除，无法撤销本批次。")
                d.delete(access=access, actor=actor, record=record)
            else:
                d.update(access=access, actor=actor, record=record, values=self._from_before(r.before))

    def _from_before(self, before: dict) -> dict:
        d = self.declaration
        values: dict[str, Any] = {}
        for bf in d.column_fields:
            value = sensitive.unseal_text(before.get(bf.name))
            if bf.kind in ("unit", "fk") and value is not None:
                value = bf.model_field.related_model._default_manager.get(pk=value)
            elif bf.kind == "m2m":
                value = list(bf.model_field.related_model._default_manager.filter(pk__in=value or []))
            elif bf.kind == "date" and value:
                value = dt.date.fromisoformat(value)
            values[bf.name] = (
                _blank(bf.kind) if value is None and bf.kind in ("text", "longtext", "choice") else value
            )
        return values

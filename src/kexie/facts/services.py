"""Writes of facts (荣誉、排名、率先). Every rule about a fact lives here; the form only parses input.

The source document is checked like an activity attachment — by its bytes, not its name, with the
same size limit — by the activities app's upload checks, imported rather than repeated.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kexie.core import uploads
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.text import clean_text, validate_plain_text
from kexie.facts.models import Fact
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action

MIN_YEAR = 1949
MAX_NOTE = 2000
# Where the kind needs a field, and the message when it is missing.
REQUIRED_BY_KIND = {
    Fact.Kind.HONOUR: {"issuer": "荣誉须填写授予单位（如“中国科协”）。", "level": "荣誉须选择级别。"},
    Fact.Kind.RANKING: {"rank": "排名须填写名次（如全国第9名填 9）。"},
}


@dataclass
class FactData:
    """The fields of a fact as entered; `source_upload` replaces the source file when given."""

    org_unit: OrgUnit
    kind: str
    statement: str
    year: int | None
    source: str
    issuer: str = ""
    level: str = ""
    date: dt.date | None = None
    rank: int | None = None
    note: str = ""
    source_upload: object | None = None
    remove_source_file: bool = False


def _text(value: str, field: str, label: str, max_length: int, *, required: bool) -> str:
    text = clean_text(value or "") if field != "note" else (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字（现有{len(text)}个）。", field=field)
    try:
        validate_plain_text(
            text.replace("\n", "").replace("\r", "").replace("\t", "") if field == "note" else text
        )
    except ValidationError as exc:
        raise DomainError(f"{label}{exc.messages[0]}", field=field) from None
    return text


def validate_fact_data(data: FactData) -> FactData:
    """The cleaned data, or DomainError naming the field and saying what to do."""
    today = timezone.localdate()
    if data.kind not in Fact.Kind.values:
        raise DomainError("请选择类别：荣誉、排名、率先或其他。", field="kind")
    kind = Fact.Kind(data.kind)
    statement = _text(data.statement, "statement", "表述", 300, required=True)
    issuer = _text(data.issuer, "issuer", "授予/发布单位", 100, required=False)
    source = _text(data.source, "source", "来源", 200, required=True)
    note = _text(data.note, "note", "备注", MAX_NOTE, required=False)
    if data.level and data.level not in Fact.Level.values:
        raise DomainError("级别只能是国家级、省级、市级或县级。", field="level")
    year, date = data.year, data.date
    if date is not None:
        if date > today:
            raise DomainError(f"日期{date:%Y-%m-%d}还没有到；只登记已经发生的事实。", field="date")
        if year is None:
            year = date.year
        elif year != date.year:
            raise DomainError(f"日期是{date.year}年，但年份填的是{year}年，请改为一致。", field="year")
    if year is None:
        raise DomainError("请填写年份（知道具体日期时也可以只填日期）。", field="year")
    if not MIN_YEAR <= year <= today.year:
        raise DomainError(f"年份应在{MIN_YEAR}年到{today.year}年之间。", field="year")
    rank = data.rank
    if rank is not None and kind != Fact.Kind.RANKING:
        raise DomainError("只有“排名”类事实填写名次；请清空名次或把类别改为排名。", field="rank")
    if rank is not None and rank < 1:
        raise DomainError("名次应为正整数（第1名填 1）。", field="rank")
    values = {"issuer": issuer, "level": data.level, "rank": rank}
    for field, message in REQUIRED_BY_KIND.get(kind, {}).items():
        if values[field] in ("", None):
            raise DomainError(message, field=field)
    return FactData(
        org_unit=data.org_unit,
        kind=kind,
        statement=statement,
        year=year,
        source=source,
        issuer=issuer,
        level=data.level,
        date=date,
        rank=rank,
        note=note,
        source_upload=data.source_upload,
        remove_source_file=data.remove_source_file,
    )


def _check_unit(access: Access, unit: OrgUnit) -> None:
    if not access.covers(unit, Action.ENTER):
        raise PermissionDeniedError(f"“{unit.name}”不在您的填报范围内。")


def _store_upload(fact: Fact, upload) -> str:
    """Check the upload by its bytes and store it under a random name; returns the stored name."""
    detected = uploads.validate_upload(upload)
    content_type, extensions = uploads.FILE_TYPES[detected]
    fact.source_name = uploads.original_name(upload.name)
    fact.source_size = upload.size
    fact.source_content_type = content_type
    upload.seek(0)
    fact.source_file.save(f"{uuid.uuid4().hex}{extensions[0]}", upload, save=False)
    return fact.source_file.name


def _apply(fact: Fact, data: FactData) -> None:
    for name in (
        "org_unit",
        "kind",
        "statement",
        "year",
        "source",
        "issuer",
        "level",
        "date",
        "rank",
        "note",
    ):
        setattr(fact, name, getattr(data, name))


def _save(fact: Fact, actor, reason: str, new_file: str | None) -> None:
    fact._history_user = actor
    fact._change_reason = reason
    try:
        fact.full_clean(exclude=["source_file", "created_by"])
        fact.save()
    except ValidationError as exc:
        if new_file:
            default_storage.delete(new_file)
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from None
    except Exception:
        if new_file:
            default_storage.delete(new_file)
        raise


@transaction.atomic
def fact_create(*, access: Access, actor, data: FactData) -> Fact:
    """登记事实 (record an honour, ranking or first of a unit in the caller's subtree)."""
    _check_unit(access, data.org_unit)
    data = validate_fact_data(data)
    fact = Fact(created_by=actor)
    _apply(fact, data)
    new_file = _store_upload(fact, data.source_upload) if data.source_upload else None
    _save(fact, actor, "登记", new_file)
    return fact


@transaction.atomic
def fact_update(*, access: Access, actor, fact: Fact, data: FactData) -> Fact:
    """修改事实; a new source file replaces the old one, which is deleted once the change is committed."""
    _check_unit(access, fact.org_unit)
    _check_unit(access, data.org_unit)
    data = validate_fact_data(data)
    old_file = fact.source_file.name or None
    _apply(fact, data)
    new_file = None
    if data.source_upload:
        new_file = _store_upload(fact, data.source_upload)
    elif data.remove_source_file:
        fact.source_file = ""
        fact.source_name, fact.source_size, fact.source_content_type = "", None, ""
    _save(fact, actor, "修改", new_file)
    if old_file and old_file != (fact.source_file.name or None):
        transaction.on_commit(lambda: default_storage.delete(old_file))
    return fact


@transaction.atomic
def fact_delete(*, access: Access, actor, fact: Fact) -> None:
    """删除事实: the row goes (its history stays), and once committed, its source file."""
    _check_unit(access, fact.org_unit)
    stored = fact.source_file.name or None
    fact._history_user = actor
    fact._change_reason = "删除"
    fact.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))

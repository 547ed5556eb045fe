"""Writes of people. Every rule about a person lives here; forms and imports only parse input.

PIPL: an ID number enters through `normalise_id_number` and leaves as a fingerprint (`id_fingerprint`,
a keyed HMAC — equal numbers give equal fingerprints, the number cannot be read back) and a mask
(`mask_id_number`, 3408**********123X). The whole number is never stored, logged or shown.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.crypto import salted_hmac

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.text import clean_text, validate_plain_text
from kexie.orgs.merging import acting, move_rows
from kexie.orgs.models import OrgUnit
from kexie.orgs.models import Role as MemberRole
from kexie.orgs.scoping import Access, Action, scope
from kexie.people.models import (
    Education,
    Gender,
    Person,
    PersonalDataAccess,
    PersonRole,
    Role,
    TitleLevel,
)

# Who looked at which personal data: user, person and field ids only — never a number.
audit_log = logging.getLogger("kexie.people.audit")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1\d{10}$")

# Optional fields a caller may pass to person_find_or_create / person_create, with their labels.
TEXT_FIELDS = {"employer": ("工作单位", 100), "title": ("职称", 50), "field": ("专业领域", 50)}
CHOICE_FIELDS = {
    "gender": ("性别", Gender),
    "title_level": ("职称级别", TitleLevel),
    "education": ("学历", Education),
}
OPTIONAL_FIELDS = frozenset(TEXT_FIELDS) | frozenset(CHOICE_FIELDS) | {"birth_date"}


def normalise_id_number(value: str) -> str:
    """The 18-character 居民身份证号码 in upper case, or DomainError (the message never repeats it)."""
    number = re.sub(r"\s+", "", value or "").upper()
    if not number:
        return ""
    if not _ID_RE.match(number):
        raise DomainError("证件号码应为18位居民身份证号码（最后一位可以是X）。", field="id_number")
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        raise DomainError("证件号码校验位不正确，请核对后重新输入。", field="id_number")
    return number


def _id_key() -> str:
    return getattr(settings, "PEOPLE_ID_KEY", "") or settings.SECRET_KEY


def id_fingerprint(number: str) -> str:
    """Keyed HMAC-SHA256 of a normalised ID number (64 hex characters); "" for no number."""
    if not number:
        return ""
    return salted_hmac("kexie.people.id_number", number, secret=_id_key(), algorithm="sha256").hexdigest()


def mask_id_number(number: str) -> str:
    """3408**********123X: the first four and last four characters."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def normalise_phone(value: str) -> str:
    """An 11-digit mobile number (spaces, dashes and a +86 prefix dropped), or DomainError."""
    phone = re.sub(r"[\s\-()（）]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    if not phone:
        return ""
    if not _PHONE_RE.match(phone):
        raise DomainError("手机号码应为以1开头的11位数字。", field="phone")
    return phone


def _text(value: str, field: str, label: str, max_length: int, *, required: bool = False) -> str:
    text = clean_text(str(value or ""))
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字（现有{len(text)}个）。", field=field)
    try:
        validate_plain_text(text)
    except ValidationError as exc:
        raise DomainError(f"{label}{exc.messages[0]}", field=field) from None
    return text


def clean_fields(fields: dict) -> dict:
    """The optional fields cleaned, or DomainError naming the field."""
    unknown = set(fields) - OPTIONAL_FIELDS
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    out: dict = {}
    for name, (label, max_length) in TEXT_FIELDS.items():
        if name in fields:
            out[name] = _text(fields[name], name, label, max_length)
    for name, (label, choices) in CHOICE_FIELDS.items():
        if name in fields:
            value = fields[name] or ""
            if value and value not in choices.values:
                # accept the Chinese label too (imports, 男/女)
                by_label = {str(c.label): c.value for c in choices}
                if value not in by_label:
                    allowed = "、".join(str(c.label) for c in choices)
                    raise DomainError(f"{label}只能是{allowed}。", field=name)
                value = by_label[value]
            out[name] = value
    if "birth_date" in fields:
        birth = fields["birth_date"]
        if birth is not None and not isinstance(birth, dt.date):
            raise DomainError("出生日期格式不正确。", field="birth_date")
        if birth is not None and not (dt.date(1900, 1, 1) <= birth <= dt.date.today()):
            raise DomainError("出生日期应在1900年至今天之间。", field="birth_date")
        out["birth_date"] = birth
    return out


def _check_role(role: str) -> str:
    if role not in Role.values:
        allowed = "、".join(str(c.label) for c in Role)
        raise DomainError(f"人员身份只能是{allowed}。", field="role")
    return role


def ensure_role(person: Person, role: str, since: dt.date | None = None) -> None:
    """Give `person` the `role` (no-op when it already has it; an earlier `since` is kept)."""
    _check_role(role)
    obj, created = PersonRole.objects.get_or_create(person=person, role=role, defaults={"since": since})
    if not created and since is not None and (obj.since is None or since < obj.since):
        obj.since = since
        obj.save(update_fields=["since"])


def _survivor(person: Person) -> Person:
    seen = set()
    while person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = person.merged_into
    return person


def find_person(*, access: Access, name: str = "", id_number: str = "", phone: str = "") -> Person | None:
    """The person in the scope of `access` with this ID number (else this name and phone), or None.
    A merged duplicate answers with the person it was merged into."""
    people = scope(Person.objects.all(), access, Action.VIEW)
    number = normalise_id_number(id_number)
    if number:
        found = people.filter(id_hash=id_fingerprint(number)).order_by("merged_into", "pk").first()
        if found is not None:
            return _survivor(found)
    name, phone = clean_text(name or ""), normalise_phone(phone)
    if name and phone:
        candidates = people.filter(name=name, phone=phone)
        if number:  # a person with another ID number is another person
            candidates = candidates.filter(id_hash="")
        found = candidates.order_by("merged_into", "pk").first()
        if found is not None:
            return _survivor(found)
    return None


@transaction.atomic
def person_find_or_create(
    *,
    access: Access,
    actor,
    name: str,
    id_number: str = "",
    phone: str = "",
    org_unit: OrgUnit,
    role: str,
    **fields,
) -> Person:
    """The person this is (in scope: by ID fingerprint, then by name + phone), else a new person kept by
    `org_unit`; always with `role`. A found person's blank ID and phone are filled in, nothing else
    is overwritten. Used by every import that names people (award lists, contest results, rosters)."""
    _check_role(role)
    if not access.covers(org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权在该单位登记人员。")
    name = _text(name, "name", "姓名", 50, required=True)
    number = normalise_id_number(id_number)
    phone = normalise_phone(phone)
    cleaned = clean_fields(fields)
    person = find_person(access=access, name=name, id_number=number, phone=phone)
    if person is None:
        user = actor if getattr(actor, "pk", None) else None
        person = Person(
            org_unit=org_unit,
            name=name,
            id_hash=id_fingerprint(number),
            id_masked=mask_id_number(number),
            phone=phone,
            created_by=user,
            **cleaned,
        )
        person._history_user = user
        person._change_reason = "登记"
        person.save()
    else:
        changed = []
        if number and not person.id_hash:
            person.id_hash, person.id_masked = id_fingerprint(number), mask_id_number(number)
            changed += ["id_hash", "id_masked"]
        if phone and not person.phone:
            person.phone = phone
            changed.append("phone")
        for key, value in cleaned.items():
            if value not in ("", None) and getattr(person, key) in ("", None):
                setattr(person, key, value)
                changed.append(key)
        if changed:
            person.save(update_fields=[*changed, "updated_at"])
    ensure_role(person, role)
    return person


# --------------------------------------------------------------------------- the registry (pages, import)


class DuplicatePersonError(DomainError):
    """The ID number is already registered (in the caller's scope) for `existing`."""

    def __init__(self, existing: Person):
        from kexie.people.selectors import person_label

        super().__init__(f"证件号码与已登记的 {person_label(existing)}相同。", field="id_masked")
        self.existing = existing


def _id_input(value: str, person: Person | None) -> str | None:
    """The normalised number typed, or None when the field still shows the stored mask (unchanged)."""
    text = re.sub(r"\s+", "", value or "").upper()
    if person is not None and text == person.id_masked:
        return None
    if "*" in text:
        raise DomainError("请填写完整的18位证件号码（带*号的是打码后的号码）。", field="id_masked")
    return normalise_id_number(text)


def _duplicate(access: Access, number: str, person: Person | None) -> Person | None:
    if not number:
        return None
    others = scope(Person.objects.filter(merged_into__isnull=True), access, Action.VIEW)
    if person is not None:
        others = others.exclude(pk=person.pk)
    return others.filter(id_hash=id_fingerprint(number)).order_by("pk").first()


def check_person(*, access: Access, values: dict, person: Person | None = None) -> dict:
    """The model values of a person from form/import values, or DomainError naming the field
    (a registered ID number: DuplicatePersonError)."""
    unit = values.get("org_unit") or (person.org_unit if person is not None else None)
    if unit is None:
        raise DomainError("请选择建档单位。", field="org_unit")
    if not access.covers(unit, Action.ENTER):
        raise PermissionDeniedError("您无权在该单位登记人员。")
    out: dict = {"org_unit": unit, "name": _text(values.get("name"), "name", "姓名", 50, required=True)}
    out |= clean_fields({k: values[k] for k in OPTIONAL_FIELDS if k in values})
    number = _id_input(values.get("id_masked", ""), person)
    if number is not None:
        existing = _duplicate(access, number, person)
        if existing is not None:
            raise DuplicatePersonError(existing)
        out["id_hash"], out["id_masked"] = id_fingerprint(number), mask_id_number(number)
    if "phone" in values:
        out["phone"] = normalise_phone(values.get("phone") or "")
    roles = values.get("roles")
    if roles is not None:
        roles = [_check_role(r) for r in roles]
        if person is None and not roles:
            raise DomainError("请至少选择一种人员身份。", field="roles")
        out["roles"] = roles
    return out


@transaction.atomic
def person_create(*, access: Access, actor, values: dict) -> Person:
    data = check_person(access=access, values=values)
    roles = data.pop("roles", None) or [Role.SCI_WORKER]
    person = Person(created_by=actor if getattr(actor, "pk", None) else None, **data)
    person._history_user = actor if getattr(actor, "pk", None) else None
    person._change_reason = "登记"
    person.save()
    for role in roles:
        ensure_role(person, role)
    return person


@transaction.atomic
def person_update(*, access: Access, actor, person: Person, values: dict) -> Person:
    if person.merged_into_id is not None:
        raise DomainError("该人员已合并到其他人员，不能再修改；请修改合并后的人员。")
    if not access.covers(person.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权修改该人员。")
    data = check_person(access=access, values=values, person=person)
    data.pop("roles", None)
    for key, value in data.items():
        setattr(person, key, value)
    person._history_user = actor if getattr(actor, "pk", None) else None
    person._change_reason = "修改"
    person.save()
    return person


@transaction.atomic
def person_delete(*, access: Access, actor, person: Person) -> None:
    if not access.covers(person.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权删除该人员。")
    if person.merged_from.exists():
        raise DomainError("已有重复登记的人员合并到此人，不能删除。")
    try:
        with transaction.atomic():
            person.roles.all().delete()
            person.delete()
    except ProtectedError as exc:
        what = "、".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))
        raise DomainError(
            f"该人员已被其他记录引用（{what}），不能删除；如是重复登记，请由管理员“合并”到正确的人员。"
        ) from None


def set_phone(*, access: Access, actor, person: Person, phone: str) -> None:
    """Replace the phone (the form never shows the old one)."""
    if person.merged_into_id is not None:
        raise DomainError("该人员已合并到其他人员，不能再修改。")
    if not access.covers(person.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权修改该人员。")
    person.phone = normalise_phone(phone)
    person._history_user = actor if getattr(actor, "pk", None) else None
    person._change_reason = "修改手机号码"
    person.save(update_fields=["phone", "updated_at"])


def remove_role(*, access: Access, actor, person: Person, role: str) -> None:
    if not access.covers(person.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权修改该人员。")
    if person.roles.exclude(role=role).count() == 0:
        raise DomainError("每个人员至少要有一种身份；请先添加新身份再删除这一种。", field="role")
    person.roles.filter(role=role).delete()


def add_role(*, access: Access, actor, person: Person, role: str, since: dt.date | None = None) -> None:
    if not access.covers(person.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权修改该人员。")
    ensure_role(person, role, since)


# --------------------------------------------------------------------------- personal data (PIPL)


def can_see_phone(access: Access, person: Person) -> bool:
    """Only a 管理员 (or 系统管理员) whose active unit is the person's keeping unit."""
    active = access.active
    return (
        active is not None
        and active.role in (MemberRole.ADMIN, MemberRole.SYSADMIN)
        and active.unit_id == person.org_unit_id
    )


def _reason(reason: str) -> str:
    text = clean_text(reason or "")
    if len(text) < 2:
        raise DomainError("请填写查看事由（如“联系参加培训”），事由会记入查看记录。", field="reason")
    if len(text) > 200:
        raise DomainError(f"事由不能超过200个字（现有{len(text)}个）。", field="reason")
    try:
        validate_plain_text(text)
    except ValidationError as exc:
        raise DomainError(f"事由{exc.messages[0]}", field="reason") from None
    return text


def reveal_phone(*, access: Access, actor, person: Person, reason: str) -> str:
    """The whole phone number for the keeping unit's 管理员, logged with the reason."""
    if not can_see_phone(access, person):
        raise PermissionDeniedError("只有建档单位的管理员可以查看完整手机号码。")
    reason = _reason(reason)
    PersonalDataAccess.objects.create(
        user=actor, person=person, field=PersonalDataAccess.Field.PHONE, reason=reason
    )
    audit_log.info("personal data access: user=%s person=%s field=phone", actor.pk, person.pk)
    return person.phone


def log_phone_export(*, access: Access, actor, people: list[Person], reason: str) -> None:
    """Log an export that carries whole phone numbers (one line per person shown)."""
    reason = _reason(reason)
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(user=actor, person=p, field=PersonalDataAccess.Field.PHONE_EXPORT, reason=reason)
        for p in people
    )
    audit_log.info("personal data export: user=%s people=%s field=phone", actor.pk, len(people))


# --------------------------------------------------------------------------- merging duplicates


def _clash_ids(source: Person, target: Person) -> None:
    if source.id_hash and target.id_hash and source.id_hash != target.id_hash:
        raise DomainError(
            f"无法合并：{source.name}（证件号码 {source.id_masked}）与 {target.name}（证件号码 "
            f"{target.id_masked}）的证件号码不同，不是同一个人。"
        )


@transaction.atomic
def person_merge(*, access: Access, actor, source: Person, target: Person) -> dict[str, int]:
    """Merge the duplicate `source` into `target`: every reference moves to `target` (each app's
    handler, kexie.people.merging), `source` keeps its history and points to `target`.
    Returns {label: rows moved}."""
    from kexie.people import merging

    if not access.can(Action.MANAGE):
        raise PermissionDeniedError("只有管理员可以合并重复登记的人员。")
    for p in (source, target):
        if not access.covers(p.org_unit, Action.MANAGE):
            raise PermissionDeniedError("您无权合并不在本单位及下级建档的人员。")
    if source.pk == target.pk:
        raise DomainError("不能把人员合并到其本人。", field="target")
    if source.merged_into_id is not None:
        raise DomainError(f"{source.name} 已经合并过了。")
    if target.merged_into_id is not None:
        raise DomainError(f"{target.name} 已合并到其他人员，请选择合并后的人员。", field="target")
    _clash_ids(source, target)
    reason = f"重复登记：{source.name}（#{source.pk}）并入{target.name}（#{target.pk}）"
    moved: dict[str, int] = {}
    with acting(actor):
        for handler in merging.handlers():
            count = handler.move(source, target)
            if count:
                moved[handler.label] = count
    # roles: the union, the earliest `since` kept
    for role in source.roles.all():
        ensure_role(target, role.role, role.since)
    filled = []
    for name in ("id_hash", "id_masked", "phone", *TEXT_FIELDS, *CHOICE_FIELDS, "birth_date"):
        if getattr(target, name) in ("", None) and getattr(source, name) not in ("", None):
            setattr(target, name, getattr(source, name))
            filled.append(name)
    if filled:
        target._history_user = actor if getattr(actor, "pk", None) else None
        target._change_reason = reason
        target.save()
    source.merged_into = target
    source._history_user = actor if getattr(actor, "pk", None) else None
    source._change_reason = reason
    source.save()
    audit_log.info(
        "person merge: user=%s source=%s target=%s", getattr(actor, "pk", None), source.pk, target.pk
    )
    return moved


def move_person_rows(queryset, target: Person, *, field: str = "person", reason: str = "") -> int:
    """For person-merge handlers: point the rows at `target` (one UPDATE, a "~" history record each)."""
    return move_rows(queryset, target, field=field, reason=reason or "重复登记的人员合并")


# --------------------------------------------------------------------------- posts (科协领导班子)


def check_post(*, access: Access, values: dict, post=None) -> dict:
    from kexie.people.models import Position, PostSource

    unit = values.get("org_unit")
    if unit is None:
        raise DomainError("请选择任职单位。", field="org_unit")
    if not access.covers(unit, Action.ENTER):
        raise PermissionDeniedError("您无权登记该单位的任职。")
    person = values.get("person")
    if person is None:
        raise DomainError("请选择任职人员（先在“人员”中登记）。", field="person")
    if not scope(Person.objects.filter(pk=person.pk), access, Action.VIEW).exists():
        raise DomainError("所选人员不在您的查看范围内。", field="person")
    if person.merged_into_id is not None:
        raise DomainError(f"{person.name} 是已合并的重复登记，请选择合并后的人员。", field="person")
    position = values.get("position") or ""
    if position not in Position.values:
        raise DomainError("请选择职务。", field="position")
    source = values.get("source") or ""
    if source and source not in PostSource.values:
        raise DomainError("来源身份只能是医院院长、学校校长、农技站站长、企业家或其他。", field="source")
    start, end = values.get("term_start"), values.get("term_end")
    if start is None:
        raise DomainError("请填写任职开始日期。", field="term_start")
    if end is not None and end < start:
        raise DomainError("任职结束日期不能早于开始日期。", field="term_end")
    out = {
        "org_unit": unit,
        "person": person,
        "position": position,
        "source": source,
        "source_org": _text(values.get("source_org"), "source_org", "来源单位", 100),
        "term_start": start,
        "term_end": end,
        "note": _text(values.get("note"), "note", "备注", 200),
    }
    from kexie.people.models import Post

    overlapping = Post.objects.filter(
        org_unit=unit, person=person, position=position, term_start__lte=end or dt.date.max
    )
    overlapping = overlapping.filter(models_q_open_after(start))
    if post is not None:
        overlapping = overlapping.exclude(pk=post.pk)
    clash = overlapping.first()
    if clash is not None:
        raise DomainError(
            f"{person.name}在{unit.name}的{clash.get_position_display()}任职（{clash.term_start:%Y-%m-%d}起）与此任期重叠。",
            field="term_start",
        )
    return out


def models_q_open_after(day: dt.date):
    from django.db.models import Q

    return Q(term_end__isnull=True) | Q(term_end__gte=day)


@transaction.atomic
def post_create(*, access: Access, actor, values: dict):
    from kexie.people.models import Post

    post = Post(
        created_by=actor if getattr(actor, "pk", None) else None, **check_post(access=access, values=values)
    )
    post._history_user = actor if getattr(actor, "pk", None) else None
    post._change_reason = "登记"
    post.save()
    return post


@transaction.atomic
def post_update(*, access: Access, actor, post, values: dict):
    if not access.covers(post.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权修改该任职。")
    for key, value in check_post(access=access, values=values, post=post).items():
        setattr(post, key, value)
    post._history_user = actor if getattr(actor, "pk", None) else None
    post._change_reason = "修改"
    post.save()
    return post


@transaction.atomic
def post_delete(*, access: Access, actor, post) -> None:
    if not access.covers(post.org_unit, Action.ENTER):
        raise PermissionDeniedError("您无权删除该任职。")
    post._history_user = actor if getattr(actor, "pk", None) else None
    post._change_reason = "删除"
    post.delete()

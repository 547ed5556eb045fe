"""Writes of contests: editions (赛事), entries (参赛作品) with their students and tutor, results and
advancement to the next level's round. Every rule lives here; the declarations only name these.

Students and tutors are `kexie.people.Person`s, entered once: a name already listed for the same
school in an entry the caller can see is that person again; otherwise `people.services.
person_find_or_create` finds (by ID fingerprint or name + phone) or creates them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kexie.contests.models import LEVEL_ORDER, MAX_TEAM, Edition, Entry, EntryMember, Level, Prize, Stage
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.text import clean_text, validate_plain_text
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope
from kexie.people.models import Person
from kexie.people.models import Role as PersonRole
from kexie.people.services import person_find_or_create

NAME_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
MIN_DATE = dt.date(1980, 1, 1)


def _text(value, field: str, label: str, max_length: int, *, required: bool = False) -> str:
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


def _note(value) -> str:
    text = (value or "").strip()
    if len(text) > 2000:
        raise DomainError(f"备注不能超过2000个字（现有{len(text)}个）。", field="note")
    return text


def _check_unit(access: Access, unit: OrgUnit | None, field: str = "org_unit") -> None:
    if unit is None:
        raise DomainError("请选择单位。", field=field)
    if not access.covers(unit, Action.ENTER):
        raise PermissionDeniedError(f"“{unit.name}”不在您的填报范围内。")


def _choice(value, choices, field: str, label: str, *, blank: bool = False) -> str:
    value = str(value or "").strip()
    if not value and blank:
        return ""
    if value in choices.values:
        return value
    by_label = {str(c.label): c.value for c in choices}
    if value in by_label:
        return by_label[value]
    allowed = "、".join(str(c.label) for c in choices)
    raise DomainError(f"{label}只能是{allowed}{'，或留空' if blank else ''}。", field=field)


# --------------------------------------------------------------------------- editions


@dataclass
class EditionData:
    org_unit: OrgUnit | None
    name: str
    level: str
    held_on: dt.date | None
    session: int | None = None
    organiser: str = ""
    note: str = ""


def validate_edition_data(data: EditionData, *, edition: Edition | None = None) -> EditionData:
    name = _text(data.name, "name", "赛事名称", 100, required=True)
    level = _choice(data.level, Level, "level", "级别")
    if data.held_on is None:
        raise DomainError("请填写举办日期（终评或颁奖的日期）。", field="held_on")
    latest = timezone.localdate() + dt.timedelta(days=366)
    if not MIN_DATE <= data.held_on <= latest:
        raise DomainError(f"举办日期应在{MIN_DATE.year}年至{latest.year}年之间。", field="held_on")
    if data.session is not None and not 1 <= data.session <= 200:
        raise DomainError("届次应为1到200之间的整数。", field="session")
    organiser = _text(data.organiser, "organiser", "主办单位", 100)
    if data.org_unit is not None:
        clash = Edition.objects.filter(org_unit=data.org_unit, name=name)
        if edition is not None:
            clash = clash.exclude(pk=edition.pk)
        if clash.exists():
            raise DomainError(f"“{data.org_unit.name}”已登记过名为“{name}”的赛事。", field="name")
    if edition is not None and edition.level != level and edition.entries.exists():
        _check_levels_after_change(edition, level)
    return EditionData(
        org_unit=data.org_unit,
        name=name,
        level=level,
        held_on=data.held_on,
        session=data.session,
        organiser=organiser or (data.org_unit.name if data.org_unit else ""),
        note=_note(data.note),
    )


def _check_levels_after_change(edition: Edition, level: str) -> None:
    rank = LEVEL_ORDER.index(level)
    if any(
        LEVEL_ORDER.index(e.advanced_from.edition.level) >= rank
        for e in edition.entries.filter(advanced_from__isnull=False).select_related("advanced_from__edition")
    ) or any(
        LEVEL_ORDER.index(e.edition.level) <= rank
        for e in Entry.objects.filter(advanced_from__edition=edition).select_related("edition")
    ):
        raise DomainError(
            "本届已有晋级的作品，改为这一级别后晋级关系将不成立，请先核对晋级记录。", field="level"
        )


def _apply(obj, data, names) -> None:
    for name in names:
        setattr(obj, name, getattr(data, name))


EDITION_FIELDS = ("org_unit", "name", "session", "level", "held_on", "organiser", "note")


@transaction.atomic
def edition_create(*, access: Access, actor, data: EditionData) -> Edition:
    """登记赛事 (one round of a contest, at one level)."""
    _check_unit(access, data.org_unit)
    data = validate_edition_data(data)
    edition = Edition(created_by=actor)
    _apply(edition, data, EDITION_FIELDS)
    edition._history_user = actor
    edition._change_reason = "登记"
    edition.save()
    return edition


@transaction.atomic
def edition_update(*, access: Access, actor, edition: Edition, data: EditionData) -> Edition:
    _check_unit(access, edition.org_unit)
    _check_unit(access, data.org_unit)
    data = validate_edition_data(data, edition=edition)
    _apply(edition, data, EDITION_FIELDS)
    edition._history_user = actor
    edition._change_reason = "修改"
    edition.save()
    return edition


@transaction.atomic
def edition_delete(*, access: Access, actor, edition: Edition) -> None:
    _check_unit(access, edition.org_unit)
    if edition.entries.exists():
        raise DomainError(
            f"赛事“{edition.name}”已有{edition.entries.count()}项参赛作品，不能删除；请先删除或移走这些作品。"
        )
    edition._history_user = actor
    edition._change_reason = "删除"
    edition.delete()


# --------------------------------------------------------------------------- entries


@dataclass
class EntryData:
    edition: Edition | None
    org_unit: OrgUnit | None
    title: str
    students: str
    school: str
    school_stage: str
    tutor_name: str = ""
    field: str = ""
    prize: str = ""
    note: str = ""
    advanced_from: Entry | None = None


def split_names(text: str) -> list[str]:
    return [n for n in NAME_SEPARATORS.split(clean_text(str(text or ""))) if n]


def _stage(value) -> str:
    """One 学段 for the entry; a team's several stages (初中、初中) must be one and the same."""
    raw = str(value or "").strip()
    if raw in Stage.values:
        return raw
    parts = [p for p in NAME_SEPARATORS.split(raw) if p]
    if not parts:
        raise DomainError("请选择学段：小学、初中、高中或中专。", field="school_stage")
    stages = {_choice(p, Stage, "school_stage", "学段") for p in parts}
    if len(stages) > 1:
        raise DomainError(
            f"团队成员须为同一学段（本作品填了{'、'.join(dict.fromkeys(parts))}），不同学段的学生不能组队。",
            field="school_stage",
        )
    return stages.pop()


def validate_entry_data(access: Access, data: EntryData, *, entry: Entry | None = None) -> EntryData:
    """The cleaned data, or DomainError naming the field and saying what to do."""
    edition = data.edition
    if edition is None:
        raise DomainError("请选择赛事。", field="edition")
    from kexie.contests.selectors import edition_options

    if not edition_options(access).filter(pk=edition.pk).exists():
        raise PermissionDeniedError("该赛事不是本单位、下级或上级登记的赛事，不能报送作品。")
    title = _text(data.title, "title", "作品名称", 200, required=True)
    school = _text(data.school, "school", "学校", 100, required=True)
    names = split_names(data.students)
    if not names:
        raise DomainError("请填写学生姓名（团队作品用顿号分隔）。", field="students")
    if len(names) > MAX_TEAM:
        raise DomainError(
            f"团队作品最多{MAX_TEAM}名学生，这里有{len(names)}名（{'、'.join(names)}）。", field="students"
        )
    if len(set(names)) != len(names):
        raise DomainError(f"学生姓名重复：{'、'.join(names)}。", field="students")
    for n in names:
        _text(n, "students", "学生姓名", 50)
    stage = _stage(data.school_stage)
    prize = _choice(data.prize, Prize, "prize", "奖项", blank=True)
    tutor_name = _text(data.tutor_name, "tutor_name", "辅导教师", 50)
    if len(split_names(tutor_name)) > 1:
        raise DomainError("辅导教师只填一人（第一辅导教师）。", field="tutor_name")
    field = _text(data.field, "field", "学科领域", 50)
    source = data.advanced_from
    if source is not None:
        if LEVEL_ORDER.index(edition.level) <= LEVEL_ORDER.index(source.edition.level):
            raise DomainError(
                f"晋级只能进入更高一级的赛事：原作品在{source.edition.get_level_display()}赛事，"
                f"所选“{edition.name}”是{edition.get_level_display()}。",
                field="edition",
            )
        if edition.held_on < source.edition.held_on:
            raise DomainError(
                f"所选赛事（{edition.held_on:%Y-%m-%d}）早于原作品所在赛事（{source.edition.held_on:%Y-%m-%d}），不能晋级。",
                field="edition",
            )
    # one entry per student per edition (the contest rule); the same name at the same school is the
    # same student
    others = EntryMember.objects.filter(
        edition=edition, person__name__in=names, school=school
    ).select_related("entry__org_unit", "person")
    if entry is not None:
        others = others.exclude(entry=entry)
    clash = others.first()
    if clash is not None:
        where = (
            f"作品“{clash.entry.title}”"
            if access.covers(clash.entry.org_unit, Action.VIEW)
            else "其他报送单位的作品"
        )
        raise DomainError(
            f"学生“{clash.person.name}”（{school}）在本届已有参赛{where}，每名学生每届只能报一项作品。",
            field="students",
        )
    clash = Entry.objects.filter(edition=edition, title=title, school=school)
    if entry is not None:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise DomainError(f"本届已有{school}的同名作品“{title}”。", field="title")
    return EntryData(
        edition=edition,
        org_unit=data.org_unit,
        title=title,
        students="、".join(names),
        school=school,
        school_stage=stage,
        tutor_name=tutor_name,
        field=field,
        prize=prize,
        note=_note(data.note),
        advanced_from=source,
    )


def _known_student(access: Access, name: str, school: str) -> Person | None:
    member = (
        scope(EntryMember.objects.filter(person__name=name, school=school), access)
        .select_related("person")
        .order_by("-pk")
        .first()
    )
    return member.person if member else None


def _known_tutor(access: Access, name: str, school: str) -> Person | None:
    entry = (
        scope(Entry.objects.filter(tutor_name=name, school=school, tutor__isnull=False), access)
        .select_related("tutor")
        .order_by("-pk")
        .first()
    )
    return entry.tutor if entry else None


def _set_members(access: Access, actor, entry: Entry, persons: list[Person] | None = None) -> None:
    entry.members.all().delete()
    if persons is None:
        persons = []
        for name in split_names(entry.students):
            person = _known_student(access, name, entry.school) or person_find_or_create(
                access=access, actor=actor, name=name, org_unit=entry.org_unit, role=PersonRole.STUDENT
            )
            persons.append(person)
    try:
        with transaction.atomic():
            EntryMember.objects.bulk_create(
                EntryMember(entry=entry, edition=entry.edition, person=p, school=entry.school, order=i)
                for i, p in enumerate(persons, start=1)
            )
    except IntegrityError:
        raise DomainError(
            "这些学生中有人在本届已有参赛作品，每名学生每届只能报一项作品。", field="students"
        ) from None


def _set_tutor(access: Access, actor, entry: Entry) -> None:
    if not entry.tutor_name:
        entry.tutor = None
        return
    if entry.tutor is not None and entry.tutor.name == entry.tutor_name:
        return
    entry.tutor = _known_tutor(access, entry.tutor_name, entry.school) or person_find_or_create(
        access=access,
        actor=actor,
        name=entry.tutor_name,
        org_unit=entry.org_unit,
        role=PersonRole.TUTOR,
        employer=entry.school,
    )


ENTRY_FIELDS = (
    "edition", "org_unit", "title", "students", "school", "school_stage", "tutor_name", "field", "prize",
    "note", "advanced_from",
)  # fmt: skip


@transaction.atomic
def entry_create(*, access: Access, actor, data: EntryData, persons: list[Person] | None = None) -> Entry:
    """登记参赛作品 with its students (Persons, entered once) and tutor."""
    _check_unit(access, data.org_unit)
    data = validate_entry_data(access, data)
    entry = Entry(created_by=actor)
    _apply(entry, data, ENTRY_FIELDS)
    _set_tutor(access, actor, entry)
    entry._history_user = actor
    entry._change_reason = "晋级" if data.advanced_from else "登记"
    entry.save()
    _set_members(access, actor, entry, persons)
    return entry


@transaction.atomic
def entry_update(*, access: Access, actor, entry: Entry, data: EntryData) -> Entry:
    _check_unit(access, entry.org_unit)
    _check_unit(access, data.org_unit)
    data.advanced_from = entry.advanced_from  # advancement is not edited, it is taken
    if data.edition != entry.edition and (entry.advanced_from or entry.advanced_to.exists()):
        raise DomainError("晋级链上的作品不能改换赛事；如登记错了，请删除后重新办理晋级。", field="edition")
    data = validate_entry_data(access, data, entry=entry)
    relist = (entry.students, entry.school, entry.edition_id) != (data.students, data.school, data.edition.pk)
    _apply(entry, data, ENTRY_FIELDS)
    _set_tutor(access, actor, entry)
    entry._history_user = actor
    entry._change_reason = "修改"
    entry.save()
    if relist:
        _set_members(access, actor, entry)
    return entry


@transaction.atomic
def entry_delete(*, access: Access, actor, entry: Entry) -> None:
    _check_unit(access, entry.org_unit)
    nxt = entry.advanced_to.select_related("edition").first()
    if nxt is not None:
        raise DomainError(f"该作品已晋级到“{nxt.edition.name}”，请先删除晋级后的作品。")
    entry._history_user = actor
    entry._change_reason = "删除"
    entry.delete()


@transaction.atomic
def entry_advance(*, access: Access, actor, entry: Entry, edition: Edition, prize: str = "") -> Entry:
    """晋级: the entry goes on to `edition` (a higher level's round) as a new entry of the same
    students, school and tutor, kept by the same 报送单位 and pointing back to `entry`."""
    _check_unit(access, entry.org_unit)
    if Entry.objects.filter(advanced_from=entry, edition=edition).exists():
        raise DomainError(f"该作品已晋级到“{edition.name}”。", field="edition")
    data = EntryData(
        edition=edition,
        org_unit=entry.org_unit,
        title=entry.title,
        students=entry.students,
        school=entry.school,
        school_stage=entry.school_stage,
        tutor_name=entry.tutor_name,
        field=entry.field,
        prize=prize,
        advanced_from=entry,
    )
    persons = [m.person for m in entry.members.select_related("person").order_by("order")]
    new = entry_create(access=access, actor=actor, data=data, persons=persons)
    if entry.tutor_id and new.tutor_id != entry.tutor_id:
        new.tutor = entry.tutor
        new.save(update_fields=["tutor"])
    return new


@transaction.atomic
def entry_set_prize(*, access: Access, actor, entry: Entry, prize: str) -> Entry:
    """录入获奖结果 (or clear it)."""
    _check_unit(access, entry.org_unit)
    entry.prize = _choice(prize, Prize, "prize", "奖项", blank=True)
    entry._history_user = actor
    entry._change_reason = "录入结果"
    entry.save()
    return entry

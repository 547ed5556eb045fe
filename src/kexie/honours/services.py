"""Writes of honours: programmes, rounds, nominations and awards. Every rule lives here; forms and the
import only parse.

Messages are Chinese and name the field (`DomainError.field`) so the form, the import (which adds the
row) and the API show the same words. The nomination lifecycle runs on the shared transition
mechanism (workflow.py); what a transition does to the record (dates, quota and repeat checks, the
award written at 入选) is `on_nomination_transition` here. Persons are found or created through
`kexie.people.services.person_find_or_create` (one person, once); an ID number is passed on to be
fingerprinted and only its masked form is kept on the honour's record.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kexie.core.errors import DomainError
from kexie.core.periods import day_label
from kexie.core.text import clean_text, validate_plain_text
from kexie.honours.models import (
    LEVEL_RANK,
    LIVE_STATES,
    QUOTA_STATES,
    Award,
    Level,
    Nomination,
    Programme,
    Recipient,
    RecipientKind,
    Recipients,
    Round,
    State,
    Tier,
)
from kexie.orgs.models import TERRITORIAL_LEVEL, OrgUnit
from kexie.orgs.models import Level as OrgLevel
from kexie.orgs.scoping import Access, Action, require_covers
from kexie.people import services as people
from kexie.people.models import Person, Role

MIN_YEAR = 1949
# the honour level a territorial 科协 of each org level decides itself (本级评选)
OWN_LEVEL = {
    OrgLevel.NATIONAL: Level.NATIONAL,
    OrgLevel.PROVINCIAL: Level.PROVINCIAL,
    OrgLevel.PREFECTURE: Level.MUNICIPAL,
    OrgLevel.COUNTY: Level.COUNTY,
}
_SEPARATORS = re.compile(r"[、，,；;\s]+")


# --------------------------------------------------------------------------- helpers


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


def _long(value, field: str, label: str, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字（现有{len(text)}个）。", field=field)
    return text


def _not_future(day: dt.date | None, field: str, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise DomainError(f"{label}{day_label(day)}还没有到，只能登记已经发生的日期。", field=field)


def _check_scope(access: Access, unit: OrgUnit, *actions: Action, what: str = "填报") -> None:
    require_covers(access, unit, *actions, what=what, records="荣誉推荐记录")


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    return [unit.path[:i] for i in range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)]


def _actor(access: Access | None):
    if access is None or access.user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=access.user_id).first()


def split_names(text: str) -> list[str]:
    """张三、李四，王五 → [张三, 李四, 王五] (each once, in order)."""
    seen: list[str] = []
    for name in _SEPARATORS.split(text or ""):
        name = name.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def _masked(value: str) -> bool:
    return "*" in (value or "")


def _id_number(value: str, field: str) -> str:
    """The ID number as typed, checked (a masked one from an export means: unchanged)."""
    value = (value or "").strip()
    if not value or _masked(value):
        return value
    try:
        return people.normalise_id_number(value)
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from None


def _find_or_create_person(
    *,
    access: Access,
    actor,
    org_unit: OrgUnit,
    name: str,
    id_number: str = "",
    employer: str = "",
    title: str = "",
) -> Person:
    """The person named (by ID fingerprint through kexie.people; without an ID, the one person of that
    name kept by the unit if there is exactly one), else a new 科技工作者 kept by `org_unit`."""
    number = "" if _masked(id_number) else id_number
    if not number:
        same = list(
            Person.objects.filter(org_unit=org_unit, name=name, merged_into__isnull=True).order_by("pk")[:2]
        )
        if employer:
            same = [p for p in same if p.employer in ("", employer)]
        if len(same) == 1:
            people.ensure_role(same[0], Role.SCI_WORKER)
            return same[0]
    fields = {k: v for k, v in (("employer", employer), ("title", title)) if v}
    return people.person_find_or_create(
        access=access,
        actor=actor,
        name=name,
        id_number=number,
        org_unit=org_unit,
        role=Role.SCI_WORKER,
        **fields,
    )


# --------------------------------------------------------------------------- programmes


def programmes_usable_by(unit: OrgUnit):
    """Programmes a unit may use: the built-in ones and the local ones of the unit or its ancestors."""
    return Programme.objects.filter(Q(org_unit__isnull=True) | Q(org_unit__path__in=_ancestor_paths(unit)))


@dataclass
class ProgrammeData:
    org_unit: OrgUnit
    code: str
    name: str
    levels: list[str]
    recipients: str = Recipients.INDIVIDUAL
    issuer: str = ""
    cycle_years: int | None = None
    quota: int | None = None
    no_repeat: bool = False
    description: str = ""


@transaction.atomic
def programme_create(*, access: Access, actor, data: ProgrammeData) -> Programme:
    """A 管理员 adds a local honour programme for its unit; the whole subtree may use it."""
    _check_scope(access, data.org_unit, Action.MANAGE, what="管理")
    code = (data.code or "").strip()
    if not code or not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        raise DomainError("代码只能由字母、数字、横线和下划线组成。", field="code")
    if Programme.objects.filter(code=code).exists():
        raise DomainError(f"代码“{code}”已被使用，请换一个。", field="code")
    name = _text(data.name, "name", "名称", 60, required=True)
    if programmes_usable_by(data.org_unit).filter(name=name).exists():
        raise DomainError(f"已有名为“{name}”的荣誉项目，可直接使用。", field="name")
    raw = set(data.levels or [])
    levels = [lv for lv in Level.values if lv in raw]
    if not levels or len(levels) != len(raw):
        raise DomainError(f"请选择设立级别（{'、'.join(Level.labels)}中的一个或几个）。", field="levels")
    if data.recipients not in Recipients.values:
        raise DomainError(f"授予对象只能是{'、'.join(Recipients.labels)}。", field="recipients")
    if data.cycle_years is not None and not 1 <= data.cycle_years <= 10:
        raise DomainError("评选周期应为1到10年。", field="cycle_years")
    if data.quota is not None and data.quota < 1:
        raise DomainError("每轮名额至少为1；不限名额请留空。", field="quota")
    return Programme.objects.create(
        code=code,
        name=name,
        levels=levels,
        recipients=data.recipients,
        issuer=_text(data.issuer, "issuer", "授予单位", 100),
        cycle_years=data.cycle_years,
        quota=data.quota,
        no_repeat=data.no_repeat,
        description=_long(data.description, "description", "说明"),
        org_unit=data.org_unit,
        sort_order=1000,
    )


def _check_programme(programme: Programme | None, unit: OrgUnit, level: str) -> Programme:
    if programme is None:
        raise DomainError("请选择荣誉项目。", field="programme")
    if not programmes_usable_by(unit).filter(pk=programme.pk).exists():
        owner = programme.org_unit.name if programme.org_unit else "其他单位"
        raise DomainError(
            f"“{programme.name}”是{owner}设立的本地项目，“{unit.name}”不能使用。", field="programme"
        )
    if level not in Level.values:
        raise DomainError(f"级别只能是{'、'.join(Level.labels)}。", field="level")
    if level not in programme.levels:
        raise DomainError(
            f"“{programme.name}”没有{Level(level).label}，可选：{'、'.join(programme.level_labels)}。",
            field="level",
        )
    return programme


def _check_tier(programme: Programme, tier: str, field: str = "tier") -> str:
    tier = tier or ""
    if not tier:
        return ""
    if tier not in Tier.values:
        raise DomainError(f"等次只能是{'、'.join(Tier.labels)}。", field=field)
    if programme.tiers and tier not in programme.tiers:
        raise DomainError(
            f"“{programme.name}”的等次只有{'、'.join(programme.tier_labels)}，不能填“{Tier(tier).label}”。",
            field=field,
        )
    return tier


# --------------------------------------------------------------------------- rounds


def own_level(unit: OrgUnit) -> str | None:
    """The honour level a territorial 科协 decides itself (a city: 市级); None for other bodies."""
    if unit.org_type not in TERRITORIAL_LEVEL:
        return None
    return OWN_LEVEL.get(TERRITORIAL_LEVEL[unit.org_type])


def is_upward(round_: Round) -> bool:
    """A round that collects candidates for a higher level (向上推荐): the result comes from above."""
    return round_.level != own_level(round_.org_unit)


@dataclass
class RoundData:
    org_unit: OrgUnit
    programme: Programme | None
    level: str
    year: int | None
    title: str = ""
    notice_no: str = ""
    notice_date: dt.date | None = None
    deadline: dt.date | None = None
    publicity_from: dt.date | None = None
    publicity_to: dt.date | None = None
    quota: int | None = None
    note: str = ""


def validate_round_data(data: RoundData) -> RoundData:
    programme = _check_programme(data.programme, data.org_unit, data.level)
    mine = own_level(data.org_unit)
    if mine is None:
        raise DomainError(
            f"“{data.org_unit.name}”不是地方科协，不能组织评选；请由所在地科协组织。", field="org_unit"
        )
    if LEVEL_RANK[data.level] > LEVEL_RANK[mine]:
        raise DomainError(
            f"“{data.org_unit.name}”是{Level(mine).label}科协，不能组织{Level(data.level).label}评选；"
            f"请由{Level(data.level).label}科协组织。",
            field="level",
        )
    if data.year is None:
        raise DomainError("请填写年度。", field="year")
    this_year = timezone.localdate().year
    if not MIN_YEAR <= data.year <= this_year + 1:
        raise DomainError(f"年度应在{MIN_YEAR}年到{this_year + 1}年之间。", field="year")
    _not_future(data.notice_date, "notice_date", "通知日期")
    if data.notice_date and data.deadline and data.deadline < data.notice_date:
        raise DomainError(
            f"推荐截止日期{day_label(data.deadline)}早于通知日期{day_label(data.notice_date)}。",
            field="deadline",
        )
    if data.publicity_from and data.publicity_to and data.publicity_to < data.publicity_from:
        raise DomainError(
            f"公示截止日期{day_label(data.publicity_to)}早于公示开始日期{day_label(data.publicity_from)}。",
            field="publicity_to",
        )
    if data.quota is not None and data.quota < 1:
        raise DomainError("名额至少为1；按项目规定请留空。", field="quota")
    if data.quota is not None and programme.quota is not None and data.quota > programme.quota:
        raise DomainError(
            f"“{programme.name}”每轮名额至多{programme.quota}名，不能填{data.quota}。", field="quota"
        )
    title = _text(data.title, "title", "轮次名称", 120)
    if not title:
        place = (
            (data.org_unit.short_name or data.org_unit.name).replace("科学技术协会", "").replace("科协", "")
        )
        title = (
            f"{data.year}年度{place}{programme.name}评选"
            if not LEVEL_RANK[data.level] < LEVEL_RANK[mine]
            else f"{data.year}年度{Level(data.level).label}{programme.name}推荐"
        )
    return replace(
        data,
        title=title,
        notice_no=_text(data.notice_no, "notice_no", "通知文号", 80),
        note=_long(data.note, "note", "备注"),
    )


_ROUND_FIELDS = (
    "org_unit", "programme", "level", "year", "title", "notice_no", "notice_date", "deadline",
    "publicity_from", "publicity_to", "quota", "note",
)  # fmt: skip


def _save_round(round_: Round, data: RoundData, actor, reason: str) -> Round:
    clash = Round.objects.filter(
        org_unit=data.org_unit, programme=data.programme, level=data.level, year=data.year
    ).exclude(pk=round_.pk)
    if clash.exists():
        raise DomainError(
            f"“{data.org_unit.name}”已有{data.year}年度{Level(data.level).label}{data.programme.name}的轮次，"
            "每年一轮；请在原轮次中推荐。",
            field="year",
            code="duplicate",
        )
    for name in _ROUND_FIELDS:
        setattr(round_, name, getattr(data, name))
    round_._history_user = actor
    round_._change_reason = reason
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError as exc:
        raise DomainError("这一轮次刚被他人登记，请刷新后核对。", code="duplicate") from exc
    return round_


@transaction.atomic
def round_create(*, access: Access, actor, data: RoundData) -> Round:
    """通知: the organising unit opens a round (its 管理员 or 填报员)."""
    _check_scope(access, data.org_unit, Action.ENTER, Action.MANAGE)
    data = validate_round_data(data)
    return _save_round(Round(created_by=actor), data, actor, "发布通知")


@transaction.atomic
def round_update(*, access: Access, actor, round_: Round, data: RoundData) -> Round:
    _check_scope(access, round_.org_unit, Action.ENTER, Action.MANAGE)
    _check_scope(access, data.org_unit, Action.ENTER, Action.MANAGE)
    if round_.nominations.exists() and (
        data.programme != round_.programme or data.level != round_.level or data.org_unit != round_.org_unit
    ):
        raise DomainError("这一轮次已有推荐人选，不能再改荣誉项目、级别或组织单位。", field="programme")
    data = validate_round_data(data)
    if data.quota is not None:
        taken = round_.nominations.filter(state__in=QUOTA_STATES).count()
        if data.quota < taken:
            raise DomainError(f"本轮已有{taken}名评审通过，名额不能少于{taken}。", field="quota")
    return _save_round(round_, data, actor, "修改")


def round_delete(*, access: Access, actor, round_: Round) -> None:
    _check_scope(access, round_.org_unit, Action.ENTER, Action.MANAGE)
    if round_.nominations.exists():
        raise DomainError("这一轮次已有推荐人选，不能删除。")
    round_._history_user = actor
    round_.delete()


# --------------------------------------------------------------------------- nominations


@dataclass
class NominationData:
    round: Round | None
    org_unit: OrgUnit
    nominee_name: str
    kind: str = RecipientKind.INDIVIDUAL
    nominee_id: str = ""  # as typed: the whole number is fingerprinted, only the mask is kept
    nominee_employer: str = ""
    nominee_title: str = ""
    team_members: str = ""
    category: str = ""
    summary: str = ""
    note: str = ""


def rounds_open_to(unit: OrgUnit):
    """Rounds a unit may nominate in: those organised by the unit or a unit above it."""
    return Round.objects.filter(org_unit__path__in=_ancestor_paths(unit)).select_related(
        "programme", "org_unit"
    )


def _check_kind(programme: Programme, kind: str, field: str = "kind") -> str:
    if kind not in RecipientKind.values:
        raise DomainError(f"推荐对象只能是{'、'.join(RecipientKind.labels)}。", field=field)
    if programme.recipients != Recipients.BOTH and kind != programme.recipients:
        raise DomainError(
            f"“{programme.name}”只授予{Recipients(programme.recipients).label}，不能推荐{RecipientKind(kind).label}。",
            field=field,
        )
    return kind


def validate_nomination_data(data: NominationData) -> NominationData:
    round_ = data.round
    if round_ is None:
        raise DomainError("请选择评选/推荐轮次。", field="round")
    if not rounds_open_to(data.org_unit).filter(pk=round_.pk).exists():
        raise DomainError(
            f"“{round_.title}”由“{round_.org_unit.name}”组织，“{data.org_unit.name}”不在其范围内，不能推荐。",
            field="round",
        )
    kind = _check_kind(round_.programme, data.kind)
    name = _text(data.nominee_name, "nominee_name", "候选人/团队名称", 100, required=True)
    if kind == RecipientKind.INDIVIDUAL and len(name) > 50:
        raise DomainError("候选人姓名不能超过50个字。", field="nominee_name")
    members = _text(data.team_members, "team_members", "团队成员", 300)
    if kind == RecipientKind.TEAM and not split_names(members):
        raise DomainError("团队推荐请填写团队成员姓名（用顿号分隔）。", field="team_members")
    if kind == RecipientKind.INDIVIDUAL and members:
        raise DomainError("个人推荐不填团队成员；推荐团队请把推荐对象选为“团队”。", field="team_members")
    if kind == RecipientKind.TEAM and (data.nominee_id or "").strip():
        raise DomainError("团队推荐不填证件号码。", field="nominee_id")
    return replace(
        data,
        kind=kind,
        nominee_name=name,
        nominee_id=_id_number(data.nominee_id, "nominee_id"),
        nominee_employer=_text(data.nominee_employer, "nominee_employer", "工作单位", 100),
        nominee_title=_text(data.nominee_title, "nominee_title", "职称/职务", 50),
        team_members="、".join(split_names(members)),
        category=_text(data.category, "category", "推荐类别", 50),
        summary=_long(data.summary, "summary", "主要事迹", 5000),
        note=_long(data.note, "note", "备注"),
    )


def _holders(programme: Programme, level: str, *, person: Person | None, team_name: str, exclude_award=None):
    """Awards of `programme` at `level` already held by this person (or team of this name)."""
    qs = Award.objects.filter(programme=programme, level=level).select_related("programme")
    if exclude_award is not None:
        qs = qs.exclude(pk=exclude_award.pk)
    if person is not None:
        same = Q(recipient_rows__person=person)
        if person.id_hash:
            same |= Q(recipient_rows__person__id_hash=person.id_hash)
        return qs.filter(same).distinct()
    return qs.filter(kind=RecipientKind.TEAM, recipient_name=team_name)


def check_repeat(
    programme: Programme, level: str, *, person: Person | None, team_name: str, field: str
) -> None:
    """A programme that excludes repeat awards refuses one who already holds it at this level."""
    if not programme.no_repeat:
        return
    held = _holders(programme, level, person=person, team_name=team_name).first()
    if held is not None:
        who = person.name if person is not None else team_name
        raise DomainError(
            f"{who}已于{held.year}年获得{held.get_level_display()}“{programme.name}”"
            f"（{held.document_no or '编号' + str(held.pk)}），该项目不得重复获得，不能再推荐。",
            field=field,
            code="repeat",
        )


def _apply_nominee(nomination: Nomination, data: NominationData, *, access: Access, actor) -> None:
    unchanged = (
        nomination.pk is not None
        and nomination.nominee_name == data.nominee_name
        and nomination.kind == data.kind
        and (not data.nominee_id or data.nominee_id == nomination.nominee_id)
        and nomination.team_members == data.team_members
    )
    for name in (
        "round", "org_unit", "kind", "nominee_name", "nominee_employer", "nominee_title", "team_members",
        "category", "summary", "note",
    ):  # fmt: skip
        setattr(nomination, name, getattr(data, name))
    if unchanged:
        return
    if data.kind == RecipientKind.INDIVIDUAL:
        person = _find_or_create_person(
            access=access,
            actor=actor,
            org_unit=data.org_unit,
            name=data.nominee_name,
            id_number=data.nominee_id,
            employer=data.nominee_employer,
            title=data.nominee_title,
        )
        nomination.person = person
        nomination.nominee_id = person.id_masked or ""
        nomination.nominee_key = person_key(person)
    else:
        nomination.person = None
        nomination.nominee_id = ""
        nomination.nominee_key = f"t:{data.nominee_name}"[:120]


def person_key(person: Person) -> str:
    """Who a nominee is across units: the ID fingerprint when known (two units may each keep a record of
    the same person), else the person record."""
    return f"i:{person.id_hash}" if person.id_hash else f"p:{person.pk}"


def _set_members(obj, names: str, *, access: Access, actor, org_unit: OrgUnit) -> list[Person]:
    return [
        _find_or_create_person(access=access, actor=actor, org_unit=org_unit, name=name)
        for name in split_names(names)
    ]


def _check_once(nomination: Nomination) -> None:
    other = (
        Nomination.objects.filter(
            round=nomination.round, nominee_key=nomination.nominee_key, state__in=LIVE_STATES
        )
        .exclude(pk=nomination.pk)
        .select_related("org_unit")
        .first()
    )
    if other is not None:
        raise DomainError(
            f"{nomination.nominee_name}已由“{other.org_unit.name}”在本轮推荐（编号{other.pk}，状态：{other.get_state_display()}），"
            "同一人选每轮只推荐一次。",
            field="nominee_name",
            code="duplicate",
        )


def _save_nomination(nomination: Nomination, actor, reason: str) -> Nomination:
    nomination._history_user = actor
    nomination._change_reason = reason
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:
        raise DomainError(
            f"{nomination.nominee_name}刚被他人在本轮推荐，请刷新后核对。", code="duplicate"
        ) from exc
    return nomination


@transaction.atomic
def nomination_create(*, access: Access, actor, data: NominationData) -> Nomination:
    """登记推荐人选 (填报中): the nominating unit then takes 单位推荐 on the record."""
    from kexie.workflows.services import record_start

    _check_scope(access, data.org_unit, Action.ENTER)
    data = validate_nomination_data(data)
    nomination = Nomination(created_by=actor, state=State.DRAFT)
    _apply_nominee(nomination, data, access=access, actor=actor)
    _check_once(nomination)
    check_repeat(
        data.round.programme,
        data.round.level,
        person=nomination.person,
        team_name=nomination.nominee_name,
        field="nominee_name",
    )
    _save_nomination(nomination, actor, "登记推荐人选")
    if data.kind == RecipientKind.TEAM:
        nomination.members.set(
            _set_members(nomination, data.team_members, access=access, actor=actor, org_unit=data.org_unit)
        )
    record_start(access=access, obj=nomination, label="登记推荐人选")
    return nomination


EDITABLE_STATES = (State.DRAFT, State.RETURNED)


@transaction.atomic
def nomination_update(*, access: Access, actor, nomination: Nomination, data: NominationData) -> Nomination:
    """修改 while 填报中 or 已退回 (after 推荐 the record is the organising unit's to judge)."""
    _check_scope(access, nomination.org_unit, Action.ENTER)
    _check_scope(access, data.org_unit, Action.ENTER)
    if nomination.state not in EDITABLE_STATES:
        raise DomainError(f"这条推荐{nomination.get_state_display()}，只有填报中或已退回的推荐可以修改。")
    data = validate_nomination_data(data)
    members_before = nomination.team_members
    _apply_nominee(nomination, data, access=access, actor=actor)
    _check_once(nomination)
    _save_nomination(nomination, actor, "修改")
    if data.kind == RecipientKind.TEAM and data.team_members != members_before:
        nomination.members.set(
            _set_members(nomination, data.team_members, access=access, actor=actor, org_unit=data.org_unit)
        )
    elif data.kind == RecipientKind.INDIVIDUAL:
        nomination.members.clear()
    return nomination


def nomination_delete(*, access: Access, actor, nomination: Nomination) -> None:
    _check_scope(access, nomination.org_unit, Action.ENTER)
    if nomination.state != State.DRAFT:
        raise DomainError("只有填报中的推荐可以删除；已推荐的请“撤回推荐”。")
    nomination._history_user = actor
    nomination.delete()


def _quota_check(nomination: Nomination, tier: str, *, verb: str) -> None:
    """The round's quota and the programme's quota of the tier, counting this nomination."""
    round_ = nomination.round
    taken = Nomination.objects.filter(round=round_, state__in=QUOTA_STATES).exclude(pk=nomination.pk)
    quota = round_.effective_quota
    if quota is not None:
        names = list(taken.values_list("nominee_name", flat=True)[: quota + 1])
        if len(names) >= quota:
            listed = "、".join(names[:5]) + ("等" if len(names) > 5 else "")
            raise DomainError(
                f"“{round_.title}”名额为{quota}名，已有{taken.count()}名评审通过（{listed}），"
                f"不能再{verb}“{nomination.nominee_name}”。",
                field="tier",
                code="quota",
            )
    tier_quota = (round_.programme.tier_quotas or {}).get(tier) if tier else None
    if tier_quota is not None:
        same = taken.filter(tier=tier).count()
        if same >= tier_quota:
            raise DomainError(
                f"“{round_.programme.name}”{Tier(tier).label}每轮至多{tier_quota}名，本轮已有{same}名，"
                f"不能再{verb}“{nomination.nominee_name}”为{Tier(tier).label}。",
                field="tier",
                code="quota",
            )


def on_nomination_transition(*, obj: Nomination, code: str, data: dict, access, log) -> None:
    """The workflow's hook (workflow.py): what a transition does to the nomination. Runs inside the
    transition's transaction; a DomainError refuses the whole transition."""
    actor = _actor(access)
    obj._history_user = actor
    obj._change_reason = log.label
    today = timezone.localdate()
    programme, level = obj.round.programme, obj.round.level
    fields = ["state", "state_changed_at", "updated_at"]
    if code == "recommend":
        check_repeat(programme, level, person=obj.person, team_name=obj.nominee_name, field="nominee_name")
        obj.recommended_on = today
        fields.append("recommended_on")
    elif code == "shortlist":
        tier = _check_tier(programme, data.get("tier") or "")
        if programme.tiers and not tier:
            raise DomainError(f"“{programme.name}”分等次评选，请选择拟授等次。", field="tier")
        _quota_check(obj, tier, verb="评审通过")
        obj.tier = tier
        fields.append("tier")
    elif code == "publicise":
        day = data["publicised_on"]
        _not_future(day, "publicised_on", "公示日期")
        obj.forwarded_on = day
        fields.append("forwarded_on")
    elif code == "select":
        tier = _check_tier(programme, data.get("tier") or obj.tier)
        if programme.tiers and not tier:
            raise DomainError(f"“{programme.name}”分等次，请选择等次。", field="tier")
        _quota_check(obj, tier, verb="确定入选")
        check_repeat(programme, level, person=obj.person, team_name=obj.nominee_name, field="nominee_name")
        decided = data["decided_on"]
        _not_future(decided, "decided_on", "授予日期")
        if obj.forwarded_on and decided < obj.forwarded_on:
            raise DomainError(
                f"授予日期{day_label(decided)}早于公示日期{day_label(obj.forwarded_on)}。", field="decided_on"
            )
        obj.tier, obj.decided_on = tier, decided
        obj.document_no = _text(data["document_no"], "document_no", "结果文号", 80, required=True)
        fields += ["tier", "decided_on", "document_no"]
        obj.save(update_fields=fields)
        _award_from(obj, actor=actor)
        return
    elif code in ("not_select", "reject", "disqualify"):
        obj.decided_on = today
        fields.append("decided_on")
    obj.save(update_fields=fields)


def _award_from(nomination: Nomination, *, actor) -> Award:
    """入选: the award to the nominee, kept by the nominating unit, with the round's level and year."""
    round_ = nomination.round
    award = Award(
        org_unit=nomination.org_unit,
        programme=round_.programme,
        level=round_.level,
        tier=nomination.tier,
        year=round_.year,
        awarded_on=nomination.decided_on,
        issuer=round_.programme.issuer if is_upward(round_) else round_.org_unit.name,
        document_no=nomination.document_no,
        kind=nomination.kind,
        recipient_name=nomination.nominee_name,
        recipient_id=nomination.nominee_id,
        recipient_employer=nomination.nominee_employer,
        team_members=nomination.team_members,
        person=nomination.person,
        nomination=nomination,
        created_by=actor,
    )
    award._history_user = actor
    award._change_reason = "评选结果"
    award.save()
    people_ = [nomination.person] if nomination.person else list(nomination.members.all())
    Recipient.objects.bulk_create([Recipient(award=award, person=p) for p in people_])
    return award


# --------------------------------------------------------------------------- awards (direct entry)


@dataclass
class AwardData:
    org_unit: OrgUnit
    programme: Programme | None
    level: str
    year: int | None
    awarded_on: dt.date | None
    recipient_name: str
    kind: str = RecipientKind.INDIVIDUAL
    tier: str = ""
    issuer: str = ""
    document_no: str = ""
    recipient_id: str = ""
    recipient_employer: str = ""
    team_members: str = ""
    note: str = ""


def validate_award_data(data: AwardData) -> AwardData:
    programme = _check_programme(data.programme, data.org_unit, data.level)
    kind = _check_kind(programme, data.kind)
    tier = _check_tier(programme, data.tier)
    if data.awarded_on is None:
        raise DomainError("请填写授予日期。", field="awarded_on")
    _not_future(data.awarded_on, "awarded_on", "授予日期")
    if data.awarded_on.year < MIN_YEAR:
        raise DomainError(f"授予日期应在{MIN_YEAR}年以后。", field="awarded_on")
    year = data.year if data.year is not None else data.awarded_on.year
    if not data.awarded_on.year - 1 <= year <= data.awarded_on.year:
        raise DomainError(
            f"年度{year}年与授予日期{day_label(data.awarded_on)}不符（年度应为授予当年或上一年）。",
            field="year",
        )
    name = _text(data.recipient_name, "recipient_name", "获奖人/团队", 100, required=True)
    if kind == RecipientKind.INDIVIDUAL and len(name) > 50:
        raise DomainError("获奖人姓名不能超过50个字。", field="recipient_name")
    members = _text(data.team_members, "team_members", "团队成员", 300)
    if kind == RecipientKind.TEAM and not split_names(members):
        raise DomainError("团队获奖请填写团队成员姓名（用顿号分隔）。", field="team_members")
    if kind == RecipientKind.INDIVIDUAL and members:
        raise DomainError("个人获奖不填团队成员；团队获奖请把获奖对象选为“团队”。", field="team_members")
    document_no = _text(data.document_no, "document_no", "文号", 80)
    if not document_no:
        raise DomainError(
            "请填写表彰文件的文号（如“科协发组字〔2023〕12号”），以便核对。", field="document_no"
        )
    return replace(
        data,
        kind=kind,
        tier=tier,
        year=year,
        recipient_name=name,
        recipient_id="" if kind == RecipientKind.TEAM else _id_number(data.recipient_id, "recipient_id"),
        recipient_employer=_text(data.recipient_employer, "recipient_employer", "工作单位", 100),
        team_members="、".join(split_names(members)),
        issuer=_text(data.issuer, "issuer", "授予单位", 100) or programme.issuer,
        document_no=document_no,
        note=_long(data.note, "note", "备注"),
    )


_AWARD_FIELDS = (
    "org_unit", "programme", "level", "tier", "year", "awarded_on", "issuer", "document_no", "kind",
    "recipient_name", "recipient_employer", "team_members", "note",
)  # fmt: skip


def _apply_award(award: Award, data: AwardData, *, access: Access, actor) -> None:
    unchanged = (
        award.pk is not None
        and award.recipient_name == data.recipient_name
        and award.kind == data.kind
        and (not data.recipient_id or data.recipient_id == award.recipient_id)
        and award.team_members == data.team_members
        and award.org_unit_id == data.org_unit.pk
    )
    for name in _AWARD_FIELDS:
        setattr(award, name, getattr(data, name))
    if unchanged:
        award._recipients = None
        return
    if data.kind == RecipientKind.INDIVIDUAL:
        person = _find_or_create_person(
            access=access,
            actor=actor,
            org_unit=data.org_unit,
            name=data.recipient_name,
            id_number=data.recipient_id,
            employer=data.recipient_employer,
        )
        award.person = person
        award.recipient_id = person.id_masked or ""
        award._recipients = [person]
    else:
        award.person = None
        award.recipient_id = ""
        award._recipients = _set_members(
            award, data.team_members, access=access, actor=actor, org_unit=data.org_unit
        )


def _save_award(award: Award, actor, reason: str) -> Award:
    award._history_user = actor
    award._change_reason = reason
    award.save()
    recipients = getattr(award, "_recipients", None)
    if recipients is not None:
        Recipient.objects.filter(award=award).delete()
        Recipient.objects.bulk_create([Recipient(award=award, person=p) for p in recipients])
    return award


@transaction.atomic
def award_create(*, access: Access, actor, data: AwardData) -> Award:
    """直接录入: an award received upward (or before the system) entered with its document; no round."""
    _check_scope(access, data.org_unit, Action.ENTER)
    data = validate_award_data(data)
    award = Award(created_by=actor)
    _apply_award(award, data, access=access, actor=actor)
    # no repeat check here: an award entered directly is recorded as it was granted
    _check_same_award(award)
    return _save_award(award, actor, "直接录入")


def _check_same_award(award: Award) -> None:
    q = Award.objects.filter(
        programme=award.programme, level=award.level, year=award.year, recipient_name=award.recipient_name
    ).exclude(pk=award.pk)
    q = q.filter(person=award.person) if award.person is not None else q.filter(kind=RecipientKind.TEAM)
    if q.exists():
        raise DomainError(
            f"{award.recipient_name}的{award.year}年{award.get_level_display()}“{award.programme.name}”已经登记过，"
            "不必重复登记。",
            field="recipient_name",
            code="duplicate",
        )


@transaction.atomic
def award_update(*, access: Access, actor, award: Award, data: AwardData) -> Award:
    _check_scope(access, award.org_unit, Action.ENTER, Action.MANAGE)
    _check_scope(access, data.org_unit, Action.ENTER, Action.MANAGE)
    data = validate_award_data(data)
    if award.nomination_id is not None and (
        data.programme != award.programme
        or data.level != award.level
        or data.recipient_name != award.recipient_name
    ):
        raise DomainError(
            "这条记录由评选结果生成，荣誉项目、级别和获奖人随推荐记录，不能在这里修改。", field="programme"
        )
    _apply_award(award, data, access=access, actor=actor)
    _check_same_award(award)
    return _save_award(award, actor, "修改")


@transaction.atomic
def award_delete(*, access: Access, actor, award: Award) -> None:
    _check_scope(access, award.org_unit, Action.ENTER, Action.MANAGE)
    if award.nomination_id is not None:
        raise DomainError("这条记录由评选结果生成，不能删除。")
    award._history_user = actor
    award.delete()

"""Writes of the registries. Every rule about a designation or facility lives here; forms only parse.

Messages are Chinese and name the field (`DomainError.field`) so the form, the import (which adds the
row) and the API show the same words. Lifecycle transitions (申报 → 推荐 → 审核 → 认定 …) run on the
shared transition mechanism (kexie.workflows, see `kexie.registries.workflow`); the effects that
change the record's dates (认定, 撤销, 到期) are plain functions here so that both the workflow and the
direct entry of an upward designation use them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.periods import day_label
from kexie.core.text import clean_text, validate_plain_text
from kexie.orgs import regions
from kexie.orgs.models import TERRITORIAL_LEVEL, OrgUnit
from kexie.orgs.models import Level as OrgLevel
from kexie.orgs.scoping import Access, Action, require_covers
from kexie.orgs.validators import validate_region_code
from kexie.registries.models import (
    GRANTED_STATES,
    IN_FORCE_STATES,
    LIVE_STATES,
    MOBILE_KINDS,
    Academy,
    Category,
    Designation,
    Evaluation,
    Expert,
    Facility,
    FacilityKind,
    FacilityTrip,
    Grade,
    HolderKind,
    Level,
    Programme,
    State,
)
from kexie.workflows.services import record_start, transition

MIN_YEAR = 1949


# --------------------------------------------------------------------------- helpers


def _text(value: str | None, field: str, label: str, max_length: int, *, required: bool = False) -> str:
    text = clean_text(value or "")
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字（现有{len(text)}个）。", field=field)
    try:
        validate_plain_text(text)
    except ValidationError as exc:
        raise DomainError(f"{label}{exc.messages[0]}", field=field) from None
    return text


def _note(value: str | None, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise DomainError(f"备注不能超过{max_length}个字（现有{len(text)}个）。", field="note")
    return text


def _region(code: str | None, field: str) -> str:
    code = (code or "").strip()
    if not code:
        return ""
    try:
        validate_region_code(code)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field=field) from None
    return code


def _not_future(day: dt.date | None, field: str, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise DomainError(f"{label}{day_label(day)}还没有到，只能登记已经发生的日期。", field=field)


def _check_scope(access: Access, unit: OrgUnit, *actions: Action, what: str = "填报") -> None:
    require_covers(access, unit, *actions, what=what, records="称号与平台记录")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(granted_on: dt.date, term_years: int) -> dt.date:
    """The last day of a term of `term_years` starting on `granted_on` (5 years from 2021-03-10 → 2026-03-09)."""
    return add_years(granted_on, term_years) - dt.timedelta(days=1)


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    return [unit.path[:i] for i in range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)]


# the org level of the 科协 that grants a designation of each level inside the system
ISSUING_ORG_LEVEL = {
    Level.PROVINCIAL: OrgLevel.PROVINCIAL,
    Level.MUNICIPAL: OrgLevel.PREFECTURE,
    Level.COUNTY: OrgLevel.COUNTY,
}


def issuing_unit(unit: OrgUnit, level: str) -> OrgUnit | None:
    """The territorial 科协 at or above `unit` that grants designations of `level` (None for 国家级)."""
    org_level = ISSUING_ORG_LEVEL.get(level)
    if org_level is None:
        return None
    return OrgUnit.objects.filter(
        path__in=_ancestor_paths(unit), level=org_level, org_type__in=list(TERRITORIAL_LEVEL)
    ).first()


def _default_issuer(data, programme) -> str:
    """Who grants it when the form leaves 认定单位 empty: the issuing 科协 in the tree (a 市级 title is
    granted by the city), the programme's national issuer for 国家级, else nothing (never a wrong name)."""
    unit = issuing_unit(data.org_unit, data.level)
    if unit is not None:
        return unit.name
    return programme.issuer if data.level == Level.NATIONAL else ""


# --------------------------------------------------------------------------- programmes


def programmes_usable_by(unit: OrgUnit):
    """Programmes a unit may use: the built-in ones and the local ones of the unit or its ancestors."""
    return Programme.objects.filter(Q(org_unit__isnull=True) | Q(org_unit__path__in=_ancestor_paths(unit)))


@dataclass
class ProgrammeData:
    org_unit: OrgUnit
    code: str
    name: str
    category: str
    levels: list[str]
    issuer: str = ""
    term_years: int | None = None
    first_year: int | None = None
    last_year: int | None = None
    description: str = ""
    is_active: bool = True


@transaction.atomic
def programme_create(*, access: Access, actor, data: ProgrammeData) -> Programme:
    """A 管理员 adds a local programme for its unit; the whole subtree may use it."""
    _check_scope(access, data.org_unit, Action.MANAGE, what="管理")
    code = (data.code or "").strip()
    if not code or not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        raise DomainError("代码只能由字母、数字、横线和下划线组成。", field="code")
    if Programme.objects.filter(code=code).exists():
        raise DomainError(f"代码“{code}”已被使用，请换一个。", field="code")
    name = _text(data.name, "name", "名称", 60, required=True)
    if programmes_usable_by(data.org_unit).filter(name=name).exists():
        raise DomainError(f"已有名为“{name}”的称号/平台项目，可直接使用。", field="name")
    if data.category not in Category.values:
        raise DomainError(f"类别只能是{'、'.join(Category.labels)}。", field="category")
    raw = set(data.levels or [])
    levels = [lv for lv in Level.values if lv in raw]
    if not levels or len(levels) != len(raw):
        raise DomainError(f"请选择设立级别（{'、'.join(Level.labels)}中的一个或几个）。", field="levels")
    if data.term_years is not None and not 1 <= data.term_years <= 20:
        raise DomainError("有效期应为1到20年；长期有效请留空。", field="term_years")
    if data.first_year and data.last_year and data.last_year < data.first_year:
        raise DomainError("截止年份不能早于起始年份。", field="last_year")
    programme = Programme.objects.create(
        code=code,
        name=name,
        category=data.category,
        levels=levels,
        issuer=_text(data.issuer, "issuer", "通常认定单位", 100),
        term_years=data.term_years,
        first_year=data.first_year,
        last_year=data.last_year,
        description=_note(data.description),
        is_active=data.is_active,
        org_unit=data.org_unit,
        sort_order=1000,
    )
    return programme


# --------------------------------------------------------------------------- designations


@dataclass
class DesignationData:
    """A designation's fields as entered. `holder_unit` or (`holder_name`, `holder_kind`) names the holder."""

    org_unit: OrgUnit
    programme: Programme | None
    level: str
    holder_unit: OrgUnit | None = None
    holder_kind: str = ""
    holder_name: str = ""
    holder_region_code: str = ""
    holder_address: str = ""
    national_category: str = ""
    issuer: str = ""
    batch: str = ""
    document_no: str = ""
    applied_on: dt.date | None = None
    granted_on: dt.date | None = None
    valid_until: dt.date | None = None
    note: str = ""


def validate_designation_data(data: DesignationData, *, granted: bool) -> DesignationData:
    """The cleaned data, or DomainError naming the field. `granted`: the record is (to be) 认定."""
    programme = data.programme
    if programme is None:
        raise DomainError("请选择称号/平台。", field="programme")
    if not programmes_usable_by(data.org_unit).filter(pk=programme.pk).exists():
        raise DomainError(
            f"“{programme.name}”是{programme.org_unit.name if programme.org_unit else '其他单位'}设立的本地项目，"
            f"“{data.org_unit.name}”不能使用。",
            field="programme",
        )
    if data.level not in Level.values:
        raise DomainError(f"级别只能是{'、'.join(Level.labels)}。", field="level")
    if data.level not in programme.levels:
        raise DomainError(
            f"“{programme.name}”没有{Level(data.level).label}，可选：{'、'.join(programme.level_labels)}。",
            field="level",
        )
    # holder
    if data.holder_unit is not None:
        holder_kind = HolderKind.ORG_UNIT
        holder_name = data.holder_unit.name
        holder_region = data.holder_unit.region_code
    else:
        holder_kind = data.holder_kind
        if holder_kind not in HolderKind.values or holder_kind == HolderKind.ORG_UNIT:
            kinds = "、".join(k.label for k in HolderKind if k != HolderKind.ORG_UNIT)
            raise DomainError(
                f"请选择承担单位（科协组织），或填写外部单位的类型（{kinds}）。", field="holder_kind"
            )
        holder_name = _text(data.holder_name, "holder_name", "承担单位名称", 200, required=True)
        holder_region = _region(data.holder_region_code, "holder_region_code")
    address = _text(data.holder_address, "holder_address", "承担单位地址", 200)
    # category
    category = (data.national_category or "").strip()
    if category:
        if data.level != Level.NATIONAL or not programme.national_categories:
            raise DomainError(
                f"只有国家级{programme.name}填写国家级分类；请清空。"
                if programme.national_categories
                else f"“{programme.name}”没有国家级分类；请清空。",
                field="national_category",
            )
        if category not in programme.national_categories:
            raise DomainError(
                f"国家级分类“{category}”无效，可选：{'、'.join(programme.national_categories)}。",
                field="national_category",
            )
    # dates
    applied_on, granted_on, valid_until = data.applied_on, data.granted_on, data.valid_until
    _not_future(applied_on, "applied_on", "申报日期")
    _not_future(granted_on, "granted_on", "认定日期")
    if granted and granted_on is None:
        raise DomainError("已认定的称号须填写认定日期。", field="granted_on")
    if not granted and (granted_on or (data.document_no or "").strip()):
        raise DomainError("申报中的记录不填认定日期和文号；认定时再填写。", field="granted_on")
    document_no = _text(data.document_no, "document_no", "文号", 80)
    if granted and not document_no:
        raise DomainError(
            "已认定的称号须填写认定文件的文号（如“皖科协发〔2023〕12号”）。", field="document_no"
        )
    if applied_on and granted_on and applied_on > granted_on:
        raise DomainError(
            f"申报日期{day_label(applied_on)}晚于认定日期{day_label(granted_on)}，请核对。",
            field="applied_on",
        )
    day = granted_on or applied_on or timezone.localdate()
    if granted_on is not None and granted_on.year < MIN_YEAR:
        raise DomainError(f"认定日期应在{MIN_YEAR}年以后。", field="granted_on")
    if not programme.is_active and (granted_on is None or not granted):
        raise DomainError(f"“{programme.name}”已停用，不能再申报。", field="programme")
    if not programme.valid_in(day.year):
        first, last = programme.first_year, programme.last_year
        span = (
            f"{first}年至{last}年" if first and last else (f"{first}年以后" if first else f"{last}年及以前")
        )
        raise DomainError(
            f"“{programme.name}”只在{span}有效，{day.year}年不能{'认定' if granted_on else '申报'}。",
            field="programme",
        )
    if valid_until is not None and granted_on is not None and valid_until < granted_on:
        raise DomainError(
            f"有效期至{day_label(valid_until)}早于认定日期{day_label(granted_on)}，请核对。",
            field="valid_until",
        )
    if programme.term_years and granted_on is not None:
        longest = term_end(granted_on, programme.term_years)
        if valid_until is None:
            valid_until = longest
        elif valid_until > longest:
            raise DomainError(
                f"“{programme.name}”有效期为{programme.term_years}年，自{day_label(granted_on)}认定最长到"
                f"{day_label(longest)}，不能填{day_label(valid_until)}。",
                field="valid_until",
            )
    return replace(
        data,
        holder_kind=holder_kind,
        holder_name=holder_name,
        holder_region_code=holder_region,
        holder_address=address,
        national_category=category,
        issuer=_text(data.issuer, "issuer", "认定单位", 100) or _default_issuer(data, programme),
        batch=_text(data.batch, "batch", "批次", 60),
        document_no=document_no,
        valid_until=valid_until,
        note=_note(data.note),
    )


FIELDS = (
    "org_unit",
    "programme",
    "level",
    "holder_unit",
    "holder_kind",
    "holder_name",
    "holder_region_code",
    "holder_address",
    "national_category",
    "issuer",
    "batch",
    "document_no",
    "applied_on",
    "granted_on",
    "valid_until",
    "note",
)


def county_code(region_code: str | None) -> str | None:
    """The county-level region (6 digits) a region code lies in: 340822 and 340822103000 → 340822;
    None for a province or prefecture (340000, 340800) or no code."""
    code = (region_code or "").strip()
    if len(code) < 6:
        return None
    six = code[:6]
    try:
        region = regions.lookup(six)
    except regions.RegionDataMissing:
        return None if six.endswith("00") else six
    return six if region is not None and region.level == 3 else None


def holder_county(data: DesignationData) -> str | None:
    """Where the holder lies, at county level: its region code, or (an org unit holder without one)
    the nearest unit above it with a county-level code."""
    found = county_code(data.holder_region_code)
    if found is None and data.holder_unit is not None and not data.holder_region_code:
        above = OrgUnit.objects.filter(path__in=_ancestor_paths(data.holder_unit)).exclude(region_code="")
        for unit in sorted(above, key=lambda u: -len(u.path)):
            found = county_code(unit.region_code)
            if found is not None:
                break
    return found


def _apply(designation: Designation, data: DesignationData) -> None:
    for name in FIELDS:
        setattr(designation, name, getattr(data, name))
    designation.holder_county_code = holder_county(data)
    designation.issuer_unit = issuing_unit(data.org_unit, data.level)
    designation.holder_key = Designation.key_for(
        data.holder_unit.pk if data.holder_unit else None, data.holder_name, data.holder_region_code
    )
    designation.ends_on = designation.compute_ends_on()


def _check_duplicate(designation: Designation) -> None:
    """At most one live designation per holder, programme and level; one whose term is over is put to 到期."""
    others = Designation.objects.filter(
        holder_key=designation.holder_key,
        programme=designation.programme,
        level=designation.level,
        state__in=LIVE_STATES,
    ).exclude(pk=designation.pk)
    today = timezone.localdate()
    for other in others.select_related("programme"):
        if other.state in GRANTED_STATES and other.ends_on is not None and other.ends_on < today:
            _set_expired(other)
            continue
        when = f"{other.granted_on.year}年认定，" if other.granted_on else ""
        raise DomainError(
            f"“{other.holder_name}”已有一条{other.get_level_display()}{other.programme.name}记录"
            f"（{when}状态：{other.get_state_display()}，编号{other.pk}）；同一单位同一称号同一级别只能有一条"
            "在办或有效的记录。续期请在原记录上办理。",
            field="holder_name" if designation.holder_unit_id is None else "holder_unit",
            code="duplicate",
        )


def _save(designation: Designation, actor, reason: str) -> Designation:
    designation._history_user = actor
    designation._change_reason = reason
    try:
        with transaction.atomic():
            designation.save()
    except IntegrityError as exc:  # a concurrent save of the same holder, programme and level
        raise DomainError(
            f"“{designation.holder_name}”的这条{designation.programme.name}记录刚被他人登记，请刷新后核对。",
            code="duplicate",
        ) from exc
    return designation


@transaction.atomic
def designation_create(*, access: Access, actor, data: DesignationData, granted: bool = False) -> Designation:
    """登记: an application (草稿, to be submitted through the workflow) or, with `granted`, the entry of a
    designation already granted (e.g. 国家级 issued outside the system) with its 文号 and date (已认定)."""
    _check_scope(access, data.org_unit, Action.ENTER)
    if data.holder_unit is not None and not access.covers(data.holder_unit, Action.VIEW):
        raise PermissionDeniedError(f"承担单位“{data.holder_unit.name}”不在您的范围内。")
    data = validate_designation_data(data, granted=granted)
    designation = Designation(created_by=actor, state=State.GRANTED if granted else State.DRAFT)
    _apply(designation, data)
    _check_issuer(designation, granted=granted)
    _check_duplicate(designation)
    _save(designation, actor, "直接录入认定" if granted else "登记申报")
    if granted:
        record_start(
            access=access,
            obj=designation,
            label="直接录入认定",
            data={"document_no": designation.document_no, "granted_on": designation.granted_on},
        )
    else:
        record_start(access=access, obj=designation, label="登记申报")
    return designation


def _check_issuer(designation: Designation, *, granted: bool) -> None:
    """An application goes to the issuing 科协 inside the system; 国家级 ones are entered once granted."""
    if granted or designation.issuer_unit_id is not None:
        return
    level = designation.get_level_display()
    if designation.level == Level.NATIONAL:
        raise DomainError(
            "国家级称号由系统外单位认定，请在取得认定文件后按“已认定”录入（填写文号和认定日期）。",
            field="level",
        )
    raise DomainError(
        f"“{designation.org_unit.name}”没有上级{level}科协可以认定{level}{designation.programme.name}，"
        "请核对级别或管理单位。",
        field="level",
    )


@transaction.atomic
def designation_update(
    *, access: Access, actor, designation: Designation, data: DesignationData
) -> Designation:
    """修改 a designation's fields (not its state: that moves only through the workflow)."""
    _check_scope(access, designation.org_unit, Action.ENTER, Action.MANAGE)
    _check_scope(access, data.org_unit, Action.ENTER, Action.MANAGE)
    if designation.state in (State.REVOKED, State.EXPIRED):
        raise DomainError(f"这条记录{designation.get_state_display()}，不能再修改。")
    data = validate_designation_data(data, granted=designation.state in GRANTED_STATES)
    first_grade = designation.evaluations.order_by("year").values_list("year", flat=True).first()
    if first_grade is not None and data.granted_on and data.granted_on.year > first_grade:
        raise DomainError(
            f"已有{first_grade}年度评估，认定日期不能改到{data.granted_on.year}年。", field="granted_on"
        )
    _apply(designation, data)
    _check_issuer(designation, granted=designation.state in GRANTED_STATES)
    _check_duplicate(designation)
    return _save(designation, actor, "修改")


# the states in which a designation may be deleted: an application never sent on, or sent back
DELETABLE_STATES = (State.DRAFT, State.RETURNED)


@transaction.atomic
def designation_delete(*, access: Access, actor, designation: Designation) -> None:
    """删除 an application that was never granted (草稿, 已退回); its history and lifecycle log stay.
    A granted designation is 撤销 (from a date, with a reason), never deleted: the figures of the
    years it was in force must not change."""
    _check_scope(access, designation.org_unit, Action.ENTER, what="删除")
    state = designation.get_state_display()
    if designation.state in GRANTED_STATES:
        raise DomainError(
            f"这条记录{state}，不能删除：已认定的称号和平台请在记录页办理“撤销”（填写撤销日期和原因，"
            "自撤销日期起不再计入统计，历年数字和变更历史保留）。"
        )
    if designation.state not in DELETABLE_STATES:
        hint = (
            "申报正在推荐或审核中，如需放弃请“撤回申请”"
            if designation.state in LIVE_STATES
            else "已办结的记录保留备查"
        )
        raise DomainError(f"这条记录{state}，只有草稿和已退回的申报可以删除；{hint}。")
    designation._history_user = actor
    designation._change_reason = "删除"
    designation.delete()


@transaction.atomic
def facility_delete(*, access: Access, actor, facility: Facility) -> None:
    """删除 a facility entered by mistake (its history stays). One with 巡展/下乡 records is refused:
    those are counted; a facility no longer in use gets its 停用日期 instead."""
    _check_scope(access, facility.org_unit, Action.ENTER, what="删除")
    trips = facility.trips.count()
    if trips:
        raise DomainError(
            f"“{facility.name}”已有{trips}条巡展/下乡记录，删除会改变已统计的数字，不能删除；"
            "不再使用的设施请填写停用日期。"
        )
    facility._history_user = actor
    facility._change_reason = "删除"
    facility.delete()


def apply_grant(designation: Designation, *, granted_on: dt.date, document_no: str, valid_until=None) -> None:
    """The effect of 认定: dates, 文号 and term (the state is set by the caller / the workflow)."""
    _not_future(granted_on, "granted_on", "认定日期")
    document_no = _text(document_no, "document_no", "文号", 80, required=True)
    if designation.applied_on and granted_on < designation.applied_on:
        raise DomainError(
            f"认定日期{day_label(granted_on)}早于申报日期{day_label(designation.applied_on)}。",
            field="granted_on",
        )
    data = DesignationData(
        **{name: getattr(designation, name) for name in FIELDS if name not in ("granted_on", "document_no")},
        granted_on=granted_on,
        document_no=document_no,
    )
    if valid_until is not None:
        data.valid_until = valid_until
    data = validate_designation_data(data, granted=True)
    _apply(designation, data)


def apply_revocation(designation: Designation, *, revoked_on: dt.date, reason: str) -> None:
    """The effect of 撤销 on a date: not in force from that day on (ends_on = the day before)."""
    reason = _text(reason, "reason", "撤销原因", 300, required=True)
    _not_future(revoked_on, "revoked_on", "撤销日期")
    if designation.granted_on and revoked_on <= designation.granted_on:
        raise DomainError(
            f"撤销日期{day_label(revoked_on)}应晚于认定日期{day_label(designation.granted_on)}。",
            field="revoked_on",
        )
    designation.revoked_on = revoked_on
    designation.revocation_reason = reason
    designation.ends_on = designation.compute_ends_on()


def _set_expired(designation: Designation) -> None:
    transition(
        access=None, obj=designation, code="expire", reason=f"有效期至{day_label(designation.ends_on)}"
    )


@transaction.atomic
def designations_expire_due(*, today: dt.date | None = None) -> int:
    """到期: designations in force whose last day has passed are marked 已到期 (run daily; idempotent).

    The count of a stock never depends on this: it reads the dates. The state is for lists and for
    the one-live rule."""
    today = today or timezone.localdate()
    due = Designation.objects.filter(state__in=IN_FORCE_STATES, ends_on__lt=today, revoked_on__isnull=True)
    n = 0
    for designation in due:
        _set_expired(designation)
        n += 1
    return n


def on_designation_transition(*, obj: Designation, code: str, data: dict, access, log) -> None:
    """The workflow's hook (kexie.registries.workflow): what a transition does to the record's fields.

    Runs inside the transition's transaction; a DomainError refuses the whole transition."""
    actor = None
    if access is not None and access.user_id is not None:
        from django.contrib.auth import get_user_model

        actor = get_user_model().objects.filter(pk=access.user_id).first()
    obj._history_user = actor
    obj._change_reason = log.label
    if code == "submit":
        obj.applied_on = timezone.localdate()  # (re)submitted today
        obj.save(update_fields=["applied_on", "state", "state_changed_at", "updated_at"])
    elif code == "grant":
        apply_grant(
            obj,
            granted_on=data["granted_on"],
            document_no=data["document_no"],
            valid_until=data.get("valid_until"),
        )
        _check_duplicate(obj)
        obj.save()
    elif code in ("revoke", "recheck_fail"):  # 复核不通过 is a 撤销 with the re-examination's reason
        apply_revocation(obj, revoked_on=data["revoked_on"], reason=log.reason)
        if obj.issuer_unit_id is not None and access is not None and access.active is not None:
            if access.active.unit_id != obj.issuer_unit_id:
                raise PermissionDeniedError(
                    f"这条{obj.get_level_display()}{obj.programme.name}由“{obj.issuer_unit.name}”认定，"
                    "须由认定单位的管理员撤销。"
                )
        obj.save()
    else:
        obj.save(update_fields=["state", "state_changed_at", "updated_at"])


# --------------------------------------------------------------------------- evaluations


@transaction.atomic
def evaluation_record(
    *,
    access: Access,
    actor,
    designation: Designation,
    year: int | None,
    grade: str,
    note: str = "",
    evaluated_on: dt.date | None = None,
) -> Evaluation:
    """年度评估: one grade per designation and year, never for a year before the designation."""
    _check_scope(access, designation.org_unit, Action.ENTER, Action.MANAGE, Action.REVIEW, what="评估")
    if designation.state not in GRANTED_STATES or designation.granted_on is None:
        raise DomainError(
            f"这条记录{designation.get_state_display()}，尚未认定，不能录入年度评估。", field="year"
        )
    if year is None:
        raise DomainError("请填写评估年度。", field="year")
    if grade not in Grade.values:
        raise DomainError(f"评估等级只能是{'、'.join(Grade.labels)}。", field="grade")
    _check_grade_year(year, designation.granted_on, designation.ends_on, field="year")
    _not_future(evaluated_on, "evaluated_on", "评估日期")
    existing = designation.evaluations.filter(year=year).first()
    if existing is not None:
        raise DomainError(
            f"{year}年度已有评估（{existing.get_grade_display()}），每年只评一次；如需更正请修改原评估。",
            field="year",
            code="duplicate",
        )
    evaluation = Evaluation(
        designation=designation,
        year=year,
        grade=grade,
        note=_text(note, "note", "评估意见", 500),
        evaluated_on=evaluated_on,
        created_by=actor,
    )
    evaluation._history_user = actor
    evaluation.save()
    _refresh_latest_grade(designation, actor)
    return evaluation


@transaction.atomic
def evaluation_update(
    *, access: Access, actor, evaluation: Evaluation, grade: str, note: str = ""
) -> Evaluation:
    designation = evaluation.designation
    _check_scope(access, designation.org_unit, Action.ENTER, Action.MANAGE, Action.REVIEW, what="评估")
    if grade not in Grade.values:
        raise DomainError(f"评估等级只能是{'、'.join(Grade.labels)}。", field="grade")
    evaluation.grade = grade
    evaluation.note = _text(note, "note", "评估意见", 500)
    evaluation._history_user = actor
    evaluation._change_reason = "修改评估"
    evaluation.save()
    _refresh_latest_grade(designation, actor)
    return evaluation


def _check_grade_year(year: int, granted_on: dt.date, ends_on: dt.date | None, *, field: str) -> None:
    """A yearly grade is for a year the designation was in force: not before it was granted, not
    after it ended, not in the future."""
    if year < granted_on.year:
        raise DomainError(
            f"评估年度{year}年早于认定年份{granted_on.year}年（{day_label(granted_on)}认定），不能录入。",
            field=field,
        )
    if year > timezone.localdate().year:
        raise DomainError(f"{year}年度还没有到，不能录入评估。", field=field)
    if ends_on is not None and year > ends_on.year:
        raise DomainError(f"这条记录{day_label(ends_on)}已终止，不能录入{year}年度评估。", field=field)


GRADE_LABELS = "、".join(Grade.labels)


def validate_grade_entry(
    *, year: int | None, grade: str, granted_on: dt.date | None, ends_on: dt.date | None
) -> None:
    """评估年度 + 评估等级 given with a designation (a row of an imported list): both or neither, a
    known grade, a year in force. Fields are the declaration's (latest_grade_year, latest_grade)."""
    grade = (grade or "").strip()
    if year is None and not grade:
        return
    if not grade:
        raise DomainError(
            f"填写了评估年度{year}年，请同时填写评估等级（{GRADE_LABELS}）。", field="latest_grade"
        )
    if grade not in Grade.values:
        raise DomainError(f"评估等级“{grade}”无效，只能是{GRADE_LABELS}。", field="latest_grade")
    if year is None:
        raise DomainError(
            f"填写了评估等级“{Grade(grade).label}”，请同时填写评估年度（如 2024）。",
            field="latest_grade_year",
        )
    if granted_on is None:
        raise DomainError("尚未认定的记录不能填写年度评估。", field="latest_grade_year")
    _check_grade_year(year, granted_on, ends_on, field="latest_grade_year")


@transaction.atomic
def evaluation_set(
    *, access: Access, actor, designation: Designation, year: int | None, grade: str
) -> Evaluation | None:
    """The grade of one year as a list gives it (import): created, corrected when it differs, left
    alone when it is the same; nothing when the row has no grade."""
    validate_grade_entry(
        year=year, grade=grade, granted_on=designation.granted_on, ends_on=designation.ends_on
    )
    if year is None:
        return None
    existing = designation.evaluations.filter(year=year).first()
    if existing is None:
        return evaluation_record(access=access, actor=actor, designation=designation, year=year, grade=grade)
    if existing.grade != grade:
        return evaluation_update(
            access=access, actor=actor, evaluation=existing, grade=grade, note=existing.note
        )
    return existing


def _refresh_latest_grade(designation: Designation, actor) -> None:
    latest = designation.evaluations.order_by("-year").first()
    designation.latest_grade = latest.grade if latest else ""
    designation.latest_grade_year = latest.year if latest else None
    designation._history_user = actor
    designation._change_reason = f"{latest.year}年度评估" if latest else "评估"
    designation.save(update_fields=["latest_grade", "latest_grade_year", "updated_at"])


# --------------------------------------------------------------------------- experts (院士专家工作站)


@transaction.atomic
def expert_add(
    *,
    access: Access,
    actor,
    designation: Designation,
    name: str,
    academy: str = Academy.OTHER,
    is_retired: bool = False,
    joined_on: dt.date | None = None,
) -> Expert:
    """进站: an academician holds at most the programme's cap of stations (在职1个, 退休3个)."""
    _check_scope(access, designation.org_unit, Action.ENTER)
    name = _text(name, "name", "姓名", 50, required=True)
    if academy not in Academy.values:
        raise DomainError(f"院士所属只能是{'、'.join(Academy.labels)}。", field="academy")
    caps = designation.programme.expert_caps or {}
    if academy != Academy.OTHER and caps:
        cap = caps.get("retired" if is_retired else "serving")
        held = (
            Expert.objects.filter(
                name=name,
                academy=academy,
                left_on__isnull=True,
                designation__programme__expert_caps__isnull=False,
                designation__state__in=LIVE_STATES,
            )
            .exclude(designation=designation)
            .select_related("designation")
        )
        stations = [e.designation.holder_name for e in held]
        if cap is not None and len(stations) >= cap:
            status = "退休" if is_retired else "在职"
            raise DomainError(
                f"{Academy(academy).label}院士{name}已受聘于{'、'.join(f'“{s}”' for s in stations)}，"
                f"{status}院士至多受聘{cap}个工作站。",
                field="name",
            )
    if designation.experts.filter(name=name, academy=academy, left_on__isnull=True).exists():
        raise DomainError(f"{name}已在本站，不必重复登记。", field="name")
    expert = Expert(
        designation=designation, name=name, academy=academy, is_retired=is_retired, joined_on=joined_on
    )
    expert._history_user = actor
    expert.save()
    return expert


# --------------------------------------------------------------------------- facilities


@dataclass
class FacilityData:
    org_unit: OrgUnit
    kind: str
    name: str
    region_code: str = ""
    address: str = ""
    area_m2: int | None = None
    is_standard: bool = False
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    note: str = ""


def validate_facility_data(data: FacilityData) -> FacilityData:
    if data.kind not in FacilityKind.values:
        raise DomainError(f"设施类型只能是{'、'.join(FacilityKind.labels)}。", field="kind")
    name = _text(data.name, "name", "名称", 200, required=True)
    _not_future(data.opened_on, "opened_on", "启用日期")
    if data.opened_on and data.closed_on and data.closed_on <= data.opened_on:
        raise DomainError(
            f"停用日期{day_label(data.closed_on)}应晚于启用日期{day_label(data.opened_on)}。",
            field="closed_on",
        )
    if data.area_m2 is not None and data.area_m2 < 0:
        raise DomainError("面积不能为负数。", field="area_m2")
    return replace(
        data,
        name=name,
        region_code=_region(data.region_code, "region_code"),
        address=_text(data.address, "address", "地址", 200),
        note=_note(data.note),
    )


def _save_facility(facility: Facility, data: FacilityData, actor, reason: str) -> Facility:
    clash = Facility.objects.filter(org_unit=data.org_unit, kind=data.kind, name=data.name).exclude(
        pk=facility.pk
    )
    if clash.exists():
        raise DomainError(
            f"“{data.org_unit.name}”已有名为“{data.name}”的{FacilityKind(data.kind).label}。", field="name"
        )
    if facility.pk and data.kind not in MOBILE_KINDS and facility.trips.exists():
        raise DomainError("这个设施已有巡展/下乡记录，类型只能是流动科技馆或科普大篷车。", field="kind")
    for name in (
        "org_unit",
        "kind",
        "name",
        "region_code",
        "address",
        "area_m2",
        "is_standard",
        "opened_on",
        "closed_on",
        "note",
    ):
        setattr(facility, name, getattr(data, name))
    facility._history_user = actor
    facility._change_reason = reason
    facility.save()
    return facility


@transaction.atomic
def facility_create(*, access: Access, actor, data: FacilityData) -> Facility:
    _check_scope(access, data.org_unit, Action.ENTER)
    data = validate_facility_data(data)
    return _save_facility(Facility(created_by=actor), data, actor, "登记")


@transaction.atomic
def facility_update(*, access: Access, actor, facility: Facility, data: FacilityData) -> Facility:
    _check_scope(access, facility.org_unit, Action.ENTER)
    _check_scope(access, data.org_unit, Action.ENTER)
    data = validate_facility_data(data)
    return _save_facility(facility, data, actor, "修改")


@dataclass
class TripData:
    place: str
    start_on: dt.date | None
    end_on: dt.date | None
    region_code: str = ""
    host_unit: OrgUnit | None = None
    visitors: int | None = None
    events: int | None = None
    distance_km: int | None = None
    note: str = ""


@transaction.atomic
def trip_create(*, access: Access, actor, facility: Facility, data: TripData) -> FacilityTrip:
    """巡展/下乡: a stop of a mobile facility; two stops of one facility never overlap."""
    _check_scope(access, facility.org_unit, Action.ENTER)
    if facility.kind not in MOBILE_KINDS:
        raise DomainError(
            f"“{facility.name}”是{facility.get_kind_display()}；只有流动科技馆和科普大篷车登记巡展/下乡。",
            field="facility",
        )
    place = _text(data.place, "place", "地点", 200, required=True)
    if data.start_on is None:
        raise DomainError("请填写开始日期。", field="start_on")
    if data.end_on is None:
        raise DomainError("请填写结束日期。", field="end_on")
    if data.end_on < data.start_on:
        raise DomainError(
            f"结束日期{day_label(data.end_on)}早于开始日期{day_label(data.start_on)}。", field="end_on"
        )
    if facility.opened_on and data.start_on < facility.opened_on:
        raise DomainError(f"开始日期早于设施启用日期{day_label(facility.opened_on)}。", field="start_on")
    if facility.closed_on and data.end_on >= facility.closed_on:
        raise DomainError(f"结束日期不早于设施停用日期{day_label(facility.closed_on)}。", field="end_on")
    if data.host_unit is not None and not access.covers(data.host_unit, Action.VIEW):
        raise PermissionDeniedError(f"接待单位“{data.host_unit.name}”不在您的范围内。")
    for field, label in (("visitors", "参观人次"), ("events", "活动次数"), ("distance_km", "行驶里程")):
        value = getattr(data, field)
        if value is not None and value < 0:
            raise DomainError(f"{label}不能为负数。", field=field)
    overlap = facility.trips.filter(start_on__lte=data.end_on, end_on__gte=data.start_on).first()
    if overlap is not None:
        raise DomainError(
            f"与{day_label(overlap.start_on)}至{day_label(overlap.end_on)}在“{overlap.place}”的巡展时间重叠，"
            "同一设施不能同时在两地。",
            field="start_on",
        )
    trip = FacilityTrip(
        facility=facility,
        place=place,
        host_unit=data.host_unit,
        region_code=_region(data.region_code, "region_code"),
        start_on=data.start_on,
        end_on=data.end_on,
        visitors=data.visitors,
        events=data.events,
        distance_km=data.distance_km,
        note=_text(data.note, "note", "备注", 300),
    )
    trip._history_user = actor
    trip.save()
    return trip

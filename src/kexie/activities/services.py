"""Writes of activities and their attachments. Every rule about an activity lives here; forms and the
spreadsheet import call `validate_activity_data` for their messages and these services to write.

History: each create, change, deletion and restore leaves exactly one django-simple-history record
that carries the actor, a reason and the target groups and co-organisers as they were at that moment
(simple-history would otherwise write one record per many-to-many change, and none of the
many-to-many rows at deletion time).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.text import clean_text, validate_plain_text
from kexie.orgs import validators
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, subtree_q
from kexie.registries.models import Facility

MIN_YEAR = 1990
MAX_COUNT = 2_000_000_000  # person-times: far above any real event, below the column's limit
MAX_VIEWS = 10**12
MAX_DESCRIPTION = 5000
COUNT_FIELDS = {
    "participants": "参与人次",
    "online_views": "线上浏览量",
    "sci_workers": "参与科技工作者人次",
    "volunteers": "参与志愿者人次",
    "beneficiaries": "受益人数",
    "materials_copies": "发放科普资料（份/册）",
    "materials_kinds": "科普资料种类",
}
MAX_SESSIONS = 1000  # sessions of one event (分场、报告、工作坊)
MAX_EDITION = 1000
MAX_MATERIAL_KINDS = 10000
# A campaign renamed or replaced by law: which one to pick instead, outside its years.
CAMPAIGN_SUCCESSORS = {"science_day": "science_month"}
CAMPAIGN_PREDECESSORS = {v: k for k, v in CAMPAIGN_SUCCESSORS.items()}

M2M_FIELDS = {"target_groups": "targetgroup", "co_organisers": "orgunit"}


@dataclass
class ActivityData:
    """The editable fields of an activity, already parsed (forms and imports both produce this)."""

    title: str
    activity_type: ActivityType | None
    org_unit: OrgUnit | None
    start_date: dt.date | None
    end_date: dt.date | None = None  # empty: a one-day activity
    campaign: Campaign | None = None
    venue: str = ""
    region_code: str = ""
    mode: str = Activity.Mode.OFFLINE
    participants: int = 0
    online_views: int = 0
    sci_workers: int = 0
    volunteers: int = 0
    beneficiaries: int = 0  # distinct people (人), not person-times
    sessions: int = 1
    series: str | None = None  # None: not part of a series
    edition: int | None = None
    materials_copies: int = 0
    materials_kinds: int = 0
    facility: Facility | None = None  # the venue or mobile unit that held it
    is_key: bool = False
    description: str = ""
    status: str = Activity.Status.HELD
    target_groups: list[TargetGroup] = field(default_factory=list)
    co_organisers: list[OrgUnit] = field(default_factory=list)

    @classmethod
    def from_activity(cls, activity: Activity) -> ActivityData:
        return cls(
            **{name: getattr(activity, name) for name in SCALAR_FIELDS},
            target_groups=list(activity.target_groups.all()),
            co_organisers=list(activity.co_organisers.all()),
        )


# every editable field but the many-to-many ones: what a save copies onto the row
SCALAR_FIELDS = tuple(f.name for f in dataclasses.fields(ActivityData) if f.name not in M2M_FIELDS)


# ---- validation ------------------------------------------------------------------------------


def clean_multiline(value: str) -> str:
    """NFC, unified line ends, trailing spaces and surplus blank lines removed (paragraphs kept)."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# (Django's Choices.values builds a new list on every use; the import checks 100k rows twice)
_MODES = frozenset(Activity.Mode.values)
_STATUSES = frozenset(Activity.Status.values)


def _text_error(value: str, *, label: str, max_length: int, required: bool = False) -> str | None:
    if not value:
        return f"请填写{label}。" if required else None
    if len(value) > max_length:
        return f"{label}不能超过{max_length}个字（现有{len(value)}个）。"
    try:
        for line in value.split("\n"):  # line breaks are the one control character a text may hold
            validate_plain_text(line)
    except ValidationError as exc:
        return "；".join(exc.messages)
    return None


def _count_error(value: object, label: str, limit: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{label}应为整数。"
    if value < 0:
        return f"{label}不能为负数。"
    if value > limit:
        return f"{label}数值过大（{value}），请核对。"
    return None


def _campaign_year_error(campaign: Campaign, year: int) -> str:
    if campaign.last_year is not None and year > campaign.last_year:
        message = f"“{campaign.name}”只到{campaign.last_year}年为止，{year}年的活动不能选择它"
        other = CAMPAIGN_SUCCESSORS.get(campaign.code)
    else:
        message = f"“{campaign.name}”自{campaign.first_year}年起才设立，{year}年的活动不能选择它"
        other = CAMPAIGN_PREDECESSORS.get(campaign.code)
    replacement = Campaign.objects.filter(code=other).first() if other else None
    if replacement is not None:
        message += f"，请选择“{replacement.name}”"
    return message + "。"


def validate_activity_data(
    data: ActivityData,
    *,
    access: Access,
    instance: Activity | None = None,
    check_natural_key: bool = True,
    today: dt.date | None = None,
) -> dict:
    """Check (and normalise) `data` for an activity entered by `access`; returns {field: message},
    empty when valid. Never writes. `check_natural_key=False` skips the one query per call that looks
    for another activity with the same organiser, title and start date (the spreadsheet import looks
    them up for a whole chunk of rows at once, and passes `today` once for the chunk)."""
    errors: dict[str, str] = {}
    data.title = clean_text(data.title or "")
    data.venue = clean_text(data.venue or "")
    data.series = clean_text(data.series or "") or None
    data.region_code = (data.region_code or "").strip()
    data.description = clean_multiline(data.description or "")
    for name, label, limit, required in (
        ("title", "活动名称", 200, True),
        ("venue", "活动地点", 200, False),
        ("description", "活动简介", MAX_DESCRIPTION, False),
    ):
        message = _text_error(getattr(data, name), label=label, max_length=limit, required=required)
        if message:
            errors[name] = message

    organiser = data.org_unit
    if organiser is None:
        errors["org_unit"] = "请选择主办单位。"
    elif not access.covers(organiser, Action.ENTER):
        errors["org_unit"] = f"“{organiser.name}”不在您的填报范围内，或您的角色不能填报活动。"

    if data.activity_type is None:
        errors["activity_type"] = "请选择活动类型。"
    elif not data.activity_type.is_active and (
        instance is None or instance.activity_type_id != data.activity_type.pk
    ):
        errors["activity_type"] = f"活动类型“{data.activity_type.name}”已停用，请选择其他类型。"
    elif data.activity_type.org_unit_id is not None and organiser is not None:
        owner = data.activity_type.org_unit  # a local type is for the subtree of the unit that set it up
        if not organiser.path.startswith(owner.path):
            errors["activity_type"] = (
                f"活动类型“{data.activity_type.name}”由“{owner.name}”设立，只适用于该单位及其下级单位主办的活动。"
            )

    if data.end_date is None:
        data.end_date = data.start_date
    start, end = data.start_date, data.end_date
    if start is None:
        errors["start_date"] = "请填写开始日期。"
    elif start.year < MIN_YEAR:
        errors["start_date"] = f"开始日期“{start:%Y-%m-%d}”过早，请核对年份。"
    elif data.status == Activity.Status.HELD and start > (today or timezone.localdate()):
        errors["start_date"] = "开始日期晚于今天：还没有举办的活动，请把状态设为“计划中”。"
    if start is not None and end is not None and end < start:
        errors["end_date"] = "结束日期不能早于开始日期。"
    elif start is not None and end is not None and (end - start).days > 366:
        errors["end_date"] = "活动持续超过一年，请核对结束日期（长期项目请按每次活动分别录入）。"
    if (
        organiser is not None
        and "org_unit" not in errors
        and start is not None
        and organiser.active_to is not None
        and start > organiser.active_to
    ):
        errors["org_unit"] = (
            f"“{organiser.name}”已于{organiser.active_to:%Y年%m月%d日}撤销，不能作为之后活动的主办单位。"
        )

    if data.mode not in _MODES:
        errors["mode"] = f"形式应为{'、'.join(Activity.Mode.labels)}之一。"
    if data.status not in _STATUSES:
        errors["status"] = f"状态应为{'、'.join(Activity.Status.labels)}之一。"
    if data.region_code:
        try:
            validators.validate_region_code(data.region_code)
        except ValidationError as exc:
            errors["region_code"] = "；".join(exc.messages)

    for name, label in COUNT_FIELDS.items():
        limit = {"online_views": MAX_VIEWS, "materials_kinds": MAX_MATERIAL_KINDS}.get(name, MAX_COUNT)
        message = _count_error(getattr(data, name), label, limit)
        if message:
            errors[name] = message
    errors.update(_event_errors(data))
    message = _facility_error(data)
    if message:
        errors["facility"] = message

    campaign = data.campaign
    if campaign is not None:
        unchanged = instance is not None and instance.campaign_id == campaign.pk
        if not campaign.is_active and not unchanged:
            errors["campaign"] = f"活动品牌“{campaign.name}”已停用。"
        elif start is not None and not campaign.valid_in(start.year):
            errors["campaign"] = _campaign_year_error(campaign, start.year)
        elif campaign.org_unit_id is not None and organiser is not None:
            # a local brand is for the subtree of the unit that set it up
            owner = campaign.org_unit
            if not organiser.path.startswith(owner.path):
                errors["campaign"] = (
                    f"活动品牌“{campaign.name}”由“{owner.name}”设立，只适用于该单位及其下级单位主办的活动。"
                )

    for unit in data.co_organisers:
        if organiser is not None and unit.pk == organiser.pk:
            errors["co_organisers"] = f"“{unit.name}”已是主办单位，不必再列为协办单位。"
        elif not access.covers(unit, Action.ENTER):
            errors["co_organisers"] = f"协办单位“{unit.name}”不在您的填报范围内。"
        elif unit.active_to is not None:
            errors["co_organisers"] = f"协办单位“{unit.name}”已撤销。"
        else:
            continue
        break

    if check_natural_key and not ({"org_unit", "title", "start_date"} & errors.keys()):
        clash = Activity.objects.filter(org_unit=organiser, title=data.title, start_date=start)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["title"] = (
                f"“{organiser.name}”在{start:%Y年%m月%d日}已有名为“{data.title}”的活动，请勿重复录入（可修改原记录）。"
            )
    return errors


def _facility_error(data: ActivityData) -> str | None:
    """The facility must be managed by the organiser, a unit above it or a unit below it, and in use
    on the start date."""
    facility, organiser, start = data.facility, data.org_unit, data.start_date
    if facility is None:
        return None
    owner = facility.org_unit
    if organiser is not None and not (
        organiser.path.startswith(owner.path) or owner.path.startswith(organiser.path)
    ):
        return f"“{facility.name}”由“{owner.name}”管理，不是主办单位或其上下级单位的设施。"
    if start is not None and facility.closed_on is not None and start >= facility.closed_on:
        return f"“{facility.name}”已于{facility.closed_on:%Y年%m月%d日}停用，不能作为之后活动的举办设施。"
    if start is not None and facility.opened_on is not None and start < facility.opened_on:
        return f"“{facility.name}”于{facility.opened_on:%Y年%m月%d日}才启用，早于此日的活动不能选择它。"
    return None


def _event_errors(data: ActivityData) -> dict[str, str]:
    """Sessions of one event, a series and its edition, people reached against person-times."""
    errors: dict[str, str] = {}
    message = _text_error(data.series or "", label="系列活动", max_length=100)
    if message:
        errors["series"] = message
    message = _count_error(data.sessions, "分场场次", MAX_SESSIONS)
    if message is None and data.sessions < 1:
        message = "分场场次至少为1（一场活动填1）。"
    if message:
        errors["sessions"] = message
    if data.edition is not None:
        message = _count_error(data.edition, "届次", MAX_EDITION)
        if message is None and data.edition < 1:
            message = "届次应从1开始（第一届填1）。"
        if message is None and not data.series:
            message = "填写了届次，请同时填写系列活动名称（如“全市职工乒乓球赛”）。"
        if message:
            errors["edition"] = message
    beneficiaries, participants = data.beneficiaries, data.participants
    if (
        "beneficiaries" not in errors
        and isinstance(beneficiaries, int)
        and isinstance(participants, int)
        and participants > 0
        and beneficiaries > participants
    ):
        errors["beneficiaries"] = (
            f"受益人数（{beneficiaries}人）不能多于参与人次（{participants}人次）：同一人参加多次只算一人。"
        )
    return errors


def _check(data: ActivityData, *, access: Access, instance: Activity | None = None) -> None:
    if not access.can(Action.ENTER):
        raise PermissionDeniedError("您的角色不能填报活动。")
    errors = validate_activity_data(data, access=access, instance=instance)
    if errors:
        field_name, message = next(iter(errors.items()))
        raise DomainError(message, field=field_name)


# ---- history helpers -------------------------------------------------------------------------


def _m2m_history_model(name: str):
    return apps.get_model("activities", f"HistoricalActivity_{name}")


def _m2m_rows(activity: Activity) -> dict[str, list[tuple[int, int]]]:
    """(through row id, related id) of each many-to-many field, as stored right now."""
    rows = {}
    for name, column in M2M_FIELDS.items():
        through = getattr(Activity, name).through
        rows[name] = list(through.objects.filter(activity_id=activity.pk).values_list("id", f"{column}_id"))
    return rows


def _attach_m2m(record, activity_id: int, rows: dict[str, list[tuple[int, int]]]) -> None:
    """Store the many-to-many rows with a history record written without them."""
    for name, column in M2M_FIELDS.items():
        model = _m2m_history_model(name)
        model.objects.filter(history=record).delete()
        model.objects.bulk_create(
            [
                model(history=record, id=row_id, activity_id=activity_id, **{f"{column}_id": rel_id})
                for row_id, rel_id in rows[name]
            ]
        )


def _latest_record(activity_id: int):
    return Activity.history.filter(id=activity_id).order_by("-history_date", "-history_id").first()


def _set_m2m_quietly(activity: Activity, *, target_groups, co_organisers) -> None:
    """Set the many-to-many fields without simple-history's one-record-per-change."""
    activity.skip_history_when_saving = True
    try:
        activity.target_groups.set(target_groups)
        activity.co_organisers.set(co_organisers)
    finally:
        del activity.skip_history_when_saving


def _apply(activity: Activity, data: ActivityData) -> None:
    for name in SCALAR_FIELDS:
        setattr(activity, name, getattr(data, name))


def _clean_fields(activity: Activity) -> None:
    try:
        activity.clean_fields(exclude=["org_unit", "activity_type", "campaign", "created_by", "import_batch"])
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise DomainError("；".join(messages), field=field_name) from exc


def _save_once(activity: Activity) -> None:
    """Save; a concurrent entry of the same activity (the natural key) becomes a domain error."""
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError as exc:
        raise DomainError(
            f"“{activity.org_unit.name}”在{activity.start_date:%Y年%m月%d日}已有名为“{activity.title}”的活动，请勿重复录入。",
            field="title",
        ) from exc


# ---- activities ------------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *, access: Access, actor, data: ActivityData, reason: str = "新建", import_batch=None
) -> Activity:
    """录入活动: the organiser must lie in the actor's subtree and the role must allow 填报."""
    _check(data, access=access)
    activity = Activity(created_by=actor, import_batch=import_batch)
    _apply(activity, data)
    _clean_fields(activity)
    activity._history_user = actor
    activity._change_reason = reason
    _save_once(activity)  # writes the "+" record; its many-to-many rows are added below
    _set_m2m_quietly(activity, target_groups=data.target_groups, co_organisers=data.co_organisers)
    _attach_m2m(_latest_record(activity.pk), activity.pk, _m2m_rows(activity))
    facts.refresh(_cells(activity))
    return activity


def _cells(activity: Activity) -> set[facts.Cell]:
    """The fact cell an activity (as it is in memory) lies in."""
    return {(activity.org_unit_id, facts.month_of(activity.start_date))}


def _changed(activity: Activity, data: ActivityData) -> bool:
    if any(getattr(activity, name) != getattr(data, name) for name in SCALAR_FIELDS):
        return True
    return {u.pk for u in data.co_organisers} != set(activity.co_organisers.values_list("pk", flat=True)) or {
        g.pk for g in data.target_groups
    } != set(activity.target_groups.values_list("pk", flat=True))


@transaction.atomic
def activity_update(
    *, access: Access, actor, activity: Activity, data: ActivityData, reason: str = "修改"
) -> Activity:
    """修改活动 (the current and the new organiser must both be in the actor's subtree). A change that
    changes nothing writes no history."""
    if not access.covers(activity.org_unit, Action.ENTER):
        raise PermissionDeniedError(f"“{activity.org_unit.name}”的活动不在您的填报范围内。")
    _check(data, access=access, instance=activity)
    if not _changed(activity, data):
        return activity
    before = facts.cells_for(Activity.objects.filter(pk=activity.pk))  # as stored, not as edited
    _apply(activity, data)
    _clean_fields(activity)
    _set_m2m_quietly(activity, target_groups=data.target_groups, co_organisers=data.co_organisers)
    activity._history_user = actor
    activity._change_reason = reason
    _save_once(activity)  # the "~" record takes the many-to-many rows as they are now
    facts.refresh(before | _cells(activity))
    return activity


@transaction.atomic
def activity_delete(*, access: Access, actor, activity: Activity, reason: str = "") -> int:
    """删除活动. The row goes; the history keeps every version and the deletion, so that
    `activity_restore` can undo it. Its attachments (kexie.records.Attachment, reached only through
    the activity) stay for the same reason: a restored activity has them again."""
    if not access.covers(activity.org_unit, Action.ENTER):
        raise PermissionDeniedError(f"“{activity.org_unit.name}”的活动不在您的填报范围内。")
    pk = activity.pk
    rows = _m2m_rows(activity)
    cells = facts.cells_for(Activity.objects.filter(pk=pk))
    activity._history_user = actor
    activity._change_reason = f"删除：{reason}" if reason else "删除"
    activity.delete()
    _attach_m2m(_latest_record(pk), pk, rows)
    facts.refresh(cells)
    return pk


@transaction.atomic
def activity_restore(*, access: Access, actor, pk: int) -> Activity:
    """恢复已删除的活动 (undo a deletion) from its last history record, with its target groups and
    co-organisers (its attachments never left: they are reached again through the restored row)."""
    record = _latest_record(pk)
    if record is None:
        raise DomainError("没有这条活动的记录。")
    if record.history_type != "-":
        raise DomainError("该活动没有被删除，无需恢复。")
    organiser = OrgUnit.objects.filter(pk=record.org_unit_id).first()
    if organiser is None or not access.covers(organiser, Action.ENTER):
        raise PermissionDeniedError("该活动的主办单位不在您的填报范围内。")
    if not ActivityType.objects.filter(pk=record.activity_type_id).exists():
        raise DomainError("该活动的活动类型已被删除，无法恢复。")
    if Activity.objects.filter(
        org_unit_id=record.org_unit_id, title=record.title, start_date=record.start_date
    ).exists():
        raise DomainError(
            f"“{organiser.name}”在{record.start_date:%Y年%m月%d日}已有名为“{record.title}”的活动，无法恢复（请修改现有记录）。"
        )
    fields = {f.attname: getattr(record, f.attname) for f in Activity._meta.concrete_fields}
    if fields["campaign_id"] and not Campaign.objects.filter(pk=fields["campaign_id"]).exists():
        fields["campaign_id"] = None
    activity = Activity(**fields)
    activity._history_user = actor
    activity._change_reason = "恢复（撤销删除）"
    activity.save(force_insert=True)
    # auto_now_add stamped "now": keep the original entry time on the row and in the new record
    Activity.objects.filter(pk=pk).update(created_at=record.created_at)
    restored = _latest_record(pk)
    Activity.history.filter(history_id=restored.history_id).update(created_at=record.created_at)
    groups = _m2m_history_model("target_groups").objects.filter(history=record)
    partners = _m2m_history_model("co_organisers").objects.filter(history=record)
    _set_m2m_quietly(
        activity,
        target_groups=TargetGroup.objects.filter(pk__in=groups.values("targetgroup_id")),
        co_organisers=OrgUnit.objects.filter(pk__in=partners.values("orgunit_id")),
    )
    _attach_m2m(restored, pk, _m2m_rows(activity))
    activity.refresh_from_db()
    facts.refresh(_cells(activity))
    return activity


MAX_ATTACHMENTS = 30  # photos and documents per activity (the record layer enforces it)


# ---- a unit's own campaigns and activity types (活动品牌与类型) -------------------------------------

LIST_MIN_YEAR, LIST_MAX_YEAR = 1990, 2100


@dataclass
class ListEntryData:
    """A campaign (活动品牌) or an activity type a unit sets up for its subtree."""

    name: str
    first_year: int | None = None  # campaigns only
    last_year: int | None = None  # campaigns only
    is_academic: bool = False  # activity types only
    is_active: bool = True


def _list_model_label(model) -> str:
    return "活动品牌" if model is Campaign else "活动类型"


def validate_list_entry(
    model, data: ListEntryData, *, unit: OrgUnit, instance: Campaign | ActivityType | None = None
) -> dict[str, str]:
    """{field: message} for a campaign or activity type `unit` sets up; empty when valid. A name may
    not repeat a national one or one of a unit above or below `unit` (forms and imports pick by name)."""
    errors: dict[str, str] = {}
    label = _list_model_label(model)
    data.name = clean_text(data.name or "")
    limit = model._meta.get_field("name").max_length
    message = _text_error(data.name, label=f"{label}名称", max_length=limit, required=True)
    if message:
        errors["name"] = message
    else:
        step = OrgUnit.steplen
        above = [unit.path[:i] for i in range(step, len(unit.path) + 1, step)]
        clash = model.objects.filter(
            Q(org_unit__isnull=True) | Q(org_unit__path__in=above) | subtree_q(unit.path, via="org_unit"),
            name=data.name,
        ).select_related("org_unit")
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        other = clash.first()
        if other is not None:
            owner = "全国统一" if other.org_unit is None else f"“{other.org_unit.name}”设立"
            errors["name"] = f"已有{owner}的{label}“{data.name}”，请换一个名称（录入和导入按名称选择）。"
    if model is Campaign:
        for name, year in (("first_year", data.first_year), ("last_year", data.last_year)):
            if year is not None and not LIST_MIN_YEAR <= year <= LIST_MAX_YEAR:
                errors[name] = f"年份应在{LIST_MIN_YEAR}—{LIST_MAX_YEAR}之间。"
        if not errors.keys() & {"first_year", "last_year"} and data.first_year and data.last_year:
            if data.last_year < data.first_year:
                errors["last_year"] = "截止年份不能早于起始年份。"
    return errors


def _new_code(model, unit: OrgUnit) -> str:
    prefix = f"u{unit.pk}-"
    taken = set(model.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _list_check(model, data: ListEntryData, *, access: Access, unit: OrgUnit, instance=None) -> None:
    if not access.covers(unit, Action.MANAGE):
        raise PermissionDeniedError(f"您不能管理“{unit.name}”的{_list_model_label(model)}。")
    errors = validate_list_entry(model, data, unit=unit, instance=instance)
    if errors:
        field_name, message = next(iter(errors.items()))
        raise DomainError(message, field=field_name)


def _list_fields(model, data: ListEntryData) -> dict:
    if model is Campaign:
        return {"name": data.name, "first_year": data.first_year, "last_year": data.last_year}
    return {"name": data.name, "is_academic": data.is_academic}


@transaction.atomic
def list_entry_create(model, *, access: Access, unit: OrgUnit, data: ListEntryData):
    """设立活动品牌/活动类型 for `unit` (a 管理员 of it or above); inherited by the units below it."""
    _list_check(model, data, access=access, unit=unit)
    entry = model(
        code=_new_code(model, unit),
        org_unit=unit,
        sort_order=1000,
        is_active=True,
        **_list_fields(model, data),
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise DomainError(f"已有同名的{_list_model_label(model)}“{data.name}”。", field="name") from exc
    return entry


@transaction.atomic
def list_entry_update(model, *, access: Access, entry, data: ListEntryData):
    """Rename, change the years or the academic flag, stop or resume a local campaign or activity
    type. National ones (no unit) are fixed. A stopped one stays on the activities that have it."""
    if entry.org_unit_id is None:
        raise PermissionDeniedError(f"全国统一的{_list_model_label(model)}不能修改。")
    _list_check(model, data, access=access, unit=entry.org_unit, instance=entry)
    if model is Campaign and entry.is_active and data.is_active:
        years = Activity.objects.filter(campaign=entry).values_list("start_date__year", flat=True).distinct()
        outside = sorted(
            y
            for y in years
            if (data.first_year is not None and y < data.first_year)
            or (data.last_year is not None and y > data.last_year)
        )
        if outside:
            raise DomainError(
                f"已有{outside[0]}年的活动属于“{entry.name}”，起止年份须包含该年。", field="first_year"
            )
    for name, value in _list_fields(model, data).items():
        setattr(entry, name, value)
    entry.is_active = data.is_active
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise DomainError(f"已有同名的{_list_model_label(model)}“{data.name}”。", field="name") from exc
    return entry

"""Writes of volunteering: teams, volunteers (Persons, entered once), team memberships (the roster),
service records and their confirmation, and the star scale. Every rule lives here.

Hours count only once confirmed through the workflow (volunteers/workflow.py) by the team's organising
unit; the volunteer's own account can never confirm them. A volunteer's cumulative hours and star are
recomputed on every confirmation move and when a star scale changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.activities.models import Activity
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.text import clean_text, validate_plain_text
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, subtree_q
from kexie.people.models import Role as PersonRole
from kexie.people.services import ensure_role, person_find_or_create
from kexie.volunteers import selectors
from kexie.volunteers.models import ServiceRecord, StarScale, Team, TeamKind, TeamMember, Volunteer
from kexie.volunteers.workflow import CONFIRMED, SERVICE
from kexie.workflows.services import record_start

MIN_DATE = dt.date(1990, 1, 1)
MAX_HOURS_PER_DAY = Decimal(24)


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


def _date(value, field: str, label: str, *, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            raise DomainError(f"请填写{label}。", field=field)
        return None
    today = timezone.localdate()
    if not MIN_DATE <= value <= today:
        raise DomainError(f"{label}应在{MIN_DATE.year}年到今天之间。", field=field)
    return value


def _check_unit(access: Access, unit: OrgUnit | None, action: Action = Action.ENTER) -> None:
    if unit is None:
        raise DomainError("请选择单位。", field="org_unit")
    if not access.covers(unit, action):
        raise PermissionDeniedError(f"“{unit.name}”不在您的填报范围内。")


def _save(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()


# --------------------------------------------------------------------------- teams


@dataclass
class TeamData:
    org_unit: OrgUnit | None
    name: str
    kind: str
    flagged_on: dt.date | None
    region_code: str = ""
    dissolved_on: dt.date | None = None
    note: str = ""


def validate_team_data(data: TeamData, *, team: Team | None = None) -> TeamData:
    name = _text(data.name, "name", "服务队名称", 100, required=True)
    if data.kind not in TeamKind.values:
        by_label = {str(c.label): c.value for c in TeamKind}
        if data.kind not in by_label:
            raise DomainError(f"类型只能是{'、'.join(str(c.label) for c in TeamKind)}。", field="kind")
        data.kind = by_label[data.kind]
    flagged = _date(data.flagged_on, "flagged_on", "授旗日期", required=True)
    dissolved = _date(data.dissolved_on, "dissolved_on", "撤销日期")
    if dissolved is not None and dissolved <= flagged:
        raise DomainError("撤销日期应晚于授旗日期。", field="dissolved_on")
    region = _text(data.region_code, "region_code", "服务区域区划代码", 12)
    if region and not region.isdigit():
        raise DomainError("服务区域区划代码应为数字，如 340822。", field="region_code")
    if data.org_unit is not None:
        clash = Team.objects.filter(org_unit=data.org_unit, name=name)
        if team is not None:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            raise DomainError(f"“{data.org_unit.name}”已有名为“{name}”的服务队。", field="name")
    return TeamData(data.org_unit, name, data.kind, flagged, region, dissolved, _note(data.note))


TEAM_FIELDS = ("org_unit", "name", "kind", "flagged_on", "region_code", "dissolved_on", "note")


@transaction.atomic
def team_create(*, access: Access, actor, data: TeamData) -> Team:
    """登记服务队 (a team flagged by a 科协 or a unit it organises)."""
    _check_unit(access, data.org_unit)
    data = validate_team_data(data)
    team = Team(created_by=actor)
    for f in TEAM_FIELDS:
        setattr(team, f, getattr(data, f))
    _save(team, actor, "登记")
    return team


@transaction.atomic
def team_update(*, access: Access, actor, team: Team, data: TeamData) -> Team:
    _check_unit(access, team.org_unit)
    _check_unit(access, data.org_unit)
    data = validate_team_data(data, team=team)
    if data.org_unit != team.org_unit and team.members.filter(services__isnull=False).exists():
        raise DomainError("服务队已有服务记录，不能改换组建单位（确认权在组建单位）。", field="org_unit")
    for f in TEAM_FIELDS:
        setattr(team, f, getattr(data, f))
    _save(team, actor, "修改")
    team.members.exclude(org_unit=team.org_unit).update(org_unit=team.org_unit)
    return team


@transaction.atomic
def team_delete(*, access: Access, actor, team: Team) -> None:
    """Only a team entered by mistake: one with members is given a 撤销日期 instead (the counts keep it)."""
    _check_unit(access, team.org_unit)
    if team.members.exists():
        raise DomainError(
            f"服务队“{team.name}”已有{team.members.count()}条队员记录，不能删除；撤销的服务队请填写撤销日期。"
        )
    team._history_user = actor
    team._change_reason = "删除"
    team.delete()


# --------------------------------------------------------------------------- volunteers


@dataclass
class VolunteerData:
    org_unit: OrgUnit | None
    name: str
    registered_on: dt.date | None
    specialty: str = ""
    cancelled_on: dt.date | None = None
    account: object | None = None
    id_number: str = ""  # create only: for finding the person; never stored whole
    phone: str = ""


def validate_volunteer_data(access: Access, data: VolunteerData) -> VolunteerData:
    name = _text(data.name, "name", "姓名", 50, required=True)
    registered = _date(data.registered_on, "registered_on", "注册日期", required=True)
    cancelled = _date(data.cancelled_on, "cancelled_on", "注销日期")
    if cancelled is not None and cancelled <= registered:
        raise DomainError("注销日期应晚于注册日期。", field="cancelled_on")
    specialty = _text(data.specialty, "specialty", "专业特长", 100)
    if data.account is not None:
        from django.contrib.auth import get_user_model

        from kexie.orgs.scoping import scope

        if not scope(get_user_model().objects.filter(pk=data.account.pk), access).exists():
            raise DomainError("所选本人账号不在您的管理范围内。", field="account")
    from kexie.people.services import normalise_id_number, normalise_phone

    normalise_id_number(data.id_number or "")
    normalise_phone(data.phone or "")
    return VolunteerData(
        data.org_unit,
        name,
        registered,
        specialty,
        cancelled,
        data.account,
        data.id_number or "",
        data.phone or "",
    )


def _register(access: Access, actor, data: VolunteerData) -> Volunteer:
    """The person's volunteer registration: found (one per person) or created."""
    person = person_find_or_create(
        access=access,
        actor=actor,
        name=data.name,
        id_number=data.id_number,
        phone=data.phone,
        org_unit=data.org_unit,
        role=PersonRole.VOLUNTEER,
    )
    ensure_role(person, PersonRole.VOLUNTEER, since=data.registered_on)
    volunteer = Volunteer.objects.filter(person=person).first()
    if volunteer is None:
        volunteer = Volunteer(
            person=person,
            org_unit=data.org_unit,
            name=person.name,
            specialty=data.specialty,
            registered_on=data.registered_on,
            cancelled_on=data.cancelled_on,
            account=data.account,
            created_by=actor,
        )
        _save(volunteer, actor, "注册")
        _refresh_totals(volunteer)
    return volunteer


@transaction.atomic
def volunteer_create(*, access: Access, actor, data: VolunteerData) -> Volunteer:
    """注册志愿者: the person (found by ID fingerprint or name + phone, else created) and their one
    volunteer registration."""
    _check_unit(access, data.org_unit)
    data = validate_volunteer_data(access, data)
    person_exists = (
        Volunteer.objects.filter(person__in=_matching_people(access, data)).select_related("org_unit").first()
    )
    if person_exists is not None:
        raise DomainError(
            f"“{person_exists.name}”已经注册为科技志愿者（登记单位：{person_exists.org_unit.name}），不要重复注册。",
            field="name",
        )
    return _register(access, actor, data)


def _matching_people(access: Access, data: VolunteerData):
    from kexie.people.services import find_person

    found = find_person(access=access, name=data.name, id_number=data.id_number, phone=data.phone)
    return [found] if found else []


@transaction.atomic
def volunteer_update(*, access: Access, actor, volunteer: Volunteer, data: VolunteerData) -> Volunteer:
    _check_unit(access, volunteer.org_unit)
    _check_unit(access, data.org_unit)
    data = validate_volunteer_data(access, data)
    for f in ("org_unit", "specialty", "registered_on", "cancelled_on", "account"):
        setattr(volunteer, f, getattr(data, f))
    _save(volunteer, actor, "修改")
    _refresh_totals(volunteer)
    return volunteer


# --------------------------------------------------------------------------- roster (team members)


@dataclass
class MemberData:
    team: Team | None
    name: str
    joined_on: dt.date | None
    duty: str = ""
    left_on: dt.date | None = None
    note: str = ""
    id_masked: str = ""  # the roster's 证件号码: a whole number finds the person; only its mask is kept
    specialty: str = ""
    id_number: str = ""  # the form's 证件号码 (create only)
    phone: str = ""  # the form's 手机号码 (create only)


def validate_member_data(access: Access, data: MemberData, *, member: TeamMember | None = None) -> MemberData:
    team = data.team
    if team is None:
        raise DomainError("请选择服务队。", field="team")
    if not access.covers(team.org_unit, Action.ENTER):
        raise PermissionDeniedError(f"服务队“{team.name}”不在您的填报范围内。")
    name = _text(data.name, "name", "姓名", 50, required=True)
    joined = _date(data.joined_on, "joined_on", "加入日期", required=True)
    left = _date(data.left_on, "left_on", "退出日期")
    if left is not None and left < joined:
        raise DomainError("退出日期不能早于加入日期。", field="left_on")
    if joined < team.flagged_on:
        raise DomainError(
            f"加入日期早于服务队授旗日期（{team.flagged_on:%Y-%m-%d}），请核对。", field="joined_on"
        )
    from kexie.people.services import mask_id_number, normalise_id_number, normalise_phone

    number = (data.id_number or "").strip()
    typed = (data.id_masked or "").strip()
    if typed and "*" not in typed:  # a whole number in the roster's column
        number = number or typed
    if number:
        try:
            number = normalise_id_number(number)
        except DomainError as exc:
            raise DomainError(exc.message, field="id_masked") from None
    normalise_phone(data.phone or "")
    masked = mask_id_number(number) if number else (typed if "*" in typed else "")
    if member is not None and not number and not typed:
        masked = member.id_masked
    return MemberData(
        team, name, joined, _text(data.duty, "duty", "队内职务", 50), left, _note(data.note),
        masked, _text(data.specialty, "specialty", "专业特长", 100), number, data.phone or "",
    )  # fmt: skip


MEMBER_FIELDS = ("team", "name", "id_masked", "specialty", "duty", "joined_on", "left_on", "note")


@transaction.atomic
def member_create(*, access: Access, actor, data: MemberData) -> TeamMember:
    """入队 (a roster line): the volunteer (registered once, as a Person found or created) joins the team."""
    data = validate_member_data(access, data)
    volunteer = _register(
        access,
        actor,
        VolunteerData(
            org_unit=data.team.org_unit,
            name=data.name,
            registered_on=data.joined_on,
            specialty=data.specialty,
            id_number=data.id_number,
            phone=data.phone,
        ),
    )
    if TeamMember.objects.filter(team=data.team, volunteer=volunteer).exists():
        raise DomainError(f"“{volunteer.name}”已是服务队“{data.team.name}”的队员。", field="name")
    member = TeamMember(volunteer=volunteer, created_by=actor)
    for f in MEMBER_FIELDS:
        setattr(member, f, getattr(data, f))
    member.name, member.org_unit = volunteer.name, data.team.org_unit
    _save(member, actor, "入队")
    return member


@transaction.atomic
def member_update(*, access: Access, actor, member: TeamMember, data: MemberData) -> TeamMember:
    data = validate_member_data(access, data, member=member)
    if data.team != member.team:
        raise DomainError("不能把队员改到另一个服务队；请登记退出日期，再在新服务队登记入队。", field="team")
    if data.name != member.name:
        raise DomainError("姓名随人员档案，不能在名册中修改。", field="name")
    for f in ("id_masked", "specialty", "duty", "joined_on", "left_on", "note"):
        setattr(member, f, getattr(data, f))
    _save(member, actor, "修改")
    return member


@transaction.atomic
def member_delete(*, access: Access, actor, member: TeamMember) -> None:
    """Only a roster line entered by mistake: one with service records is ended by its 退出日期 instead.
    The volunteer's registration stays."""
    _check_unit(access, member.org_unit)
    if member.services.exists():
        raise DomainError(
            f"“{member.name}”在服务队“{member.team.name}”已有服务记录，不能删除；退队请填写退出日期。"
        )
    member._history_user = actor
    member._change_reason = "删除"
    member.delete()


# --------------------------------------------------------------------------- service records


@dataclass
class ServiceData:
    member: TeamMember | None
    activity: Activity | None
    hours: object
    note: str = ""
    org_unit: OrgUnit | None = None  # the team's: set here, never chosen


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError("服务时长应为数字（小时），如 2 或 2.5。", field="hours") from None
    if hours <= 0:
        raise DomainError("服务时长应大于0。", field="hours")
    return hours


def validate_service_data(
    access: Access, data: ServiceData, *, record: ServiceRecord | None = None
) -> ServiceData:
    member = data.member
    if member is None:
        raise DomainError("请选择志愿者。", field="member")
    if not access.covers(member.team.org_unit, Action.ENTER):
        raise PermissionDeniedError(f"服务队“{member.team.name}”不在您的填报范围内。")
    activity = data.activity
    if activity is None:
        raise DomainError("请选择活动。", field="activity")
    if not access.covers(activity.org_unit, Action.VIEW):
        raise PermissionDeniedError("该活动不在您的查看范围内。")
    if activity.status != Activity.Status.HELD:
        raise DomainError(
            f"活动“{activity.title}”还不是“已举办”状态，举办后才能登记服务时长。", field="activity"
        )
    hours = _hours(data.hours)
    days = (activity.end_date - activity.start_date).days + 1
    if hours > MAX_HOURS_PER_DAY * days:
        raise DomainError(
            f"服务时长{hours}小时超过了活动的天数（{days}天）可能的时长（每天最多24小时）。", field="hours"
        )
    if activity.start_date < member.joined_on or (member.left_on and activity.start_date > member.left_on):
        raise DomainError(
            f"活动日期（{activity.start_date:%Y-%m-%d}）时“{member.name}”不在服务队“{member.team.name}”中"
            f"（加入{member.joined_on:%Y-%m-%d}{'，退出' + f'{member.left_on:%Y-%m-%d}' if member.left_on else ''}）。",
            field="member",
        )
    clash = ServiceRecord.objects.filter(member=member, activity=activity)
    if record is not None:
        clash = clash.exclude(pk=record.pk)
    if clash.exists():
        raise DomainError(
            f"“{member.name}”在活动“{activity.title}”的服务时长已经登记过了。", field="activity"
        )
    return ServiceData(member, activity, hours, _note(data.note), member.team.org_unit)


@transaction.atomic
def service_create(*, access: Access, actor, data: ServiceData) -> ServiceRecord:
    """登记服务时长 (by the team's 填报员): 待确认 until the team's organising unit confirms it."""
    data = validate_service_data(access, data)
    record = ServiceRecord(
        org_unit=data.org_unit,
        member=data.member,
        activity=data.activity,
        served_on=data.activity.start_date,
        hours=data.hours,
        note=data.note,
        state=SERVICE.initial,
        created_by=actor,
    )
    _save(record, actor, "登记")
    record_start(access=access, obj=record, label="登记时长")
    return record


@transaction.atomic
def service_update(*, access: Access, actor, record: ServiceRecord, data: ServiceData) -> ServiceRecord:
    """Correct a record while it is not confirmed (a confirmed one is 撤销确认 first)."""
    _check_unit(access, record.org_unit)
    if record.state == CONFIRMED:
        raise DomainError("已确认的服务记录不能修改；如确有错误，请由管理员“撤销确认”后再改。")
    data = validate_service_data(access, data, record=record)
    record.member, record.activity, record.hours, record.note = (
        data.member,
        data.activity,
        data.hours,
        data.note,
    )
    record.org_unit, record.served_on = data.org_unit, data.activity.start_date
    _save(record, actor, "修改")
    return record


@transaction.atomic
def service_delete(*, access: Access, actor, record: ServiceRecord) -> None:
    _check_unit(access, record.org_unit)
    if record.state == CONFIRMED:
        raise DomainError("已确认的服务记录不能删除；如确有错误，请由管理员“撤销确认”后再删除。")
    record._history_user = actor
    record._change_reason = "删除"
    record.delete()


def on_service_transition(*, obj: ServiceRecord, code: str, access: Access | None) -> None:
    """Inside the transition's transaction: refuse self-certification, keep who confirmed, and
    recompute the volunteer's cumulative hours and star."""
    volunteer = obj.member.volunteer
    if code == "confirm":
        if access is not None and volunteer.account_id is not None and volunteer.account_id == access.user_id:
            raise PermissionDeniedError(
                "志愿者本人不能确认自己的服务时长，须由服务队组建单位的其他工作人员确认。"
            )
        obj.confirmed_by_id = access.user_id if access else None
        obj.confirmed_at = timezone.now()
    else:
        obj.confirmed_by_id, obj.confirmed_at = None, None
    ServiceRecord.objects.filter(pk=obj.pk).update(
        confirmed_by=obj.confirmed_by_id, confirmed_at=obj.confirmed_at
    )
    _refresh_totals(volunteer)


def _refresh_totals(volunteer: Volunteer, thresholds: tuple[int, ...] | None = None) -> None:
    hours = selectors.confirmed_hours(volunteer)
    star = selectors.star_for(hours, thresholds or selectors.thresholds_for(volunteer.org_unit))
    if (volunteer.hours_total, volunteer.star) != (hours, star):
        Volunteer.objects.filter(pk=volunteer.pk).update(hours_total=hours, star=star)
        volunteer.hours_total, volunteer.star = hours, star


# --------------------------------------------------------------------------- star scale


@dataclass
class ScaleData:
    org_unit: OrgUnit | None
    star1: int | None
    star2: int | None
    star3: int | None
    star4: int | None
    star5: int | None


def validate_scale_data(data: ScaleData, *, scale: StarScale | None = None) -> ScaleData:
    values = [data.star1, data.star2, data.star3, data.star4, data.star5]
    for n, v in enumerate(values, start=1):
        if v is None or v <= 0:
            raise DomainError(f"请填写{n}星所需的累计小时数（正整数）。", field=f"star{n}")
    for n in range(1, 5):
        if values[n] <= values[n - 1]:
            raise DomainError(
                f"{n + 1}星的小时数（{values[n]}）应大于{n}星的（{values[n - 1]}）。", field=f"star{n + 1}"
            )
    if data.org_unit is not None:
        clash = StarScale.objects.filter(org_unit=data.org_unit)
        if scale is not None:
            clash = clash.exclude(pk=scale.pk)
        if clash.exists():
            raise DomainError(f"“{data.org_unit.name}”已有星级标准，请修改那一条。", field="org_unit")
    return data


def _restar(unit: OrgUnit) -> None:
    """Recompute the stars of every volunteer kept at or below `unit` (after its scale changed)."""
    for volunteer in Volunteer.objects.filter(subtree_q(unit.path, via="org_unit")).select_related(
        "org_unit"
    ):
        _refresh_totals(volunteer)


@transaction.atomic
def scale_create(*, access: Access, actor, data: ScaleData) -> StarScale:
    """设定星级标准 (管理员 of the area)."""
    _check_unit(access, data.org_unit, Action.MANAGE)
    data = validate_scale_data(data)
    scale = StarScale(
        created_by=actor,
        **{f: getattr(data, f) for f in ("org_unit", "star1", "star2", "star3", "star4", "star5")},
    )
    _save(scale, actor, "设定")
    _restar(scale.org_unit)
    return scale


@transaction.atomic
def scale_update(*, access: Access, actor, scale: StarScale, data: ScaleData) -> StarScale:
    _check_unit(access, scale.org_unit, Action.MANAGE)
    _check_unit(access, data.org_unit, Action.MANAGE)
    data = validate_scale_data(data, scale=scale)
    old_unit = scale.org_unit
    for f in ("org_unit", "star1", "star2", "star3", "star4", "star5"):
        setattr(scale, f, getattr(data, f))
    _save(scale, actor, "修改")
    _restar(scale.org_unit)
    if old_unit != scale.org_unit:
        _restar(old_unit)
    return scale


@transaction.atomic
def scale_delete(*, access: Access, actor, scale: StarScale) -> None:
    _check_unit(access, scale.org_unit, Action.MANAGE)
    unit = scale.org_unit
    scale._history_user = actor
    scale._change_reason = "删除"
    scale.delete()
    _restar(unit)

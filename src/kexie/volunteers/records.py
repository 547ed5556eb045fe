"""科技志愿服务 on the record layer (kexie.records): 服务队, 志愿者, 服务队名册 (roster; imported from the
rosters teams keep), 服务记录 (with the confirmation panel of volunteers/workflow.py) and 星级标准.
Every rule is in services.py, every read in selectors.py.

The roster's 证件号码 column finds or creates the person (kexie.people: by ID fingerprint); the roster
line keeps only its mask, so the export shows the mask and re-imports as "unchanged".
"""

from __future__ import annotations

import dataclasses

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from kexie.records.declarations import Declaration, Field, Filter, ListColumn, ListTotal, Texts, register
from kexie.records.forms import SensitiveInput
from kexie.volunteers import selectors, services
from kexie.volunteers.models import (
    STAR_LABELS,
    ServiceRecord,
    Team,
    TeamKind,
    TeamMember,
    Volunteer,
)
from kexie.volunteers.workflow import SERVICE


def _data(cls, values: dict):
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


def _date(d) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


_INPUT = {"class": "form-control"}

# --------------------------------------------------------------------------- teams


def _team_context(*, access, record):
    return {
        "members": record.members.select_related("volunteer").order_by("left_on", "name")[:200],
        "hours": selectors.team_hours(record),
        "members_url": reverse("volunteer_members:list") + f"?team={record.pk}",
        "services_url": reverse("volunteer_service:list") + f"?team={record.pk}",
    }


TEAMS = register(
    Declaration(
        key="volunteer_teams",
        model=Team,
        label="科技志愿服务队",
        namespace="volunteer_teams",
        section="科技志愿服务",
        fields=(
            Field("org_unit", aliases=("组建单位", "单位"), example="340822"),
            Field("name", aliases=("服务队", "队名"), example="怀宁县科技志愿服务大队", width=30),
            Field("kind", aliases=("服务队类型",), example="科协组建"),
            Field("region_code", aliases=("区划代码", "服务区域")),
            Field("flagged_on", aliases=("授旗时间", "成立日期"), example="2022-03-05"),
            Field("dissolved_on", aliases=("撤销时间",)),
            Field("note", aliases=("说明",)),
        ),
        filters=(
            Filter("q", "关键词", "text", lookups=("name",), placeholder="服务队名称"),
            Filter("kind", "类型", "choice", lookup="kind", choices=TeamKind.choices),
            Filter("period", "授旗期间", "period", q=selectors.flagged_within),
            Filter("at", "某日存续", "date", q=selectors.in_force_q),
            Filter("unit", "组建单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("服务队", field="name", link=True),
            ListColumn("类型", field="kind"),
            ListColumn("授旗日期", render=lambda t: _date(t.flagged_on), css="text-nowrap"),
            ListColumn("撤销日期", render=lambda t: _date(t.dissolved_on), css="d-none d-md-table-cell"),
            ListColumn("组建单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里登记本单位及下级组建、授旗的科技志愿服务队；队员名册和服务时长记在服务队下，"
            "统计中的服务队数按授旗和撤销日期计算。",
            create="登记服务队",
            empty_can_enter="还没有登记任何科技志愿服务队",
            empty_hint_can_enter="点击“登记服务队”，填写名称、类型和授旗日期；再到“志愿者名册”登记或导入队员。",
            empty="本单位及下级还没有登记科技志愿服务队",
            empty_hint="由各单位的填报员登记；登记后会显示在这里。",
            form_hint="撤销的服务队填写撤销日期（当日起不再计入），不要删除，以免历年统计变化。",
            noun="服务队",
        ),
        create=lambda *, access, actor, values: services.team_create(
            access=access, actor=actor, data=_data(services.TeamData, values)
        ),
        update=lambda *, access, actor, record, values: services.team_update(
            access=access, actor=actor, team=record, data=_data(services.TeamData, values)
        ),
        delete=lambda *, access, actor, record: services.team_delete(access=access, actor=actor, team=record),
        validate=lambda *, access, values: services.validate_team_data(_data(services.TeamData, values)),
        get=selectors.team_get,
        list_queryset=selectors.team_list,
        title=str,
        natural_key=("org_unit", "name"),
        detail_extra="volunteers/_team_extra.html",
        detail_context=_team_context,
        ordering=("org_unit__path", "name"),
        import_description="批量登记或更新服务队；组建单位和名称相同的行会更新已有记录。",
    )
)


# --------------------------------------------------------------------------- volunteers


def _star(v: Volunteer):
    if not v.star:
        return format_html('<span class="text-secondary">{}</span>', STAR_LABELS[0])
    return format_html('<span class="badge bg-yellow-lt">{}</span>', "★" * v.star)


def _volunteer_context(*, access, record):
    return {
        "memberships": record.memberships.select_related("team").order_by("-joined_on"),
        "yearly": selectors.yearly_hours(record),
        "thresholds": selectors.thresholds_for(record.org_unit),
        "services_url": reverse("volunteer_service:list") + f"?volunteer={record.pk}",
    }


def _account_options(access):
    from django.contrib.auth import get_user_model

    from kexie.orgs.scoping import scope

    return scope(get_user_model().objects.all(), access).distinct().order_by("username")


def _id_field():
    return forms.CharField(
        label="证件号码",
        required=False,
        max_length=24,
        widget=SensitiveInput(attrs=_INPUT, label="证件号码"),
        help_text="用于查找同一人，不保存完整号码",
    )


def _phone_field():
    return forms.CharField(
        label="手机号码",
        required=False,
        max_length=20,
        widget=SensitiveInput(attrs=_INPUT | {"inputmode": "tel"}, label="手机号码"),
    )


VOLUNTEERS = register(
    Declaration(
        key="volunteers",
        model=Volunteer,
        label="科技志愿者",
        namespace="volunteers",
        section="科技志愿服务",
        fields=(
            Field("org_unit", aliases=("登记单位",), example="340822"),
            Field("name", aliases=("志愿者姓名",), example="张明"),
            Field("specialty", aliases=("特长", "专业"), example="农业技术"),
            Field("registered_on", aliases=("注册时间",), example="2023-03-05"),
            Field("cancelled_on", aliases=("注销时间",)),
            Field("account", options=_account_options, match="username", required=False),
            Field("hours_total", form=False, columns=False),
            Field("star", form=False, columns=False),
        ),
        filters=(
            Filter("q", "关键词", "text", lookups=("name", "specialty"), placeholder="姓名或专业特长"),
            Filter(
                "star", "星级", "choice", lookup="star", choices=[(str(k), v) for k, v in STAR_LABELS.items()]
            ),
            Filter("period", "注册期间", "period", q=selectors.registered_within),
            Filter("at", "某日在册", "date", q=selectors.registered_q),
            Filter("unit", "登记单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("姓名", field="name", link=True),
            ListColumn("专业特长", field="specialty", css="d-none d-md-table-cell"),
            ListColumn("注册日期", render=lambda v: _date(v.registered_on), css="text-nowrap"),
            ListColumn("累计时长（小时）", render=lambda v: v.hours_total, css="text-end"),
            ListColumn("星级", render=_star),
            ListColumn("登记单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里是本单位及下级注册的科技志愿者，每人只注册一次；累计服务时长只计服务队组建单位已确认的时长，"
            "星级按本地区的星级标准计算。",
            create="注册志愿者",
            empty_can_enter="还没有注册任何科技志愿者",
            empty_hint_can_enter="点击“注册志愿者”逐个注册，或到“志愿者名册”按服务队导入名册（会同时注册志愿者）。",
            empty="本单位及下级还没有注册科技志愿者",
            empty_hint="由各单位的填报员注册；注册后会显示在这里。",
            form_hint="填写证件号码或手机号码可以避免同一人重复建档；证件号码只保存校验指纹和脱敏号码。",
            noun="志愿者",
        ),
        create=lambda *, access, actor, values: services.volunteer_create(
            access=access, actor=actor, data=_data(services.VolunteerData, values)
        ),
        update=lambda *, access, actor, record, values: services.volunteer_update(
            access=access, actor=actor, volunteer=record, data=_data(services.VolunteerData, values)
        ),
        delete=None,
        validate=lambda *, access, values: services.validate_volunteer_data(
            access, _data(services.VolunteerData, values)
        ),
        get=selectors.volunteer_get,
        list_queryset=selectors.volunteer_list,
        title=str,
        create_extras=(("id_number", _id_field), ("phone", _phone_field)),
        detail_extra="volunteers/_volunteer_extra.html",
        detail_context=_volunteer_context,
        ordering=("org_unit__path", "name", "pk"),
        import_description="批量注册志愿者；按服务队导入请用“志愿者名册”。",
    )
)


# --------------------------------------------------------------------------- roster


def _member_context(*, access, record):
    return {"services_url": reverse("volunteer_service:list") + f"?member={record.pk}"}


MEMBERS = register(
    Declaration(
        key="volunteer_members",
        model=TeamMember,
        label="志愿者名册",
        namespace="volunteer_members",
        section="科技志愿服务",
        fields=(
            Field(
                "team",
                options=selectors.team_options,
                aliases=("服务队名称", "所属服务队"),
                example="怀宁县科技志愿服务大队",
                width=28,
            ),
            Field("name", aliases=("志愿者姓名",), example="张明"),
            Field(
                "id_masked",
                help="18位居民身份证号码，用于找到已注册的同一人；只保存打码后的号码",
                aliases=("身份证号", "身份证号码", "证件号"),
                example="340822199001010011",
                width=22,
                sensitive=True,
            ),
            Field("specialty", aliases=("特长", "专业"), example="农业技术"),
            Field("duty", aliases=("职务",), example="队员"),
            Field("joined_on", aliases=("入队日期", "加入时间"), example="2023-03-05"),
            Field("left_on", aliases=("退队日期", "退出时间")),
            Field("note", aliases=("说明",)),
            Field("org_unit", form=False, columns=False),
        ),
        filters=(
            Filter("q", "关键词", "text", lookups=("name", "duty"), placeholder="姓名或职务"),
            Filter(
                "team",
                "服务队",
                "model",
                lookup="team",
                options=lambda access: [(t.pk, t.name) for t in selectors.team_list(access=access)],
            ),
            Filter("period", "加入期间", "period", q=selectors.joined_within),
            Filter("unit", "组建单位", "unit"),
        ),
        columns=(
            ListColumn("姓名", field="name", link=True),
            ListColumn("服务队", render=lambda m: m.team.name),
            ListColumn("职务", field="duty", css="d-none d-md-table-cell"),
            ListColumn("加入日期", render=lambda m: _date(m.joined_on), css="text-nowrap"),
            ListColumn("退出日期", render=lambda m: _date(m.left_on), css="d-none d-md-table-cell"),
        ),
        texts=Texts(
            intro="这里是各服务队的队员名册：每行是一名志愿者在一个服务队的入队记录（一人可以加入几个服务队，但只注册一次）。"
            "退队时填写退出日期，不要删除。",
            create="登记入队",
            empty_can_enter="还没有登记任何队员",
            empty_hint_can_enter="点击“登记入队”逐个登记，或用“批量导入”导入服务队现有名册（服务队、姓名、证件号码、专业特长、加入日期）。",
            empty="本单位及下级的服务队还没有队员",
            empty_hint="由服务队组建单位的填报员登记；登记后会显示在这里。",
            form_hint="填写证件号码或手机号码可以找到已注册的同一人，避免重复建档；证件号码只保存打码后的号码。",
            noun="队员记录",
        ),
        create=lambda *, access, actor, values: services.member_create(
            access=access, actor=actor, data=_data(services.MemberData, values)
        ),
        update=lambda *, access, actor, record, values: services.member_update(
            access=access, actor=actor, member=record, data=_data(services.MemberData, values)
        ),
        delete=lambda *, access, actor, record: services.member_delete(
            access=access, actor=actor, member=record
        ),
        validate=lambda *, access, values: services.validate_member_data(
            access, _data(services.MemberData, values)
        ),
        get=selectors.member_get,
        list_queryset=selectors.member_list,
        title=str,
        natural_key=("team", "name"),
        create_extras=(("phone", _phone_field),),
        detail_context=_member_context,
        ordering=("team__name", "name", "pk"),
        import_description="导入服务队名册（全部通过才写入）：每行一名队员，按证件号码找到已注册的同一人（只保存打码后的号码），"
        "没有的同时注册为志愿者。服务队和姓名相同的行会更新已有的入队记录。",
    )
)


# --------------------------------------------------------------------------- service records


def _state_badge(r: ServiceRecord):
    return format_html('<span class="badge bg-{}-lt">{}</span>', r.state_tone, r.state_label)


def _service_context(*, access, record):
    return {"volunteer": record.member.volunteer}


SERVICES = register(
    Declaration(
        key="volunteer_service",
        model=ServiceRecord,
        label="志愿服务记录",
        namespace="volunteer_service",
        section="科技志愿服务",
        fields=(
            Field("member", options=selectors.member_options, match="name", label="志愿者"),
            Field(
                "activity",
                options=selectors.activity_options,
                match="title",
                width=30,
                option_label=lambda a: f"{a.start_date:%Y-%m-%d} {a.title}",
            ),
            Field("hours", example="3", help="本次活动的服务小时数，可以有一位小数"),
            Field("note", aliases=("说明",)),
            Field("org_unit", form=False, columns=False),
            Field("served_on", form=False, columns=False),
            Field("state", form=False, columns=False),
            Field("confirmed_by", form=False, columns=False),
            Field("confirmed_at", form=False, columns=False),
        ),
        filters=(
            Filter(
                "q", "关键词", "text", lookups=("member__name", "activity__title"), placeholder="志愿者或活动"
            ),
            Filter("state", "状态", "choice", lookup="state", choices=SERVICE.choices),
            Filter(
                "team",
                "服务队",
                "model",
                lookup="member__team",
                options=lambda access: [(t.pk, t.name) for t in selectors.team_list(access=access)],
            ),
            Filter("volunteer", "志愿者", "int", lookup="member__volunteer", hidden=True),
            Filter("member", "队员记录", "int", lookup="member", hidden=True),
            Filter("period", "服务期间", "period", q=selectors.served_within),
            Filter("unit", "组建单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("志愿者", render=lambda r: r.member.name, link=True),
            ListColumn("服务队", render=lambda r: r.member.team.name, css="d-none d-md-table-cell"),
            ListColumn("活动", render=lambda r: r.activity.title),
            ListColumn("日期", render=lambda r: _date(r.served_on), css="text-nowrap"),
            ListColumn("时长（小时）", field="hours", css="text-end"),
            ListColumn("状态", render=_state_badge),
        ),
        texts=Texts(
            intro="这里登记志愿者在每次活动中的服务时长：由服务队登记，服务队组建单位的审核员或管理员确认后才计入累计时长和统计，"
            "志愿者本人不能确认自己的时长。",
            create="登记服务时长",
            empty_can_enter="还没有登记任何服务时长",
            empty_hint_can_enter="活动举办后，点击“登记服务时长”，选择队员和活动、填写小时数，再提请组建单位确认。",
            empty="本单位及下级还没有服务时长记录",
            empty_hint="由服务队组建单位的填报员登记；登记后会显示在这里。",
            form_hint="只能登记已举办的活动；活动日期时志愿者须在队。确认后的记录不能再改。",
            noun="服务记录",
        ),
        create=lambda *, access, actor, values: services.service_create(
            access=access, actor=actor, data=_data(services.ServiceData, values)
        ),
        update=lambda *, access, actor, record, values: services.service_update(
            access=access, actor=actor, record=record, data=_data(services.ServiceData, values)
        ),
        delete=lambda *, access, actor, record: services.service_delete(
            access=access, actor=actor, record=record
        ),
        validate=lambda *, access, values: services.validate_service_data(
            access, _data(services.ServiceData, values)
        ),
        get=selectors.service_get,
        list_queryset=selectors.service_list,
        title=str,
        totals=(ListTotal("volunteer_hours", "已确认服务时长"),),
        workflow="volunteer_service",
        detail_extra="volunteers/_service_extra.html",
        detail_context=_service_context,
        ordering=("-served_on", "-pk"),
        import_description="批量登记服务时长（待确认）。",
    )
)

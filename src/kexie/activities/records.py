"""Activities as a record type of the record layer: the list (filter bar with the list's URL contract,
totals from the engine, sorts), the detail page (fields, history with diffs), the form (unit picker,
lost-update refusal), delete with undo, the .xlsx export and the import's columns are all derived from
this one declaration (kexie.records). Every rule stays in services.py, every read in selectors.py;
the tuned import pipeline (importers.py) takes its columns from here.

The filters are the list's contract (see filters.py): the engine's provenance links
(indicators/catalogue.py), the dashboard, the reports and the calendar write these parameters.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from kexie.activities import selectors, services
from kexie.activities.models import Activity
from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action, scope
from kexie.records.declarations import (
    AttachmentSlot,
    Declaration,
    Field,
    Filter,
    ListColumn,
    ListTotal,
    Sort,
    Texts,
    register,
)
from kexie.registries.models import FacilityKind

_DATA_FIELDS = {f.name for f in dataclasses.fields(services.ActivityData)}
# optional numbers left empty take the model's default (0 is kept: the service judges it)
_DEFAULTS = {
    name: Activity._meta.get_field(name).default
    for name in (
        "participants",
        "online_views",
        "sci_workers",
        "volunteers",
        "beneficiaries",
        "sessions",
        "materials_copies",
        "materials_kinds",
        "mode",
        "status",
    )
}


def activity_data(values: dict) -> services.ActivityData:
    """The services' data from the layer's values (form, import, rollback)."""
    data = {k: v for k, v in values.items() if k in _DATA_FIELDS}
    for name, default in _DEFAULTS.items():
        if data.get(name) in (None, ""):
            data[name] = default
    data["series"] = data.get("series") or None
    data["is_key"] = bool(data.get("is_key"))
    for name in ("venue", "region_code", "description"):
        data[name] = data.get(name) or ""
    data["target_groups"] = list(data.get("target_groups") or [])
    data["co_organisers"] = list(data.get("co_organisers") or [])
    return services.ActivityData(**data)


def _create(*, access, actor, values):
    return services.activity_create(access=access, actor=actor, data=activity_data(values))


def _update(*, access, actor, record, values):
    return services.activity_update(access=access, actor=actor, activity=record, data=activity_data(values))


def _delete(*, access, actor, record, reason: str = ""):
    services.activity_delete(access=access, actor=actor, activity=record, reason=reason)


def _restore(*, access, actor, pk):
    return services.activity_restore(access=access, actor=actor, pk=pk)


def _validate(*, access, values):
    errors = services.validate_activity_data(activity_data(values), access=access)
    if errors:
        name, message = next(iter(errors.items()))
        raise DomainError(message, field=name)


def _list_queryset(*, access):
    return scope(
        Activity.objects.select_related("org_unit", "activity_type", "campaign"), access, Action.VIEW
    )


# ---------------------------------------------------------------------------- filter options


def _type_options(access):
    return [(t.code, t.name) for t in selectors.activity_types(access=access, active_only=False)]


def _campaign_options(access):
    return [(c.code, c.name) for c in selectors.visible_campaigns(access=access)]


def _group_options(access):
    return [(g.code, g.name) for g in selectors.target_groups()]


def _facility_options(access):
    return [(f.pk, f.name) for f in selectors.facility_choices(access=access)]


# combined options of the filter bar (the parameter takes any kinds, comma-separated)
FACILITY_KIND_OPTIONS = (
    ("museum,theme_museum,campus_museum", "科技馆"),
    ("mobile_museum,caravan", "流动科技馆或科普大篷车"),
    ("mobile_museum", "流动科技馆"),
    ("caravan", "科普大篷车"),
)


def _started_within(period) -> Q:
    """An activity counts in the period its start date falls in."""
    return Q(start_date__gte=period.start, start_date__lte=period.end)


def _status_q(value: str) -> Q:
    return Q(status=value)


FILTERS = (
    Filter("q", "关键词", "text", lookups=("title", "venue"), placeholder="活动名称或地点"),
    Filter(
        "period",
        "期间（按开始日期）",
        "period",
        q=_started_within,
        placeholder="如 2024、2024Q3、2024-09、2021..2025",
    ),
    Filter("unit", "单位（含下级）", "unit", outside_404=True),
    Filter(
        "own", "仅本级（不含下级单位）", "own", error="“仅本级”参数只能是 1、0 或留空，收到的是“%(value)s”。"
    ),
    Filter(
        "type",
        "活动类型",
        "choice",
        lookup="activity_type__code",
        options=_type_options,
        error="没有代码为“%(value)s”的活动类型。",
    ),
    Filter(
        "campaign",
        "活动品牌",
        "choice",
        lookup="campaign__code",
        options=_campaign_options,
        many=True,
        max_values=20,
        null_lookup="campaign",
        none_label="无品牌",
        any_label="任一品牌",
        error="没有代码为“%(value)s”的活动品牌。",
    ),
    Filter(
        "target",
        "目标人群",
        "choice",
        lookup="target_groups__code",
        options=_group_options,
        null_lookup="target_groups",
        none_label="未填写目标人群",
        error="没有代码为“%(value)s”的目标人群。",
    ),
    Filter(
        "facility_kind",
        "举办设施",
        "choice",
        lookup="facility__kind",
        many=True,
        choices=FacilityKind.choices,
        options=lambda access: FACILITY_KIND_OPTIONS,
        error=f"设施类型“%(value)s”无效，可选：{'、'.join(FacilityKind.values)}。",
    ),
    Filter(
        "series",
        "系列活动",
        "text",
        q=lambda name: Q(series=name.strip()),
        max_length=100,
        placeholder="如 全市职工乒乓球赛",
    ),
    Filter(
        "min_participants",
        "参与人次不少于",
        "int",
        lookup="participants__gte",
        min_value=0,
        max_value=9_999_999_999,
        error="“参与人次不少于”应为不超过10位的整数。",
    ),
    Filter(
        "status",
        "状态",
        "choice",
        lookup="status",
        choices=(("held", "已举办"), ("all", "全部状态"), ("planned", "计划中"), ("cancelled", "已取消")),
        q=_status_q,
        default="held",
        everything="all",
        base_value="held",
        error="状态参数“%(value)s”无效，可选：all、held、planned、cancelled。",
    ),
    Filter(
        "key",
        "重点活动",
        "flag",
        lookup="is_key",
        choices=(("1", "仅重点活动"), ("0", "不含重点活动")),
    ),
    Filter(
        "academic",
        "学术交流",
        "flag",
        lookup="activity_type__is_academic",
        choices=(("1", "仅学术交流"), ("0", "不含学术交流")),
    ),
    # read from links (the engine's figures by series or by venue); shown only when given
    Filter(
        "in_series",
        "系列活动",
        "flag",
        q=lambda value: Q(series__isnull=value != "1"),
        choices=(("1", "仅系列活动"), ("0", "不含系列活动")),
        hidden=True,
    ),
    Filter(
        "facility",
        "举办场馆/流动设施",
        "model",
        lookup="facility__id",
        options=_facility_options,
        null_lookup="facility",
        none_label="未填写",
        hidden=True,
        error="没有编号为“%(value)s”的场馆或流动设施。",
    ),
)

SORTS = (
    Sort("-start_date", "最新在前", ("-start_date", "-pk")),
    Sort("start_date", "最早在前", ("start_date", "pk")),
    Sort("-participants", "人次最多在前", ("-participants", "-pk")),
    Sort("participants", "人次最少在前", ("participants", "pk")),
    Sort("title", "按活动名称", ("title", "pk")),
)


# ---------------------------------------------------------------------------- list columns


def _title(a: Activity):
    badges = []
    if a.is_key:
        badges.append(("bg-orange-lt", "重点"))
    if a.status != Activity.Status.HELD:
        badges.append(("bg-secondary-lt", a.get_status_display()))
    return format_html(
        '<a href="{}">{}</a>{}',
        reverse("activities:detail", args=[a.pk]),
        a.title,
        format_html_join("", ' <span class="badge {} ms-1">{}</span>', badges),
    )


def _dates(a: Activity):
    start = a.start_date.isoformat()
    if a.end_date and a.end_date != a.start_date:
        # format_html escapes its arguments into strings first: the dates are formatted before
        end = a.end_date.isoformat() if a.end_date.year != a.start_date.year else f"{a.end_date:%m-%d}"
        return format_html('{}<span class="text-secondary"> 至 {}</span>', start, end)
    return start


def _detail_context(*, access, record):
    return {"import_batch": selectors.activity_import_batch(access=access, activity=record)}


def _export_notes(*, values, totals) -> list[str]:
    """共N项活动，参与人次合计M (the engine's figures for the exported list)."""
    figures = dict(totals)
    if "活动" not in figures:
        return []
    count, participants = (figures[k].value or 0 for k in ("活动", "参与人次"))
    return [f"共{count}项活动，参与人次合计{participants}"]


ACTIVITIES = Declaration(
    key="activities",
    model=Activity,
    label="科普活动",
    namespace="activities",
    section="科学素质",
    fields=(
        Field(
            "title",
            aliases=("活动主题", "活动标题", "名称"),
            example="科技助力乡村振兴专题讲座",
            wide=True,
            width=30,
        ),
        Field(
            "activity_type",
            options=lambda access: selectors.activity_types(access=access),
            also_match=("code",),
            aliases=("类型", "活动类别"),
            column_help="类型名称，如 讲座/报告会、展览、竞赛、培训、学术会议/论坛",
            example="讲座/报告会",
            max_length=30,
            width=14,
        ),
        Field(
            "campaign",
            options=lambda access: selectors.campaign_choices(access=access),
            also_match=("code",),
            aliases=("所属品牌", "品牌活动", "活动品牌名称"),
            help="全国科普日只到2024年；2025年起为全国科普月（9月）",
            column_help="可空。全国科普日只到2024年，2025年起为全国科普月；也可填本地品牌",
            example="全国科普日",
            max_length=50,
            width=14,
        ),
        Field(
            "org_unit",
            column_key="org_code",
            aliases=("主办单位机构代码", "主办机构代码"),
            column_help="可空，默认为导入时的当前单位",
            example="340822",
            max_length=32,
            width=14,
        ),
        Field(
            "start_date", aliases=("活动日期", "举办日期", "开始时间", "日期"), example="2024-09-21", width=12
        ),
        Field(
            "end_date",
            required=False,
            aliases=("结束时间",),
            help="一天的活动可不填",
            column_help="可空，默认与开始日期相同",
            example="2024-09-21",
            width=12,
        ),
        Field("venue", aliases=("地点", "举办地点"), example="高河镇文化站", width=20),
        Field(
            "mode", aliases=("活动形式", "线上线下"), column_help="可空，默认线下", example="线下", width=10
        ),
        Field("participants", aliases=("参加人次", "受众人次"), example="120", width=10),
        Field("online_views", aliases=("浏览量", "线上观看量"), example="0", width=10),
        Field("sci_workers", aliases=("科技工作者人次", "参与科技工作者"), example="5", width=10),
        Field("volunteers", aliases=("志愿者人次", "参与志愿者"), example="8", width=10),
        Field(
            "target_groups",
            also_match=("code",),
            aliases=("重点人群", "面向人群", "受众人群"),
            column_help="多个用顿号、逗号或分号隔开，如 农民、青少年",
            example="农民、老年人",
            max_length=200,
            width=18,
        ),
        Field(
            "is_key", aliases=("是否重点活动",), column_help="是/否，可空（默认否）", example="否", width=8
        ),
        Field(
            "description",
            aliases=("简介", "活动内容", "内容简介"),
            example="邀请县农技中心专家讲解水稻病虫害绿色防控技术。",
            max_length=services.MAX_DESCRIPTION,
            width=40,
        ),
        Field(
            "status",
            aliases=("活动状态",),
            column_help="可空，默认已举办；将来的活动填“计划中”",
            example="已举办",
            width=8,
        ),
        Field(
            "co_organisers",
            aliases=("协办单位代码",),
            help="可多选（按住 Ctrl 或 ⌘ 点选）；可不选",
            column_help="可空；填机构代码或单位全称，多个用顿号隔开",
            max_length=1000,
            width=20,
        ),
        Field(
            "region_code",
            aliases=("区划代码", "活动地区代码"),
            column_kind="code",
            help="可空；6位或12位",
            column_help="可空；6位或12位统计用区划代码",
            width=14,
        ),
        Field(
            "beneficiaries",
            required=False,
            aliases=("受益人数(人)", "受益群众人数", "服务人数"),
            help="去重的人数（人）：同一人参加多场只算一人；参与人次按场累计",
            column_help="可空，默认0；去重的人数：同一人参加多场只算一人（参与人次按场累计）",
            example="100",
            width=10,
        ),
        Field(
            "sessions",
            required=False,
            aliases=("分场次数", "包含场次", "子活动场次"),
            help="一项活动含多场报告、分论坛或工作坊时填总场数（如年会7场主题报告加5场工作坊填12）；单场活动填1",
            column_help="可空，默认1；一项活动含多场报告、分论坛或工作坊时填总场数（如年会7场主题报告加5场工作坊填12）",
            example="1",
            width=10,
        ),
        Field(
            "series",
            aliases=("系列活动名称", "所属系列活动"),
            help="连续举办的系列活动名称，如“全市职工乒乓球赛”；每届录入为一项活动",
            column_help="可空；连续举办的系列活动名称，如 全市职工乒乓球赛",
            width=20,
        ),
        Field(
            "edition",
            aliases=("第几届",),
            column_kind="text",  # the import also reads 第七届 (importers.parse_edition)
            help="第几届，填数字（第七届填7）；可空",
            column_help="可空；第几届，填 7 或 第七届",
            max_length=20,
            width=8,
        ),
        Field(
            "materials_copies",
            required=False,
            aliases=("发放科普资料", "发放资料份数", "科普资料份数", "发放科普资料(份)"),
            column_help="可空，默认0",
            example="200",
            width=12,
        ),
        Field(
            "facility",
            options=lambda access: selectors.facility_choices(access=access),
            option_label=lambda f: f"{f.name}（{f.get_kind_display()}，{f.org_unit.name}）",
            aliases=("举办场馆", "举办设施", "流动设施", "场馆/设施", "举办场馆或设施"),
            help="由科技馆、流动科技馆、科普大篷车等举办的活动请选择，设施在“科普设施”中登记",
            column_help="可空；科技馆、流动科技馆、科普大篷车等设施的名称（在“科普设施”中登记的）",
            max_length=200,
            width=20,
        ),
        Field(
            "materials_kinds",
            required=False,
            aliases=("科普资料种类", "资料种类", "科普资料种数"),
            column_help="可空，默认0",
            example="3",
            width=12,
        ),
    ),
    filters=FILTERS,
    sorts=SORTS,
    columns=(
        ListColumn("活动名称", render=_title),
        ListColumn("主办单位", field="org_unit", css="d-none d-md-table-cell"),
        ListColumn("类型", field="activity_type", css="d-none d-lg-table-cell"),
        ListColumn("日期", render=_dates, css="text-nowrap"),
        ListColumn("参与人次", render=lambda a: f"{a.participants:,}", css="text-end"),
        ListColumn("品牌", field="campaign", css="d-none d-lg-table-cell"),
    ),
    texts=Texts(
        intro="这里录入和查看本单位及下级单位举办的科普活动、学术交流、培训和竞赛；默认只列已举办的活动，"
        "统计和报告中的活动数、参与人次都由这里的记录计算。",
        create="录入活动",
        empty_can_enter="还没有录入任何已举办的活动",
        empty_hint_can_enter="点击“录入活动”逐条录入，或下载模板后用“批量导入”从 Excel 台账导入。"
        "计划中的活动请在状态中选“全部状态”查看。",
        empty="本单位及下级还没有已举办的活动",
        empty_hint="活动由各单位的填报员录入；录入后会显示在这里。",
        empty_filtered="没有符合筛选条件的活动",
        form_hint="开始日期晚于今天的活动请把状态设为“计划中”；受益人数是去重的人数，不能多于参与人次。",
        noun="活动",
    ),
    create=_create,
    update=_update,
    delete=_delete,
    validate=_validate,
    get=selectors.activity_get,
    list_queryset=_list_queryset,
    title=lambda a: a.title,
    natural_key=("org_unit", "title", "start_date"),
    attachments=(
        AttachmentSlot(
            "photo", "照片", kinds=("jpeg", "png", "webp"), help="jpg、png 或 webp，每个不超过 10 MB"
        ),
        AttachmentSlot(
            "document", "附件", kinds=("pdf", "docx", "xlsx"), help="pdf、docx 或 xlsx，每个不超过 10 MB"
        ),
    ),
    attachments_by_type=True,  # one upload of photos and documents together, as the 台账 keeps them
    max_attachments=services.MAX_ATTACHMENTS,
    totals=(ListTotal("activities", "活动", key="count"), ListTotal("participants", "参与人次")),
    all_time="0001..9998",
    history_hidden=frozenset({"created_at", "updated_at", "created_by", "import_batch"}),
    detail_extra="activities/_detail_extra.html",
    detail_context=_detail_context,
    page_size=25,
    ordering=("-start_date", "-pk"),
    links=(("活动日历", "activities:calendar"), ("已删除的活动", "activities:deleted")),
    restore=_restore,
    deleted=lambda *, access: selectors.deleted_activity_list(access=access),
    delete_reason=True,
    prefetch=("target_groups", "co_organisers"),
    export_extra=(
        ("主办单位名称", lambda a: a.org_unit.name, 24),  # read-only: the import reads 主办单位代码
        ("录入时间", lambda a: timezone.localtime(a.created_at).replace(tzinfo=None), 16),
        ("系统编号", lambda a: a.pk, 10),
    ),
    export_notes=_export_notes,
    import_description="批量录入本单位及下级单位的活动（科普活动、学术交流、培训、竞赛等）。"
    "主办单位、活动名称和开始日期都相同的行会更新已有活动，不会重复创建。",
)

# the tuned import (importers.ACTIVITY_SPEC, columns from this declaration) is the record type's
# import spec: it registers itself before the declaration, which then keeps it
from kexie.activities import importers  # noqa: E402, F401

register(ACTIVITIES)

"""The registries' record types on the record layer (kexie.records): 称号/平台认定 (designations) and
科普设施 (facilities). Pages, import, export, history, attachments and the lifecycle panel are derived
from these declarations; every rule is in services.py, every read in selectors.py.

The filters declared here are the list pages' filter bars and, through
`kexie.records.filters.list_link` (indicators/catalogue.py), the engine's provenance links: unit, own,
period (认定 within), at (in force that day), programme, category, level (one or several,
comma-separated), state, grade with grade_year (the grade of that year; alone: the latest grade),
holder_kind, region (the holder's county; "none": not known); facilities: kind.
"""

from __future__ import annotations

import dataclasses

from django import forms
from django.db.models import Q
from django.utils.html import format_html

from kexie.orgs import regions
from kexie.records.declarations import (
    AttachmentSlot,
    Declaration,
    Field,
    Filter,
    ListColumn,
    ListTotal,
    Texts,
    register,
)
from kexie.registries import selectors, services
from kexie.registries.models import (
    IN_FORCE_STATES,
    Academy,
    Category,
    Designation,
    Evaluation,
    Facility,
    FacilityKind,
    Grade,
    HolderKind,
    Level,
    State,
)

# ---------------------------------------------------------------------------- designations

_DESIGNATION_FIELDS = {f.name for f in dataclasses.fields(services.DesignationData)}


def _designation_data(values: dict) -> services.DesignationData:
    return services.DesignationData(**{k: v for k, v in values.items() if k in _DESIGNATION_FIELDS})


def _granted(values: dict) -> bool:
    # a page's create form says it (按已认定录入); an imported list is of designations already granted
    return bool(values.get("granted", True))


def _grade(values: dict) -> dict:
    """A list's 评估年度 + 评估等级 (import columns; the form has none: grades are entered on the record)."""
    return {"year": values.get("latest_grade_year"), "grade": values.get("latest_grade") or ""}


def _designation_create(*, access, actor, values):
    designation = services.designation_create(
        access=access, actor=actor, data=_designation_data(values), granted=_granted(values)
    )
    services.evaluation_set(access=access, actor=actor, designation=designation, **_grade(values))
    return designation


def _designation_update(*, access, actor, record, values):
    designation = services.designation_update(
        access=access, actor=actor, designation=record, data=_designation_data(values)
    )
    if "latest_grade" in values:
        services.evaluation_set(access=access, actor=actor, designation=designation, **_grade(values))
    return designation


def _designation_validate(*, access, values):
    data = services.validate_designation_data(_designation_data(values), granted=_granted(values))
    if "latest_grade" in values:
        ends_on = Designation(valid_until=data.valid_until).compute_ends_on()
        services.validate_grade_entry(granted_on=data.granted_on, ends_on=ends_on, **_grade(values))


def _programmes(access):
    return selectors.programme_list(access=access)


def _programme_options(access):
    return [(p.code, p.name) for p in selectors.programme_list(access=access, include_inactive=True)]


def county_options(access) -> list[tuple[str, str]]:
    """The county-level regions a list may be narrowed to: those of the active unit's province (all
    of them for a unit without a region code, e.g. 全国)."""
    counties = regions.names_at_level(3)
    code = (access.unit.region_code if access.unit is not None else "") or ""
    prefix = code[:2] if len(code) >= 2 and code[:2] != "00" else ""
    return [(c, name) for c, name in counties.items() if c.startswith(prefix)]


def _granted_within(period) -> Q:
    return Q(granted_on__gte=period.start, granted_on__lte=period.end)


def _valid_within(period) -> Q:
    """In force on at least one day of the period."""
    return Q(granted_on__isnull=False, granted_on__lte=period.end) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=period.start)
    )


NO_GRADE = "none"  # 未评估 (the engine's breakdown member of designations without that year's grade)


def _grade_q(grade: str, grade_year: int | None = None) -> Q:
    """评估等级 of the given 评估年度 (the engine's grade breakdown links write both: the grade a
    designation got for the period's year); without a year, the latest grade."""
    if grade_year is None:
        return Q(latest_grade="" if grade == NO_GRADE else grade)
    graded = Evaluation.objects.filter(year=grade_year)
    if grade == NO_GRADE:
        return ~Q(pk__in=graded.values("designation"))
    return Q(pk__in=graded.filter(grade=grade).values("designation"))


def _grade_year_q(year: int, grade: str | None = None) -> Q:
    """评估年度 alone: evaluated that year (with 评估等级, that filter reads the year)."""
    if grade:
        return Q()
    return Q(pk__in=Evaluation.objects.filter(year=year).values("designation"))


def _state_badge(designation: Designation):
    return format_html(
        '<span class="badge bg-{}-lt">{}</span>',
        designation.state_tone or "secondary",
        designation.get_state_display(),
    )


def _validity(designation: Designation) -> str:
    if designation.granted_on is None:
        return "—"
    end = designation.ends_on or designation.valid_until
    return (
        f"{designation.granted_on:%Y-%m-%d} 至 {end:%Y-%m-%d}"
        if end
        else f"{designation.granted_on:%Y-%m-%d} 起"
    )


def _designation_context(*, access, record):
    return {
        "takes_experts": bool(record.programme.expert_caps) or record.experts.exists(),
        "can_add_expert": access.covers(record.org_unit, "enter") and record.state in IN_FORCE_STATES,
        "academies": Academy.choices,
        "evaluations": selectors.designation_evaluations(designation=record),
        "experts": selectors.designation_experts(designation=record),
        "grades": Grade.choices,
        "can_grade": any(access.covers(record.org_unit, a) for a in ("enter", "manage", "review"))
        and record.state in IN_FORCE_STATES,
    }


DESIGNATIONS = register(
    Declaration(
        key="designations",
        model=Designation,
        label="阵地与平台",
        namespace="registries",
        section="阵地与平台",
        fields=(
            Field("org_unit", aliases=("管理单位", "填报单位"), example="340822"),
            Field(
                "programme",
                options=_programmes,
                aliases=("称号", "平台", "项目", "称号名称"),
                example="科普教育基地",
            ),
            Field("level", aliases=("认定级别",), example="市级"),
            Field("national_category", aliases=("国家级分类",)),
            Field(
                "holder_unit",
                required=False,
                help="承担单位是科协组织时从这里选择；否则留空，填写下面的外部单位",
                aliases=("承担单位机构代码",),
            ),
            Field("holder_kind", required=False, aliases=("单位类型", "承担单位类别"), example="学校"),
            Field(
                "holder_name",
                required=False,
                aliases=("承担单位", "基地名称", "单位名称", "名称"),
                example="怀宁县实验中学",
                width=30,
            ),
            Field("holder_region_code", aliases=("区划代码",)),
            Field("holder_address", aliases=("地址",), wide=True),
            Field("issuer", aliases=("认定机构", "命名单位")),
            Field("batch", aliases=("认定批次",)),
            Field("document_no", aliases=("认定文号", "文件号"), example="宜科协发〔2024〕12号"),
            Field("applied_on", aliases=("申报时间",)),
            Field("granted_on", aliases=("认定时间", "命名日期", "授牌日期"), example="2024-06-01"),
            Field(
                "valid_until", aliases=("有效期", "有效期限"), help="有期限的项目可不填，按项目规定的年限计算"
            ),
            Field("note", aliases=("说明",)),
            Field("state", form=False, columns=False),
            # one year's grade per row (the lists keep 评估年度 + 评估等级); export writes the latest
            Field(
                "latest_grade_year",
                label="评估年度",
                form=False,
                detail=False,  # the record's page lists every year's grade
                aliases=("最近评估年度", "评估年份"),
                example="2024",
            ),
            Field(
                "latest_grade",
                label="评估等级",
                form=False,
                detail=False,
                aliases=("评估结果", "最近评估等级", "年度评估", "评估"),
                example="良好",
            ),
            Field("revoked_on", form=False, columns=False),
        ),
        filters=(
            Filter(
                "q",
                "关键词",
                "text",
                lookups=("holder_name", "document_no", "batch"),
                placeholder="承担单位、文号或批次",
            ),
            Filter(
                "programme",
                "称号/平台",
                "choice",
                lookup="programme__code",
                options=_programme_options,
                many=True,
            ),
            Filter("category", "类别", "choice", lookup="programme__category", choices=Category.choices),
            Filter("level", "级别", "choice", lookup="level", choices=Level.choices, many=True),
            Filter("state", "状态", "choice", lookup="state", choices=State.choices),
            Filter(
                "grade",
                "评估等级",
                "choice",
                lookup="evaluations__grade",  # the engine's breakdown member (with grade_year)
                choices=(*Grade.choices, (NO_GRADE, "未评估")),
                q=_grade_q,
                q_with=("grade_year",),
                help="填写评估年度时按该年度的评估等级，否则按最近一次评估",
            ),
            Filter(
                "grade_year",
                "评估年度",
                "int",
                lookup="evaluations__year",
                q=_grade_year_q,
                q_with=("grade",),
                min_value=1949,
                max_value=2100,
                placeholder="如 2024",
            ),
            Filter("holder_kind", "承担单位类型", "choice", lookup="holder_kind", choices=HolderKind.choices),
            Filter(
                "region",
                "所在区县",
                "choice",
                lookup="holder_county_code",
                options=county_options,
                null_lookup="holder_county_code",
                none_label="区划不明",
                help="承担单位所在的县级行政区（按承担单位的区划代码）",
            ),
            Filter("period", "认定期间", "period", q=_granted_within, placeholder="如 2024、十四五"),
            Filter("valid", "有效期间", "period", q=_valid_within, placeholder="期间内任一天有效"),
            Filter("at", "某日有效", "date", q=selectors.in_force_q),
            Filter("unit", "管理单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("承担单位", field="holder_name", link=True),
            ListColumn("称号/平台", render=lambda d: d.programme.name),
            ListColumn("级别", field="level"),
            ListColumn("状态", render=_state_badge),
            ListColumn("有效期", render=_validity, css="d-none d-md-table-cell text-nowrap"),
            ListColumn("文号", field="document_no", css="d-none d-lg-table-cell"),
            ListColumn("最近评估", field="latest_grade", css="d-none d-lg-table-cell"),
            ListColumn("管理单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里登记本单位及下级管理的科普教育基地、院士专家工作站、海智计划基地、学会服务站等称号和平台："
            "申报、推荐、审核、认定、年度评估和撤销都在记录页上办理，统计和报告中的数字由这里的记录计算。",
            create="登记称号/平台",
            empty_can_enter="还没有登记任何称号或平台",
            empty_hint_can_enter="点击“登记称号/平台”提交申报；已经认定的（如国家级），勾选“按已认定录入”并填写文号和认定日期；"
            "已有 Excel 台账的，可以“批量导入”。",
            empty="本单位及下级还没有登记称号或平台",
            empty_hint="由各单位的填报员登记；登记后会显示在这里。",
            form_hint="承担单位是科协组织的从列表中选择，其他单位填写类型和名称；申报中的记录不填文号和认定日期，认定时再填写。",
            noun="称号/平台记录",
        ),
        create=_designation_create,
        update=_designation_update,
        delete=lambda *, access, actor, record: services.designation_delete(
            access=access, actor=actor, designation=record
        ),
        can_delete=lambda record: record.state in services.DELETABLE_STATES,
        validate=_designation_validate,
        get=selectors.designation_get,
        list_queryset=selectors.designation_list,
        title=str,
        natural_key=("programme", "level", "holder_name"),
        attachments=(
            AttachmentSlot("application", "申报书", kinds=("pdf", "docx"), help="pdf 或 docx，不超过 10 MB"),
            AttachmentSlot(
                "plaque", "牌匾照片", kinds=("jpeg", "png", "webp"), help="jpg、png 或 webp，不超过 10 MB"
            ),
            AttachmentSlot("document", "认定文件", kinds=("pdf", "docx", "jpeg", "png")),
        ),
        create_extras=(
            (
                "granted",
                lambda: forms.BooleanField(
                    label="按已认定录入（系统外认定的称号，如国家级，须填文号和认定日期）",
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                ),
            ),
        ),
        totals=(
            ListTotal("designations_new", "新认定"),
            ListTotal("designations", "期末有效"),
        ),
        workflow="designation",
        detail_extra="registries/_designation_extra.html",
        detail_context=_designation_context,
        ordering=("-granted_on", "-pk"),
        import_description="按各地现有的基地/站点台账批量录入已认定的称号和平台（全部通过才写入）。"
        "称号/平台、级别和承担单位名称相同的行会更新已有记录，不会重复登记。",
    )
)


# ---------------------------------------------------------------------------- facilities

_FACILITY_FIELDS = {f.name for f in dataclasses.fields(services.FacilityData)}


def _facility_data(values: dict) -> services.FacilityData:
    return services.FacilityData(**{k: v for k, v in values.items() if k in _FACILITY_FIELDS})


def _opened_within(period) -> Q:
    return Q(opened_on__gte=period.start, opened_on__lte=period.end)


def _facility_context(*, access, record):
    return {
        "trips": selectors.facility_trips(facility=record),
        "can_add_trip": access.covers(record.org_unit, "enter"),
    }


FACILITIES = register(
    Declaration(
        key="facilities",
        model=Facility,
        label="科普设施",
        namespace="facilities",
        section="阵地与平台",
        fields=(
            Field("org_unit", aliases=("管理单位",), example="340822"),
            Field("kind", aliases=("设施类型", "类别"), example="科普画廊/宣传栏"),
            Field("name", aliases=("设施名称",), example="高河镇中心街科普画廊", width=30),
            Field("region_code", aliases=("区划代码",)),
            Field("address", aliases=("地点",), wide=True),
            Field("area_m2", aliases=("面积", "面积（㎡）")),
            Field("is_standard", aliases=("达标", "是否达标")),
            Field("opened_on", aliases=("建成日期", "启用时间")),
            Field("closed_on", aliases=("停用时间",)),
            Field("note", aliases=("说明",)),
        ),
        filters=(
            Filter("q", "关键词", "text", lookups=("name", "address"), placeholder="名称或地址"),
            Filter("kind", "类型", "choice", lookup="kind", choices=FacilityKind.choices),
            Filter("period", "启用期间", "period", q=_opened_within),
            Filter("at", "某日在用", "date", q=selectors.facility_open_q),
            Filter("unit", "管理单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("名称", field="name", link=True),
            ListColumn("类型", field="kind"),
            ListColumn("地址", field="address", css="d-none d-md-table-cell"),
            ListColumn("启用日期", render=lambda f: f"{f.opened_on:%Y-%m-%d}" if f.opened_on else "—"),
            ListColumn(
                "停用日期",
                render=lambda f: f"{f.closed_on:%Y-%m-%d}" if f.closed_on else "—",
                css="d-none d-md-table-cell",
            ),
            ListColumn("管理单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里登记科普画廊/宣传栏、社区科普活动室、校园科技馆、科技馆和流动科技馆、科普大篷车；"
            "流动设施的巡展/下乡记在设施页上。统计中的设施数按启用和停用日期计算。",
            create="登记科普设施",
            empty_can_enter="还没有登记任何科普设施",
            empty_hint_can_enter="点击“登记科普设施”逐个登记，或用“批量导入”导入现有台账。",
            empty="本单位及下级还没有登记科普设施",
            empty_hint="由各单位的填报员登记；登记后会显示在这里。",
            form_hint="停用的设施填写停用日期（停用当日起不再计入），不要删除，以免历年统计变化；"
            "只有登记错误的设施才删除。",
            noun="设施",
        ),
        create=lambda *, access, actor, values: services.facility_create(
            access=access, actor=actor, data=_facility_data(values)
        ),
        update=lambda *, access, actor, record, values: services.facility_update(
            access=access, actor=actor, facility=record, data=_facility_data(values)
        ),
        delete=lambda *, access, actor, record: services.facility_delete(
            access=access, actor=actor, facility=record
        ),
        can_delete=lambda record: not selectors.facility_has_trips(record),
        validate=lambda *, access, values: services.validate_facility_data(_facility_data(values)),
        get=selectors.facility_get,
        list_queryset=selectors.facility_list,
        title=str,
        natural_key=("org_unit", "kind", "name"),
        attachments=(AttachmentSlot("photo", "照片", kinds=("jpeg", "png", "webp")),),
        detail_extra="registries/_facility_extra.html",
        detail_context=_facility_context,
        ordering=("org_unit__path", "kind", "name"),
        import_description="批量登记或更新科普设施；管理单位、类型和名称相同的行会更新已有记录。",
    )
)

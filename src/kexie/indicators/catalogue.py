"""What kexie counts: the record types the engine reads and every indicator declared on them.

Adding a figure means adding an `Indicator` here (and its independent expectation in
tests/indicators/helpers.py, SPEC); adding a kind of record means registering a `RecordType`.
"""

from __future__ import annotations

from django.db.models import Q

from kexie.activities.models import MAJOR_EVENT_PARTICIPANTS, Activity, ActivityMonthFact
from kexie.indicators.registry import (
    Aggregate,
    Dimension,
    FactSource,
    Fn,
    Indicator,
    Kind,
    ListLink,
    Param,
    Ratio,
    RecordType,
    StockAt,
    Words,
    register,
    register_record_type,
)
from kexie.orgs.models import OrgType, OrgUnit

# --------------------------------------------------------------------------- record types

ACTIVITY = register_record_type(
    RecordType(
        key="activity",
        label="活动",
        model=Activity,
        date_field="start_date",  # an activity counts in the period it starts in
        org_lookup="org_unit",  # the organiser (主办单位); co-organisers do not count it again
        base_filter=Q(status=Activity.Status.HELD),  # planned and cancelled activities count nowhere
        dimensions={
            "type": Dimension(
                "type",
                "活动类型",
                "activity_type__code",
                "activity_type__name",
                "activity_type__sort_order",
                via="activity_type",
            ),
            "campaign": Dimension(
                "campaign",
                "活动品牌",
                "campaign__code",
                "campaign__name",
                "campaign__sort_order",
                "无品牌",
                via="campaign",
            ),
            "target": Dimension(
                "target",
                "目标人群",
                "target_groups__code",
                "target_groups__name",
                "target_groups__sort_order",
                "未填写目标人群",
                via="target_groups",
            ),
            # a recurring series (全市职工乒乓球赛): its editions and people over the years
            "series": Dimension("series", "系列活动", "series", "series", none_label="不属于系列活动"),
            # the venue or mobile unit that held it (科技馆, 流动科技馆, 科普大篷车: kexie.registries)
            "facility": Dimension(
                "facility",
                "举办场馆/流动设施",
                "facility__id",
                "facility__name",
                none_label="未填写场馆/设施",
                via="facility",
            ),
        },
        # The activities list page (src/kexie/activities) implements this URL contract.
        link=ListLink(
            path="/activities/",
            params=(
                Param("activity_type__code", "type"),
                Param("campaign__code", "campaign"),
                Param("campaign__code__in", "campaign", many=","),
                Param("campaign__code__isnull", "campaign", {True: "none"}),
                Param("campaign__isnull", "campaign", {True: "none", False: "any"}),
                Param("is_key", "key", {True: "1", False: "0"}),
                Param("activity_type__is_academic", "academic", {True: "1", False: "0"}),
                Param("target_groups__code", "target"),
                Param("target_groups__code__isnull", "target", {True: "none"}),
                Param("target_groups__isnull", "target", {True: "none"}),
                Param("participants__gte", "min_participants"),
                Param("series", "series"),
                Param("series__isnull", "in_series", {True: "0", False: "1"}),
                Param("facility__id", "facility"),
                Param("facility__id__isnull", "facility", {True: "none"}),
                Param("facility__isnull", "facility", {True: "none"}),
                Param("facility__kind__in", "facility_kind", many=","),
                Param("status", "status", {s: s for s in Activity.Status.values}),
            ),
            own_param="own",
            all_records=("status", "all"),
        ),
        # kexie.activities.facts keeps this table equal to the activities on every write
        facts=FactSource(
            model=ActivityMonthFact,
            dimensions=frozenset({"org_unit", "activity_type", "campaign", "is_key", "status"}),
            count="n",
            sums={
                f: f
                for f in (
                    *("participants", "online_views", "sci_workers", "volunteers"),
                    *("beneficiaries", "sessions", "materials_copies", "materials_kinds"),  # issue 9 item 4
                )
            },
            counts_where={("participants__gte", MAJOR_EVENT_PARTICIPANTS): "n_major"},
            lists=frozenset({"activity_type", "campaign"}),
        ),
    )
)

ORG_UNIT = register_record_type(
    RecordType(
        key="orgunit",
        label="组织机构",
        model=OrgUnit,
        date_field="active_from",  # unused: org units are counted as a stock (StockAt), never as a flow
        org_lookup="",  # the unit itself
        dimensions={"org_type": Dimension("org_type", "单位类型", "org_type", labels=dict(OrgType.choices))},
        # the org list (kexie.orgs.views.tree with filters) implements this URL contract: period = founded
        # within (active_from), at = in force on a day (the stock), unit = subtree, type = org type
        link=ListLink(path="/orgs/", params=(Param("org_type", "type"),), own_param="own", at_param="at"),
    )
)

# --------------------------------------------------------------------------- indicators

POPSCI = {"activity_type__is_academic": False}
ACADEMIC = {"activity_type__is_academic": True}
POPSCI_GROUP = "科普活动"
ACADEMIC_GROUP = "学术交流"
ALL_GROUP = "全部活动"

# --------------------------------------------------------------------------- words reports use
# (kexie.indicators.registry.Words: how reports name a figure; read by the fact-check, written by
# the report generator)

# How reports name the national campaigns (the "campaign" breakdown); names of campaigns a unit
# defines itself are added from the database at run time.
CAMPAIGN_WORDS = {
    "science_day": ("全国科普日", "科普日"),
    "science_month": ("全国科普月", "科普月"),
    "st_week": ("科技活动周", "科技周"),
    "workers_day": ("全国科技工作者日", "科技工作者日", "5·30", "5.30"),
    "st_spring": ("科技之春",),
    "disaster_day": ("防灾减灾日", "5·12"),
    "environment_day": ("世界环境日", "6·5"),
    "meteorology_day": ("世界气象日", "3·23"),
}
TARGET_WORDS = {
    "youth": ("青少年",),
    "farmers": ("农民",),
    "workers": ("产业工人",),
    "elderly": ("老年人",),
    "officials": ("领导干部和公务员",),
    "residents": ("社区居民",),
}
ORG_TYPE_WORDS = {
    "township": ("乡镇科协",),
    "subdistrict": ("街道科协",),
    "village": ("村科协", "社区科协"),
    "county": ("县级科协",),
    "society": ("学会",),
    "enterprise": ("企业科协",),
    "university": ("高校科协",),
    "park": ("园区科协",),
    "rural_tech": ("农技协", "农村专业技术协会"),
}
ACTIVITY_QUALIFIERS = {"campaign": CAMPAIGN_WORDS, "target": TARGET_WORDS}
TIMES = ("场次", "场", "次")  # counters of activities held
PERSON_TIMES = ("人次",)
ACTIVITY = ("科普活动", "活动")  # a 活动 alone is a 科普活动 or any activity: ambiguous unless qualified
ACADEMIC_WORDS = (
    "学术交流活动", "学术交流", "学术活动", "学术会议", "学术论坛", "学术年会", "学术研讨会", "学术研讨",
    "研讨会", "论坛",
)  # fmt: skip
VIEW_WORDS = ("浏览量", "点击量", "观看量", "阅读量")
NEW_UNIT_WORDS = ("新成立", "新组建", "新建立", "新建", "新增")


def _popsci_type(code: str, type_code: str, name: str, what: str, subjects: tuple[str, ...]) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"activity_type__code": type_code, **POPSCI}),
        description=f"期内已举办的{what}类科普活动场次，属于“科普活动场次”的其中项。",
        group=POPSCI_GROUP,
        words=Words(subjects, TIMES, qualifiers=ACTIVITY_QUALIFIERS, noun="、".join(what.split("/"))),
    )


register(
    Indicator(
        code="popsci_activities",
        name="科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters=POPSCI),
        description="期内开始并已举办的活动中，活动类型不属于学术交流的场次（线上、线下均计）。"
        "计划中和已取消的活动不计；一场活动只计入主办单位。",
        group=POPSCI_GROUP,
        words=Words(ACTIVITY, TIMES, qualifiers=ACTIVITY_QUALIFIERS, noun="科普活动"),
    ),
    Indicator(
        code="popsci_key_activities",
        name="重点科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"is_key": True, **POPSCI}),
        description="科普活动中标记为重点活动的场次。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY, TIMES, requires=(("重点",),), qualifiers=ACTIVITY_QUALIFIERS, noun="重点科普活动"
        ),
    ),
    Indicator(
        code="popsci_major_activities",
        name="重大科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate(
            "activity", Fn.COUNT, filters={"participants__gte": MAJOR_EVENT_PARTICIPANTS, **POPSCI}
        ),
        description="参与人次不少于1000的科普活动场次（全国科普统计口径）。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY, TIMES, requires=(("重大",),), qualifiers=ACTIVITY_QUALIFIERS, noun="重大科普活动"
        ),
    ),
    Indicator(
        code="popsci_participants",
        name="科普活动参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants", POPSCI),
        description="科普活动参与人次之和。人次按场累计，同一人参加多场计多次，不是去重人数。",
        group=POPSCI_GROUP,
        words=Words(ACTIVITY, PERSON_TIMES, qualifiers=ACTIVITY_QUALIFIERS, noun="参与群众"),
    ),
    Indicator(
        code="popsci_online_views",
        name="科普活动线上浏览量",
        unit="次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "online_views", POPSCI),
        description="科普活动的线上浏览量之和，与参与人次分开统计、不相加。",
        group=POPSCI_GROUP,
        words=Words(
            (*VIEW_WORDS, *ACTIVITY, "线上"),
            ("次", "人次", ""),
            requires=(VIEW_WORDS,),
            # views of videos, articles or posts are not views of activities
            excludes=("视频", "播放", "文章", "推文", "公众号", "微博", "抖音", "作品", "信息"),
            context=("活动",),
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="线上浏览量",
        ),
    ),
    _popsci_type(
        "popsci_lectures", "lecture", "讲座/报告会场次", "讲座/报告会", ("讲座", "报告会", "科普讲座")
    ),
    _popsci_type("popsci_exhibitions", "exhibition", "展览场次", "展览", ("展览", "科普展览")),
    _popsci_type(
        "popsci_consultations", "consultation", "咨询/义诊场次", "咨询/义诊", ("咨询", "义诊", "科普咨询")
    ),
    _popsci_type("popsci_trainings", "training", "培训场次", "培训", ("培训", "科普培训")),
    Indicator(
        code="popsci_youth_activities",
        name="面向青少年的科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"target_groups__code": "youth", **POPSCI}),
        description="目标人群包含青少年的科普活动场次；一场活动面向多个人群时只计一次。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY,
            TIMES,
            requires=(("青少年",),),
            qualifiers={"campaign": CAMPAIGN_WORDS},
            noun="面向青少年的科普活动",
        ),
    ),
    Indicator(
        code="science_day_month_activities",
        name="全国科普日（科普月）活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate(
            "activity", Fn.COUNT, filters={"campaign__code__in": ("science_day", "science_month"), **POPSCI}
        ),
        description="属于全国科普日（2024年及以前）或全国科普月（2025年起）的科普活动场次，"
        "便于跨2024/2025年连续比较。按“活动品牌”分组可分别查看。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY,
            TIMES,
            requires=(("全国科普日", "科普日"), ("全国科普月", "科普月")),
            noun="全国科普日（科普月）活动",
        ),
    ),
    Indicator(
        code="st_week_activities",
        name="科技活动周活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"campaign__code": "st_week", **POPSCI}),
        description="属于科技活动周的科普活动场次。",
        group=POPSCI_GROUP,
        words=Words(ACTIVITY, TIMES, requires=(("科技活动周", "科技周"),), noun="科技活动周活动"),
    ),
    Indicator(
        code="popsci_organisers",
        name="举办科普活动的单位数",
        unit="个",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT_DISTINCT, "org_unit", POPSCI),
        description="期内主办过至少一场科普活动的单位个数（去重）。各下级单位之和可能不等于合计。",
        group=POPSCI_GROUP,
        words=Words(
            ("单位",),
            ("个", "家"),
            context=("举办了科普活动", "开展了科普活动", "举办科普活动", "开展科普活动"),
            qualifiers={"campaign": CAMPAIGN_WORDS},
            noun="单位",
        ),
    ),
    Indicator(
        code="popsci_avg_participants",
        name="场均参与人次",
        unit="人次/场",
        kind=Kind.FLOW,
        definition=Ratio("popsci_participants", "popsci_activities"),
        description="科普活动参与人次 ÷ 科普活动场次；没有科普活动时不计算。",
        group=POPSCI_GROUP,
    ),
    Indicator(
        code="popsci_key_share",
        name="重点科普活动占比",
        unit="%",
        kind=Kind.FLOW,
        definition=Ratio("popsci_key_activities", "popsci_activities", scale=100),
        description="重点科普活动场次 ÷ 科普活动场次 × 100；没有科普活动时不计算。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY, ("%",), requires=(("重点",), ("占", "占比", "比例", "比重")), noun="重点科普活动占比"
        ),
    ),
    Indicator(
        code="academic_activities",
        name="学术交流活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters=ACADEMIC),
        description="期内开始并已举办的活动中，活动类型属于学术交流（学术会议、论坛等）的场次。",
        group=ACADEMIC_GROUP,
        words=Words(ACADEMIC_WORDS, TIMES, noun="学术交流活动"),
    ),
    Indicator(
        code="academic_participants",
        name="学术交流参加人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants", ACADEMIC),
        description="学术交流活动参加人次之和（按场累计，不去重）。",
        group=ACADEMIC_GROUP,
        words=Words(ACADEMIC_WORDS, PERSON_TIMES, noun="参加"),
    ),
    Indicator(
        code="activities",
        name="活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT),
        description="期内开始并已举办的全部活动场次（科普活动与学术交流合计）。活动列表的“共…项活动”即此数。",
        group=ALL_GROUP,
        words=Words(("活动",), TIMES, noun="活动"),
    ),
    Indicator(
        code="participants",
        name="活动参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants"),
        description="全部已举办活动的参与人次之和（按场累计，不去重）。活动列表的“参与人次合计”即此数。",
        group=ALL_GROUP,
        words=Words(("活动",), PERSON_TIMES, noun="参与"),
    ),
    Indicator(
        code="sci_worker_participation",
        name="参与科技工作者人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "sci_workers"),
        description="全部已举办活动（科普与学术交流）中参与的科技工作者人次之和。",
        group=ALL_GROUP,
        words=Words(
            ("科技工作者", "科技人员", "科技专家", *ACTIVITY),
            PERSON_TIMES,
            requires=(("科技工作者", "科技人员", "科技专家"),),
            context=("活动",),
            noun="科技工作者参与",
        ),
    ),
    Indicator(
        code="volunteer_participation",
        name="参与志愿者人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "volunteers"),
        description="全部已举办活动中参与的志愿者人次之和。",
        group=ALL_GROUP,
        words=Words(
            ("科技志愿者", "志愿者", *ACTIVITY),
            PERSON_TIMES,
            requires=(("志愿者",),),
            context=("活动",),
            noun="科技志愿者参与",
        ),
    ),
    Indicator(
        code="org_units",
        name="组织机构数",
        unit="个",
        kind=Kind.STOCK,
        definition=StockAt("orgunit", valid_from="active_from", valid_to="active_to", to_inclusive=False),
        description="期末（期间最后一天）存续的科协组织个数，含本单位：成立日期为空或不晚于该日，"
        "且未撤销或撤销日期晚于该日（撤销当日起不再计入）。可按单位类型分组。",
        group="组织机构",
        # "累计成立企业科协96家", "53个乡镇科协": the units of a type in force at the period's end
        words=Words(
            ("科协组织", "科协", "学会", "农技协", "农村专业技术协会"),
            ("个", "家"),
            excludes=NEW_UNIT_WORDS,
            qualifiers={"org_type": ORG_TYPE_WORDS},
            noun="科协组织",
        ),
    ),
    Indicator(
        code="org_units_founded",
        name="新成立组织机构数",
        unit="个",
        kind=Kind.FLOW,
        definition=Aggregate("orgunit", Fn.COUNT),
        description="成立日期在期内的科协组织个数（含其后已撤销或合并的）。没有填写成立日期的单位不计。"
        "可按单位类型分组。",
        group="组织机构",
        # "新成立高校科协组织2个"
        words=Words(
            ("科协组织", "科协", "学会", "农技协", "农村专业技术协会"),
            ("个", "家"),
            requires=(NEW_UNIT_WORDS,),
            qualifiers={"org_type": ORG_TYPE_WORDS},
            noun="新成立科协组织",
        ),
    ),
)


# ---- activity line (issue 9 item 4)
# People reached, sessions of one event, series and editions, materials handed out, and the types,
# target groups and campaigns reports name on their own. The words are kept narrow: a figure whose
# own words do not name exactly this thing stays 无法核对.

SERIES = {"series__isnull": False}
SCIENCE_DAY_MONTH = {"campaign__code__in": ("science_day", "science_month")}
MUSEUM_KINDS = ("museum", "theme_museum", "campus_museum")  # kexie.registries.models.FacilityKind
MOBILE_FACILITY_KINDS = ("mobile_museum", "caravan")


def _popsci_named_type(code: str, type_code: str, name: str, what: str, words: Words) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"activity_type__code": type_code, **POPSCI}),
        description=f"期内已举办的活动类型为“{what}”的科普活动场次，属于“科普活动场次”的其中项。",
        group=POPSCI_GROUP,
        words=words,
    )


register(
    Indicator(
        code="popsci_beneficiaries",
        name="科普活动受益人数",
        unit="人",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "beneficiaries", POPSCI),
        description="各项已举办科普活动填报的受益人数（每项活动内去重的人数）之和。与参与人次不同：同一人"
        "参加一项活动的多场只算一人；参加不同活动的同一人仍会分别计入，所以不是全市去重人数。",
        group=POPSCI_GROUP,
        words=Words(
            ("科普活动受益", "受益群众", "受益人数", "受益人群", "受益", "惠及群众", "惠及", *ACTIVITY),
            ("人", "名"),
            requires=(("受益", "惠及"),),  # people reached; "参与2万人" may be person-times
            excludes=("人次",),
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="受益群众",
        ),
    ),
    Indicator(
        code="academic_sessions",
        name="学术交流活动分场场次",
        unit="场",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "sessions", ACADEMIC),
        description="学术交流活动所含的分场（主题报告、分论坛、工作坊等）场次之和：一次年会开设7场主题报告"
        "和5场工作坊计为1场学术交流活动、12个分场。",
        group=ACADEMIC_GROUP,
        words=Words(("分会场", "分论坛", "分场"), ("场", "个", "场次"), noun="学术交流分场活动"),
    ),
    Indicator(
        code="series_editions",
        name="系列活动举办届次",
        unit="届",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters=SERIES),
        description="期内举办的系列活动（如“全市职工乒乓球赛”）的届次数：每届是一项活动。按“系列活动”"
        "分组可看每个系列在期内办了几届；期间取历年即为累计届数。",
        group=ALL_GROUP,
        words=Words(("连续举办", "举办", "已举办", "共举办"), ("届",), noun="系列活动"),
    ),
    Indicator(
        code="series_participants",
        name="系列活动参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants", SERIES),
        description="期内举办的系列活动各届参与人次之和（按场累计，不去重）。按“系列活动”分组可看每个系列"
        "的累计参与人次（如“连续举办七届，累计1400多人次”）。",
        group=ALL_GROUP,
        words=Words(("届",), PERSON_TIMES, requires=(("届",),), noun="系列活动参与"),
    ),
    Indicator(
        code="materials_copies",
        name="发放科普资料份数",
        unit="份",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "materials_copies"),
        description="各项已举办活动中发放的科普资料（宣传册、折页、图书等）份（册）数之和。",
        group=ALL_GROUP,
        words=Words(
            ("科普资料", "宣传资料", "科普宣传资料", "宣传册", "科普读物", "资料"),
            ("份", "册", "本", "份（册）"),
            requires=(("发放", "分发", "派发"),),  # handed out at activities, not printed
            noun="发放科普资料",
        ),
    ),
    Indicator(
        code="materials_kinds",
        name="发放科普资料种类",
        unit="种",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "materials_kinds"),
        description="各项已举办活动填报的科普资料种类数之和。同一种资料在几项活动中发放会重复计入，"
        "所以是“按活动累计的种数”，不是本单位编印的资料种数。",
        group=ALL_GROUP,
        words=Words(
            ("科普资料", "宣传资料", "科普宣传资料", "资料"),
            ("种",),
            requires=(("发放", "分发", "派发"),),
            noun="科普资料（按活动累计种数）",
        ),
    ),
    Indicator(
        code="volunteer_service_activities",
        name="志愿服务活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"activity_type__code": "volunteer"}),
        description="活动类型为“志愿服务”的已举办活动场次（科技志愿服务等），属于科普活动的其中项；"
        "不是全部科普活动。",
        group=POPSCI_GROUP,
        words=Words(
            ("志愿服务活动", "志愿服务", "科技志愿服务"),
            TIMES,
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="志愿服务活动",
        ),
    ),
    Indicator(
        code="volunteer_service_beneficiaries",
        name="志愿服务活动受益人数",
        unit="人",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "beneficiaries", {"activity_type__code": "volunteer"}),
        description="活动类型为“志愿服务”的已举办活动填报的受益人数之和（每项活动内去重，跨活动不去重）。",
        group=POPSCI_GROUP,
        # "开展志愿服务活动达1140余场，受益群众7万多人"
        words=Words(
            ("志愿服务活动", "志愿服务", "科技志愿服务"),
            ("人", "名"),
            requires=(("受益", "惠及"),),
            excludes=("人次",),
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="志愿服务活动受益群众",
        ),
    ),
    _popsci_named_type(
        "popsci_contests",
        "contest",
        "竞赛活动场次",
        "竞赛",
        Words(
            ("竞赛活动", "科技竞赛", "竞赛", "比赛", "大赛", "科技创新大赛"),
            ("场", "场次", "项", "次"),
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="竞赛活动",
        ),
    ),
    _popsci_named_type(
        "caravan_activities",
        "caravan",
        "科普大篷车活动场次",
        "科普大篷车",
        Words(
            ("科普大篷车活动", "大篷车活动", "科普大篷车", "大篷车", *ACTIVITY),
            TIMES,
            requires=(("科普大篷车", "大篷车"),),
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="科普大篷车活动",
        ),
    ),
    _popsci_named_type(
        "mobile_museum_activities",
        "mobile_museum",
        "流动科技馆巡展场次",
        "流动科技馆",
        Words(
            ("流动科技馆巡展", "流动科技馆", "巡展", *ACTIVITY),
            (*TIMES, "站", "站次"),
            requires=(("流动科技馆",),),
            qualifiers=ACTIVITY_QUALIFIERS,
            noun="流动科技馆巡展",
        ),
    ),
    Indicator(
        code="training_participants",
        name="培训人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate(
            "activity", Fn.SUM, "participants", {"activity_type__code": "training", **POPSCI}
        ),
        description="活动类型为“培训”的科普活动参与（受训）人次之和，按场累计、不去重。",
        group=POPSCI_GROUP,
        words=Words(("培训",), PERSON_TIMES, qualifiers=ACTIVITY_QUALIFIERS, noun="培训"),
    ),
    Indicator(
        code="farmer_activities",
        name="面向农民的科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"target_groups__code": "farmers", **POPSCI}),
        description="目标人群包含农民的科普活动场次；一场活动面向多个人群时只计一次。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY,
            TIMES,
            requires=(("农民",),),
            qualifiers={"campaign": CAMPAIGN_WORDS},
            noun="面向农民的科普活动",
        ),
    ),
    Indicator(
        code="farmer_participants",
        name="面向农民的科普活动参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate(
            "activity", Fn.SUM, "participants", {"target_groups__code": "farmers", **POPSCI}
        ),
        description="目标人群包含农民的科普活动参与人次之和（按场累计，不去重；活动的全部参与人次都计入，"
        "不只农民）。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY,
            PERSON_TIMES,
            requires=(("农民",),),
            excludes=("培训",),
            qualifiers={"campaign": CAMPAIGN_WORDS},
            noun="面向农民的科普活动参与",
        ),
    ),
    Indicator(
        code="museum_activities",
        name="科技馆举办的活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"facility__kind__in": MUSEUM_KINDS}),
        description="由实体科技馆、专题科技馆或校园科技馆举办（活动的“举办场馆/流动设施”为这几类）的"
        "已举办活动场次：科技馆自己的展演、讲座等，不是全部科普活动。按“举办场馆/流动设施”分组可看每个馆。",
        group=POPSCI_GROUP,
        words=Words(
            ("展演活动", "科普展演", "展演", "科普活动", "活动"),
            TIMES,
            requires=(("科技馆",),),
            excludes=("流动科技馆",),
            noun="科技馆举办的活动",
        ),
    ),
    Indicator(
        code="mobile_facility_activities",
        name="流动科技馆和科普大篷车活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"facility__kind__in": MOBILE_FACILITY_KINDS}),
        description="由流动科技馆或科普大篷车举办（活动的“举办场馆/流动设施”为这两类）的已举办活动场次。"
        "只数流动科技馆或只数大篷车的，见“流动科技馆巡展场次”“科普大篷车活动场次”（按活动类型）。",
        group=POPSCI_GROUP,
        words=Words(
            ("流动科技馆", "科普大篷车", "大篷车"),
            (*TIMES, "站", "站次"),
            requires=(("流动科技馆",), ("大篷车", "科普大篷车")),
            noun="流动科技馆和科普大篷车活动",
        ),
    ),
    Indicator(
        code="science_day_month_participants",
        name="全国科普日（科普月）参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants", {**SCIENCE_DAY_MONTH, **POPSCI}),
        description="属于全国科普日（2024年及以前）或全国科普月（2025年起）的科普活动参与人次之和，"
        "便于跨2024/2025年连续比较。",
        group=POPSCI_GROUP,
        words=Words(
            ACTIVITY,
            PERSON_TIMES,
            requires=(("全国科普日", "科普日", "全国科普月", "科普月"),),
            noun="全国科普日（科普月）活动参与",
        ),
    ),
)


# ---- registries (issue 10)
# Designations (称号/平台: 科普教育基地, 院士专家工作站 …) and facilities (科普画廊, 科技馆, 大篷车 …) are
# stocks: counted in force on the period's last day (StockAt), from the dates alone — a designation from
# granted_on to ends_on inclusive (ends_on = the earlier of 有效期至 and the day before 撤销, kept by
# kexie.registries.services), a facility from opened_on until the day before closed_on. "新认定" figures
# are flows over granted_on. Every value links to the designation list (/registries/) or the facility
# list (/facilities/) with ?at=YYYY-MM-DD (stocks) or ?period=… (flows) and the same filters.

from collections.abc import Mapping  # noqa: E402 - this section is appended to a shared file

from kexie.orgs.regions import names_at_level  # noqa: E402
from kexie.records.filters import list_link  # noqa: E402
from kexie.registries.models import (  # noqa: E402
    Category as RegCategory,
)
from kexie.registries.models import (  # noqa: E402
    Designation,
    Facility,
    FacilityKind,
    FacilityTrip,
    Grade,
    HolderKind,
)
from kexie.registries.models import Level as RegLevel  # noqa: E402
from kexie.registries.models import State as RegState  # noqa: E402
from kexie.registries.programmes import BUILT_IN as REG_PROGRAMMES  # noqa: E402
from kexie.registries.records import DESIGNATIONS as REG_DESIGNATIONS  # noqa: E402
from kexie.registries.records import FACILITIES as REG_FACILITIES  # noqa: E402
from kexie.registries.records import NO_GRADE as REG_NO_GRADE  # noqa: E402


class _CountyNames(Mapping):
    """County-level region code → name, read from the region table on first use (not at import)."""

    def __getitem__(self, code):
        return names_at_level(3)[code]

    def __iter__(self):
        return iter(names_at_level(3))

    def __len__(self):
        return len(names_at_level(3))


REG_COUNTIES = _CountyNames()

DESIGNATION = register_record_type(
    RecordType(
        key="designation",
        label="称号/平台认定",
        model=Designation,
        date_field="granted_on",  # flows: 新认定 in the period; stocks use StockAt's dates
        base_filter=Q(granted_on__isnull=False),  # granted (认定) at some point: applications never count
        dimensions={
            "programme": Dimension(
                "programme",
                "称号/平台",
                "programme__code",
                "programme__name",
                "programme__sort_order",
                via="programme",
            ),
            "category": Dimension(
                "category", "类别", "programme__category", labels=dict(RegCategory.choices)
            ),
            "level": Dimension("level", "级别", "level", labels=dict(RegLevel.choices)),
            "state": Dimension("state", "状态", "state", labels=dict(RegState.choices)),
            # the grade of the period's year (评估 for 2024 when counting 2024), not the latest one
            "grade": Dimension(
                "grade",
                "评估等级",
                "evaluations__grade",
                labels=dict(Grade.choices),
                none_label="未评估",
                year_lookup="evaluations__year",
            ),
            "holder_kind": Dimension(
                "holder_kind", "承担单位类型", "holder_kind", labels=dict(HolderKind.choices)
            ),
            # where the holder lies (county level, from its region code): the dashboard's map
            "region": Dimension(
                "region",
                "所在区县",
                "holder_county_code",
                labels=REG_COUNTIES,
                none_label="区划不明",
            ),
        },
        # the designation list's parameters, from its one filter declaration (registries/records.py)
        link=list_link(
            REG_DESIGNATIONS,
            "/registries/",
            no_grade=Param("evaluations__grade__isnull", "grade", values={True: REG_NO_GRADE}),
            no_region=Param("holder_county_code__isnull", "region", values={True: "none"}),
        ),
    )
)

FACILITY = register_record_type(
    RecordType(
        key="facility",
        label="科普设施",
        model=Facility,
        date_field="opened_on",
        dimensions={"kind": Dimension("kind", "设施类型", "kind", labels=dict(FacilityKind.choices))},
        link=list_link(REG_FACILITIES, "/facilities/"),
    )
)

FACILITY_TRIP = register_record_type(
    RecordType(
        key="facility_trip",
        label="巡展/下乡",
        model=FacilityTrip,
        date_field="start_on",
        org_lookup="facility__org_unit",
        dimensions={
            "kind": Dimension("kind", "设施类型", "facility__kind", labels=dict(FacilityKind.choices))
        },
    )
)

REG_GROUP = "阵地与平台"
FACILITY_GROUP = "科普设施"
REG_COUNTERS = ("家", "个", "所", "处")
# words that make a figure the designations newly granted in the period, not the stock
NEW_DESIGNATION_WORDS = (
    "新培育", "新认定", "新命名", "新建立", "新建", "新增", "新创建", "新获批", "新设立", "新挂牌",
)  # fmt: skip
REG_LEVEL_WORDS = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}
# how reports name each programme (the first is the programme's own name)
REG_SUBJECTS = {
    "popsci_base": ("科普教育基地",),
    "demo_county": ("科普示范县(市、区)", "科普示范县（市、区）", "科普示范县"),
    "academician_station": ("院士专家工作站", "院士工作站", "专家工作站"),
    "kepu_estation": ("科普中国e站", "科普中国E站", "科普e站"),
    "haizhi_base": ("海智计划工作基地", "海智工作基地", "海智基地"),
    "haizhi_station": ("海智计划工作站", "海智工作站"),
    "survey_site": ("科技工作者状况调查站点", "调查站点"),
}
# programmes whose figures reports give by level ("新培育市级专家工作站11家"): one indicator per level
REG_BY_LEVEL = ("popsci_base", "academician_station")
VALID = {"valid_from": "granted_on", "valid_to": "ends_on"}  # in force: granted_on ≤ day ≤ ends_on


def _reg_stock(code, name, filters, description, words=None, group=REG_GROUP) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        unit="个",
        kind=Kind.STOCK,
        definition=StockAt("designation", filters=filters, **VALID),
        description=description,
        group=group,
        words=words,
    )


def _reg_new(code, name, filters, description, words=None) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        unit="个",
        kind=Kind.FLOW,
        definition=Aggregate("designation", Fn.COUNT, filters=filters),
        description=description,
        group=REG_GROUP,
        words=words,
    )


STOCK_NOTE = (
    "在期末（期间最后一天）有效：认定日期不晚于该日，且有效期至不早于该日、撤销日期晚于该日（撤销当日起不计）。"
    "按管理单位所在的组织层级汇总，可按称号、类别、级别、状态、评估等级（期末所在年度的评估，"
    "当年未评估的为“未评估”）和承担单位所在区县分组。"
)
NEW_NOTE = "认定日期在期内的认定数（含其后已撤销或到期的），可按称号、类别、级别分组。"

register(
    _reg_stock("designations", "称号/平台数（有效）", {}, f"各类称号与平台{STOCK_NOTE}"),
    _reg_new("designations_new", "新认定称号/平台数", {}, NEW_NOTE),
    *(
        _reg_stock(
            f"designations_{cat.value}",
            f"{cat.label}数（有效）",
            {"programme__category": cat.value},
            f"类别为“{cat.label}”的称号与平台{STOCK_NOTE}",
        )
        for cat in RegCategory
    ),
    # by level, for the dashboard's level table (one engine call with the programme breakdown)
    *(
        _reg_stock(
            f"designations_{lv.value}",
            f"{lv.label}称号/平台数（有效）",
            {"level": lv.value},
            f"{lv.label}{STOCK_NOTE}",
        )
        for lv in RegLevel
    ),
    *(
        _reg_new(
            f"designations_{lv.value}_new", f"新认定{lv.label}称号/平台数", {"level": lv.value}, NEW_NOTE
        )
        for lv in RegLevel
    ),
)

for _p in REG_PROGRAMMES:
    _code, _name = _p["code"], _p["name"]
    _subjects = REG_SUBJECTS.get(_code, (_name,))
    _only = {"programme__code": _code}
    register(
        _reg_stock(
            f"reg_{_code}",
            f"{_name}数",
            _only,
            f"{_name}（各级）{STOCK_NOTE}",
            Words(_subjects, REG_COUNTERS, excludes=NEW_DESIGNATION_WORDS, noun=_name),
        ),
        _reg_new(
            f"reg_{_code}_new",
            f"新认定{_name}数",
            _only,
            f"{_name}（各级）{NEW_NOTE}",
            Words(_subjects, REG_COUNTERS, requires=(NEW_DESIGNATION_WORDS,), noun=f"新认定{_name}"),
        ),
    )
    if _code in REG_BY_LEVEL:
        for _level, _word in REG_LEVEL_WORDS.items():
            _at = {**_only, "level": _level}
            register(
                _reg_stock(
                    f"reg_{_code}_{_level}",
                    f"{_word}{_name}数",
                    _at,
                    f"{_word}{_name}{STOCK_NOTE}",
                    Words(
                        _subjects,
                        REG_COUNTERS,
                        requires=((_word,),),
                        excludes=NEW_DESIGNATION_WORDS,
                        noun=f"{_word}{_name}",
                    ),
                ),
                _reg_new(
                    f"reg_{_code}_{_level}_new",
                    f"新认定{_word}{_name}数",
                    _at,
                    f"{_word}{_name}{NEW_NOTE}",
                    Words(
                        _subjects,
                        REG_COUNTERS,
                        requires=(NEW_DESIGNATION_WORDS, (_word,)),
                        noun=f"新认定{_word}{_name}",
                    ),
                ),
            )

# "建成国家、省、市级科普教育基地36家": the bases of the three upper levels together
register(
    _reg_stock(
        "reg_popsci_base_municipal_up",
        "国家、省、市级科普教育基地数",
        {"programme__code": "popsci_base", "level__in": ["national", "provincial", "municipal"]},
        f"国家级、省级、市级科普教育基地合计，{STOCK_NOTE}",
        Words(
            ("科普教育基地",),
            REG_COUNTERS,
            requires=(("国家、省、市级", "国家级、省级、市级", "国家、省、市三级"), ("市级",)),
            excludes=NEW_DESIGNATION_WORDS,
            noun="国家、省、市级科普教育基地",
        ),
    ),
)

FACILITY_WORDS = {
    "gallery": ("科普画廊", "科普宣传栏", "科普宣传橱窗"),
    "activity_room": ("社区科普活动室", "科普活动室"),
    "campus_museum": ("校园科技馆", "农村中学科技馆"),
    "museum": ("实体科技馆", "科技馆"),
    "theme_museum": ("专题科技馆",),
    "mobile_museum": ("流动科技馆",),
    "caravan": ("科普大篷车",),
}
register(
    Indicator(
        code="facilities",
        name="科普设施数（在用）",
        unit="个",
        kind=Kind.STOCK,
        definition=StockAt("facility", valid_from="opened_on", valid_to="closed_on", to_inclusive=False),
        description="期末在用的科普设施数：启用日期为空或不晚于该日，且未停用或停用日期晚于该日（停用当日起不计）。"
        "可按设施类型分组。",
        group=FACILITY_GROUP,
    ),
    *(
        Indicator(
            code=f"facilities_{kind.value}",
            name=f"{kind.label}数",
            unit="辆"
            if kind == FacilityKind.CARAVAN
            else ("套" if kind == FacilityKind.MOBILE_MUSEUM else "个"),
            kind=Kind.STOCK,
            definition=StockAt(
                "facility",
                filters={"kind": kind.value},
                valid_from="opened_on",
                valid_to="closed_on",
                to_inclusive=False,
            ),
            description=f"期末在用的{kind.label}数（停用当日起不计）。",
            group=FACILITY_GROUP,
            words=Words(
                FACILITY_WORDS[kind.value],
                ("辆",) if kind == FacilityKind.CARAVAN else ("个", "座", "处", "块", "家", "套"),
                excludes=("新建", "新增"),
                noun=kind.label,
            ),
        )
        for kind in FacilityKind
    ),
    Indicator(
        code="facility_trips",
        name="巡展/下乡次数",
        unit="次",
        kind=Kind.FLOW,
        definition=Aggregate("facility_trip", Fn.COUNT),
        description="开始日期在期内的流动科技馆巡展、科普大篷车下乡站次。可按设施类型分组。",
        group=FACILITY_GROUP,
    ),
    Indicator(
        code="facility_trip_visitors",
        name="巡展/下乡参观人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("facility_trip", Fn.SUM, "visitors"),
        description="开始日期在期内的流动科技馆巡展、科普大篷车下乡的参观人次之和。",
        group=FACILITY_GROUP,
    ),
)


# ---- honours (issue 11)
# Honours of people and teams (kexie.honours). Three record types: nominations (推荐人选) counted when
# the organising unit put them forward (公示/上报 and after, dated forwarded_on), awards (获奖/入选,
# dated awarded_on) and recipients (each person an award honours: the individual, or each member of
# a team). 人次 counts recipient rows (or nominations); 人/名 counts distinct persons (or nominees) —
# never the one for the other. Every value links to the award list (/honours/) or the nomination
# list (/honours/nominations/) with the same filters.

from kexie.honours.models import FORWARDED_STATES as HON_FORWARDED  # noqa: E402
from kexie.honours.models import Award as HonAward  # noqa: E402
from kexie.honours.models import Level as HonLevel  # noqa: E402
from kexie.honours.models import Nomination as HonNomination  # noqa: E402
from kexie.honours.models import Recipient as HonRecipient  # noqa: E402
from kexie.honours.models import RecipientKind as HonKind  # noqa: E402
from kexie.honours.models import Tier as HonTier  # noqa: E402
from kexie.honours.records import AWARDS as HON_AWARDS  # noqa: E402
from kexie.honours.records import NOMINATIONS as HON_NOMINATIONS  # noqa: E402
from kexie.records.filters import list_link  # noqa: E402

HON_LEVELS = dict(HonLevel.choices)
_HON_PROGRAMME = Dimension(
    "programme", "荣誉项目", "programme__code", "programme__name", "programme__sort_order", via="programme"
)

HON_NOMINATION = register_record_type(
    RecordType(
        key="honour_nomination",
        label="推荐人选",
        model=HonNomination,
        date_field="forwarded_on",  # 公示/上报: the organising unit put the nominee forward
        base_filter=Q(forwarded_on__isnull=False),
        dimensions={
            "programme": Dimension(
                "programme",
                "荣誉项目",
                "round__programme__code",
                "round__programme__name",
                "round__programme__sort_order",
            ),
            "level": Dimension("level", "级别", "round__level", labels=HON_LEVELS),
        },
        link=list_link(HON_NOMINATIONS, "/honours/nominations/"),
    )
)

HON_AWARD = register_record_type(
    RecordType(
        key="honour_award",
        label="获奖/入选",
        model=HonAward,
        date_field="awarded_on",
        dimensions={
            "programme": _HON_PROGRAMME,
            "level": Dimension("level", "级别", "level", labels=HON_LEVELS),
            "tier": Dimension("tier", "等次", "tier", labels={"": "不分等次", **dict(HonTier.choices)}),
            "kind": Dimension("kind", "获奖对象", "kind", labels=dict(HonKind.choices)),
        },
        link=list_link(HON_AWARDS, "/honours/"),
    )
)

HON_RECIPIENT = register_record_type(
    RecordType(
        key="honour_recipient",
        label="受表彰人员",
        model=HonRecipient,
        date_field="award__awarded_on",
        org_lookup="award__org_unit",
        dimensions={
            "programme": Dimension(
                "programme",
                "荣誉项目",
                "award__programme__code",
                "award__programme__name",
                "award__programme__sort_order",
            ),
            "level": Dimension("level", "级别", "award__level", labels=HON_LEVELS),
        },
        # the awards behind the persons counted: the award list with the same conditions
        link=list_link(
            HON_AWARDS,
            "/honours/",
            level=Param("award__level", "level"),
            levels=Param("award__level__in", "level", many=","),
            programme=Param("award__programme__code", "programme"),
            association=Param("award__programme__by_association", "association", {True: "1", False: "0"}),
        ),
    )
)

HON_GROUP = "人才举荐与表彰"
HON_UP = ["national", "provincial"]  # 省级以上
# honours conferred by 中国科协 or a 省科协 (alone or jointly): "受到中国科协和省科协表彰"
HON_CAST_UP = {"award__level__in": HON_UP, "award__programme__by_association": True}
HON_PERSON_COUNTERS = ("人", "名", "位")
HON_NOMINEE_SUBJECTS = ("个人(团队)", "个人（团队）", "个人和团队", "人才", "科技工作者", "优秀科技工作者")
HON_PEOPLE = ("科技工作者", "人才", "科技人才", "优秀科技工作者")
HON_ZUIMEI = ("最美科技工作者",)
HON_UP_WORDS = ("省级以上", "省部级以上")
# "向中国科协、省科协推荐": to the 科协s of the national and provincial level
HON_CAST_WORDS = (
    "向中国科协、省科协", "向中国科协和省科协", "向中国科协及省科协", "中国科协、省科协", "中国科协和省科协",
    "中国科协及省科协",
)  # fmt: skip
HON_RECOMMEND = ("推荐", "举荐")
_FWD = {"state__in": [s.value for s in HON_FORWARDED]}


def _hon(code, name, unit, definition, description, words=None) -> Indicator:
    kind = Kind.FLOW
    return Indicator(code, name, unit, kind, definition, description, group=HON_GROUP, words=words)


register(
    _hon(
        "honour_nominations_up",
        "向中国科协、省科协推荐人才人次",
        "人次",
        Aggregate(
            "honour_nomination",
            Fn.COUNT,
            filters={"round__level__in": HON_UP, "round__programme__by_association": True, **_FWD},
        ),
        "期内向中国科协、省科协推荐参评国家级、省级荣誉（科协授予或联合授予）的人次（个人和团队各计1次）："
        "组织单位公示并上报（或上级公示）的推荐人选，按公示/上报日期计；同一人推荐参评两项计2人次。",
        Words(
            HON_PEOPLE, ("人次",), requires=(HON_RECOMMEND, HON_CAST_WORDS), noun="向中国科协、省科协推荐人才"
        ),
    ),
    _hon(
        "honour_nominees_up",
        "推荐参评省级以上荣誉的个人和团队数",
        "名",
        Aggregate(
            "honour_nomination",
            Fn.COUNT_DISTINCT,
            "nominee_key",
            filters={"round__level__in": HON_UP, **_FWD},
        ),
        "期内推荐参评国家级、省级荣誉的不同个人和团队数（同一人推荐多次只计1名）。",
        Words(
            HON_NOMINEE_SUBJECTS,
            ("名", "人"),
            requires=(HON_RECOMMEND, HON_UP_WORDS),
            excludes=("人次",),
            noun="个人(团队)推荐参评省级以上奖项",
        ),
    ),
    _hon(
        "honour_nominations",
        "推荐人次（公示/上报）",
        "人次",
        Aggregate("honour_nomination", Fn.COUNT, filters=_FWD),
        "期内经组织单位公示或上报的推荐人选数（各级），按公示/上报日期计；可按荣誉项目、级别分组。",
    ),
    _hon(
        "honour_awards",
        "获奖/入选项数",
        "项",
        Aggregate("honour_award", Fn.COUNT),
        "授予日期在期内的获奖/入选记录数（一人一次或一个团队一次计1项），可按荣誉项目、级别、等次分组。",
    ),
    *(
        _hon(
            f"honour_awards_{lv.value}",
            f"{lv.label}获奖/入选项数",
            "项",
            Aggregate("honour_award", Fn.COUNT, filters={"level": lv.value}),
            f"授予日期在期内的{lv.label}荣誉获奖/入选记录数。",
        )
        for lv in HonLevel
    ),
    _hon(
        "honour_person_times",
        "表彰人次",
        "人次",
        Aggregate("honour_recipient", Fn.COUNT),
        "期内受表彰的人次：个人获奖计1人次，团队获奖按成员人数计；同一人获两项计2人次。可按荣誉项目、级别分组。",
    ),
    _hon(
        "honour_persons",
        "表彰人数",
        "人",
        Aggregate("honour_recipient", Fn.COUNT_DISTINCT, "person"),
        "期内受表彰的不同人数（同一人获多项只计1人；团队按成员计）。",
    ),
    _hon(
        "honour_person_times_cast_up",
        "受中国科协和省科协表彰人次",
        "人次",
        Aggregate("honour_recipient", Fn.COUNT, filters=HON_CAST_UP),
        "期内获得科协系统授予（或联合授予）的国家级、省级荣誉的人次。",
        Words(
            ("表彰",),
            ("人次",),
            requires=(("中国科协和省科协", "中国科协、省科协", "中国科协及省科协"),),
            noun="受到中国科协和省科协表彰",
        ),
    ),
    _hon(
        "honour_persons_municipal",
        "获市级荣誉人数",
        "人",
        Aggregate("honour_recipient", Fn.COUNT_DISTINCT, "person", filters={"award__level": "municipal"}),
        "期内获得市级荣誉的不同人数（同一人获多项只计1人）。",
        Words(("市级荣誉",), HON_PERSON_COUNTERS, excludes=("人次",), noun="科技工作者获市级荣誉"),
    ),
    _hon(
        "honour_person_times_municipal",
        "获市级荣誉人次",
        "人次",
        Aggregate("honour_recipient", Fn.COUNT, filters={"award__level": "municipal"}),
        "期内获得市级荣誉的人次（团队按成员计）。",
    ),
    _hon(
        "honour_zuimei_municipal_person_times",
        "市级最美科技工作者人次",
        "人次",
        Aggregate(
            "honour_recipient",
            Fn.COUNT,
            filters={"award__programme__code": "zuimei", "award__level": "municipal"},
        ),
        "期内授予市级“最美科技工作者”的人次（记录数，用于核对人数）。",
    ),
    _hon(
        "honour_zuimei_municipal_persons",
        "市级最美科技工作者人数",
        "人",
        Aggregate(
            "honour_recipient",
            Fn.COUNT_DISTINCT,
            "person",
            filters={"award__programme__code": "zuimei", "award__level": "municipal"},
        ),
        "期内评选出（授予）的市级“最美科技工作者”人数。",
        Words(
            ("全市最美科技工作者", "市级最美科技工作者", "市最美科技工作者"),
            HON_PERSON_COUNTERS,
            requires=(("评选出", "评出", "评选"),),
            excludes=("推荐", "人次"),
            noun="评选出全市最美科技工作者",
        ),
    ),
    _hon(
        "honour_zuimei_nominees_up",
        "推荐参评省级以上最美科技工作者人数",
        "人",
        Aggregate(
            "honour_nomination",
            Fn.COUNT_DISTINCT,
            "nominee_key",
            filters={"round__programme__code": "zuimei", "round__level__in": HON_UP, **_FWD},
        ),
        "期内推荐参评省级、国家级“最美科技工作者”的不同人数。",
        Words(
            HON_ZUIMEI,
            HON_PERSON_COUNTERS,
            requires=(HON_RECOMMEND,),
            excludes=("人次",),
            noun="推荐参评省级以上最美科技工作者",
        ),
    ),
)


# ---- contests and volunteers (issue 11)
# Youth contests (kexie.contests): entries (参赛作品) dated by their edition's 举办日期 and counted for
# the unit that submitted them (报送单位); 获奖 = entries with a prize (项 = entries, a team's entry once),
# by the edition's level. Students and schools are distinct over the entries' member rows (one row per
# student per entry). Volunteering (kexie.volunteers): teams and registered volunteers are stocks (授旗 /
# 注册 to 撤销 / 注销, the end day not counted); hours are confirmed service records only. Every value
# links to the entry list (/contests/), the team list, the volunteer list or the service-record list.

from kexie.contests.models import Entry as ContestEntry  # noqa: E402
from kexie.contests.models import EntryMember as ContestMember  # noqa: E402
from kexie.contests.models import Level as ContestLevel  # noqa: E402
from kexie.contests.models import Prize as ContestPrize  # noqa: E402
from kexie.contests.models import Stage as ContestStage  # noqa: E402
from kexie.contests.records import ENTRIES as CONTEST_ENTRIES  # noqa: E402
from kexie.volunteers.models import STAR_LABELS as VOL_STARS  # noqa: E402
from kexie.volunteers.models import ServiceRecord as VolService  # noqa: E402
from kexie.volunteers.models import Team as VolTeam  # noqa: E402
from kexie.volunteers.models import TeamKind as VolTeamKind  # noqa: E402
from kexie.volunteers.models import Volunteer as VolVolunteer  # noqa: E402

CONTEST_ENTRY = register_record_type(
    RecordType(
        key="contest_entry",
        label="参赛作品",
        model=ContestEntry,
        date_field="edition__held_on",
        dimensions={
            "level": Dimension("level", "赛事级别", "edition__level", labels=dict(ContestLevel.choices)),
            "prize": Dimension(
                "prize", "奖项", "prize", labels={**dict(ContestPrize.choices), "": "未获奖/未录入"}
            ),
            "stage": Dimension("stage", "学段", "school_stage", labels=dict(ContestStage.choices)),
        },
        link=list_link(CONTEST_ENTRIES, "/contests/"),
    )
)
CONTEST_MEMBER = register_record_type(
    RecordType(
        key="contest_member",
        label="参赛学生",
        model=ContestMember,
        date_field="entry__edition__held_on",
        org_lookup="entry__org_unit",
        dimensions={
            "level": Dimension(
                "level", "赛事级别", "entry__edition__level", labels=dict(ContestLevel.choices)
            ),
            "stage": Dimension("stage", "学段", "entry__school_stage", labels=dict(ContestStage.choices)),
        },
        # the entries of these students: the same list, read through the entry
        link=ListLink(
            path="/contests/",
            params=(
                Param("entry__edition__level", "level"),
                Param("entry__edition__level__in", "level", many=","),
                Param("entry__school_stage", "stage"),
            ),
            own_param="own",
        ),
    )
)

CONTEST_GROUP = "青少年科技教育"
CONTEST_PRIZES = [p.value for p in ContestPrize]
AWARDED = {"prize__in": CONTEST_PRIZES}
CONTEST_WORDS = ("大赛", "竞赛", "比赛", "创新赛", "赛事")  # the sentence is about a contest
# "获市奖4200余项、省奖百余项、国家奖16项": awards (项 = entries awarded) of each level's rounds
CONTEST_LEVEL_WORDS = {
    "county": ("县奖", "县级奖", "县级奖项"),
    "municipal": ("市奖", "市级奖", "市级奖项"),
    "provincial": ("省奖", "省级奖", "省级奖项"),
    "national": ("国家奖", "国家级奖", "国家级奖项", "全国奖", "全国奖项"),
}
CONTEST_LEVEL_WORDS = {
    k: (*v, *(f"获{w}" for w in v), *(f"获得{w}" for w in v)) for k, v in CONTEST_LEVEL_WORDS.items()
}

register(
    Indicator(
        code="contest_entries",
        name="参赛作品数",
        unit="项",
        kind=Kind.FLOW,
        definition=Aggregate("contest_entry", Fn.COUNT),
        description="赛事举办日期在期内的参赛作品项数（团队作品计一项），按报送单位汇总；可按赛事级别、奖项、学段分组。"
        "同一作品晋级到上一级赛事后在那一级另计一项。",
        group=CONTEST_GROUP,
        words=Words(
            ("参赛作品", "报送作品", "作品"),
            ("项", "件"),
            context=CONTEST_WORDS,
            excludes=("获奖", "获"),
            noun="参赛作品",
        ),
    ),
    Indicator(
        code="contest_awards",
        name="获奖作品数",
        unit="项",
        kind=Kind.FLOW,
        definition=Aggregate("contest_entry", Fn.COUNT, filters=AWARDED),
        description="赛事举办日期在期内、获得一、二、三等奖、优秀奖或专项奖的参赛作品项数；可按赛事级别、奖项分组。",
        group=CONTEST_GROUP,
        words=Words(
            ("获奖作品", "奖项", "获奖"),
            ("项",),
            context=CONTEST_WORDS,
            excludes=("以上", "累计"),
            noun="获奖作品",
        ),
    ),
    *(
        Indicator(
            code=f"contest_awards_{lv.value}",
            name=f"{lv.label}赛事获奖作品数",
            unit="项",
            kind=Kind.FLOW,
            definition=Aggregate("contest_entry", Fn.COUNT, filters={**AWARDED, "edition__level": lv.value}),
            description=f"{lv.label}赛事中获奖的参赛作品项数（赛事举办日期在期内）。",
            group=CONTEST_GROUP,
            words=Words(CONTEST_LEVEL_WORDS[lv.value], ("项",), noun=f"{lv.label[:-1]}奖"),
        )
        for lv in ContestLevel
    ),
    Indicator(
        code="contest_students",
        name="参赛学生数",
        unit="人",
        kind=Kind.FLOW,
        definition=Aggregate("contest_member", Fn.COUNT_DISTINCT, "person"),
        description="赛事举办日期在期内参赛的不同学生人数（同一学生参加几届、几级赛事只计一人）。",
        group=CONTEST_GROUP,
        words=Words(
            ("学生", "中小学生", "青少年学生"), ("名", "人"), context=CONTEST_WORDS, noun="名学生参赛"
        ),
    ),
    Indicator(
        code="contest_student_times",
        name="参赛学生人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("contest_member", Fn.COUNT),
        description="赛事举办日期在期内的参赛学生人次：每项作品的每名学生计一次（团队作品按人数计，同一学生参加几级赛事计几次）。",
        group=CONTEST_GROUP,
    ),
    Indicator(
        code="contest_schools",
        name="参与学校数",
        unit="所",
        kind=Kind.FLOW,
        definition=Aggregate("contest_member", Fn.COUNT_DISTINCT, "school"),
        description="赛事举办日期在期内有学生参赛的不同学校数（按学校名称）。",
        group=CONTEST_GROUP,
        words=Words(("参赛学校", "学校", "中小学校"), ("所",), context=CONTEST_WORDS, noun="参赛学校"),
    ),
)

VOL_TEAM = register_record_type(
    RecordType(
        key="volunteer_team",
        label="科技志愿服务队",
        model=VolTeam,
        date_field="flagged_on",
        dimensions={"kind": Dimension("kind", "类型", "kind", labels=dict(VolTeamKind.choices))},
        link=ListLink(
            path="/volunteers/teams/", params=(Param("kind", "kind"),), own_param="own", at_param="at"
        ),
    )
)
VOL_VOLUNTEER = register_record_type(
    RecordType(
        key="volunteer",
        label="科技志愿者",
        model=VolVolunteer,
        date_field="registered_on",
        dimensions={"star": Dimension("star", "星级（当前）", "star", labels=VOL_STARS)},
        link=ListLink(
            path="/volunteers/",
            params=(Param("star", "star", values={k: str(k) for k in VOL_STARS}),),
            own_param="own",
            at_param="at",
        ),
    )
)
VOL_SERVICE = register_record_type(
    RecordType(
        key="volunteer_service",
        label="志愿服务记录",
        model=VolService,
        date_field="served_on",
        link=ListLink(path="/volunteers/service/", params=(Param("state", "state"),), own_param="own"),
    )
)

VOL_GROUP = "科技志愿服务"
CONFIRMED_ONLY = {"state": "confirmed"}

register(
    Indicator(
        code="volunteer_teams",
        name="科技志愿服务队数",
        unit="支",
        kind=Kind.STOCK,
        definition=StockAt(
            "volunteer_team", valid_from="flagged_on", valid_to="dissolved_on", to_inclusive=False
        ),
        description="期末存续的科技志愿服务队数：授旗日期不晚于该日，且未撤销或撤销日期晚于该日（撤销当日起不计）。"
        "按组建单位汇总，可按类型分组。",
        group=VOL_GROUP,
        # "注册服务队1300多支"
        words=Words(
            ("服务队", "科技志愿服务队", "志愿服务队", "志愿者服务队", "注册服务队", "注册科技志愿服务队"),
            ("支",),
            excludes=("新组建", "新成立", "新增", "新建"),
            noun="科技志愿服务队",
        ),
    ),
    Indicator(
        code="volunteer_teams_new",
        name="新授旗服务队数",
        unit="支",
        kind=Kind.FLOW,
        definition=Aggregate("volunteer_team", Fn.COUNT),
        description="授旗日期在期内的科技志愿服务队数（含其后撤销的）。",
        group=VOL_GROUP,
        words=Words(
            ("服务队", "科技志愿服务队", "志愿服务队"),
            ("支",),
            requires=(("新组建", "新成立", "新增", "新建"),),
            noun="新组建科技志愿服务队",
        ),
    ),
    Indicator(
        code="volunteers_registered",
        name="注册科技志愿者数",
        unit="人",
        kind=Kind.STOCK,
        definition=StockAt(
            "volunteer", valid_from="registered_on", valid_to="cancelled_on", to_inclusive=False
        ),
        description="期末在册的科技志愿者人数（每人只注册一次，不同人数）：注册日期不晚于该日，且未注销或注销日期晚于该日。"
        "按登记单位汇总，可按当前星级分组。",
        group=VOL_GROUP,
        words=Words(
            ("注册科技志愿者", "注册志愿者", "实名注册科技志愿者", "实名注册志愿者"),
            ("名", "人"),
            excludes=("人次", "新注册", "新增"),
            noun="注册科技志愿者",
        ),
    ),
    Indicator(
        code="volunteer_hours",
        name="志愿服务时长",
        unit="小时",
        kind=Kind.FLOW,
        definition=Aggregate("volunteer_service", Fn.SUM, "hours", filters=CONFIRMED_ONLY),
        description="服务日期在期内、已由服务队组建单位确认的志愿服务时长之和（待确认和已驳回的不计）。",
        group=VOL_GROUP,
        words=Words(("服务时长", "志愿服务时长"), ("小时",), noun="志愿服务时长"),
    ),
    Indicator(
        code="volunteer_service_records",
        name="已确认志愿服务记录数",
        unit="条",
        kind=Kind.FLOW,
        definition=Aggregate("volunteer_service", Fn.COUNT, filters=CONFIRMED_ONLY),
        description="服务日期在期内、已确认的志愿服务记录条数（一名志愿者在一次活动中的服务为一条）。",
        group=VOL_GROUP,
    ),
    Indicator(
        code="volunteers_serving",
        name="参与服务志愿者数",
        unit="人",
        kind=Kind.FLOW,
        definition=Aggregate(
            "volunteer_service", Fn.COUNT_DISTINCT, "member__volunteer", filters=CONFIRMED_ONLY
        ),
        description="期内有已确认服务时长的不同志愿者人数。",
        group=VOL_GROUP,
    ),
    *(
        Indicator(
            code=f"volunteers_star{n}",
            name=f"{VOL_STARS[n]}科技志愿者数",
            unit="人",
            kind=Kind.STOCK,
            definition=StockAt(
                "volunteer",
                filters={"star": n},
                valid_from="registered_on",
                valid_to="cancelled_on",
                to_inclusive=False,
            ),
            description=f"期末在册、当前星级为{VOL_STARS[n]}的科技志愿者人数（星级按已确认的累计时长和本地区星级标准，取当前值）。",
            group=VOL_GROUP,
        )
        for n in range(1, 6)
    ),
)


# ---- people, office holders and coverage (issue 11, items 1 and 5)
# 科技工作者 and experts registered (人: distinct persons, one role row each), the 三长 holding posts in
# 科协 leadership (人, distinct persons) and the coverage of townships, all stocks on the period's last
# day. 乡镇科协组织建设率's denominator is the township table loaded from the NBS code table
# (manage.py load_townships, kexie.people.townships).

from kexie.people.models import THREE_HEADS as PEOPLE_THREE_HEADS  # noqa: E402
from kexie.people.models import PersonRole as PeoplePersonRole  # noqa: E402
from kexie.people.models import Position as PeoplePosition  # noqa: E402
from kexie.people.models import Post as PeoplePost  # noqa: E402
from kexie.people.models import PostSource as PeoplePostSource  # noqa: E402
from kexie.people.models import Role as PeopleRole  # noqa: E402
from kexie.people.models import Township as PeopleTownship  # noqa: E402
from kexie.people.records import PEOPLE as PEOPLE_PERSONS  # noqa: E402
from kexie.people.records import POSTS as PEOPLE_POSTS  # noqa: E402

PEOPLE_GROUP = "人员与基层组织"
PEOPLE_TOWNSHIP_TYPES = [OrgType.TOWNSHIP, OrgType.SUBDISTRICT]
PEOPLE_THREE_HEADS_Q = {"source__in": list(PEOPLE_THREE_HEADS)}

register_record_type(
    RecordType(
        key="person_role",
        label="人员身份",
        model=PeoplePersonRole,
        date_field="since",  # unused: roles are counted as a stock
        org_lookup="person__org_unit",
        base_filter=Q(person__merged_into__isnull=True),  # a merged duplicate is not a second person
        dimensions={"role": Dimension("role", "身份", "role", labels=dict(PeopleRole.choices))},
        # a figure on day d links to the people list of the persons holding the role that day (at=d)
        link=list_link(PEOPLE_PERSONS, "/people/", role=Param("role", "role")),
    )
)
register_record_type(
    RecordType(
        key="post",
        label="任职",
        model=PeoplePost,
        date_field="term_start",
        dimensions={
            "position": Dimension("position", "职务", "position", labels=dict(PeoplePosition.choices)),
            "source": Dimension("source", "来源身份", "source", labels=dict(PeoplePostSource.choices)),
        },
        link=list_link(PEOPLE_POSTS, "/posts/"),
    )
)
register_record_type(
    RecordType(
        key="township",
        label="乡镇（街道）",
        model=PeopleTownship,
        date_field="valid_from",  # unused: townships are counted as a stock
    )
)

register(
    Indicator(
        code="people_sci_workers",
        name="登记科技工作者人数",
        unit="人",
        kind=Kind.STOCK,
        definition=StockAt(
            "person_role", filters={"role": PeopleRole.SCI_WORKER}, valid_from="since", valid_to="until"
        ),
        description="期末在人员库登记、身份为科技工作者的人数（每人只计一次；合并掉的重复登记不计）："
        "身份起始日期为空或不晚于该日，且截止日期为空或不早于该日。按建档单位汇总。与活动的“科技工作者人次”不同。",
        group=PEOPLE_GROUP,
        words=Words(
            ("科技工作者",),
            ("名", "人"),
            requires=(("登记", "入库", "在库", "建档"),),
            excludes=("人次",),
            noun="登记科技工作者",
        ),
    ),
    Indicator(
        code="people_experts",
        name="登记专家人数",
        unit="人",
        kind=Kind.STOCK,
        definition=StockAt(
            "person_role", filters={"role": PeopleRole.EXPERT}, valid_from="since", valid_to="until"
        ),
        description="期末在人员库登记、身份为专家的人数（每人只计一次）。按建档单位汇总。",
        group=PEOPLE_GROUP,
        words=Words(("专家库", "入库专家"), ("名", "人"), excludes=("人次",), noun="入库专家"),
    ),
    Indicator(
        code="posts_three_heads_people",
        name="“三长”兼职总人数",
        unit="人",
        kind=Kind.STOCK,
        definition=StockAt(
            "post",
            Fn.COUNT_DISTINCT,
            "person",
            filters=PEOPLE_THREE_HEADS_Q,
            valid_from="term_start",
            valid_to="term_end",
        ),
        description="期末在科协领导班子任职、来源身份为“三长”（医院院长、学校校长、农技站站长）的不同人数："
        "同一人兼任多个职务或在多个科协任职只计一人（不是人次）。任职开始日期不晚于该日，且未结束或结束日期不早于该日。",
        group=PEOPLE_GROUP,
        words=Words(
            ("“三长”兼职总人数", "三长兼职总人数", "“三长”兼职人数", "三长兼职人数"),
            ("人", "名"),
            excludes=("人次",),
            noun="“三长”兼职总人数",
        ),
    ),
    Indicator(
        code="posts_three_heads",
        name="“三长”任职人次",
        unit="人次",
        kind=Kind.STOCK,
        definition=StockAt(
            "post", filters=PEOPLE_THREE_HEADS_Q, valid_from="term_start", valid_to="term_end"
        ),
        description="期末在任、来源身份为“三长”的任职条数（人次：同一人兼两个职务计2人次）。与“三长”兼职总人数（人）不同。",
        group=PEOPLE_GROUP,
    ),
    Indicator(
        code="township_posts_three_heads",
        name="乡镇（街道）科协“三长”任职人次",
        unit="人次",
        kind=Kind.STOCK,
        definition=StockAt(
            "post",
            filters={**PEOPLE_THREE_HEADS_Q, "org_unit__org_type__in": PEOPLE_TOWNSHIP_TYPES},
            valid_from="term_start",
            valid_to="term_end",
        ),
        description="期末在乡镇科协和街道科协领导班子中在任、来源身份为“三长”的任职条数（人次）。",
        group=PEOPLE_GROUP,
    ),
    Indicator(
        code="township_units",
        name="乡镇（街道）科协数",
        unit="个",
        kind=Kind.STOCK,
        definition=StockAt(
            "orgunit",
            filters={"org_type__in": PEOPLE_TOWNSHIP_TYPES},
            valid_from="active_from",
            valid_to="active_to",
            to_inclusive=False,
        ),
        description="期末存续的乡镇科协和街道科协个数（撤销当日起不再计入）。",
        group=PEOPLE_GROUP,
    ),
    Indicator(
        code="townships_total",
        name="乡镇（街道）总数",
        unit="个",
        kind=Kind.STOCK,
        definition=StockAt("township"),
        description="辖区内的街道、镇、乡个数（国家统计局统计用区划代码，由“load_townships”从区划代码表加载；"
        "开发区等类似乡级单位不计）。",
        group=PEOPLE_GROUP,
    ),
    Indicator(
        code="township_coverage",
        name="乡镇科协组织建设率",
        unit="%",
        kind=Kind.STOCK,
        definition=Ratio("township_units", "townships_total", scale=100),
        description="期末乡镇（街道）科协数 ÷ 辖区乡镇（街道）总数 × 100；没有加载辖区乡镇时不计算。",
        group=PEOPLE_GROUP,
        # "全市乡镇科协组织建设率达100%": 建设 reads as a verb, so the phrase is "率"; the rate is named
        # by 组织建设率 and the member word 乡镇科协 (both required: a 科普基地建设率 is not this)
        words=Words(
            ("建设率", "率"),
            ("%",),
            requires=(("组织建设率", "建设率"), ("乡镇科协", "街道科协")),
            noun="乡镇科协组织建设率",
        ),
    ),
    Indicator(
        code="township_units_three_heads",
        name="有“三长”任职的乡镇（街道）科协数",
        unit="个",
        kind=Kind.STOCK,
        definition=StockAt(
            "post",
            Fn.COUNT_DISTINCT,
            "org_unit",
            filters={**PEOPLE_THREE_HEADS_Q, "org_unit__org_type__in": PEOPLE_TOWNSHIP_TYPES},
            valid_from="term_start",
            valid_to="term_end",
        ),
        description="期末领导班子中至少有一位“三长”在任的乡镇科协和街道科协个数。",
        group=PEOPLE_GROUP,
    ),
    Indicator(
        code="township_three_heads_coverage",
        name="乡镇科协“三长”进班子比例",
        unit="%",
        kind=Kind.STOCK,
        definition=Ratio("township_units_three_heads", "township_units", scale=100),
        description="期末有“三长”任职的乡镇（街道）科协数 ÷ 乡镇（街道）科协数 × 100。",
        group=PEOPLE_GROUP,
        words=Words(
            ("“三长”进班子比例", "三长进班子比例", "“三长”覆盖率", "三长覆盖率"),
            ("%",),
            noun="乡镇科协“三长”进班子比例",
        ),
    ),
)

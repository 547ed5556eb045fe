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
        },
        # The activities list page (src/kexie/activities) implements this URL contract.
        link=ListLink(
            path="/activities/",
            params=(
                Param("activity_type__code", "type"),
                Param("campaign__code", "campaign"),
                Param("campaign__code__in", "campaign", many=","),
                Param("campaign__code__isnull", "campaign", {True: "none"}),
                Param("campaign__isnull", "campaign", {True: "none"}),
                Param("is_key", "key", {True: "1", False: "0"}),
                Param("activity_type__is_academic", "academic", {True: "1", False: "0"}),
                Param("target_groups__code", "target"),
                Param("target_groups__code__isnull", "target", {True: "none"}),
                Param("target_groups__isnull", "target", {True: "none"}),
                Param("participants__gte", "min_participants"),
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
            sums={f: f for f in ("participants", "online_views", "sci_workers", "volunteers")},
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
    )
)

# --------------------------------------------------------------------------- indicators

POPSCI = {"activity_type__is_academic": False}
ACADEMIC = {"activity_type__is_academic": True}
POPSCI_GROUP = "科普活动"
ACADEMIC_GROUP = "学术交流"
ALL_GROUP = "全部活动"


def _popsci_type(code: str, type_code: str, name: str, what: str) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"activity_type__code": type_code, **POPSCI}),
        description=f"期内已举办的{what}类科普活动场次，属于“科普活动场次”的其中项。",
        group=POPSCI_GROUP,
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
    ),
    Indicator(
        code="popsci_key_activities",
        name="重点科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"is_key": True, **POPSCI}),
        description="科普活动中标记为重点活动的场次。",
        group=POPSCI_GROUP,
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
    ),
    Indicator(
        code="popsci_participants",
        name="科普活动参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants", POPSCI),
        description="科普活动参与人次之和。人次按场累计，同一人参加多场计多次，不是去重人数。",
        group=POPSCI_GROUP,
    ),
    Indicator(
        code="popsci_online_views",
        name="科普活动线上浏览量",
        unit="次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "online_views", POPSCI),
        description="科普活动的线上浏览量之和，与参与人次分开统计、不相加。",
        group=POPSCI_GROUP,
    ),
    _popsci_type("popsci_lectures", "lecture", "讲座/报告会场次", "讲座/报告会"),
    _popsci_type("popsci_exhibitions", "exhibition", "展览场次", "展览"),
    _popsci_type("popsci_consultations", "consultation", "咨询/义诊场次", "咨询/义诊"),
    _popsci_type("popsci_trainings", "training", "培训场次", "培训"),
    Indicator(
        code="popsci_youth_activities",
        name="面向青少年的科普活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"target_groups__code": "youth", **POPSCI}),
        description="目标人群包含青少年的科普活动场次；一场活动面向多个人群时只计一次。",
        group=POPSCI_GROUP,
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
    ),
    Indicator(
        code="st_week_activities",
        name="科技活动周活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters={"campaign__code": "st_week", **POPSCI}),
        description="属于科技活动周的科普活动场次。",
        group=POPSCI_GROUP,
    ),
    Indicator(
        code="popsci_organisers",
        name="举办科普活动的单位数",
        unit="个",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT_DISTINCT, "org_unit", POPSCI),
        description="期内主办过至少一场科普活动的单位个数（去重）。各下级单位之和可能不等于合计。",
        group=POPSCI_GROUP,
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
    ),
    Indicator(
        code="academic_activities",
        name="学术交流活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT, filters=ACADEMIC),
        description="期内开始并已举办的活动中，活动类型属于学术交流（学术会议、论坛等）的场次。",
        group=ACADEMIC_GROUP,
    ),
    Indicator(
        code="academic_participants",
        name="学术交流参加人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants", ACADEMIC),
        description="学术交流活动参加人次之和（按场累计，不去重）。",
        group=ACADEMIC_GROUP,
    ),
    Indicator(
        code="activities",
        name="活动场次",
        unit="场次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.COUNT),
        description="期内开始并已举办的全部活动场次（科普活动与学术交流合计）。活动列表的“共…项活动”即此数。",
        group=ALL_GROUP,
    ),
    Indicator(
        code="participants",
        name="活动参与人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "participants"),
        description="全部已举办活动的参与人次之和（按场累计，不去重）。活动列表的“参与人次合计”即此数。",
        group=ALL_GROUP,
    ),
    Indicator(
        code="sci_worker_participation",
        name="参与科技工作者人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "sci_workers"),
        description="全部已举办活动（科普与学术交流）中参与的科技工作者人次之和。",
        group=ALL_GROUP,
    ),
    Indicator(
        code="volunteer_participation",
        name="参与志愿者人次",
        unit="人次",
        kind=Kind.FLOW,
        definition=Aggregate("activity", Fn.SUM, "volunteers"),
        description="全部已举办活动中参与的志愿者人次之和。",
        group=ALL_GROUP,
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
    ),
)

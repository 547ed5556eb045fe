"""Registries: designations (named titles and stations) and facilities, counted as stocks.

A *programme* (称号/平台项目: 科普教育基地, 院士专家工作站 …) is data: the built-in ones are seeded by a
data migration; a 管理员 may add a local one, which belongs to its unit and is seen by the subtree.
A *designation* is one holder's title under one programme at one level (国家级/省级/市级/县级), kept by
the org unit that manages it (`org_unit`, the scoping lookup) with its lifecycle state, document
(文号), validity and yearly evaluation grades. A *facility* (科普画廊, 社区科普活动室, 科技馆, 流动科技馆,
科普大篷车) is a place or a mobile unit with its opening and closing dates; mobile ones have trips.

Stocks are counted by dates, never by yearly copies: a designation is in force from `granted_on`
to `ends_on` inclusive, where `ends_on` (kept by the services) is the earlier of `valid_until` and
the day before `revoked_on` (撤销 on a date ends it that day). Attachments (申报书, 牌匾照片) are handled
by the record layer (see kexie.registries.records once it exists).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from simple_history.models import HistoricalRecords

from kexie.core.models import Audited, Created
from kexie.orgs.models import OrgUnit
from kexie.workflows.models import StatefulModel


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    COUNTY = "county", "县级"


class Category(models.TextChoices):
    POPSCI_SITE = "popsci_site", "科普阵地"
    SERVICE_PLATFORM = "service_platform", "服务平台"
    DEMONSTRATION = "demonstration", "示范创建"
    PILOT = "pilot", "试点"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class Programme(models.Model):
    """A kind of title or station that designations are granted under (称号/平台项目)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    levels = models.JSONField(
        "设立级别", default=list, help_text="national / provincial / municipal / county"
    )
    issuer = models.CharField("通常认定单位", max_length=100, blank=True)
    term_years = models.PositiveSmallIntegerField(
        "有效期（年）", null=True, blank=True, help_text="为空表示长期有效，不自动到期"
    )
    national_categories = models.JSONField("国家级分类", default=list, blank=True)
    expert_caps = models.JSONField(
        "专家任职上限",
        null=True,
        blank=True,
        help_text='如 {"serving": 1, "retired": 3}：在职院士至多受聘1个站，退休院士至多3个',
    )
    first_year = models.PositiveSmallIntegerField("起始年份", null=True, blank=True)
    last_year = models.PositiveSmallIntegerField("截止年份", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="设立单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空表示系统内置；本地项目属于设立单位，其下级单位均可使用",
    )
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "称号/平台项目"
        verbose_name_plural = "称号/平台项目"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def valid_in(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )

    @property
    def level_labels(self) -> list[str]:
        return [Level(v).label for v in self.levels if v in Level.values]


class State(models.TextChoices):
    """A designation's lifecycle: 申报 → 推荐 → 审核 → 认定 → (评估, 整改, 复核) → 撤销 / 到期."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已申报"
    RECOMMENDED = "recommended", "已推荐"
    REVIEWED = "reviewed", "已审核"
    RETURNED = "returned", "已退回"
    GRANTED = "granted", "已认定"
    RECTIFYING = "rectifying", "整改中"
    REEXAMINING = "reexamining", "复核中"
    REJECTED = "rejected", "未予认定"
    WITHDRAWN = "withdrawn", "已撤回"
    REVOKED = "revoked", "已撤销"
    EXPIRED = "expired", "已到期"


# States in which a designation is "live": applied for, or in force. At most one live designation
# per holder, programme and level (a database constraint).
LIVE_STATES = (
    State.DRAFT,
    State.SUBMITTED,
    State.RECOMMENDED,
    State.REVIEWED,
    State.RETURNED,
    State.GRANTED,
    State.RECTIFYING,
    State.REEXAMINING,
)
# States of a designation that was granted (counted as a stock between granted_on and ends_on).
GRANTED_STATES = (State.GRANTED, State.RECTIFYING, State.REEXAMINING, State.REVOKED, State.EXPIRED)
# States of a designation in force (granted and neither revoked nor expired): graded, experts join
IN_FORCE_STATES = (State.GRANTED, State.RECTIFYING, State.REEXAMINING)


class HolderKind(models.TextChoices):
    ORG_UNIT = "org_unit", "科协组织"
    SCHOOL = "school", "学校"
    ENTERPRISE = "enterprise", "企业"
    INSTITUTION = "institution", "事业单位/科研机构"
    COMMUNITY = "community", "社区"
    VILLAGE = "village", "村"
    TOWNSHIP = "township", "乡镇/街道"
    COUNTY = "county", "县(市、区)"
    SOCIETY = "society", "学会/协会"
    OTHER = "other", "其他"


class Designation(Audited, StatefulModel):
    """One holder's title or station under one programme at one level (科普教育基地、院士专家工作站 …)."""

    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="管理单位",
        on_delete=models.PROTECT,
        related_name="designations",
        help_text="负责填报和管理这条记录的科协",
    )
    programme = models.ForeignKey(
        Programme, verbose_name="称号/平台", on_delete=models.PROTECT, related_name="designations"
    )
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    national_category = models.CharField("类别（国家级分类）", max_length=30, blank=True)
    holder_kind = models.CharField("承担单位类型", max_length=20, choices=HolderKind.choices)
    holder_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="承担单位（科协组织）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_designations",
    )
    holder_name = models.CharField("承担单位名称", max_length=200)
    holder_region_code = models.CharField("承担单位区划代码", max_length=12, blank=True)
    holder_address = models.CharField("承担单位地址", max_length=200, blank=True)
    # the county-level region (6 digits) the holder lies in, from its region code or its org unit's;
    # NULL when they do not say (kept by the services; the dashboard's map groups by it)
    holder_county_code = models.CharField(
        "承担单位所在县级区划", max_length=6, null=True, blank=True, editable=False
    )
    # "u:<org unit id>" or "n:<name>|<region code>": the holder's identity for the one-live rule
    holder_key = models.CharField("承担单位标识", max_length=230, editable=False)
    issuer = models.CharField("认定单位", max_length=100, blank=True)
    # the 科协 that grants it at its level (市级 → the city above the keeping unit); empty when the issuer
    # is outside the system (国家级, or a department): such designations are entered as 已认定
    issuer_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="认定单位（系统内）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_designations",
    )
    batch = models.CharField("批次", max_length=60, blank=True)
    document_no = models.CharField("文号", max_length=80, blank=True)
    applied_on = models.DateField("申报日期", null=True, blank=True)
    granted_on = models.DateField("认定日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revocation_reason = models.CharField("撤销原因", max_length=300, blank=True)
    # last day in force (inclusive): min(valid_until, revoked_on - 1 day); kept by the services
    ends_on = models.DateField("终止日期（含）", null=True, blank=True, editable=False)
    # moved only by kexie.workflows.services.transition() (workflow "designation", see workflow.py)
    state = models.CharField("状态", max_length=32, choices=State.choices, default=State.DRAFT, db_index=True)
    latest_grade = models.CharField("最近评估等级", max_length=10, choices=Grade.choices, blank=True)
    latest_grade_year = models.PositiveSmallIntegerField("最近评估年度", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "称号/平台认定"
        verbose_name_plural = "称号/平台认定"
        ordering = [models.F("granted_on").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder_key", "programme", "level"],
                condition=models.Q(state__in=[s.value for s in LIVE_STATES]),
                name="designation_one_live_per_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(granted_on__isnull=True)
                | models.Q(valid_until__gte=models.F("granted_on")),
                name="designation_valid_after_granted",
            ),
        ]
        indexes = [
            models.Index(fields=["org_unit", "granted_on"]),
            models.Index(fields=["programme", "level"]),
            models.Index(fields=["granted_on", "ends_on"]),
            models.Index(fields=["holder_county_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name}（{self.get_level_display()}{self.programme.name}）"

    def get_absolute_url(self) -> str:
        from django.urls import NoReverseMatch, reverse

        try:  # the pages are the record layer's (registries/urls.py)
            return reverse("registries:detail", args=[self.pk])
        except NoReverseMatch:
            return f"/registries/{self.pk}/"

    @staticmethod
    def key_for(holder_unit_id: int | None, name: str, region_code: str) -> str:
        if holder_unit_id:
            return f"u:{holder_unit_id}"
        return f"n:{''.join(name.split())}|{region_code.strip()}"

    def compute_ends_on(self) -> dt.date | None:
        ends = [
            d for d in (self.valid_until, self.revoked_on and self.revoked_on - dt.timedelta(days=1)) if d
        ]
        return min(ends) if ends else None

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.state in GRANTED_STATES
            and self.granted_on is not None
            and self.granted_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )


class Evaluation(Created):
    """A designation's yearly evaluation (年度评估): one grade per year."""

    designation = models.ForeignKey(
        Designation, verbose_name="认定", on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("评估年度")
    grade = models.CharField("等级", max_length=10, choices=Grade.choices)
    evaluated_on = models.DateField("评估日期", null=True, blank=True)
    note = models.CharField("评估意见", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度评估"
        verbose_name_plural = "年度评估"
        ordering = ["designation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["designation", "year"], name="evaluation_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.get_grade_display()}"


class Academy(models.TextChoices):
    CAS = "cas", "中国科学院"
    CAE = "cae", "中国工程院"
    OTHER = "other", "其他（非院士专家）"


class Expert(models.Model):
    """An academician or expert serving a station (院士专家工作站): checked against the programme's caps."""

    designation = models.ForeignKey(
        Designation, verbose_name="工作站", on_delete=models.CASCADE, related_name="experts"
    )
    name = models.CharField("姓名", max_length=50)
    academy = models.CharField("院士所属", max_length=10, choices=Academy.choices, default=Academy.OTHER)
    is_retired = models.BooleanField("已退休", default=False)
    joined_on = models.DateField("进站日期", null=True, blank=True)
    left_on = models.DateField("离站日期", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "进站专家"
        verbose_name_plural = "进站专家"
        ordering = ["designation", "name"]
        indexes = [models.Index(fields=["name", "academy"])]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    GALLERY = "gallery", "科普画廊/宣传栏"
    ACTIVITY_ROOM = "activity_room", "社区科普活动室"
    CAMPUS_MUSEUM = "campus_museum", "校园科技馆"
    MUSEUM = "museum", "实体科技馆"
    THEME_MUSEUM = "theme_museum", "专题科技馆"
    MOBILE_MUSEUM = "mobile_museum", "流动科技馆"
    CARAVAN = "caravan", "科普大篷车"


MOBILE_KINDS = (FacilityKind.MOBILE_MUSEUM, FacilityKind.CARAVAN)


class Facility(Audited):
    """A 科普 facility: a fixed place (画廊, 活动室, 科技馆) or a mobile unit (流动科技馆, 大篷车) with trips."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="管理单位", on_delete=models.PROTECT, related_name="facilities"
    )
    kind = models.CharField("类型", max_length=20, choices=FacilityKind.choices)
    name = models.CharField("名称", max_length=200)
    region_code = models.CharField("区划代码", max_length=12, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField("面积（平方米）", null=True, blank=True)
    is_standard = models.BooleanField(
        "达到建设标准", default=False, help_text="实体科技馆是否符合《科学技术馆建设标准》"
    )
    opened_on = models.DateField("启用日期", null=True, blank=True)
    closed_on = models.DateField("停用日期", null=True, blank=True, help_text="停用当日起不再计入")
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "科普设施"
        verbose_name_plural = "科普设施"
        ordering = ["org_unit", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "kind", "name"], name="facility_unique_name"),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gt=models.F("opened_on")),
                name="facility_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["kind", "opened_on"]), models.Index(fields=["region_code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_mobile(self) -> bool:
        return self.kind in MOBILE_KINDS


class FacilityTrip(models.Model):
    """One stop of a mobile facility (流动科技馆 巡展, 科普大篷车 下乡): where, when, how many came."""

    facility = models.ForeignKey(
        Facility, verbose_name="设施", on_delete=models.CASCADE, related_name="trips"
    )
    place = models.CharField("地点", max_length=200)
    host_unit = models.ForeignKey(
        OrgUnit, verbose_name="接待单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划代码", max_length=12, blank=True)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    visitors = models.PositiveIntegerField("参观人次", null=True, blank=True)
    events = models.PositiveIntegerField("活动次数", null=True, blank=True)
    distance_km = models.PositiveIntegerField("行驶里程（公里）", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡展/下乡"
        verbose_name_plural = "巡展/下乡"
        ordering = ["facility", "-start_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="trip_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["start_on"])]

    def __str__(self) -> str:
        return f"{self.place} {self.start_on:%Y-%m-%d}"

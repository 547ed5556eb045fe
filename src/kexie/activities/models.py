"""Activities (科普活动, 学术交流, 培训, 竞赛, 志愿服务 …): flow records — one row per event held.

Participants are person-times (人次), never unique persons; online views are counted apart; the
people reached (受益人数) are a separate count of distinct persons per activity.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kexie.orgs.models import OrgUnit


class ActivityType(models.Model):
    """A managed list (讲座/报告会, 展览, 竞赛 …): national (org_unit empty, fixed) or defined by a unit
    for its subtree (五进, 三下乡 …); codes are stable, names may be edited."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="设立单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_academic = models.BooleanField("属于学术交流", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(org_unit__isnull=True), name="activity_type_national_name"
            ),
            models.UniqueConstraint(fields=["org_unit", "name"], name="activity_type_unit_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A campaign an activity belongs to: national (org_unit empty) or defined by a unit for its subtree."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="设立单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_year = models.PositiveSmallIntegerField("起始年份", null=True, blank=True)
    last_year = models.PositiveSmallIntegerField("截止年份", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "活动品牌"
        verbose_name_plural = "活动品牌"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def valid_in(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


class TargetGroup(models.Model):
    """重点人群: 青少年, 农民, 产业工人, 老年人, 领导干部和公务员, 社区居民, 其他."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "目标人群"
        verbose_name_plural = "目标人群"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class Mode(models.TextChoices):
        OFFLINE = "offline", "线下"
        ONLINE = "online", "线上"
        BOTH = "both", "线上线下结合"

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        HELD = "held", "已举办"
        CANCELLED = "cancelled", "已取消"

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="activities"
    )
    co_organisers = models.ManyToManyField(
        OrgUnit, verbose_name="协办单位", blank=True, related_name="co_activities"
    )
    title = models.CharField("活动名称", max_length=200)
    activity_type = models.ForeignKey(ActivityType, verbose_name="活动类型", on_delete=models.PROTECT)
    campaign = models.ForeignKey(
        Campaign, verbose_name="活动品牌", null=True, blank=True, on_delete=models.PROTECT
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    region_code = models.CharField("活动地区区划代码", max_length=12, blank=True)
    venue = models.CharField("活动地点", max_length=200, blank=True)
    mode = models.CharField("形式", max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    participants = models.PositiveIntegerField("参与人次", default=0)
    online_views = models.PositiveBigIntegerField("线上浏览量", default=0)
    sci_workers = models.PositiveIntegerField("参与科技工作者人次", default=0)
    volunteers = models.PositiveIntegerField("参与志愿者人次", default=0)
    # (the fields below have database defaults: rows written around the ORM, as the bench generator
    # and older import baselines do, need not name them)
    # distinct people reached by this activity (人), beside the person-times above; never summed into them
    beneficiaries = models.PositiveIntegerField("受益人数", default=0, db_default=0)
    # one event may hold several sessions (年会: 7 主题报告 + 5 工作坊 = 1 activity of 12 sessions)
    sessions = models.PositiveSmallIntegerField("分场场次", default=1, db_default=1)
    # a recurring series (全市职工乒乓球赛) and this activity's edition in it (第七届); NULL, not "", when
    # not in a series: one "empty" value for the engine's breakdown and the list's links
    series = models.CharField("系列活动", max_length=100, null=True, blank=True)
    edition = models.PositiveSmallIntegerField("届次", null=True, blank=True)
    # the venue or mobile unit that held it (科技馆, 流动科技馆, 科普大篷车 …), so a 科技馆's shows are its
    # own figure; managed by kexie.registries
    facility = models.ForeignKey(
        "registries.Facility",
        verbose_name="举办场馆/流动设施",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    materials_copies = models.PositiveIntegerField("发放科普资料（份/册）", default=0, db_default=0)
    materials_kinds = models.PositiveSmallIntegerField("科普资料种类（种）", default=0, db_default=0)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name="目标人群", blank=True)
    is_key = models.BooleanField("重点活动", default=False)
    description = models.TextField("活动简介", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.HELD)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(m2m_fields=[target_groups, co_organisers])

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="activity_dates_order"
            ),
            # natural key for imports: the same organiser, title and start date is the same activity
            models.UniqueConstraint(fields=["org_unit", "title", "start_date"], name="activity_natural_key"),
        ]
        indexes = [
            models.Index(fields=["start_date"]),
            models.Index(fields=["org_unit", "start_date"]),
            models.Index(fields=["activity_type", "start_date"]),
            models.Index(fields=["campaign", "start_date"]),
        ]

    def __str__(self) -> str:
        return self.title


# 重大活动 (全国科普统计口径): an activity with at least this many participants (person-times).
MAJOR_EVENT_PARTICIPANTS = 1000


class ActivityMonthFact(models.Model):
    """Activities pre-aggregated per organiser × month of the start date × type × campaign × key × status.

    Derived data, never edited by hand: `kexie.activities.facts.refresh()` recomputes the cells a write
    touches (in the writer's transaction) and `rebuild()` recomputes everything. The indicator engine
    reads it instead of the activities when a figure can be expressed on it (src/kexie/indicators).

    A cell may be spread over several rows (no unique key on purpose): when units are merged the rows
    move with the records like every scoped model, and a refresh folds them back into one row per
    combination. Readers must therefore always SUM the measures, never read a single row.
    Rows exist only for combinations with at least one activity (n ≥ 1).
    """

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField("月份")  # the first day of the month the activities start in
    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, on_delete=models.CASCADE, related_name="+")
    is_key = models.BooleanField()
    status = models.CharField(max_length=10, choices=Activity.Status.choices)
    n = models.PositiveIntegerField("场次")
    n_major = models.PositiveIntegerField(f"参与人次≥{MAJOR_EVENT_PARTICIPANTS}的场次")
    participants = models.BigIntegerField("参与人次")
    online_views = models.BigIntegerField("线上浏览量")
    sci_workers = models.BigIntegerField("参与科技工作者人次")
    volunteers = models.BigIntegerField("参与志愿者人次")
    # later measures: not in the covering index (the dashboard's queries do not read them); database
    # defaults, so that rows written around the ORM (bench generator) need not name them
    beneficiaries = models.BigIntegerField("受益人数", default=0, db_default=0)
    sessions = models.BigIntegerField("分场场次", default=0, db_default=0)
    materials_copies = models.BigIntegerField("发放科普资料（份/册）", default=0, db_default=0)
    materials_kinds = models.BigIntegerField("科普资料种类（种）", default=0, db_default=0)

    class Meta:
        verbose_name = "活动月度汇总"
        verbose_name_plural = "活动月度汇总"
        indexes = [
            # covering: a dashboard reads a period's rows from the index alone (index-only scan);
            # every column is a key column, as SQLite has no INCLUDE
            models.Index(
                fields=[
                    "month",
                    "status",
                    "org_unit",
                    "activity_type",
                    "campaign",
                    "is_key",
                    "n",
                    "n_major",
                    "participants",
                    "online_views",
                    "sci_workers",
                    "volunteers",
                ],
                name="activity_fact_covering",
            ),
            models.Index(fields=["org_unit", "month"], name="activity_fact_unit_month"),  # refresh()
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.month:%Y-%m} {self.activity_type_id}: {self.n}"


# Photos and documents of an activity are kept by the record layer (kexie.records.Attachment, slots
# 照片 and 附件 of activities/records.py); migration 0010 moved the former activity attachments there.

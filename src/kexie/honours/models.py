"""Honours of people and teams: programmes, rounds, nominations and awards (人才举荐与表彰, issue #11).

A *programme* (荣誉项目: 最美科技工作者, 全国创新争先奖, 中国青年科技奖 …) is data: the built-in ones are
seeded by a data migration (programmes.py); a 管理员 may add a local one, which belongs to its unit and
is seen by the subtree. A programme says at which levels it exists, how often it runs (cycle), its
quota per round and per tier, whether individuals or teams (or both) may receive it, and whether one
who already received it may be nominated again (repeat-award exclusion).

A *round* (评选/推荐轮次) is one call of a programme at one level in one year, opened by a notice (通知)
by the organising unit (`org_unit`, scoping): a city's 最美科技工作者 round (本级评选: the city decides),
or a city's collection of candidates for the 省青年科技奖 (向上推荐: the city recommends; the result
comes from the upper level). A *nomination* (推荐人选) is one person or team put forward by a
nominating unit (`org_unit`, scoping) in a round; it moves through the lifecycle of workflow.py.
An *award* (获奖/入选) is a result: the programme, level, tier, year and document, to a person or a
team; upward awards are entered directly with their document (no round). Its *recipients* are the
persons honoured (one for an individual, the members for a team): 表彰人次 counts them, 表彰人数
counts distinct persons.

Honours of *units* (优秀组织单位 …) stay in the 荣誉与排名 register (kexie.facts).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from kexie.core.models import Audited
from kexie.orgs.models import OrgUnit
from kexie.people.models import Person
from kexie.workflows.models import StatefulModel


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    COUNTY = "county", "县级"


LEVEL_RANK = {Level.NATIONAL: 0, Level.PROVINCIAL: 1, Level.MUNICIPAL: 2, Level.COUNTY: 3}


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", "个人"
    TEAM = "team", "团队"


class Recipients(models.TextChoices):
    INDIVIDUAL = "individual", "个人"
    TEAM = "team", "团队"
    BOTH = "both", "个人或团队"


class Tier(models.TextChoices):
    SPECIAL = "special", "特等奖"
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    MEDAL = "medal", "奖章"
    CERTIFICATE = "certificate", "奖状"
    PLAQUE = "plaque", "奖牌"
    HONOUR = "honour", "荣誉称号"
    FUNDED = "funded", "入选资助"
    NOMINEE = "nominee", "推荐人选"


class Programme(models.Model):
    """A kind of honour people or teams are nominated for and receive (荣誉项目)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    levels = models.JSONField(
        "设立级别", default=list, help_text="national / provincial / municipal / county"
    )
    issuer = models.CharField("授予单位", max_length=100, blank=True)
    by_association = models.BooleanField(
        "科协系统表彰/推荐", default=True, help_text="由科协组织授予或经科协推荐（“受到科协表彰”计入）"
    )
    recipients = models.CharField(
        "授予对象", max_length=12, choices=Recipients.choices, default=Recipients.INDIVIDUAL
    )
    cycle_years = models.PositiveSmallIntegerField(
        "周期（年）", null=True, blank=True, help_text="每几年评选一次"
    )
    quota = models.PositiveIntegerField("每轮名额", null=True, blank=True, help_text="为空表示不限")
    tiers = models.JSONField("等次", default=list, blank=True, help_text="可授予的等次代码，空表示不分等次")
    tier_quotas = models.JSONField("各等次名额", default=dict, blank=True, help_text='如 {"medal": 30}')
    no_repeat = models.BooleanField("不得重复获得", default=False)
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
        verbose_name = "荣誉项目"
        verbose_name_plural = "荣誉项目"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def level_labels(self) -> list[str]:
        return [Level(v).label for v in self.levels if v in Level.values]

    @property
    def tier_labels(self) -> list[str]:
        return [Tier(v).label for v in self.tiers if v in Tier.values]


class Round(Audited):
    """One call of a programme at one level in one year (评选/推荐轮次), opened by a notice."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="honour_rounds"
    )
    programme = models.ForeignKey(
        Programme, verbose_name="荣誉项目", on_delete=models.PROTECT, related_name="rounds"
    )
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("轮次名称", max_length=120)
    notice_no = models.CharField("通知文号", max_length=80, blank=True)
    notice_date = models.DateField("通知日期", null=True, blank=True)
    deadline = models.DateField("推荐截止日期", null=True, blank=True)
    publicity_from = models.DateField("公示开始日期", null=True, blank=True)
    publicity_to = models.DateField("公示截止日期", null=True, blank=True)
    quota = models.PositiveIntegerField("名额", null=True, blank=True, help_text="留空按项目规定的每轮名额")
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评选/推荐轮次"
        verbose_name_plural = "评选/推荐轮次"
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "programme", "level", "year"], name="honour_round_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("honour_rounds:detail", args=[self.pk])

    @property
    def effective_quota(self) -> int | None:
        return self.quota if self.quota is not None else self.programme.quota


class State(models.TextChoices):
    """A nomination: 单位推荐 → 资格审查 → 评审 → 公示 → 结果 (入选 / 未入选)."""

    DRAFT = "draft", "填报中"
    RECOMMENDED = "recommended", "已推荐"
    RETURNED = "returned", "已退回"
    QUALIFIED = "qualified", "资格审查通过"
    INELIGIBLE = "ineligible", "资格审查未通过"
    SHORTLISTED = "shortlisted", "评审通过"
    PUBLICISED = "publicised", "公示中"
    SELECTED = "selected", "入选"
    NOT_SELECTED = "not_selected", "未入选"
    WITHDRAWN = "withdrawn", "已撤回"


# a nomination that took a place of the quota
QUOTA_STATES = (State.SHORTLISTED, State.PUBLICISED, State.SELECTED)
# a nomination the organising unit put forward (公示 and after): for an upward round, 推荐上报
FORWARDED_STATES = (State.PUBLICISED, State.SELECTED, State.NOT_SELECTED)
LIVE_STATES = (
    State.DRAFT,
    State.RECOMMENDED,
    State.RETURNED,
    State.QUALIFIED,
    State.SHORTLISTED,
    State.PUBLICISED,
    State.SELECTED,
)


class Nomination(Audited, StatefulModel):
    """One person or team put forward in a round by a nominating unit (推荐人选)."""

    round = models.ForeignKey(
        Round, verbose_name="轮次", on_delete=models.PROTECT, related_name="nominations"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="honour_nominations"
    )
    kind = models.CharField("推荐对象", max_length=12, choices=RecipientKind.choices, default="individual")
    nominee_name = models.CharField("候选人/团队名称", max_length=100)
    nominee_id = models.CharField(
        "证件号码", max_length=24, blank=True, help_text="只保存遮蔽后的号码；完整号码仅用于查重"
    )
    nominee_employer = models.CharField("工作单位", max_length=100, blank=True)
    nominee_title = models.CharField("职称/职务", max_length=50, blank=True)
    team_members = models.CharField(
        "团队成员", max_length=300, blank=True, help_text="团队推荐填写，用顿号分隔"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    members = models.ManyToManyField(Person, verbose_name="团队成员（人员）", blank=True, related_name="+")
    # "p:<person id>" or "t:<team name>": who is nominated, for distinct counts (名个人(团队))
    nominee_key = models.CharField("候选标识", max_length=120, editable=False, db_index=True)
    category = models.CharField("推荐类别", max_length=50, blank=True)
    tier = models.CharField("等次", max_length=12, choices=Tier.choices, blank=True)
    summary = models.TextField("主要事迹", blank=True)
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    forwarded_on = models.DateField("公示/上报日期", null=True, blank=True)
    decided_on = models.DateField("结果日期", null=True, blank=True)
    document_no = models.CharField("结果文号", max_length=80, blank=True)
    # moved only by kexie.workflows.services.transition() (workflow "nomination", see workflow.py)
    state = models.CharField("状态", max_length=32, choices=State.choices, default=State.DRAFT, db_index=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "推荐人选"
        verbose_name_plural = "推荐人选"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nominee_key"],
                condition=models.Q(state__in=[s.value for s in LIVE_STATES]),
                name="nomination_once_per_round",
            )
        ]
        indexes = [models.Index(fields=["org_unit", "forwarded_on"])]

    def __str__(self) -> str:
        return f"{self.nominee_name}（{self.round.title}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("nominations:detail", args=[self.pk])


class Award(Audited):
    """A result: an honour of a programme at a level, with tier, year and document, to a person or a team."""

    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="管理单位",
        on_delete=models.PROTECT,
        related_name="honour_awards",
        help_text="获奖人所在的科协（推荐单位），负责登记和管理这条记录",
    )
    programme = models.ForeignKey(
        Programme, verbose_name="荣誉项目", on_delete=models.PROTECT, related_name="awards"
    )
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    tier = models.CharField("等次", max_length=12, choices=Tier.choices, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    awarded_on = models.DateField("授予日期")
    issuer = models.CharField("授予单位", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=80, blank=True)
    kind = models.CharField("获奖对象", max_length=12, choices=RecipientKind.choices, default="individual")
    recipient_name = models.CharField("获奖人/团队", max_length=100)
    recipient_id = models.CharField(
        "证件号码", max_length=24, blank=True, help_text="只保存遮蔽后的号码；完整号码仅用于查重"
    )
    recipient_employer = models.CharField("工作单位", max_length=100, blank=True)
    team_members = models.CharField(
        "团队成员", max_length=300, blank=True, help_text="团队获奖填写，用顿号分隔"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    recipients = models.ManyToManyField(
        Person, verbose_name="受表彰人员", through="Recipient", related_name="honours_received", blank=True
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name="推荐人选",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "获奖/入选"
        verbose_name_plural = "获奖/入选"
        ordering = ["-awarded_on", "-pk"]
        indexes = [
            models.Index(fields=["org_unit", "awarded_on"]),
            models.Index(fields=["programme", "level"]),
        ]

    def __str__(self) -> str:
        tier = self.get_tier_display() if self.tier else ""
        return f"{self.recipient_name}（{self.year}年{self.get_level_display()}{self.programme.name}{tier}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("honours:detail", args=[self.pk])


class Recipient(models.Model):
    """A person honoured by an award: the individual, or each member of a team (表彰人次 = rows)."""

    award = models.ForeignKey(
        Award, verbose_name="获奖/入选", on_delete=models.CASCADE, related_name="recipient_rows"
    )
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "受表彰人员"
        verbose_name_plural = "受表彰人员"
        constraints = [models.UniqueConstraint(fields=["award", "person"], name="honour_recipient_once")]

    def __str__(self) -> str:
        return f"{self.person.name}：{self.award}"

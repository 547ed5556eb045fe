"""S&T volunteering (科技志愿服务): teams (科技志愿服务队), volunteers (a `kexie.people.Person` registered
as a volunteer, once), their team memberships (joined/left), service records (volunteer × activity ×
hours) entered by the team and confirmed by the organising team's operator — never by the volunteer
(谁组织谁记录、谁记录谁证明) — and the star scale (星级标准) an area sets for cumulative hours.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kexie.core.models import Audited
from kexie.orgs.models import OrgUnit
from kexie.workflows.models import StatefulModel

DEFAULT_STARS = (100, 300, 600, 1000, 1500)  # 1★–5★ cumulative hours: common local practice, not a CAST rule
STAR_LABELS = {0: "未达星级", 1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


class TeamKind(models.TextChoices):
    ASSOCIATION = "association", "科协组建"
    SOCIETY = "society", "学会"
    UNIVERSITY = "university", "高校"
    ENTERPRISE = "enterprise", "企业"
    MEDICAL = "medical", "医疗卫生"
    SCHOOL = "school", "中小学"
    AGRICULTURE = "agriculture", "农技"
    COMMUNITY = "community", "城乡社区"
    OTHER = "other", "其他"


class Team(Audited):
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="组建单位", on_delete=models.PROTECT, related_name="volunteer_teams"
    )
    name = models.CharField("服务队名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=TeamKind.choices)
    region_code = models.CharField("服务区域区划代码", max_length=12, blank=True)
    flagged_on = models.DateField("授旗日期", help_text="授旗（成立）之日起计入服务队数")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True, help_text="撤销当日起不再计入")
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "科技志愿服务队"
        verbose_name_plural = "科技志愿服务队"
        ordering = ["org_unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="volunteer_team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(Audited):
    """A person registered as a 科技志愿者 (one registration per person)."""

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="volunteer"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="volunteers"
    )
    name = models.CharField("姓名", max_length=50)  # the person's name, for lists and search
    specialty = models.CharField("专业特长", max_length=100, blank=True)
    registered_on = models.DateField("注册日期")
    cancelled_on = models.DateField("注销日期", null=True, blank=True, help_text="注销当日起不再计入")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="本人账号", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="volunteer_profiles",
        help_text="志愿者本人在平台上有账号时选择；本人账号不能确认自己的服务时长",
    )  # fmt: skip
    # kept by the services on every confirmation and star-scale change
    hours_total = models.DecimalField(
        "累计服务时长（小时）", max_digits=8, decimal_places=1, default=Decimal(0)
    )
    star = models.PositiveSmallIntegerField("星级", default=0, choices=sorted(STAR_LABELS.items()))

    history = HistoricalRecords()

    class Meta:
        verbose_name = "科技志愿者"
        verbose_name_plural = "科技志愿者"
        ordering = ["org_unit__path", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class TeamMember(Audited):
    team = models.ForeignKey(Team, verbose_name="服务队", on_delete=models.PROTECT, related_name="members")
    # the team's organising unit, kept equal to it by the services (the scoping)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="组建单位", on_delete=models.PROTECT, related_name="volunteer_members"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name="志愿者", on_delete=models.PROTECT, related_name="memberships"
    )
    name = models.CharField("姓名", max_length=50)  # the volunteer's name as the roster lists it
    # the roster's 证件号码 column: only the mask is kept (the whole number finds the person, kexie.people)
    id_masked = models.CharField("证件号码", max_length=24, blank=True)
    specialty = models.CharField("专业特长", max_length=100, blank=True)
    duty = models.CharField("队内职务", max_length=50, blank=True)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务队队员"
        verbose_name_plural = "服务队队员"
        ordering = ["team", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteer_member_once")]

    def __str__(self) -> str:
        return f"{self.name}（{self.team.name}）"


class ServiceRecord(StatefulModel, Audited):
    """One volunteer's hours at one activity. `org_unit` is the team's (the organising team's unit
    confirms); only 已确认 records count anywhere."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="服务队组建单位", on_delete=models.PROTECT, related_name="volunteer_services"
    )
    member = models.ForeignKey(
        TeamMember, verbose_name="志愿者（服务队）", on_delete=models.PROTECT, related_name="services"
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="活动",
        on_delete=models.PROTECT,
        related_name="volunteer_services",
    )
    served_on = models.DateField("服务日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    note = models.TextField("备注", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "activity"], name="volunteer_service_once"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="volunteer_service_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.activity.title} · {self.hours}小时"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("volunteer_service:detail", args=[self.pk])


class StarScale(Audited):
    """星级标准 of an area: cumulative confirmed hours for 1★ to 5★. The nearest unit at or above a
    volunteer's 登记单位 that has one sets it; none: DEFAULT_STARS."""

    org_unit = models.OneToOneField(
        OrgUnit, verbose_name="适用单位", on_delete=models.PROTECT, related_name="star_scale"
    )
    star1 = models.PositiveIntegerField("一星（小时）", default=DEFAULT_STARS[0])
    star2 = models.PositiveIntegerField("二星（小时）", default=DEFAULT_STARS[1])
    star3 = models.PositiveIntegerField("三星（小时）", default=DEFAULT_STARS[2])
    star4 = models.PositiveIntegerField("四星（小时）", default=DEFAULT_STARS[3])
    star5 = models.PositiveIntegerField("五星（小时）", default=DEFAULT_STARS[4])

    history = HistoricalRecords()

    class Meta:
        verbose_name = "星级标准"
        verbose_name_plural = "星级标准"

    def __str__(self) -> str:
        return f"{self.org_unit.name}星级标准"

    @property
    def thresholds(self) -> tuple[int, ...]:
        return (self.star1, self.star2, self.star3, self.star4, self.star5)

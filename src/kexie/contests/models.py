"""Youth S&T contests (青少年科技创新大赛 and the like): editions, entries and their results.

An *edition* (赛事) is one round of a contest at one level (县/市/省/国家), kept by the 科协 that
records it — its organiser, or, for an upward round held outside the system (省赛、全国赛), the unit
whose students took part (as honours received upward are entered by the recipient's unit).
An *entry* (参赛作品) is one project of one student or a team of at most three, kept by the 科协 that
submitted it (报送单位); its students and tutor are `kexie.people.Person`s, entered once. An entry that
goes on to the next level's round is a new entry there, pointing back to the one it advanced from.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from kexie.core.models import Audited
from kexie.orgs.models import OrgUnit


class Level(models.TextChoices):
    COUNTY = "county", "县级"
    MUNICIPAL = "municipal", "市级"
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


LEVEL_ORDER = tuple(Level.values)  # county < municipal < provincial < national


class Stage(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中专"


class Prize(models.TextChoices):
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    EXCELLENCE = "excellence", "优秀奖"
    SPECIAL = "special", "专项奖"


MAX_TEAM = 3


class Edition(Audited):
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="contest_editions"
    )
    name = models.CharField("赛事名称", max_length=100, help_text="如：第三十八届安庆市青少年科技创新大赛")
    session = models.PositiveSmallIntegerField("届次", null=True, blank=True)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    held_on = models.DateField("举办日期", help_text="终评或颁奖的日期；统计按这一天所在的期间计入")
    organiser = models.CharField("主办单位", max_length=100, blank=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "赛事"
        verbose_name_plural = "赛事"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="contest_edition_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}，{self.held_on.year}年）"

    @property
    def year(self) -> int:
        return self.held_on.year


class Entry(Audited):
    edition = models.ForeignKey(
        Edition, verbose_name="赛事", on_delete=models.PROTECT, related_name="entries"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="contest_entries"
    )
    title = models.CharField("作品名称", max_length=200)
    # the students' names as listed (张三、李四), kept by the services from the members below
    students = models.CharField("学生姓名", max_length=100, help_text="团队作品用顿号分隔，最多3人")
    school = models.CharField("学校", max_length=100)
    school_stage = models.CharField("学段", max_length=12, choices=Stage.choices)
    tutor_name = models.CharField("辅导教师", max_length=50, blank=True)
    tutor = models.ForeignKey(
        "people.Person", verbose_name="辅导教师（人员）", null=True, blank=True,
        on_delete=models.PROTECT, related_name="contest_tutored",
    )  # fmt: skip
    field = models.CharField("学科领域", max_length=50, blank=True)
    prize = models.CharField("奖项", max_length=12, choices=Prize.choices, blank=True)
    advanced_from = models.ForeignKey(
        "self", verbose_name="晋级自", null=True, blank=True, on_delete=models.PROTECT,
        related_name="advanced_to",
    )  # fmt: skip
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "参赛作品"
        verbose_name_plural = "参赛作品"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "title", "school"], name="contest_entry_unique_title"),
            models.UniqueConstraint(fields=["advanced_from", "edition"], name="contest_entry_advanced_once"),
        ]
        indexes = [models.Index(fields=["org_unit", "edition"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.students}）"


class EntryMember(models.Model):
    """A student of an entry. `edition` repeats the entry's, so that one student has at most one entry
    per edition (the contest rule) is a database constraint too."""

    entry = models.ForeignKey(
        Entry, verbose_name="参赛作品", on_delete=models.CASCADE, related_name="members"
    )
    edition = models.ForeignKey(Edition, verbose_name="赛事", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", verbose_name="学生", on_delete=models.PROTECT, related_name="contest_entries"
    )
    school = models.CharField("学校", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=1)

    class Meta:
        verbose_name = "参赛学生"
        verbose_name_plural = "参赛学生"
        ordering = ["entry", "order"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "person"], name="contest_one_entry_per_student"),
        ]

    def __str__(self) -> str:
        return self.person.name

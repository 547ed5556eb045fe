"""Facts the association states but does not compute (荣誉、排名、率先): dated, sourced, kept as stated.

A count is never a Fact: counts come from records through the indicator engine. A Fact is what a
report repeats as it was stated by someone else — an honour the 科协 received (issuer, level, year),
a ranking (全国第9名), a first (全省率先) — with the document that says so.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from kexie.core.models import Audited
from kexie.core.periods import day_label
from kexie.orgs.models import OrgUnit


class Fact(Audited):
    class Kind(models.TextChoices):
        HONOUR = "honour", "荣誉"
        RANKING = "ranking", "排名"
        FIRST = "first", "率先"
        OTHER = "other", "其他"

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省级"
        MUNICIPAL = "municipal", "市级"
        COUNTY = "county", "县级"

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="facts"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    statement = models.CharField("表述", max_length=300, help_text="按来源文件的原话填写")
    issuer = models.CharField("授予/发布单位", max_length=100, blank=True)
    level = models.CharField("级别", max_length=12, choices=Level.choices, blank=True)
    year = models.PositiveSmallIntegerField("年份")
    date = models.DateField("日期", null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    source = models.CharField("来源", max_length=200, help_text="文件名称、文号或报道出处")
    source_file = models.FileField("来源文件", upload_to="facts/%Y/%m/", blank=True)
    source_name = models.CharField("来源文件原名", max_length=255, blank=True)
    source_size = models.PositiveIntegerField("来源文件大小", null=True, blank=True)
    source_content_type = models.CharField("来源文件类型", max_length=100, blank=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "荣誉与排名"
        verbose_name_plural = "荣誉与排名"
        ordering = ["-year", models.F("date").desc(nulls_last=True), "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="ranking", rank__isnull=False) | ~models.Q(kind="ranking"),
                name="fact_ranking_has_rank",
            ),
            models.CheckConstraint(
                condition=models.Q(rank__isnull=True) | models.Q(kind="ranking"),
                name="fact_rank_only_for_ranking",
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "year"]), models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return self.statement

    @property
    def when(self) -> str:
        """2023年 or 2023年9月21日: how the fact is dated."""
        if self.date:
            return day_label(self.date)
        return f"{self.year}年"

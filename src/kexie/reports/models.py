"""Generated reports (工作报告) and their versions: each save of the text is a new version.

A version's `body` is the JSON document of kexie.reports.document (blocks, text runs and figure spans);
its PDF is rendered in the background (queue "reports") and stored on the version.
"""

from django.conf import settings
from django.db import models

from kexie.core.background import is_stalled
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import register_scoped


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        FINAL = "final", "定稿"

    org_unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    template = models.CharField("报告模板", max_length=40)
    period = models.CharField("期间", max_length=32)  # a kexie.core.periods.Period string
    options = models.JSONField("选项", default=dict, blank=True)  # e.g. {"campaign": "science_day"}
    title = models.CharField("标题", max_length=200)  # the latest version's title
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作报告"
        verbose_name_plural = "工作报告"
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["org_unit", "-updated_at"])]

    def __str__(self) -> str:
        return self.title


class ReportVersion(models.Model):
    class PdfStatus(models.TextChoices):
        NONE = "none", "未生成"
        PENDING = "pending", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    body = models.JSONField("正文")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)
    pdf = models.FileField("PDF文件", upload_to="reports/%Y/%m/", blank=True)
    pdf_status = models.CharField("PDF状态", max_length=10, choices=PdfStatus.choices, default=PdfStatus.NONE)
    pdf_error = models.CharField("PDF错误", max_length=300, blank=True)
    pdf_requested_at = models.DateTimeField("PDF请求时间", null=True, blank=True)

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_number")]

    def __str__(self) -> str:
        return f"{self.report.title} 第{self.number}版"

    @property
    def pdf_stalled(self) -> bool:
        """Asked for long ago and still not rendered: no worker picked it up, or one stopped while
        rendering. It may then be asked for again."""
        return self.pdf_status == self.PdfStatus.PENDING and is_stalled(
            self.pdf_requested_at or self.created_at
        )


register_scoped(Report, via="org_unit")
register_scoped(ReportVersion, via="report__org_unit")

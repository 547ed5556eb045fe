"""Every spreadsheet import is kept: who, when, which file, how many rows, and the outcome."""

from django.conf import settings
from django.db import models

from kexie.orgs.models import OrgUnit


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        INVALID = "invalid", "校验未通过"
        VALIDATED = "validated", "待确认"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "导入失败"
        DISCARDED = "discarded", "已放弃"

    spec = models.CharField("数据类型", max_length=40)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="导入单位", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件摘要", max_length=64)
    file_size = models.PositiveBigIntegerField("文件大小")
    stored_file = models.CharField("存档路径", max_length=255, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_created = models.PositiveIntegerField("新增", default=0)
    rows_updated = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    notices = models.JSONField("提示", default=list, blank=True)
    preview = models.JSONField("预览", default=dict, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["spec", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

"""Every spreadsheet import is kept: who, when, which file, how many rows, the outcome, its progress
while it runs in the background, and — once committed — what it did, so that it can be rolled back."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from kexie.core.background import is_stalled
from kexie.orgs.models import OrgUnit


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        VALIDATING = "validating", "校验中"
        INVALID = "invalid", "校验未通过"
        VALIDATED = "validated", "待确认"
        COMMITTING = "committing", "导入中"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "导入失败"
        DISCARDED = "discarded", "已放弃"
        CANCELLED = "cancelled", "已取消"
        ROLLED_BACK = "rolled_back", "已撤销"

    class Phase(models.TextChoices):
        NONE = "", "—"
        QUEUED = "queued", "排队等待后台处理"
        OPENING = "opening", "正在打开文件"
        CHECKING = "checking", "正在逐行校验"
        WRITING = "writing", "正在写入数据库"

    RUNNING = (Status.VALIDATING, Status.COMMITTING)

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
    # cells corrected on the batch page (the stored file is never changed): {"row": {"column key": "text"}}
    corrections = models.JSONField("在线更正", default=dict, blank=True)
    corrections_log = models.JSONField("更正记录", default=list, blank=True)
    # background work: the membership whose scope the worker acts in, progress, cancellation
    membership_id = models.PositiveBigIntegerField("导入时的身份", null=True, blank=True)
    phase = models.CharField("进度阶段", max_length=20, choices=Phase.choices, blank=True, default="")
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    progress_total = models.PositiveIntegerField("待处理行数", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    progress_at = models.DateTimeField("最近进展", null=True, blank=True)  # queued, started or reported
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认导入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rolled_back_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["spec", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_stalled(self) -> bool:
        """Running, but nothing moved for KEXIE_TASK_STALLED_MINUTES: still waiting for a worker
        (phase "queued") or left behind by one that stopped (a restart, a crash)."""
        return self.is_running and is_stalled(self.progress_at or self.created_at)

    def corrections_by_row(self) -> dict[int, dict[str, str]]:
        return {int(row): dict(cells) for row, cells in self.corrections.items()}

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.rows_done / self.progress_total))


class ImportBatchRecord(models.Model):
    """One record a committed batch created or changed, with what it was before (for rollback).

    `stamp` is the record's `updated_at` right after the import: a rollback refuses when the record
    has moved on since. A spec may also find its created records another way (activities carry
    their `import_batch`), and then records only its updates here."""

    class Action(models.TextChoices):
        CREATED = "created", "新增"
        UPDATED = "updated", "更新"

    batch = models.ForeignKey(
        ImportBatch, verbose_name="导入批次", on_delete=models.CASCADE, related_name="records"
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name="数据类型", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField("记录编号")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    row = models.PositiveIntegerField("Excel 行号", null=True, blank=True)
    before = models.JSONField("导入前的值", null=True, blank=True)
    stamp = models.DateTimeField("导入后的更新时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次记录"
        verbose_name_plural = "导入批次记录"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.content_type_id}:{self.object_id}"

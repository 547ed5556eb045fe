"""Files attached to any record of a declared record type (申报书, 牌匾照片 …), in the slots the
declaration names. An attachment is reached only through its record (the record type's scoped get)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Attachment(models.Model):
    content_type = models.ForeignKey(
        ContentType, verbose_name="记录类型", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField("记录编号")
    slot = models.CharField("附件类别", max_length=30)
    file = models.FileField("文件", upload_to="records/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    mime_type = models.CharField("文件类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

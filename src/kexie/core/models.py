"""Base model mixins shared by record apps.

`Audited` gives a record who entered it and when, and when it last changed (`updated_at` is the
record layer's default "form opened at" stamp for refusing a lost update). `Created` is the first
half, for rows that are never edited in place (a yearly evaluation is corrected, not re-entered).
Who changed what afterwards is the model's simple-history (`history = HistoricalRecords()`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Created(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        abstract = True


class Audited(Created):
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True

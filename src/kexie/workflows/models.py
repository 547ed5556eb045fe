"""The state a record carries (`StatefulModel`) and the log of every transition taken (`TransitionLog`)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class StatefulModel(models.Model):
    """Mixin for a record with a lifecycle. Only `kexie.workflows.services` writes these two fields
    (compare-and-set); the record app sets the initial `state` when it creates the record."""

    state = models.CharField("状态", max_length=32, db_index=True)
    state_changed_at = models.DateTimeField("状态变更时间", default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    @property
    def workflow(self):
        from kexie.workflows.definitions import registration_for

        return registration_for(type(self)).workflow

    @property
    def state_label(self) -> str:
        return self.workflow.state_label(self.state)

    @property
    def state_tone(self) -> str:
        state = self.workflow._states.get(self.state)
        return state.tone if state else "secondary"


class TransitionLog(models.Model):
    """Who took which transition on which record, when, acting for which unit, and why. Append-only."""

    content_type = models.ForeignKey(ContentType, verbose_name="记录类型", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField("记录编号")
    obj = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField("流程", max_length=50)
    transition = models.CharField("操作代码", max_length=50)
    label = models.CharField("操作", max_length=50)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="操作单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField("角色", max_length=20, blank=True)
    reason = models.TextField("理由/意见", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="workflows_log_object")]

    def __str__(self) -> str:
        return f"{self.label}: {self.from_state or '—'} → {self.to_state}"

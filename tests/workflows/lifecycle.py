"""A throw-away record with a designation-like lifecycle, for testing the mechanism alone.

Its app label is not an installed app, so migrations and flushes never see it; conftest creates its
table once per session and registers it (scoping + workflow) around each test."""

from __future__ import annotations

from django import forms
from django.db import models

from kexie.orgs.models import Level, OrgUnit, Role
from kexie.workflows.definitions import At, State, Transition, Workflow
from kexie.workflows.models import StatefulModel

HOOK_CALLS: list[str] = []


def _after(*, obj, transition, data, access, log):
    HOOK_CALLS.append(transition.code)
    if transition.code == "grant":
        if data["document_no"] == "拒绝":
            from kexie.core.errors import DomainError

            raise DomainError("文号已被使用。", field="document_no")
        obj.document_no, obj.granted_on = data["document_no"], data["granted_on"]
        obj.save(update_fields=["document_no", "granted_on"])
        if data["document_no"] == "写入后拒绝":  # a hook refusing after it changed the record
            from kexie.core.errors import DomainError

            obj.title = "改过的名称"
            obj.save(update_fields=["title"])
            raise DomainError("认定单位已撤销这份文件。", field="document_no")


APPLICATION = Workflow(
    name="test_application",
    label="测试认定",
    initial="draft",
    on_transition=_after,
    states=(
        State("draft", "填报中"),
        State("applied", "已申报", tone="blue"),
        State("recommended", "已推荐", tone="azure"),
        State("approved", "已审核", tone="cyan"),
        State("granted", "已认定", tone="green"),
        State("revoked", "已撤销", terminal=True, tone="red"),
        State("expired", "已到期", terminal=True),
    ),
    transitions=(
        Transition("apply", "申报", ("draft",), "applied", roles=(Role.FILLER,), at=At.unit()),
        Transition(
            "recommend",
            "推荐",
            ("applied",),
            "recommended",
            roles=(Role.REVIEWER,),
            at=At.level(Level.COUNTY),
        ),
        Transition(
            "approve",
            "审核通过",
            ("recommended",),
            "approved",
            roles=(Role.REVIEWER,),
            at=At.level(Level.PREFECTURE),
        ),
        Transition(
            "return",
            "退回",
            ("applied", "recommended"),
            "draft",
            roles=(Role.REVIEWER,),
            at=(At.level(Level.COUNTY), At.level(Level.PREFECTURE)),
            reason_required=True,
            tone="warning",
        ),
        Transition(
            "grant",
            "认定",
            ("approved",),
            "granted",
            roles=(Role.ADMIN,),
            at=At.field("issuer_unit", "认定单位"),
            fields={
                "document_no": forms.CharField(label="文号", max_length=60),
                "granted_on": forms.DateField(label="认定日期"),
            },
        ),
        Transition(
            "revoke",
            "撤销",
            ("granted",),
            "revoked",
            roles=(Role.ADMIN,),
            at=At.field("issuer_unit", "认定单位"),
            reason_required=True,
            tone="danger",
            inbox=False,
        ),
        Transition("expire", "到期", ("granted",), "expired", system=True),
    ),
)


class Application(StatefulModel):
    title = models.CharField(max_length=100)
    # no database constraint: a flush (TRUNCATE on PostgreSQL) must not find this table referencing units
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    issuer_unit = models.ForeignKey(
        OrgUnit, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    document_no = models.CharField(max_length=60, blank=True)
    granted_on = models.DateField(null=True)

    class Meta:
        app_label = "workflows_tests"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/test-applications/{self.pk}/"

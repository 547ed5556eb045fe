"""The designation lifecycle, declared on the one transition mechanism (kexie.workflows).

    申报 (holder's 填报员) → 推荐 (county 审核员) → 审核 (city 审核员: 通过 / 退回 with a reason)
    → 认定 (管理员 of the issuing unit, with 文号 and date) → yearly 评估 (services.evaluation_record)
    → 整改 / 复核 / 撤销 (with a reason and a date) / 到期 (the system, daily)

Upward designations (国家级, issued outside the system) are entered directly as 已认定 with their
document (services.designation_create(granted=True)); their log starts with "直接录入认定".
The effects on the record's own fields (dates, 文号, ends_on) run in `on_transition`, inside the
transition's transaction, through the same service functions as the direct entry.
"""

from __future__ import annotations

from django import forms

from kexie.orgs.models import Level as OrgLevel
from kexie.orgs.models import Role
from kexie.registries.models import State as S
from kexie.workflows.definitions import At, State, Transition, Workflow

TONES = {
    S.SUBMITTED: "blue",
    S.RECOMMENDED: "blue",
    S.REVIEWED: "azure",
    S.RETURNED: "yellow",
    S.GRANTED: "green",
    S.RECTIFYING: "orange",
    S.REJECTED: "red",
    S.REVOKED: "red",
}
TERMINAL = (S.REJECTED, S.WITHDRAWN, S.REVOKED, S.EXPIRED)

ISSUER = At.field("issuer_unit", "认定单位")


def _on_transition(*, obj, transition, data, access, log) -> None:
    from kexie.registries import services

    services.on_designation_transition(obj=obj, code=transition.code, data=data, access=access, log=log)


DESIGNATION = Workflow(
    name="designation",
    label="称号/平台认定",
    initial=S.DRAFT,
    on_transition=_on_transition,
    states=tuple(State(s.value, s.label, terminal=s in TERMINAL, tone=TONES.get(s, "secondary")) for s in S),
    transitions=(
        Transition(
            "submit",
            "申报",
            (S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            roles=(Role.FILLER,),
            at=At.unit(),
            help="提交给县级科协推荐。",
        ),
        Transition(
            "recommend",
            "推荐",
            (S.SUBMITTED,),
            S.RECOMMENDED,
            roles=(Role.REVIEWER,),
            at=At.level(OrgLevel.COUNTY),
            help="县级科协同意推荐，报市级科协审核。",
        ),
        Transition(
            "return_county",
            "退回",
            (S.SUBMITTED,),
            S.RETURNED,
            roles=(Role.REVIEWER,),
            at=At.level(OrgLevel.COUNTY),
            reason_required=True,
            tone="warning",
            help="退回申报单位修改后重新申报。",
        ),
        Transition(
            "review",
            "审核通过",
            (S.RECOMMENDED,),
            S.REVIEWED,
            roles=(Role.REVIEWER,),
            at=At.level(OrgLevel.PREFECTURE),
            help="市级科协审核通过，交认定单位认定。",
        ),
        Transition(
            "return",
            "退回",
            (S.RECOMMENDED,),
            S.RETURNED,
            roles=(Role.REVIEWER,),
            at=At.level(OrgLevel.PREFECTURE),
            reason_required=True,
            tone="warning",
            help="退回申报单位修改后重新申报。",
        ),
        Transition(
            "grant",
            "认定",
            (S.REVIEWED,),
            S.GRANTED,
            roles=(Role.ADMIN,),
            at=ISSUER,
            fields={
                "document_no": forms.CharField(label="文号", max_length=80),
                "granted_on": forms.DateField(label="认定日期"),
                "valid_until": forms.DateField(
                    label="有效期至", required=False, help_text="留空按称号规定的有效期计算"
                ),
            },
            help="认定单位发文认定，填写文号和认定日期。",
        ),
        Transition(
            "reject",
            "不予认定",
            (S.REVIEWED,),
            S.REJECTED,
            roles=(Role.ADMIN,),
            at=ISSUER,
            reason_required=True,
            tone="danger",
        ),
        Transition(
            "withdraw",
            "撤回申请",
            (S.DRAFT, S.SUBMITTED, S.RETURNED),
            S.WITHDRAWN,
            roles=(Role.FILLER,),
            at=At.unit(),
            tone="secondary",
            inbox=False,  # offered on the record, never a 待办 of its own
        ),
        Transition(
            "rectify",
            "责令整改",
            (S.GRANTED,),
            S.RECTIFYING,
            roles=(Role.ADMIN,),
            at=ISSUER,
            reason_required=True,
            reason_label="整改要求",
            tone="warning",
            help="评估不合格或检查发现问题时责令整改；整改期间仍在认定有效期内。",
            inbox=False,  # offered on the record, never a 待办 of its own
        ),
        Transition(
            "recheck",
            "复核通过",
            (S.RECTIFYING,),
            S.GRANTED,
            roles=(Role.ADMIN,),
            at=ISSUER,
            help="整改完成，复核通过。",
        ),
        Transition(
            "revoke",
            "撤销",
            (S.GRANTED, S.RECTIFYING),
            S.REVOKED,
            roles=(Role.ADMIN,),
            at=(ISSUER, At.unit()),
            reason_required=True,
            tone="danger",
            fields={"revoked_on": forms.DateField(label="撤销日期")},
            help="自撤销日期当天起不再计入；由认定单位办理（系统外认定的，由管理单位登记）。",
            inbox=False,  # offered on the record, never a 待办 of its own
        ),
        Transition("expire", "到期", (S.GRANTED, S.RECTIFYING), S.EXPIRED, system=True, help="有效期届满。"),
    ),
)

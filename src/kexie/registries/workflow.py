"""The designation lifecycle, declared on the one transition mechanism (kexie.workflows).

    申报 (holder's 填报员) → 推荐 (county 审核员) → 审核 (city 审核员: 通过 / 退回 with a reason)
    → 认定 (管理员 of the issuing unit, with 文号 and date) → yearly 评估 (services.evaluation_record)
    → 整改 (责令整改) → 复核中 (提请复核 after 整改, or 启动复核 on the periodic review)
      → 复核通过 (back to 已认定) / 复核不通过 (撤销 from a date, with the reason)
    → 撤销 (with a reason and a date) / 到期 (the system, daily)

Upward designations (国家级, issued outside the system) are entered directly as 已认定 with their
document (services.designation_create(granted=True)); their log starts with "直接录入认定".
The effects on the record's own fields (dates, 文号, ends_on) run in `on_transition`, inside the
transition's transaction, through the same service functions as the direct entry.

Each transition is one `_step(code, label, sources, target, by, …)`: `by` names who takes it and
where (the holder's 填报员, the county or city 审核员, the issuing unit's 管理员).
"""

from __future__ import annotations

from django import forms

from kexie.orgs.models import Level as OrgLevel
from kexie.orgs.models import Role
from kexie.registries.models import IN_FORCE_STATES
from kexie.registries.models import State as S
from kexie.workflows.definitions import At, Place, State, Transition, Workflow

TONES = {
    S.SUBMITTED: "blue",
    S.RECOMMENDED: "blue",
    S.REVIEWED: "azure",
    S.RETURNED: "yellow",
    S.GRANTED: "green",
    S.RECTIFYING: "orange",
    S.REEXAMINING: "purple",
    S.REJECTED: "red",
    S.REVOKED: "red",
}
TERMINAL = (S.REJECTED, S.WITHDRAWN, S.REVOKED, S.EXPIRED)

ISSUER = At.field("issuer_unit", "认定单位")

# who takes a step, and where their active unit sits relative to the record's unit
FILLER = ((Role.FILLER,), At.unit())  # the keeping unit's 填报员
COUNTY_REVIEWER = ((Role.REVIEWER,), At.level(OrgLevel.COUNTY))
CITY_REVIEWER = ((Role.REVIEWER,), At.level(OrgLevel.PREFECTURE))
ISSUER_ADMIN = ((Role.ADMIN,), ISSUER)  # the 管理员 of the unit that grants it at its level


def _step(
    code: str,
    label: str,
    sources: tuple[str, ...],
    target: str,
    by: tuple[tuple[str, ...], Place | tuple[Place, ...]],
    help: str = "",
    *,
    reason: str = "",
    **more,
) -> Transition:
    """One transition; `reason` (the label of the required reason) makes it a refusal-like step
    (退回, 不予认定, 撤销 …: a reason is required, the button is a warning unless `tone` says)."""
    roles, at = by
    if reason:
        more = {"reason_required": True, "reason_label": reason, "tone": "warning", **more}
    return Transition(code, label, sources, target, roles=roles, at=at, help=help, **more)


def _on_transition(*, obj, transition, data, access, log) -> None:
    from kexie.registries import services

    services.on_designation_transition(obj=obj, code=transition.code, data=data, access=access, log=log)


REVOKED_ON = {"revoked_on": forms.DateField(label="撤销日期")}

GRANT_FIELDS = {
    "document_no": forms.CharField(label="文号", max_length=80),
    "granted_on": forms.DateField(label="认定日期"),
    "valid_until": forms.DateField(label="有效期至", required=False, help_text="留空按称号规定的有效期计算"),
}
NOT_IN_INBOX = {"inbox": False}  # offered on the record, never a 待办 of its own

# fmt: off
DESIGNATION = Workflow(
    name="designation",
    label="称号/平台认定",
    initial=S.DRAFT,
    on_transition=_on_transition,
    states=tuple(State(s.value, s.label, terminal=s in TERMINAL, tone=TONES.get(s, "secondary")) for s in S),
    transitions=(
        _step("submit", "申报", (S.DRAFT, S.RETURNED), S.SUBMITTED, FILLER, "提交给县级科协推荐。"),
        _step("recommend", "推荐", (S.SUBMITTED,), S.RECOMMENDED, COUNTY_REVIEWER,
              "县级科协同意推荐，报市级科协审核。"),
        _step("return_county", "退回", (S.SUBMITTED,), S.RETURNED, COUNTY_REVIEWER,
              "退回申报单位修改后重新申报。", reason="意见"),
        _step("review", "审核通过", (S.RECOMMENDED,), S.REVIEWED, CITY_REVIEWER,
              "市级科协审核通过，交认定单位认定。"),
        _step("return", "退回", (S.RECOMMENDED,), S.RETURNED, CITY_REVIEWER,
              "退回申报单位修改后重新申报。", reason="意见"),
        _step("grant", "认定", (S.REVIEWED,), S.GRANTED, ISSUER_ADMIN,
              "认定单位发文认定，填写文号和认定日期。", fields=GRANT_FIELDS),
        _step("reject", "不予认定", (S.REVIEWED,), S.REJECTED, ISSUER_ADMIN, reason="意见", tone="danger"),
        _step("withdraw", "撤回申请", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, FILLER,
              tone="secondary", **NOT_IN_INBOX),
        _step("rectify", "责令整改", (S.GRANTED,), S.RECTIFYING, ISSUER_ADMIN,
              "评估不合格或检查发现问题时责令整改；整改期间仍在认定有效期内，整改完成后提请复核。",
              reason="整改要求", **NOT_IN_INBOX),
        # 复核: after 整改 (the keeping unit reports it done) or on the periodic review (the issuer)
        _step("request_recheck", "提请复核", (S.RECTIFYING,), S.REEXAMINING, FILLER,
              "整改完成后，提请认定单位复核。"),
        _step("start_recheck", "启动复核", (S.GRANTED,), S.REEXAMINING, ISSUER_ADMIN,
              "定期复核：复核期间仍在认定有效期内，复核结束时选择“复核通过”或“复核不通过”。",
              tone="secondary", **NOT_IN_INBOX),
        _step("recheck", "复核通过", (S.REEXAMINING,), S.GRANTED, ISSUER_ADMIN, "复核通过，恢复为已认定。"),
        _step("recheck_fail", "复核不通过", (S.REEXAMINING,), S.REVOKED, ISSUER_ADMIN,
              "复核不通过即撤销认定，自撤销日期当天起不再计入。",
              reason="复核意见", tone="danger", fields=REVOKED_ON),
        _step("revoke", "撤销", (S.GRANTED, S.RECTIFYING), S.REVOKED, (ISSUER_ADMIN[0], (ISSUER, At.unit())),
              "自撤销日期当天起不再计入；由认定单位办理（系统外认定的，由管理单位登记）。",
              reason="意见", tone="danger", fields=REVOKED_ON, **NOT_IN_INBOX),
        Transition("expire", "到期", IN_FORCE_STATES, S.EXPIRED, system=True, help="有效期届满。"),
    ),
)
# fmt: on

"""Confirmation of volunteer service hours, on the one transition mechanism (kexie.workflows).

    待确认 (entered by the team's 填报员) → 确认 / 驳回 (审核员 or 管理员 of the team's organising unit)
    已驳回 → 重新提交 (填报员, after correcting) ; 已确认 → 撤销确认 (管理员, with a reason)

Never self-certified: the hook refuses 确认 by the volunteer's own account (Volunteer.account), and
keeps who confirmed and when; the volunteer's cumulative hours and star follow every move.
"""

from __future__ import annotations

from kexie.orgs.models import Role
from kexie.workflows.definitions import At, State, Transition, Workflow

PENDING, CONFIRMED, REJECTED = "pending", "confirmed", "rejected"


def _on_transition(*, obj, transition, data, access, log) -> None:
    from kexie.volunteers import services

    services.on_service_transition(obj=obj, code=transition.code, access=access)


SERVICE = Workflow(
    name="volunteer_service",
    label="志愿服务时长确认",
    initial=PENDING,
    on_transition=_on_transition,
    states=(
        State(PENDING, "待确认", tone="blue"),
        State(CONFIRMED, "已确认", tone="green"),
        State(REJECTED, "已驳回", tone="red"),
    ),
    transitions=(
        Transition(
            "confirm",
            "确认",
            (PENDING,),
            CONFIRMED,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=At.unit(),
            help="服务队组建单位核实出勤后确认，时长计入志愿者的累计时长和统计。",
        ),
        Transition(
            "reject",
            "驳回",
            (PENDING,),
            REJECTED,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=At.unit(),
            reason_required=True,
            tone="danger",
            help="时长或出勤不实时驳回，写明理由，由填报员修改后重新提交。",
        ),
        Transition(
            "resubmit",
            "重新提交",
            (REJECTED,),
            PENDING,
            roles=(Role.FILLER,),
            at=At.unit(),
            help="按驳回意见修改后重新提交确认。",
        ),
        Transition(
            "unconfirm",
            "撤销确认",
            (CONFIRMED,),
            PENDING,
            roles=(Role.ADMIN,),
            at=At.unit(),
            reason_required=True,
            tone="warning",
            inbox=False,
            help="确认有误时撤销，时长不再计入，记录回到待确认。",
        ),
    ),
)

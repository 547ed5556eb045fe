"""The nomination lifecycle, declared on the one transition mechanism (kexie.workflows).

    通知 (the round, opened by the organising unit) → 单位推荐 (the nominating unit's 填报员/管理员)
    → 资格审查 (审核员 of the organising unit: 通过 / 不通过 / 退回 with a reason) → 评审 (评审通过 within
    the quota, or 评审未通过) → 公示 (管理员 of the organising unit; for an upward round this is also
    推荐上报) → 结果: 入选 (with 文号, date and tier: the award is written) / 未入选

The organising unit is the round's (`round.org_unit`), at or above the nominating unit. Quotas (the
round's, and the programme's per tier) are checked at 评审 and again at 入选; a programme that
excludes repeat awards refuses a person who already holds it, at 推荐 and at 入选
(services.on_nomination_transition, inside the transition's transaction).
"""

from __future__ import annotations

from django import forms

from kexie.honours.models import State as S
from kexie.honours.models import Tier
from kexie.orgs.models import Role
from kexie.workflows.definitions import At, State, Transition, Workflow

TONES = {
    S.RECOMMENDED: "blue",
    S.RETURNED: "yellow",
    S.QUALIFIED: "azure",
    S.SHORTLISTED: "cyan",
    S.PUBLICISED: "purple",
    S.SELECTED: "green",
    S.NOT_SELECTED: "secondary",
    S.INELIGIBLE: "red",
}
TERMINAL = (S.SELECTED, S.NOT_SELECTED, S.INELIGIBLE, S.WITHDRAWN)

ORGANISER = At.field("round__org_unit", "评选组织单位")
TIER_CHOICES = [("", "不分等次"), *Tier.choices]


def _on_transition(*, obj, transition, data, access, log) -> None:
    from kexie.honours import services

    services.on_nomination_transition(obj=obj, code=transition.code, data=data, access=access, log=log)


NOMINATION = Workflow(
    name="nomination",
    label="荣誉推荐",
    initial=S.DRAFT,
    on_transition=_on_transition,
    states=tuple(State(s.value, s.label, terminal=s in TERMINAL, tone=TONES.get(s, "secondary")) for s in S),
    transitions=(
        Transition(
            "recommend",
            "单位推荐",
            (S.DRAFT, S.RETURNED),
            S.RECOMMENDED,
            roles=(Role.FILLER, Role.ADMIN),
            at=At.unit(),
            help="推荐单位确认推荐，报评选组织单位资格审查。",
        ),
        Transition(
            "qualify",
            "资格审查通过",
            (S.RECOMMENDED,),
            S.QUALIFIED,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=ORGANISER,
            help="符合推荐条件，进入评审。",
        ),
        Transition(
            "disqualify",
            "资格审查不通过",
            (S.RECOMMENDED,),
            S.INELIGIBLE,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=ORGANISER,
            reason_required=True,
            tone="danger",
            help="不符合推荐条件，本轮不再评审。",
        ),
        Transition(
            "return",
            "退回",
            (S.RECOMMENDED, S.QUALIFIED),
            S.RETURNED,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=ORGANISER,
            reason_required=True,
            tone="warning",
            help="退回推荐单位补充材料后重新推荐。",
        ),
        Transition(
            "shortlist",
            "评审通过",
            (S.QUALIFIED,),
            S.SHORTLISTED,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=ORGANISER,
            fields={"tier": forms.ChoiceField(label="拟授等次", choices=TIER_CHOICES, required=False)},
            help="评审通过，占用本轮名额（按项目规定分等次的，选择拟授等次）。",
        ),
        Transition(
            "reject",
            "评审未通过",
            (S.QUALIFIED,),
            S.NOT_SELECTED,
            roles=(Role.REVIEWER, Role.ADMIN),
            at=ORGANISER,
            tone="secondary",
            help="评审未通过，本轮未入选。",
        ),
        Transition(
            "publicise",
            "公示",
            (S.SHORTLISTED,),
            S.PUBLICISED,
            roles=(Role.ADMIN,),
            at=ORGANISER,
            fields={"publicised_on": forms.DateField(label="公示日期")},
            help="公示拟入选（向上推荐的轮次：公示推荐人选并上报）。",
        ),
        Transition(
            "select",
            "入选",
            (S.PUBLICISED,),
            S.SELECTED,
            roles=(Role.ADMIN,),
            at=ORGANISER,
            fields={
                "document_no": forms.CharField(label="结果文号", max_length=80),
                "decided_on": forms.DateField(label="授予日期"),
                "tier": forms.ChoiceField(label="等次", choices=TIER_CHOICES, required=False),
            },
            help="公示无异议，发文公布结果；系统同时登记获奖/入选记录。",
        ),
        Transition(
            "not_select",
            "未入选",
            (S.PUBLICISED,),
            S.NOT_SELECTED,
            roles=(Role.ADMIN,),
            at=ORGANISER,
            tone="secondary",
            help="公示有异议经核实，或上级评选未入选。",
        ),
        Transition(
            "withdraw",
            "撤回推荐",
            (S.DRAFT, S.RECOMMENDED, S.RETURNED),
            S.WITHDRAWN,
            roles=(Role.FILLER, Role.ADMIN),
            at=At.unit(),
            tone="secondary",
            inbox=False,
        ),
    ),
)

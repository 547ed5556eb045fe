"""The one transition mechanism for every lifecycle (designations, nominations, returns, suggestions).

A record app declares its lifecycle as a `Workflow` (states, transitions with the roles and the place in
the tree that may take each, a required reason on 退回/驳回/撤销, extra fields such as 文号), gives its
model the `StatefulModel` mixin (`state`, `state_changed_at`), registers both in `AppConfig.ready()`,
and from then on moves the state ONLY through `services.transition()`: it checks the state, the actor's
active membership (role, scope via kexie.orgs.scoping, place), the reason and the extra fields, does a
compare-and-set UPDATE (a second actor on the same state gets "已被他人处理"), writes a `TransitionLog`
row (who, unit, role, when, why, data) and calls the workflow's hook, all in one transaction. Pages get
the rest for free: `{% load workflows %}{% workflow_panel obj %}` on a detail page shows the state, the
buttons this user may take (reason box, extra fields) and the history, and posts to the one generic view
(`workflows:take`, scoped: 404 outside scope, Chinese message when refused); /inbox/ (待办) lists every
record in scope waiting for this user, with a badge in the header. Selectors: `available_transitions`,
`object_log`, `waiting`, `inbox_count`. Example::

    # registries/workflow.py (plain data; import it from models.py for the field's choices)
    from django import forms
    from kexie.orgs.models import Level, Role
    from kexie.workflows.definitions import At, State, Transition, Workflow

    def _granted(*, obj, transition, data, access, log):      # runs inside the transaction
        if transition.code == "grant":
            obj.document_no, obj.granted_on = data["document_no"], data["granted_on"]
            obj.save(update_fields=["document_no", "granted_on"])

    DESIGNATION = Workflow(
        name="designation", label="认定", initial="draft", on_transition=_granted,
        states=(State("draft", "填报中"), State("applied", "已申报", tone="blue"),
                State("granted", "已认定", tone="green"), State("revoked", "已撤销", terminal=True, tone="red")),
        transitions=(
            Transition("apply", "申报", ("draft",), "applied", roles=(Role.FILLER,), at=At.unit()),
            Transition("return", "退回", ("applied",), "draft", roles=(Role.REVIEWER,),
                       at=At.level(Level.PREFECTURE), reason_required=True, tone="warning"),
            Transition("grant", "认定", ("applied",), "granted", roles=(Role.ADMIN,),
                       at=At.field("issuer_unit", "认定单位"),
                       fields={"document_no": forms.CharField(label="文号", max_length=100),
                               "granted_on": forms.DateField(label="认定日期")}),
            Transition("revoke", "撤销", ("granted",), "revoked", roles=(Role.ADMIN,),
                       at=At.field("issuer_unit", "认定单位"), reason_required=True, tone="danger",
                       inbox=False),   # possible, but nobody's task: keeps granted records out of 待办
        ),
    )

    # registries/models.py
    class Designation(StatefulModel):          # from kexie.workflows.models
        state = models.CharField("状态", max_length=32, choices=DESIGNATION.choices,
                                 default=DESIGNATION.initial, db_index=True)   # optional override
        org_unit = models.ForeignKey(OrgUnit, ...); issuer_unit = models.ForeignKey(OrgUnit, ...)
        def get_absolute_url(self): ...        # the inbox links here

    # registries/apps.py, in ready():
    register_scoped(Designation, via="org_unit")
    kexie.workflows.definitions.register(DESIGNATION, Designation)

    # a service: create in the initial state, then log the start (optional but gives "创建" in history)
    d = Designation.objects.create(..., state="draft"); record_start(access=access, obj=d)
    # entered after the fact (upward designations): create with state="granted" and
    # record_start(access=access, obj=d, label="直接录入认定", data={"document_no": ...})
    # any move:
    transition(access=access, obj=d, code="return", reason="材料不全")   # DomainError on refusal

Places (`At.unit/parent/level/above/field`) are relative to the unit the model is scoped by; the actor's
ACTIVE membership is what counts (as for scoping). `roles=()` with `system=True` marks a transition the
system takes (`access=None`, e.g. 到期 from a scheduled command). `inbox=False` marks a move that is
possible but nobody's task (撤回申请, 撤销, 责令整改): it shows on the panel, never in 待办. `help` is the
sentence shown with the button, `tone` its colour; 系统管理员 takes only what lists Role.SYSADMIN. Declaration errors (undeclared states,
a 退回/驳回/撤销 without `reason_required`, leaving a terminal state) raise at import time.
"""

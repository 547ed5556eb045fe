"""`{% workflow_panel obj %}`: state, the actions this user may take, history. `{% inbox_count as n %}`."""

from __future__ import annotations

from django import forms, template
from django.contrib.contenttypes.models import ContentType

from kexie.orgs.models import Role
from kexie.workflows import selectors
from kexie.workflows.definitions import registration_for
from kexie.workflows.forms import transition_form_class
from kexie.workflows.services import who_may
from kexie.workflows.views import RETRY_KEY

register = template.Library()


def _styled(form: forms.Form) -> forms.Form:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(f, forms.DateField) and isinstance(widget, forms.DateInput):
            widget.input_type = "date"
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


def _form(request, ct: int, obj, t) -> forms.Form:
    """The transition's form; after a refused attempt on this record, once more with what was typed."""
    retry = request.session.get(RETRY_KEY) if hasattr(request, "session") else None
    form = transition_form_class(t)(prefix=t.code)
    if retry and retry.get("key") == f"{ct}:{obj.pk}:{t.code}":
        del request.session[RETRY_KEY]
        form.initial = {k: v for k, v in retry["data"].items() if k in form.fields}
        form.retry_error = (retry["field"] if retry["field"] in form.fields else "", retry["message"])
    _styled(form)
    if getattr(form, "retry_error", ("", ""))[0]:
        widget = form.fields[form.retry_error[0]].widget
        widget.attrs["class"] += " is-invalid"
    return form


def _log_rows(wf, obj) -> list[dict]:
    rows = []
    for log in selectors.object_log(obj=obj):
        t = wf.get_transition(log.transition) if log.transition else None
        labels = {name: f.label or name for name, f in (t.fields.items() if t else ())}
        rows.append(
            {
                "log": log,
                "from_label": wf.state_label(log.from_state) if log.from_state else "",
                "to_label": wf.state_label(log.to_state),
                "role_label": Role(log.role).label if log.role in Role.values else "",
                "data": [(labels.get(k, k), v) for k, v in log.data.items() if v not in ("", None)],
            }
        )
    return rows


@register.inclusion_tag("workflows/panel.html", takes_context=True)
def workflow_panel(context, obj):
    request = context["request"]
    access = request.access
    wf = registration_for(type(obj)).workflow
    ct = ContentType.objects.get_for_model(type(obj)._meta.concrete_model).pk
    mine = selectors.available_transitions(access=access, obj=obj)
    # who else acts next: the pending steps only, not possible-but-optional moves (撤回, 撤销)
    others = [t for t in wf.transitions_from(obj.state) if t not in mine and t.inbox and not t.system]
    return {
        "obj": obj,
        "workflow": wf,
        "state_label": wf.state_label(obj.state),
        "state_tone": obj.state_tone,
        "terminal": wf._states[obj.state].terminal if obj.state in wf._states else False,
        "ct": ct,
        "actions": [(t, _form(request, ct, obj, t)) for t in mine],
        "waiting_for": [(t.label, who_may(t)) for t in others],
        "log": _log_rows(wf, obj),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def inbox_count(context) -> int:
    request = context.get("request")
    access = getattr(request, "access", None)
    if access is None or not getattr(access, "is_authenticated", False):
        return 0
    return selectors.inbox_count(access=access)

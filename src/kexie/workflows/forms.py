"""The form of one transition: the reason (required or optional) and the transition's extra fields."""

from __future__ import annotations

from typing import Any

from django import forms

from kexie.workflows.definitions import Transition

REASON_MAX = 2000


def transition_form_class(t: Transition) -> type[forms.Form]:
    attrs: dict[str, Any] = {
        "reason": forms.CharField(
            label=f"{t.label}理由" if t.reason_required else t.reason_label,
            required=t.reason_required,
            max_length=REASON_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    }
    attrs.update(t.fields)
    return type(f"{t.code.title().replace('_', '')}TransitionForm", (forms.Form,), attrs)

"""Input forms of the report pages (Chinese messages)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kexie.activities.selectors import campaign_choices
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import scope
from kexie.reports import registry
from kexie.reports.selectors import write_action


def unit_choices(access) -> list[tuple[int, str]]:
    """The units a report may be written for: the active unit and two levels below it."""
    root = access.unit
    units = scope(OrgUnit.objects.filter(depth__lte=root.depth + 2), access, write_action(access)).order_by(
        "path"
    )
    return [(u.pk, "　" * (u.depth - root.depth) + u.name) for u in units]


class GenerateForm(forms.Form):
    template = forms.ChoiceField(label="报告模板", widget=forms.RadioSelect)
    unit = forms.TypedChoiceField(label="单位", coerce=int)
    period = forms.CharField(
        label="期间",
        max_length=32,
        help_text="年度总结和活动总结填年份，如 2025；五年回顾填起止年份，如 2021..2025（“十四五”时期）。",
    )
    campaign = forms.ChoiceField(label="活动品牌（仅活动总结）", required=False)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.key, t.name) for t in registry.templates()]
        self.fields["template"].initial = "annual"
        self.fields["unit"].choices = unit_choices(access)
        self.fields["unit"].initial = access.unit.pk
        self.fields["period"].initial = str(timezone.localdate().year - 1)
        self.fields["campaign"].choices = [("", "按年份自动选择（全国科普日/全国科普月）")] + [
            (c.code, c.name) for c in campaign_choices(access=access)
        ]
        self.template_options = [(t.key, t.name, t.description) for t in registry.templates()]

    def options(self) -> dict:
        campaign = self.cleaned_data.get("campaign")
        return {"campaign": campaign} if self.cleaned_data["template"] == "campaign" and campaign else {}


class BlockForm(forms.Form):
    text = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    base = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label="修改说明", required=False, max_length=200)

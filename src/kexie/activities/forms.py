"""The form of a unit's own campaigns and activity types (活动品牌与类型). The activity form itself is the
record layer's, derived from the declaration in records.py."""

from __future__ import annotations

from django import forms

from kexie.activities import services
from kexie.activities.models import Campaign
from kexie.orgs.models import OrgUnit

INT_ERRORS = {"invalid": "请输入整数。", "required": "请填写。"}


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class ListEntryForm(forms.Form):
    """A unit's own campaign (活动品牌) or activity type; the rules are services.validate_list_entry's."""

    name = forms.CharField(label="名称", max_length=50)
    first_year = forms.IntegerField(
        label="起始年份", required=False, error_messages=INT_ERRORS, help_text="可空：不限"
    )
    last_year = forms.IntegerField(
        label="截止年份", required=False, error_messages=INT_ERRORS, help_text="可空：不限"
    )
    is_academic = forms.BooleanField(
        label="属于学术交流", required=False, help_text="勾选后，这类活动计入学术交流而不是科普活动"
    )
    is_active = forms.BooleanField(
        label="启用", required=False, initial=True, help_text="停用后不能再选，已录入的活动不受影响"
    )

    def __init__(self, *args, model, unit: OrgUnit, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in ("name", "first_year", "last_year", "is_academic", "is_active")
                if hasattr(instance, name)
            }
        super().__init__(*args, **kwargs)
        self.model, self.unit, self.instance = model, unit, instance
        self.fields["name"].max_length = model._meta.get_field("name").max_length
        self.fields["name"].widget.attrs["maxlength"] = self.fields["name"].max_length
        if model is Campaign:
            del self.fields["is_academic"]
        else:
            del self.fields["first_year"], self.fields["last_year"]
        if instance is None:
            del self.fields["is_active"]
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.data_obj = services.ListEntryData(
            name=cleaned["name"],
            first_year=cleaned.get("first_year"),
            last_year=cleaned.get("last_year"),
            is_academic=bool(cleaned.get("is_academic")),
            is_active=cleaned.get("is_active", True) if self.instance is not None else True,
        )
        for name, message in services.validate_list_entry(
            self.model, self.data_obj, unit=self.unit, instance=self.instance
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

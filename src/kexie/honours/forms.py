"""The form of a local honour programme (parsing only; the rules are in services.programme_create)."""

from django import forms

from kexie.honours.models import Level, Recipients

_INPUT = {"class": "form-control"}


class ProgrammeForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60, widget=forms.TextInput(attrs=_INPUT))
    code = forms.CharField(
        label="代码", max_length=40, help_text="字母、数字、横线或下划线，如 aq_youth_talent",
        widget=forms.TextInput(attrs=_INPUT),
    )  # fmt: skip
    levels = forms.MultipleChoiceField(
        label="设立级别",
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    recipients = forms.ChoiceField(
        label="授予对象", choices=Recipients.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    issuer = forms.CharField(
        label="授予单位", max_length=100, required=False, widget=forms.TextInput(attrs=_INPUT)
    )
    cycle_years = forms.IntegerField(
        label="周期（年）", required=False, min_value=1, max_value=10, widget=forms.NumberInput(attrs=_INPUT)
    )
    quota = forms.IntegerField(
        label="每轮名额",
        required=False,
        min_value=1,
        help_text="不限名额请留空",
        widget=forms.NumberInput(attrs=_INPUT),
    )
    no_repeat = forms.BooleanField(
        label="不得重复获得（已获同级的不能再推荐）", required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs=_INPUT | {"rows": 2})
    )

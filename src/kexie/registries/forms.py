"""Page input of the registries beyond the record layer's derived forms: grade, expert, trip."""

from django import forms

from kexie.registries.models import Academy, Grade


class EvaluationForm(forms.Form):
    year = forms.IntegerField(
        label="评估年度",
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "如 2024"}),
        error_messages={"required": "请填写评估年度。", "invalid": "评估年度应为四位数字，如 2024。"},
    )
    grade = forms.ChoiceField(
        label="等级",
        choices=[("", "请选择"), *Grade.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择评估等级。"},
    )
    note = forms.CharField(
        label="评估意见",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


_INPUT = {"class": "form-control"}


class TripForm(forms.Form):
    place = forms.CharField(label="地点", max_length=200, widget=forms.TextInput(attrs=_INPUT))
    start_on = forms.DateField(
        label="开始日期",
        widget=forms.DateInput(attrs=_INPUT | {"type": "date"}),
        error_messages={"required": "请填写开始日期。", "invalid": "开始日期应为日期，如 2024-05-01。"},
    )
    end_on = forms.DateField(
        label="结束日期",
        widget=forms.DateInput(attrs=_INPUT | {"type": "date"}),
        error_messages={"required": "请填写结束日期。", "invalid": "结束日期应为日期，如 2024-05-03。"},
    )
    visitors = forms.IntegerField(
        label="参观人次", required=False, widget=forms.NumberInput(attrs=_INPUT),
        error_messages={"invalid": "参观人次应为整数。"},
    )  # fmt: skip
    events = forms.IntegerField(
        label="活动次数", required=False, widget=forms.NumberInput(attrs=_INPUT),
        error_messages={"invalid": "活动次数应为整数。"},
    )  # fmt: skip


class ExpertForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs=_INPUT))
    academy = forms.ChoiceField(
        label="院士所属", choices=Academy.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    is_retired = forms.BooleanField(label="已退休", required=False)
    joined_on = forms.DateField(
        label="进站日期",
        required=False,
        widget=forms.DateInput(attrs=_INPUT | {"type": "date"}),
        error_messages={"invalid": "进站日期应为日期，如 2024-05-01。"},
    )

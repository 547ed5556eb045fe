"""Small forms of the person pages (parsing only; the rules are in services.py)."""

from django import forms

from kexie.people.models import Role

_INPUT = {"class": "form-control"}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="查看事由",
        max_length=200,
        widget=forms.TextInput(attrs=_INPUT | {"placeholder": "如：联系参加科技志愿服务"}),
        error_messages={"required": "请填写查看事由（如“联系参加培训”），事由会记入查看记录。"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="身份", choices=Role.choices, error_messages={"invalid_choice": "请选择身份。"}
    )
    since = forms.DateField(
        label="起始日期", required=False, error_messages={"invalid": "起始日期应为日期，如 2024-05-01。"}
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(label="新手机号码", max_length=20, required=False)


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label="保留的人员编号",
        error_messages={
            "required": "请填写要保留的人员编号（人员页面地址中的数字）。",
            "invalid": "人员编号应为数字。",
        },
    )
    confirm = forms.BooleanField(
        label="我确认这是同一个人", error_messages={"required": "请勾选确认后再合并。"}
    )


class ExportForm(forms.Form):
    include_phone = forms.BooleanField(label="包含完整手机号码", required=False)
    reason = forms.CharField(label="事由", max_length=200, required=False)

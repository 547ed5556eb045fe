"""Page forms for the org tree and users. Field rules come from services/validators, so a form and
a spreadsheet row get the same messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from kexie.orgs import services
from kexie.orgs.models import OrgType, OrgUnit, Role

FIELD_CLASS = "form-control"


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else FIELD_CLASS
            field.widget.attrs.setdefault("class", css)


class OrgUnitForm(StyledForm):
    code = forms.CharField(
        label="机构代码", max_length=32, help_text="唯一代码；行政区域科协建议使用区划代码"
    )
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=30, required=False)
    org_type = forms.ChoiceField(label="类型", choices=OrgType.choices)
    region_code = forms.CharField(
        label="区划代码", max_length=12, required=False, help_text="6位或12位，可空"
    )
    active_from = forms.DateField(
        label="成立日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, parent: OrgUnit | None, instance: OrgUnit | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f: getattr(instance, f)
                for f in ("code", "name", "short_name", "org_type", "region_code", "active_from")
            }
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.instance = instance

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.data_obj = services.OrgUnitData(
            code=cleaned["code"],
            name=cleaned["name"],
            org_type=cleaned["org_type"],
            short_name=cleaned.get("short_name") or "",
            region_code=cleaned.get("region_code") or "",
            active_from=cleaned.get("active_from"),
        )
        for field, message in services.validate_orgunit_data(
            self.data_obj, parent=self.parent, instance=self.instance
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class UnitCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class MoveForm(StyledForm):
    new_parent = UnitCodeField(label="新上级单位的机构代码")


class CloseForm(StyledForm):
    on = forms.DateField(label="撤销日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="撤销原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class MergeForm(StyledForm):
    target = UnitCodeField(label="并入单位的机构代码")
    on = forms.DateField(label="合并日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RoleChoiceForm(StyledForm):
    unit = UnitCodeField(label="单位机构代码")
    role = forms.ChoiceField(label="角色", choices=())

    def __init__(self, *args, grantable: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in grantable]


class UserCreateForm(RoleChoiceForm):
    username = forms.RegexField(
        label="用户名",
        max_length=40,
        regex=r"^[A-Za-z0-9_.@-]{3,40}$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -，长度3–40位。"},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.RegexField(
        label="手机号", regex=r"^1\d{10}$", required=False, error_messages={"invalid": "请输入11位手机号。"}
    )
    password1 = forms.CharField(
        label="初始密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    field_order = ["username", "full_name", "phone", "unit", "role", "password1", "password2"]

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif p1:
            try:
                validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

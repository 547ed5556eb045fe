"""Page forms for the org tree and users. Field rules come from services/validators, so a form and
a spreadsheet row get the same messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from kexie.orgs import selectors, services
from kexie.orgs.models import OrgType, OrgUnit, Role
from kexie.orgs.scoping import Access, Action
from kexie.records.forms import UnitField

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
        label="成立日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
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


def managed_unit_field(access: Access, *, label: str, required: str) -> UnitField:
    """A unit the actor may manage (its active subtree, closed units included so that the services give
    their own answer), chosen with the shared unit picker. A unit outside the subtree gets the same answer
    as one that does not exist, so the page never reveals units elsewhere."""
    not_found = "在您的管理范围内找不到单位“%(text)s”，请输入单位名称或机构代码后从列表中选择。"
    return UnitField(
        queryset=selectors.orgunit_list(access=access, action=Action.MANAGE),
        action=Action.MANAGE,
        label=label,
        error_messages={"required": required, "invalid_choice": not_found, "not_found": not_found},
    )


class MoveForm(StyledForm):
    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = managed_unit_field(
            access, label="新上级单位", required="请选择新上级单位。"
        )


class CloseForm(StyledForm):
    on = forms.DateField(label="撤销日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label="撤销原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class MergeForm(StyledForm):
    on = forms.DateField(label="合并日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    field_order = ["target", "on"]

    def __init__(self, *args, access: Access, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["target"] = managed_unit_field(access, label="并入单位", required="请选择并入的单位。")
        self.order_fields(self.field_order)


class RoleChoiceForm(StyledForm):
    role = forms.ChoiceField(label="角色", choices=())

    field_order = ["unit", "role"]

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = managed_unit_field(access, label="单位", required="请选择单位。")
        self.fields["role"].choices = [(r, Role(r).label) for r in access.grantable_roles()]
        self.order_fields(self.field_order)


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

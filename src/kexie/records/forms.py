"""The form pieces every record page shares: the period field, the unit picker, the record form and
the filter bar, built from a declaration. Parsing only: every rule is in the record app's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html

from kexie.core.periods import Period, PeriodError
from kexie.core.uploads import ACCEPTED_EXTENSIONS
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope, security_log
from kexie.records.declarations import BoundField, Declaration

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
VERSION_FIELD = "_version"


class PeriodField(forms.Field):
    """A period as people type it (2024, 2024年, 2024年第三季度, 2024下半年, 2021-2025, 十四五, 2024/05 …),
    cleaned to a kexie.core.periods.Period through `Period.from_input`, the one parser."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs=_INPUT | {"placeholder": "如 2024、2024年第三季度、十四五"})
        )
        kwargs.setdefault("help_text", "可填年份、半年、季度、月份或起止年份，如 2024下半年、2021-2025")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.label if isinstance(value, Period) else value

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if not text:
            return None
        try:
            return Period.from_input(text)
        except PeriodError as exc:
            raise forms.ValidationError(exc.message, code="invalid_period") from None


# --------------------------------------------------------------------------- unit picker


def unit_search(*, access: Access, action: Action | str, q: str, limit: int = 20) -> QuerySet[OrgUnit]:
    """Active units in scope for `action` whose name, short name or 机构代码 contains `q` (the org list's
    own search, kexie.orgs.selectors.orgunit_list)."""
    from kexie.orgs.selectors import orgunit_list

    return orgunit_list(access=access, action=action, search=q.strip(), include_closed=False)[:limit]


class TypedUnit(str):
    """What was typed in the picker's search box (submitted without choosing from the list): looked up
    as a 机构代码 or name, never as an id, so a numeric code such as 341702 is never read as an id."""


class UnitPickerWidget(forms.Widget):
    """A search box (name or 机构代码) that lists matching units in scope through htmx, and a hidden
    input with the chosen unit's id. Without JavaScript, the typed text itself is submitted and the
    field resolves an exact 机构代码 or an exact unit name."""

    def __init__(self, *, action: Action | str = Action.ENTER, attrs=None):
        super().__init__(attrs)
        self.action = str(action)
        self.queryset: QuerySet[OrgUnit] | None = None

    def value_from_datadict(self, data, files, name):
        value = data.get(name) or ""
        return value if value else TypedUnit((data.get(f"{name}__q") or "").strip())

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}__q" not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        unit = None
        if isinstance(value, OrgUnit):
            unit = value
        elif value not in (None, "") and not isinstance(value, TypedUnit) and str(value).isdigit():
            unit = self.queryset.filter(pk=int(value)).first() if self.queryset is not None else None
        shown = unit.name if unit else (str(value) if isinstance(value, TypedUnit) else "")
        return render_picker(
            name=name,
            field_id=attrs.get("id", f"id_{name}"),
            unit=unit,
            text=shown,
            action=self.action,
        )


def render_picker(*, name: str, field_id: str, unit: OrgUnit | None, text: str, action: str) -> str:
    url = reverse("records:units")
    return format_html(
        '<div class="unit-picker" data-unit-picker="{name}">'
        '<input type="hidden" name="{name}" value="{pk}" id="{id}-value">'
        '<input type="search" class="form-control" id="{id}" name="{name}__q" value="{text}" '
        'placeholder="输入单位名称或机构代码查找" autocomplete="off" '
        'hx-get="{url}" hx-trigger="input changed delay:300ms, search" '
        'hx-target="next .unit-picker-results" hx-vals=\'{{"field": "{name}", "action": "{action}"}}\'>'
        '<div class="unit-picker-results list-group mt-1"></div>'
        "{chosen}</div>",
        name=name,
        pk=unit.pk if unit else "",
        id=field_id,
        text=text,
        url=url,
        action=action,
        chosen=format_html('<div class="form-hint">已选：{}（{}）</div>', unit.name, unit.code)
        if unit
        else "",
    )


class UnitField(forms.ModelChoiceField):
    """An org unit in scope, chosen with the unit picker; typed text resolves an exact 机构代码 or name.
    Messages (`error_messages`, `%(text)s` is what was typed): required, invalid_choice (the unit exists
    outside the queryset; logged to kexie.security), not_found. A page that must not reveal whether a unit
    exists outside the user's scope gives invalid_choice the same text as not_found."""

    default_error_messages = {
        "required": "请选择所属单位。",
        "invalid_choice": "所选单位不在您的填报范围内。",
        "not_found": "找不到单位“%(text)s”，请输入单位名称或机构代码后从列表中选择。",
    }

    def __init__(self, *, queryset, action: Action | str = Action.ENTER, outside_404: bool = False, **kwargs):
        super().__init__(queryset=queryset, widget=UnitPickerWidget(action=action), **kwargs)
        self.widget.queryset = queryset
        self.outside_404 = outside_404  # a list's URL parameter: an id, and outside the scope a 404

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        if hasattr(self, "widget"):
            self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if self.outside_404 and not isinstance(value, (TypedUnit, OrgUnit)) and not text.isdigit():
            # a list's URL parameter carries the unit's id (the picker's typed text comes as TypedUnit)
            raise forms.ValidationError(f"单位参数应为单位编号（数字），收到的是“{text[:20]}”。")
        by_id = text.isdigit() and not isinstance(value, TypedUnit)
        if by_id:  # the picker's id (or a link's); a code in its place still resolves
            unit = self.queryset.filter(pk=int(text)).first() or self.queryset.filter(code=text).first()
        else:
            unit = self.queryset.filter(code=text).first()
            if unit is None:
                named = list(self.queryset.filter(Q(name=text) | Q(short_name=text))[:2])
                if len(named) > 1:
                    raise forms.ValidationError(f"有多个单位叫“{text}”，请从列表中选择或填写机构代码。")
                unit = named[0] if named else None
        if unit is None:
            params = {"text": text[:30]}
            elsewhere = Q(code=text) | (Q(pk=int(text)) if by_id else Q(name=text) | Q(short_name=text))
            if OrgUnit.objects.filter(elsewhere).exists():
                security_log.warning("scope denial: unit picker field=%s value=%r", self.label, text[:30])
                if self.outside_404:
                    raise Http404("单位不存在或无权查看")
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params=params
                )
            raise forms.ValidationError(self.error_messages["not_found"], code="not_found", params=params)
        return unit


def enter_units(access: Access) -> QuerySet[OrgUnit]:
    """Active units the caller may enter records for."""
    return scope(OrgUnit.objects.filter(active_to__isnull=True), access, Action.ENTER).order_by("path")


# --------------------------------------------------------------------------- the record form


class SensitiveInput(forms.TextInput):
    """The input of a sensitive field (an ID number, a phone): like a password field, it never
    renders a whole value back — a form refused (a duplicate, a wrong check digit) asks for the value
    again instead of showing it; a stored mask (3408**********123X, kept unchanged) is shown."""

    def __init__(self, attrs=None, *, label: str = "证件号码"):
        super().__init__(attrs=(attrs or {}) | {"autocomplete": "off"})
        self.label = label

    def get_context(self, name, value, attrs):
        text = "" if value is None else str(value)
        dropped = bool(text) and "*" not in text
        context = super().get_context(name, None if dropped else value, attrs)
        if dropped:
            context["widget"]["value"] = None
            context["widget"]["attrs"]["placeholder"] = f"出于个人信息保护，{self.label}不回显，请重新输入"
        return context


def _form_field(bf: BoundField, access: Access) -> forms.Field:
    decl = bf.decl
    common: dict[str, Any] = {"label": bf.label, "required": bf.required, "help_text": decl.help}
    attrs = dict(_INPUT)
    if decl.placeholder:
        attrs["placeholder"] = decl.placeholder
    kind = bf.kind
    if kind == "unit":
        return UnitField(queryset=enter_units(access), action=Action.ENTER, **common)
    if kind == "fk":
        field_class = forms.ModelChoiceField
        if decl.option_label is not None:
            field_class = type(
                "OptionField",
                (forms.ModelChoiceField,),
                {"label_from_instance": staticmethod(decl.option_label)},
            )
        return field_class(
            queryset=decl.options(access)
            if decl.options
            else bf.model_field.related_model._default_manager.none(),
            empty_label="请选择" if bf.required else "—",
            widget=forms.Select(attrs=_SELECT),
            error_messages={"required": f"请选择{bf.label}。", "invalid_choice": f"所选{bf.label}不可用。"},
            **common,
        )
    if kind == "m2m":
        queryset = (
            enter_units(access)
            if bf.of_units
            else (
                decl.options(access) if decl.options else bf.model_field.related_model._default_manager.all()
            )
        )
        return forms.ModelMultipleChoiceField(
            queryset=queryset,
            widget=forms.SelectMultiple(attrs=_SELECT | {"size": 6})
            if bf.of_units
            else forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            error_messages={"invalid_choice": f"所选{bf.label}“%(value)s”不可用。"},
            **common,
        )
    if kind == "bool":
        common["required"] = False
        return forms.BooleanField(widget=forms.CheckboxInput(attrs={"class": "form-check-input"}), **common)
    if kind == "choice":
        blank = "请选择" if bf.required else "—"
        return forms.ChoiceField(
            choices=[("", blank), *bf.choices], widget=forms.Select(attrs=_SELECT), **common
        )
    if kind == "int":
        return forms.IntegerField(
            widget=forms.NumberInput(attrs=attrs),
            error_messages={"invalid": f"{bf.label}应为整数。"},
            **common,
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs=attrs | {"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": f"{bf.label}应为日期，如 2024-05-01。"},
            **common,
        )
    if kind == "longtext":
        return forms.CharField(
            max_length=bf.decl.max_length, widget=forms.Textarea(attrs=attrs | {"rows": 3}), **common
        )
    if decl.sensitive:
        return forms.CharField(
            max_length=bf.max_length, widget=SensitiveInput(attrs=attrs, label=bf.label), **common
        )
    return forms.CharField(max_length=bf.max_length, widget=forms.TextInput(attrs=attrs), **common)


class RecordForm(forms.Form):
    """The form of a record type, derived from its declaration: one input per declared field, the
    declared files, and the hidden version stamp that refuses a lost update."""

    def __init__(self, *args, declaration: Declaration, access: Access, instance=None, **kwargs):
        self.declaration = declaration
        self.instance = instance
        bound = bool(args and args[0] is not None) or kwargs.get("data") is not None
        if not bound and "initial" not in kwargs:
            kwargs["initial"] = initial_values(declaration, instance, access)
        super().__init__(*args, **kwargs)
        for bf in declaration.form_fields:
            field = self.fields[bf.name] = _form_field(bf, access)
            current = getattr(instance, f"{bf.name}_id", None) if instance is not None else None
            if bf.kind == "fk" and current is not None:
                # a row no longer offered (stopped, out of reach) stays selectable on its own record
                model = bf.model_field.related_model
                field.queryset = field.queryset | model._default_manager.filter(pk=current)
        if instance is None:
            for name, make in declaration.create_extras:
                self.fields[name] = make()
        for slot in declaration.files:
            self.fields[slot.upload_key] = forms.FileField(
                label=slot.label,
                required=False,
                widget=forms.FileInput(attrs=_INPUT | {"accept": ",".join(ACCEPTED_EXTENSIONS)}),
                help_text=slot.help,
            )
            if instance is not None and getattr(instance, slot.field):
                self.fields[slot.remove_key] = forms.BooleanField(
                    label=f"删除已上传的{slot.label}", required=False
                )
        if instance is not None:
            self.fields[VERSION_FIELD] = forms.CharField(
                widget=forms.HiddenInput,
                error_messages={"required": "表单缺少版本信息，请重新打开修改页面后再保存。"},
            )

    def set_version(self, version: str) -> None:
        """Put the record's current version in the re-shown form (after a refused save)."""
        data = self.data.copy()
        data[VERSION_FIELD] = version
        self.data = data

    @property
    def version(self) -> str:
        return self.cleaned_data.get(VERSION_FIELD, "")

    @property
    def values(self) -> dict[str, Any]:
        """The cleaned values, keyed as the services' data (declared fields and file keys)."""
        c = self.cleaned_data
        out = {bf.name: c.get(bf.name) for bf in self.declaration.form_fields}
        for bf in self.declaration.form_fields:
            if out[bf.name] is None and bf.kind in ("text", "longtext", "choice"):
                out[bf.name] = ""
            elif bf.kind == "m2m":
                out[bf.name] = list(out[bf.name] or [])
        if self.instance is None:
            for name, _make in self.declaration.create_extras:
                out[name] = c.get(name)
        for slot in self.declaration.files:
            out[slot.upload_key] = c.get(slot.upload_key) or None
            out[slot.remove_key] = bool(c.get(slot.remove_key))
        return out

    def wide(self, name: str) -> bool:
        try:
            bf = self.declaration.field(name)
        except LookupError:
            return False
        return bf.decl.wide or bf.kind == "longtext"


def version_of(declaration: Declaration, record) -> str:
    value = getattr(record, declaration.version_field)
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else str(value)


def initial_values(declaration: Declaration, instance, access: Access) -> dict[str, Any]:
    if instance is None:
        values = {bf.name: bf.default for bf in declaration.form_fields if bf.default not in (None, "")}
        if access.unit is not None:
            values[declaration.org_field] = access.unit
        return values
    values = {}
    for bf in declaration.form_fields:
        if bf.kind == "m2m":
            values[bf.name] = [r.pk for r in getattr(instance, bf.name).all()]
            continue
        values[bf.name] = getattr(instance, bf.name + ("_id" if bf.kind in ("unit", "fk") else ""))
    values[VERSION_FIELD] = version_of(declaration, instance)
    return values


class DeleteForm(forms.Form):
    """Confirm the deletion (a tick, unless it can be undone) and, when declared, give a reason."""

    confirm = forms.BooleanField(label="我确认删除", error_messages={"required": "请勾选确认后再删除。"})
    reason = forms.CharField(
        label="删除原因",
        max_length=80,
        required=False,
        help_text="可不填，会记入变更历史",
        widget=forms.TextInput(attrs=_INPUT),
    )

    def __init__(self, *args, declaration: Declaration, **kwargs):
        super().__init__(*args, **kwargs)
        if declaration.restore is not None:
            del self.fields["confirm"]  # undone from the message or the 已删除 page
        if not declaration.delete_reason:
            del self.fields["reason"]

"""A list's filters, from its ONE declaration: the filter bar's form, the queryset condition, and the
ListLink that the indicator engine uses to link a figure to exactly its records (same parameters).

Parameters every list reads: `period` (a period; canonical strings from links, or what people type),
`unit` (an OrgUnit id in scope: that unit and its subtree), `own` ("1": only the unit's own records),
`q` (words), and the declared filters' names. Bad values are reported, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from kexie.indicators.registry import ListLink, Param
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope, subtree_q
from kexie.records.declarations import Declaration, Filter
from kexie.records.forms import PeriodField, UnitField

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def _field(f: Filter, access: Access) -> forms.Field:
    common: dict[str, Any] = {"label": f.label, "required": False}
    if f.kind == "text":
        return forms.CharField(
            max_length=50,
            widget=forms.TextInput(attrs=_INPUT | {"type": "search", "placeholder": f.placeholder}),
            **common,
        )
    if f.kind == "choice" and f.many:
        return ManyChoiceField(
            choices=list(f.options(access) if f.options else f.choices),
            widget=forms.Select(attrs=_SELECT),
            **common,
        )
    if f.kind == "choice":
        return forms.ChoiceField(
            choices=[("", "全部"), *(f.options(access) if f.options else f.choices)],
            widget=forms.Select(attrs=_SELECT),
            error_messages={"invalid_choice": f.error or f"“%(value)s”不是可选的{f.label}。"},
            **common,
        )
    if f.kind == "int":
        messages = {"invalid": f.error or f"{f.label}应为整数。"}
        if f.min_value is not None:
            messages["min_value"] = f.error or f"{f.label}不能小于{f.min_value}。"
        if f.max_value is not None:
            messages["max_value"] = f.error or f"{f.label}不能大于{f.max_value}。"
        widget = (
            forms.Select(attrs=_SELECT)
            if f.options
            else forms.NumberInput(attrs=_INPUT | {"placeholder": f.placeholder})
        )
        if f.options:
            widget.choices = [("", "全部"), *f.options(access)]
        return forms.IntegerField(
            min_value=f.min_value, max_value=f.max_value, widget=widget, error_messages=messages, **common
        )
    if f.kind == "model":
        return forms.TypedChoiceField(
            choices=[("", "全部"), *((str(k), v) for k, v in (f.options(access) if f.options else ()))],
            coerce=int,
            widget=forms.Select(attrs=_SELECT),
            error_messages={"invalid_choice": f.error or f"所选{f.label}不存在。"},
            **common,
        )
    if f.kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs=_INPUT | {"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": f.error or f"{f.label}应为日期，如 2025-12-31。"},
            **common,
        )
    if f.kind == "period":
        return PeriodField(
            widget=forms.TextInput(
                attrs=_INPUT | {"placeholder": f.placeholder or "如 2024、2024下半年、十四五"}
            ),
            help_text="",
            **common,
        )
    if f.kind == "unit":
        return UnitField(
            queryset=scope(OrgUnit.objects.all(), access, Action.VIEW),
            action=Action.VIEW,
            error_messages={"invalid_choice": "所选单位不在您的查看范围内。"},
            **common,
        )
    if f.kind == "own":
        return forms.BooleanField(widget=forms.CheckboxInput(attrs={"class": "form-check-input"}), **common)
    raise ValueError(f"unknown filter kind {f.kind!r}")


class ManyChoiceField(forms.Field):
    """One value, or several separated by commas (as the engine's links write them)."""

    def __init__(self, *, choices, widget, **kwargs):
        self.choices_list = [(str(k), v) for k, v in choices]
        widget.choices = [("", "全部"), *self.choices_list]
        super().__init__(widget=widget, **kwargs)
        self.choices = [("", "全部"), *self.choices_list]

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = [v.strip() for v in str(value).split(",") if v.strip()]
        known = dict(self.choices_list)
        for v in values:
            if v not in known:
                raise forms.ValidationError(f"“{v[:30]}”不是可选的{self.label}。")
        return values


class FilterForm(forms.Form):
    """The filter bar of a list, derived from the declaration's filters."""

    def __init__(self, data, *, declaration: Declaration, access: Access):
        super().__init__(data)
        self.declaration = declaration
        for f in declaration.filters:
            self.fields[f.name] = _field(f, access)

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(f.name) for f in self.declaration.filters)

    def filters(self) -> dict[str, Any]:
        """The cleaned, non-empty filter values ({} when the form is unbound)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False, [])}


def condition(declaration: Declaration, values: Mapping[str, Any]) -> Q:
    """The records matching cleaned filter values (as FilterForm.filters() returns them)."""
    out = Q()
    own = values.get("own")
    org = declaration.org_field
    for f in declaration.filters:
        value = values.get(f.name)
        if value in (None, "", False, []):
            continue
        if f.q is not None:
            out &= f.q(value)
        elif f.kind == "text":
            words = Q()
            for lookup in f.lookups:
                words |= Q(**{f"{lookup}__icontains": value.strip()})
            out &= words
        elif f.kind == "choice" and f.many:
            lookup = f.lookup or f.name
            out &= Q(**{lookup: value[0]}) if len(value) == 1 else Q(**{f"{lookup}__in": value})
        elif f.kind in ("choice", "int", "model"):
            out &= Q(**{f.lookup or f.name: value})
        elif f.kind == "unit":
            out &= Q(**{org: value}) if own else subtree_q(value.path, via=org)
        # "own" without a unit: filtered() applies it to the active unit
    return out


def filtered(
    declaration: Declaration, queryset: QuerySet, values: Mapping[str, Any], access: Access
) -> QuerySet:
    qs = queryset.filter(condition(declaration, values))
    if values.get("own") and values.get("unit") is None and access.unit is not None:
        qs = qs.filter(**{declaration.org_field: access.unit})
    return qs


def list_link(declaration: Declaration, path: str, **extra: Param) -> ListLink:
    """The engine's link to this list (indicators.registry.RecordType.link): one Param per declared
    choice/int/model filter, reading the same parameters the filter bar writes."""
    params = []
    for f in declaration.filters:
        if f.kind in ("choice", "int", "model"):
            params.append(Param(f.lookup or f.name, f.name, values=f.link_values))
            if f.many:
                params.append(Param(f"{f.lookup or f.name}__in", f.name, many=","))
    params.extend(extra.values())
    names = {f.name for f in declaration.filters}
    return ListLink(
        path=path,
        params=tuple(params),
        own_param="own" if "own" in names else None,
        at_param="at" if "at" in names else None,
    )


def describe(form: FilterForm) -> str:
    """The active filters as people read them: 类别：排名；期间：2024年第三季度."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, value in form.filters().items():
        field = form.fields[name]
        if isinstance(field, ManyChoiceField):
            shown = "、".join(dict(field.choices_list).get(v, v) for v in value)
        elif isinstance(field, forms.ChoiceField):
            shown = dict((str(k), v) for k, v in field.choices).get(str(value), str(value))
        elif hasattr(value, "label"):
            shown = value.label  # a Period
        elif hasattr(value, "name"):
            shown = value.name  # a unit
        elif value is True:
            shown = "是"
        else:
            shown = str(value)
        parts.append(f"{field.label}：{shown}")
    return "；".join(parts)


def engine_scope(declaration: Declaration, values: Mapping[str, Any], access: Access):
    """(period, unit, where) that make the indicator engine count exactly the filtered list, or None
    when the filters cannot be said to it (no `period`, 本级 only, or another date filter)."""
    period = values.get("period")
    if period is None or values.get("own"):
        return None
    where = Q()
    for f in declaration.filters:
        value = values.get(f.name)
        if value in (None, "", False, []) or f.name in ("period", "unit"):
            continue
        if f.kind in ("period", "date"):
            return None
        where &= condition(declaration, {f.name: value})
    return period, values.get("unit") or access.unit, where

"""A list's filters, from its ONE declaration: the filter bar's form, the queryset condition, and the
ListLink that the indicator engine uses to link a figure to exactly its records (same parameters).

Parameters every list reads: `period` (a period; canonical strings from links, or what people type),
`unit` (an OrgUnit id in scope: that unit and its subtree), `own` ("1": only the unit's own records),
`q` (words), and the declared filters' names. Bad values are reported, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from kexie.core.periods import Period
from kexie.indicators.registry import ListLink, Param
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope, subtree_q
from kexie.records.declarations import ANY, NONE, Declaration, Filter
from kexie.records.forms import PeriodField, UnitField

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def _invalid(f: Filter, default: str) -> str:
    return f.error or default


def _null_choices(f: Filter) -> list[tuple[str, str]]:
    return [(NONE, f.none_label), (ANY, f.any_label)] if f.null_lookup else []


def _field(f: Filter, access: Access) -> forms.Field:
    common: dict[str, Any] = {"label": f.label, "required": False, "help_text": f.help}
    if f.kind == "text":
        return forms.CharField(
            max_length=f.max_length,
            widget=forms.TextInput(
                attrs=_INPUT | {"type": "search", "placeholder": f.placeholder, "maxlength": f.max_length}
            ),
            error_messages={"max_length": f"{f.label}不能超过{f.max_length}个字。"},
            **common,
        )
    if f.kind == "choice" and f.many:
        offered = list(f.options(access) if f.options else f.choices)
        valid = [(str(k), v) for k, v in (f.choices if f.options and f.choices else offered)]
        return ManyChoiceField(
            choices=valid + _null_choices(f),
            offered=[(str(k), v) for k, v in offered] + _null_choices(f),
            error=_invalid(f, f"“%(value)s”不是可选的{f.label}。"),
            max_values=f.max_values,
            widget=forms.Select(attrs=_SELECT),
            **common,
        )
    if f.kind == "choice":
        blank = [] if f.default else [("", "全部")]
        return forms.ChoiceField(
            choices=[*blank, *(f.options(access) if f.options else f.choices), *_null_choices(f)],
            widget=forms.Select(attrs=_SELECT),
            error_messages={"invalid_choice": _invalid(f, f"“%(value)s”不是可选的{f.label}。")},
            **common,
        )
    if f.kind == "flag":
        yes, no = (label for _, label in f.choices) if f.choices else ("是", "否")
        return forms.ChoiceField(
            choices=[("", "全部"), ("1", yes), ("0", no)],
            widget=forms.Select(attrs=_SELECT),
            error_messages={
                "invalid_choice": _invalid(f, f"“{f.label}”参数只能是 1、0 或留空，收到的是“%(value)s”。")
            },
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
            else forms.NumberInput(attrs=_INPUT | {"placeholder": f.placeholder, "min": f.min_value})
        )
        if f.options:
            widget.choices = [("", "全部"), *f.options(access)]
        return forms.IntegerField(
            min_value=f.min_value, max_value=f.max_value, widget=widget, error_messages=messages, **common
        )
    if f.kind == "model":
        return forms.TypedChoiceField(
            choices=[
                ("", "全部"),
                *((str(k), v) for k, v in (f.options(access) if f.options else ())),
                *_null_choices(f),
            ],
            coerce=lambda v: v if v in (NONE, ANY) else int(v),
            widget=forms.Select(attrs=_SELECT),
            error_messages={"invalid_choice": _invalid(f, f"所选{f.label}不存在。")},
            **common,
        )
    if f.kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs=_INPUT | {"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": f.error or f"{f.label}应为日期，如 2025-12-31。"},
            **common,
        )
    if f.kind == "period":
        common["help_text"] = f.help or ""
        return PeriodField(
            widget=forms.TextInput(
                attrs=_INPUT | {"placeholder": f.placeholder or "如 2024、2024下半年、十四五"}
            ),
            **common,
        )
    if f.kind == "unit":
        return UnitField(
            queryset=scope(OrgUnit.objects.all(), access, Action.VIEW),
            action=Action.VIEW,
            outside_404=f.outside_404,
            error_messages={"invalid_choice": "所选单位不在您的查看范围内。"},
            **common,
        )
    if f.kind == "own":
        return OwnField(
            widget=RawCheckbox(attrs={"class": "form-check-input"}, check_test=_checked),
            error=_invalid(f, f"“{f.label}”参数只能是 1、0 或留空，收到的是“%(value)s”。"),
            **common,
        )
    raise ValueError(f"unknown filter kind {f.kind!r}")


def _checked(value) -> bool:
    return str(value).lower() in ("1", "on", "true")


class RawCheckbox(forms.CheckboxInput):
    """A checkbox whose submitted text reaches the field as is (a link's own=yes is reported)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class OwnField(forms.BooleanField):
    """本级 only: "1" (links), "on" (the checkbox), "0" or nothing; anything else is reported."""

    def __init__(self, *, error: str, **kwargs):
        super().__init__(**kwargs)
        self.error = error

    def to_python(self, value):
        text = "" if value in (None, False) else str(value).strip().lower()
        if text in ("", "0", "false"):
            return False
        if text in ("1", "on", "true") or value is True:
            return True
        raise forms.ValidationError(self.error % {"value": str(value)[:20]})


class ManyChoiceField(forms.Field):
    """One value, or several separated by commas (as the engine's links write them). `offered` are
    the select's options (a combined option may itself be several values, "museum,theme_museum")."""

    def __init__(
        self,
        *,
        choices,
        widget,
        offered=None,
        error="“%(value)s”不是可选的%(label)s。",
        max_values=None,
        **kwargs,
    ):
        self.max_values = max_values
        self.choices_list = [(str(k), v) for k, v in choices]
        offered = [(str(k), v) for k, v in (offered if offered is not None else choices)]
        widget.choices = [("", "全部"), *offered]
        super().__init__(widget=widget, **kwargs)
        self.choices = [("", "全部"), *offered]
        self.error = error

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = list(dict.fromkeys(v.strip() for v in str(value).split(",") if v.strip()))
        if self.max_values is not None and len(values) > self.max_values:
            raise forms.ValidationError(f"{self.label}最多同时选{self.max_values}个。")
        known = dict(self.choices_list)
        for v in values:
            if v not in known:
                raise forms.ValidationError(self.error % {"value": v[:30], "label": self.label})
        return values

    def shown(self, values) -> str:
        known = dict(self.choices_list) | dict(self.choices[1:])
        return "或".join(known.get(v, v) for v in values)


class FilterForm(forms.Form):
    """The filter bar of a list, derived from the declaration's filters (and its sorts). Declared
    defaults (status=held) apply when a parameter is absent; `is_filtered` says whether the user
    narrowed the list beyond them."""

    def __init__(self, data, *, declaration: Declaration, access: Access):
        self.given = data or {}
        defaults = {f.name: f.default for f in declaration.filters if f.default}
        if declaration.sorts:
            defaults["sort"] = declaration.sorts[0].value
        if defaults:
            filled = data.copy() if hasattr(data, "copy") else dict(data or {})
            for name, value in defaults.items():
                if not (filled.get(name) or "").strip():
                    filled[name] = value
            data = filled
        super().__init__(data)
        self.declaration = declaration
        for f in declaration.filters:
            self.fields[f.name] = _field(f, access)
        if declaration.sorts:
            names = "、".join(s.value for s in declaration.sorts)
            self.fields["sort"] = forms.ChoiceField(
                label="排序",
                required=False,
                choices=[(s.value, s.label) for s in declaration.sorts],
                widget=forms.Select(attrs=_SELECT),
                error_messages={"invalid_choice": f"排序参数“%(value)s”无效，可选：{names}。"},
            )

    @property
    def is_filtered(self) -> bool:
        for f in self.declaration.filters:
            value = (self.given.get(f.name) or "").strip()
            if value and value != f.default:
                return True
        return False

    def hidden_filters(self) -> list[tuple[str, str]]:
        """The hidden filters given (kept as hidden inputs when the bar is submitted again)."""
        return [
            (f.name, self.given.get(f.name))
            for f in self.declaration.filters
            if f.hidden and self.given.get(f.name)
        ]

    def visible(self):
        hidden = {f.name for f in self.declaration.filters if f.hidden}
        return [self[name] for name in self.fields if name not in hidden and name != "sort"]

    @property
    def sort(self) -> str:
        if not self.declaration.sorts:
            return ""
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("sort") or self.declaration.sorts[0].value
        return self.declaration.sorts[0].value

    def filters(self) -> dict[str, Any]:
        """The cleaned, non-empty filter values ({} when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "sort" and v not in (None, "", False, [])}


def _choice_q(f: Filter, values: list) -> Q:
    """Any of `values` (NONE: without one, ANY: with one)."""
    lookup = f.lookup or f.name
    real = [v for v in values if v not in (NONE, ANY)]
    terms = []
    if real:
        terms.append(Q(**{lookup: real[0]}) if len(real) == 1 else Q(**{f"{lookup}__in": real}))
    if NONE in values:
        terms.append(Q(**{f"{f.null_lookup}__isnull": True}))
    if ANY in values:
        terms.append(Q(**{f"{f.null_lookup}__isnull": False}))
    either = terms[0]
    for term in terms[1:]:
        either |= term
    return either


def condition(declaration: Declaration, values: Mapping[str, Any]) -> Q:
    """The records matching cleaned filter values (as FilterForm.filters() returns them)."""
    out = Q()
    own = values.get("own")
    org = declaration.org_field
    for f in declaration.filters:
        value = values.get(f.name)
        if value in (None, "", False, []) or (f.everything and value == f.everything):
            continue
        if f.q is not None:
            out &= f.q(value, **{n: values.get(n) for n in f.q_with}) if f.q_with else f.q(value)
        elif f.kind == "text":
            words = Q()
            for lookup in f.lookups:
                words |= Q(**{f"{lookup}__icontains": value.strip()})
            out &= words
        elif f.kind == "flag":
            out &= Q(**{f.lookup or f.name: value == "1"})
        elif f.kind in ("choice", "model"):
            out &= _choice_q(f, value if isinstance(value, list) else [value])
        elif f.kind == "int":
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
        if f.kind == "flag":
            params.append(Param(f.lookup or f.name, f.name, values={True: "1", False: "0"}))
        elif f.kind in ("choice", "int", "model"):
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
            shown = field.shown(value)
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


# (label, kind, steps from the period containing today)
_SHORTCUTS = (("今年", "year", 0), ("去年", "year", -1), ("本季度", "quarter", 0), ("本月", "month", 0))


def period_shortcuts(declaration: Declaration, today: date) -> list[tuple[str, list[tuple[str, Period]]]]:
    """[(filter name, [(label, period), …]), …]: the shortcuts offered next to each period filter
    (今年, 去年, 本季度, 本月 relative to `today`, for the kinds the filter declares)."""
    out = []
    for f in declaration.filters:
        if f.kind != "period":
            continue
        links = [
            (label, Period.containing(today, kind).shift(steps))
            for label, kind, steps in _SHORTCUTS
            if kind in f.period_kinds
        ]
        if links:
            out.append((f.name, links))
    return out


def engine_scope(declaration: Declaration, values: Mapping[str, Any], access: Access):
    """(period, unit, where, all_records) that make the indicator engine count exactly the filtered
    list, or None when the filters cannot be said to it (no `period` and no declared `all_time`, or
    another date filter). A filter of the record type's base condition (`base_value`, e.g. status)
    given another value asks the engine for all records with that condition instead."""
    period = values.get("period")
    if period is None:
        if not declaration.all_time:
            return None
        period = Period.parse(declaration.all_time)
    unit = values.get("unit") or access.unit
    where = Q()
    all_records = False
    for f in declaration.filters:
        value = values.get(f.name)
        if value in (None, "", False, []) or f.name in ("period", "unit", "own"):
            continue
        if f.kind in ("period", "date"):
            return None
        if f.base_value:
            if value == f.base_value:
                continue  # the engine's base filter says it
            all_records = True
        where &= condition(declaration, {f.name: value, **{n: values.get(n) for n in f.q_with}})
    if values.get("own"):
        where &= Q(**{declaration.org_field: unit.pk})
    return period, unit, where, all_records

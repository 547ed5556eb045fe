"""Pages of the indicator catalogue: every declared figure with its definition, in Chinese."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from kexie.indicators import registry
from kexie.indicators.registry import Aggregate, Fn, Indicator, Ratio
from kexie.orgs.scoping import Action


def method_text(ind: Indicator) -> str:
    """How the figure is computed, in one Chinese phrase (the definition text says which records)."""
    d = ind.definition
    if isinstance(d, Ratio):
        text = f"{registry.indicator(d.numerator).name} ÷ {registry.indicator(d.denominator).name}"
        return text + (f" × {d.scale}" if d.scale != 1 else "")
    if isinstance(d, Aggregate):
        rt = registry.record_type(d.record)
        if d.fn == Fn.COUNT:
            return f"{rt.label}记录{d.fn.label}"
        field = rt.model._meta.get_field(d.field.split("__")[0])
        return f"{rt.label}记录按“{field.verbose_name}”{d.fn.label}"
    return "—"


def breakdown_text(ind: Indicator) -> str:
    d = ind.definition
    if isinstance(d, Ratio):
        d = registry.indicator(d.denominator).definition
    if isinstance(d, Aggregate):
        return "、".join(dim.label for dim in registry.record_type(d.record).dimensions.values())
    return ""


def catalogue(request):
    if not request.access.can(Action.VIEW):
        raise Http404("没有可用的单位")
    groups: dict[str, list[dict]] = {}
    for ind in registry.indicators():
        groups.setdefault(ind.group or "其他", []).append(
            {"ind": ind, "method": method_text(ind), "breakdowns": breakdown_text(ind)}
        )
    return render(
        request,
        "indicators/catalogue.html",
        {"title": "指标目录", "crumbs": [("统计报表", None)], "groups": groups},
    )

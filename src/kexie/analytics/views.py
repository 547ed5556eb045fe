"""The dashboard page (统计分析): scoped unit lookup → period check → one selector → render."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from kexie.analytics import charts, selectors
from kexie.core.periods import Period, PeriodError, PeriodKind
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action
from kexie.orgs.selectors import orgunit_ancestors, orgunit_get, orgunit_list

UNIT_PICKER_DEPTH = 2  # the unit picker lists the active unit and two levels below it


def _unit(access: Access, raw: str) -> OrgUnit:
    """The unit asked for (default: the active unit); 404 (logged) when outside the scope."""
    raw = raw.strip()
    if not raw:
        return access.unit
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:  # longer ids overflow the database's integer
        raise Http404("不存在或无权访问")
    return orgunit_get(access=access, pk=int(raw))


def _unit_choices(access: Access, unit: OrgUnit) -> list[tuple[OrgUnit, str]]:
    root = access.unit
    units = list(
        orgunit_list(access=access, include_closed=False).filter(depth__lte=root.depth + UNIT_PICKER_DEPTH)
    )
    if all(u.pk != unit.pk for u in units):
        units.append(unit)
    return [(u, "　" * (u.depth - root.depth)) for u in units]


def _shortcuts(today) -> list[tuple[str, str]]:
    year = Period.year(today.year)
    quarter = Period.containing(today, PeriodKind.QUARTER)
    month = Period.containing(today, PeriodKind.MONTH)
    return [
        ("今年", str(year)),
        ("去年", str(year.previous())),
        ("本季度", str(quarter)),
        ("上季度", str(quarter.previous())),
        ("本月", str(month)),
        ("上月", str(month.previous())),
    ]


def _parent_in_scope(access: Access, unit: OrgUnit) -> OrgUnit | None:
    """The unit one level up, when the user may see it (for the "上一级" link)."""
    ancestors = orgunit_ancestors(access=access, unit=unit)
    return ancestors[-1] if ancestors and ancestors[-1].depth == unit.depth - 1 else None


def dashboard(request):
    access = request.access
    if access.unit is None or not access.can(Action.VIEW):
        raise Http404("没有可用的单位")
    unit = _unit(access, request.GET.get("unit", ""))
    today = timezone.localdate()
    raw_period = request.GET.get("period", "").strip()
    context = {
        "title": "统计分析",
        "crumbs": [("统计报表", None)],
        "unit": unit,
        "raw_period": raw_period,
        "period_value": "",
        "units": _unit_choices(access, unit),
        "shortcuts": _shortcuts(today),
        "can_enter": access.can(Action.ENTER),
        "parent": _parent_in_scope(access, unit),
    }
    try:
        period = selectors.dashboard_period(raw_period, today=today)
    except PeriodError as error:
        context["period_error"] = error.message
        return render(request, "analytics/dashboard.html", context, status=400)
    data = selectors.dashboard(access=access, unit=unit, period=period)
    data.sites = selectors.sites(
        access=access, unit=data.unit, period=period, trend=selectors.trend_periods(period)
    )
    previous = data.previous
    following = _next(period)
    context.update(
        {
            "d": data,
            "period": period,
            "period_value": str(period),
            "previous_value": str(previous) if previous else "",
            "next_value": str(following) if following else "",
            "next_label": following.label if following else "",
            "trend_chart": charts.trend_chart(data),
            "type_chart": charts.type_chart(data.by_type),
            "campaign_chart": charts.campaign_chart(data.by_campaign),
            "sites_chart": charts.sites_trend_chart(data),
            "trend_unit_label": "年度" if period.kind is PeriodKind.SPAN else "月度",
        }
    )
    return render(request, "analytics/dashboard.html", context)


def sites_regions(request):
    """阵地与平台 by county, loaded into the dashboard's card after the page (htmx): the chart and,
    for every county, the count of designations in force at the period's end with its link."""
    access = request.access
    if access.unit is None or not access.can(Action.VIEW):
        raise Http404("没有可用的单位")
    unit = _unit(access, request.GET.get("unit", ""))
    try:
        period = selectors.dashboard_period(request.GET.get("period", ""), today=timezone.localdate())
    except PeriodError as error:
        return render(request, "analytics/_sites_regions.html", {"error": error.message}, status=400)
    bars = selectors.sites_by_region(access=access, unit=unit, period=period)
    return render(
        request,
        "analytics/_sites_regions.html",
        {
            "bars": bars,
            "chart": charts.sites_region_chart(bars),
            "period": period,
            "shown": min(len(bars), selectors.SITES_REGION_BARS),
            "more": max(0, len(bars) - selectors.SITES_REGION_BARS),
        },
    )


def _next(period: Period) -> Period | None:
    try:
        return period.next()
    except PeriodError:
        return None

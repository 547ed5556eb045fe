"""The activity pages beyond the record layer's: the calendar and the managed lists (活动品牌与类型).
The list, detail, form, delete/restore, export and attachment pages are the record layer's, derived
from the declaration in records.py (urls.py wires them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kexie.activities import forms, selectors, services
from kexie.activities.filters import parse_filters
from kexie.activities.models import ActivityType, Campaign
from kexie.core.errors import DomainError
from kexie.core.periods import Period, PeriodError, PeriodKind
from kexie.orgs.scoping import Action


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("科学素质", None), ("科普活动", reverse("activities:list")), *extra]


def _require_access(request) -> None:
    if request.access.unit is None:
        raise Http404("没有可用的单位")


def calendar_view(request):
    _require_access(request)
    access = request.access
    errors = []
    month = Period.containing(timezone.localdate(), PeriodKind.MONTH)
    raw = (request.GET.get("month") or "").strip()
    if raw:
        try:
            parsed = Period.parse(raw)
        except PeriodError as exc:
            errors.append(exc.message)
        else:
            if parsed.kind is PeriodKind.MONTH:
                month = parsed
            else:
                errors.append(f"日历按月显示，请写成 2024-09 这样的月份（收到的是“{raw[:20]}”）。")
    filters = parse_filters(request.GET, access=access, default_status=None)
    errors.extend(e for e in filters.errors if not e.startswith("无法识别的期间"))
    weeks, found = ([], 0)
    if not errors:
        weeks, found = selectors.activity_calendar(access=access, month=month, filters=filters)
    params = {k: v for k, v in filters.to_params().items() if k not in ("period", "sort")}
    return render(
        request,
        "activities/calendar.html",
        {
            "title": "活动日历",
            "crumbs": _crumbs(),
            "month": month,
            "previous": str(month.previous()),
            "next": str(month.next()),
            "weeks": weeks,
            "found": found,
            "errors": errors,
            "params": params,
            "weekdays": "一二三四五六日",
            "today": timezone.localdate(),
            "can_enter": access.can(Action.ENTER),
        },
    )


# ---- a unit's own campaigns and activity types ------------------------------------------------------

LIST_MODELS = {"campaign": Campaign, "type": ActivityType}


def _list_crumbs(*extra):
    return _crumbs(("活动品牌与类型", reverse("activities:lists")), *extra)


def managed_lists(request):
    """活动品牌与类型: the national lists (fixed), those set up above (inherited) and the unit's own."""
    _require_access(request)
    access = request.access
    return render(
        request,
        "activities/lists.html",
        {
            "title": "活动品牌与类型",
            "crumbs": _crumbs(),
            "lists": selectors.managed_lists(access=access),
            "unit": access.unit,
            "can_manage": access.covers(access.unit, Action.MANAGE),
        },
    )


def list_entry_create(request, kind: str):
    _require_access(request)
    access = request.access
    model = LIST_MODELS.get(kind)
    if model is None or not access.covers(access.unit, Action.MANAGE):
        raise Http404("无权设立")
    form = forms.ListEntryForm(request.POST or None, model=model, unit=access.unit)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.list_entry_create(model, access=access, unit=access.unit, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已设立“{entry.name}”，本单位及下级单位录入、筛选和导入时都可以选用。")
            return redirect("activities:lists")
    label = "活动品牌" if model is Campaign else "活动类型"
    return render(
        request,
        "activities/list_entry_form.html",
        {
            "title": f"设立{label}",
            "crumbs": _list_crumbs(),
            "form": form,
            "label": label,
            "unit": access.unit,
        },
    )


def list_entry_edit(request, kind: str, pk: int):
    access = request.access
    model = LIST_MODELS.get(kind)
    if model is None:
        raise Http404("不存在")
    get = selectors.campaign_get if model is Campaign else selectors.activity_type_get
    entry = get(access=access, pk=pk)  # 404 for national ones and other units' own
    form = forms.ListEntryForm(request.POST or None, model=model, unit=entry.org_unit, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.list_entry_update(model, access=access, entry=entry, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("activities:lists")
    label = "活动品牌" if model is Campaign else "活动类型"
    return render(
        request,
        "activities/list_entry_form.html",
        {
            "title": f"修改{label}“{entry.name}”",
            "crumbs": _list_crumbs(),
            "form": form,
            "label": label,
            "unit": entry.org_unit,
            "entry": entry,
        },
    )

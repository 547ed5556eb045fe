"""Activity pages. Each view: scoped lookup → form → one service or selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from kexie.activities import filters as activity_filters
from kexie.activities import forms, selectors, services
from kexie.activities.filters import PAGE_SIZE, SORT_LABELS, ActivityFilters, parse_filters
from kexie.activities.importers import ACTIVITY_SPEC, export_values
from kexie.activities.models import Activity, ActivityType, Attachment, Campaign
from kexie.core.errors import DomainError
from kexie.core.periods import Period, PeriodError, PeriodKind
from kexie.core.xlsx import SheetData, build_workbook, xlsx_response
from kexie.indicators.lists import activity_list_totals  # list figures come from the engine too
from kexie.orgs.scoping import Action


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("科学素质", None), ("科普活动", reverse("activities:list")), *extra]


def _require_access(request) -> None:
    if request.access.unit is None:
        raise Http404("没有可用的单位")


FACILITY_KIND_OPTIONS = (
    ("museum,theme_museum,campus_museum", "科技馆"),
    ("mobile_museum,caravan", "流动科技馆或科普大篷车"),
    ("mobile_museum", "流动科技馆"),
    ("caravan", "科普大篷车"),
)


def _filter_options(access, filters: ActivityFilters) -> dict:
    """Choices for the filter bar: the managed lists and the units down to two levels below."""
    root = access.unit
    units = selectors.unit_choices(access=access, action=Action.VIEW).filter(depth__lte=root.depth + 2)
    units = list(units)
    if filters.unit is not None and all(u.pk != filters.unit.pk for u in units):
        units.append(filters.unit)
    return {
        "types": selectors.activity_types(access=access),
        "campaigns": selectors.campaign_choices(access=access),
        "groups": selectors.target_groups(),
        "units": [(u, "　" * (u.depth - root.depth)) for u in units],
        "statuses": Activity.Status.choices,
        "sorts": SORT_LABELS.items(),
        "facility_kinds": FACILITY_KIND_OPTIONS,
    }


def _period_shortcuts() -> list[tuple[str, str]]:
    today = timezone.localdate()
    this_year = Period.year(today.year)
    return [
        ("今年", str(this_year)),
        ("去年", str(this_year.previous())),
        ("本季度", str(Period.containing(today, PeriodKind.QUARTER))),
        ("本月", str(Period.containing(today, PeriodKind.MONTH))),
    ]


def _list_context(request, filters: ActivityFilters) -> dict:
    access = request.access
    qs = selectors.activity_list(access=access, filters=filters)
    if not filters.is_valid:
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "title": "科普活动",
        "crumbs": [("科学素质", None)],
        "filters": filters,
        "params": filters.to_params(),
        "page": page,
        "totals": activity_list_totals(access=access, filters=filters),
        "raw": {k: request.GET.get(k, "") for k in activity_filters.PARAMS},
        "period_shortcuts": _period_shortcuts(),
        "can_enter": access.can(Action.ENTER),
        "is_filtered": any(request.GET.get(k) for k in activity_filters.PARAMS if k != "sort"),
        **_filter_options(access, filters),
    }


def activity_list(request):
    _require_access(request)
    filters = parse_filters(request.GET, access=request.access)
    return render(request, "activities/list.html", _list_context(request, filters))


def export(request):
    _require_access(request)
    access = request.access
    filters = parse_filters(request.GET, access=access)
    if not filters.is_valid:
        return render(request, "activities/list.html", _list_context(request, filters), status=400)
    qs = (
        selectors.activity_list(access=access, filters=filters, action=Action.EXPORT)
        .select_related("facility")
        .prefetch_related("target_groups", "co_organisers")
    )
    totals = activity_list_totals(access=access, filters=filters, action=Action.EXPORT)
    headers = [c.label for c in ACTIVITY_SPEC.columns] + ["主办单位", "录入时间", "系统编号"]
    rows = (
        [
            *export_values(a),
            a.org_unit.name,
            timezone.localtime(a.created_at).replace(tzinfo=None),
            a.pk,
        ]
        for a in qs.iterator(chunk_size=2000)
    )
    notes = [
        f"{access.active.unit_name} · 科普活动 · 导出于{timezone.localtime():%Y-%m-%d %H:%M}",
        "筛选条件：" + "；".join(filters.describe()),
        f"共{totals['count']}项活动，参与人次合计{totals['participants']}",
    ]
    # one width per import column, then 主办单位, 录入时间, 系统编号
    widths = [30, 14, 14, 14, 12, 12, 20, 10, 10, 10, 10, 10, 18, 8, 40, 8, 20, 14, 10, 10, 20, 8, 12, 20, 12]
    widths += [24, 16, 10]
    content = build_workbook([SheetData("科普活动", headers, rows, widths=widths, notes=notes)])
    return xlsx_response(content, f"科普活动_{access.active.unit_name}_{timezone.localdate():%Y%m%d}.xlsx")


def detail(request, pk: int):
    access = request.access
    activity = selectors.activity_get(access=access, pk=pk)
    return render(
        request,
        "activities/detail.html",
        {
            "title": activity.title,
            "crumbs": _crumbs(),
            "activity": activity,
            "target_groups": activity.target_groups.all(),
            "co_organisers": activity.co_organisers.all(),
            "attachments": selectors.attachment_list(activity=activity),
            "history": selectors.activity_history(activity_id=activity.pk),
            "can_enter": access.covers(activity.org_unit, Action.ENTER),
            "attachment_form": forms.AttachmentForm(),
        },
    )


def _form_page(request, form, title, activity=None):
    crumbs = (
        _crumbs((activity.title, reverse("activities:detail", args=[activity.pk]))) if activity else _crumbs()
    )
    return render(
        request,
        "activities/form.html",
        {"title": title, "crumbs": crumbs, "form": form, "activity": activity},
    )


def create(request):
    _require_access(request)
    access = request.access
    if not access.can(Action.ENTER):
        raise Http404("无权录入活动")
    form = forms.ActivityForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(access=access, actor=request.user, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已录入“{activity.title}”。")
            return redirect("activities:detail", activity.pk)
    return _form_page(request, form, "录入活动")


def edit(request, pk: int):
    access = request.access
    activity = selectors.activity_get(access=access, pk=pk, action=Action.ENTER)
    form = forms.ActivityForm(request.POST or None, access=access, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(access=access, actor=request.user, activity=activity, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("activities:detail", activity.pk)
    return _form_page(request, form, f"修改“{activity.title}”", activity)


def delete(request, pk: int):
    access = request.access
    activity = selectors.activity_get(access=access, pk=pk, action=Action.ENTER)
    form = forms.DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_delete(
                access=access, actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                format_html(
                    '已删除“{}”。<form method="post" action="{}" class="d-inline ms-2">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<button type="submit" class="btn btn-sm btn-outline-success" data-testid="undo">撤销删除</button>'
                    "</form>",
                    activity.title,
                    reverse("activities:restore", args=[pk]),
                    get_token(request),
                ),
            )
            return redirect("activities:list")
    return render(
        request,
        "activities/delete.html",
        {
            "title": f"删除“{activity.title}”",
            "crumbs": _crumbs((activity.title, reverse("activities:detail", args=[activity.pk]))),
            "activity": activity,
            "form": form,
            "attachment_count": activity.attachments.count(),
        },
    )


@require_POST
def restore(request, pk: int):
    access = request.access
    record = selectors.deleted_activity_get(access=access, pk=pk, action=Action.ENTER)
    try:
        activity = services.activity_restore(access=access, actor=request.user, pk=record.id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("activities:deleted")
    messages.success(request, f"已恢复“{activity.title}”，变更历史完整保留。")
    return redirect("activities:detail", activity.pk)


def deleted(request):
    _require_access(request)
    access = request.access
    page = Paginator(selectors.deleted_activity_list(access=access), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "activities/deleted.html",
        {
            "title": "已删除的活动",
            "crumbs": _crumbs(),
            "page": page,
            "restorable": {r.history_id for r in page if access.covers(r.org_unit, Action.ENTER)},
        },
    )


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


# ---- attachments -----------------------------------------------------------------------------


@require_POST
def attachment_add(request, pk: int):
    access = request.access
    activity = selectors.activity_get(access=access, pk=pk, action=Action.ENTER)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        added = []
        for upload in form.cleaned_data["files"]:
            try:
                added.append(
                    services.attachment_add(
                        access=access, actor=request.user, activity=activity, upload=upload
                    )
                )
            except DomainError as exc:
                messages.error(request, exc.message)
        if added:
            messages.success(
                request, f"已上传{len(added)}个文件：" + "、".join(a.original_name for a in added)
            )
    return redirect(reverse("activities:detail", args=[activity.pk]) + "#attachments")


def attachment_file(request, pk: int):
    attachment = selectors.attachment_get(access=request.access, pk=pk)
    if not attachment.file or not default_storage.exists(attachment.file.name):
        raise Http404("文件不存在")
    inline = attachment.kind == Attachment.Kind.PHOTO and request.GET.get("download") != "1"
    response = FileResponse(
        default_storage.open(attachment.file.name, "rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def attachment_delete(request, pk: int):
    access = request.access
    attachment = selectors.attachment_get(access=access, pk=pk, action=Action.ENTER)
    activity_pk = attachment.activity_id
    try:
        services.attachment_delete(access=access, actor=request.user, attachment=attachment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除附件“{attachment.original_name}”。")
    return redirect(reverse("activities:detail", args=[activity_pk]) + "#attachments")


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

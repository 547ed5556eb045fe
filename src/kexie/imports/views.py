"""Upload → check → preview (correct rows with problems) → confirm. The pages are the same for every
record type (spec)."""

import re

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kexie.core.background import stalled_minutes
from kexie.core.errors import DomainError
from kexie.core.xlsx import SheetData, build_workbook, xlsx_response
from kexie.imports import selectors, services
from kexie.imports.models import ImportBatch
from kexie.imports.specs import all_specs, get_spec


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls", "class": "form-control"}),
    )


def _spec_or_404(key: str, access):
    spec = get_spec(key)
    if spec is None or not access.can(spec.action):
        raise Http404("没有这类导入或无权导入")
    return spec


def upload(request, key: str):
    access = request.access
    spec = _spec_or_404(key, access)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(
                access=access, user=request.user, spec=spec, upload=f, file_name=f.name
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("imports:batch", batch.pk)
    recent = selectors.batch_list(access=access, spec=spec.key)[:10]
    return render(
        request,
        "imports/upload.html",
        {
            "title": f"批量导入{spec.title}",
            "crumbs": [("导入记录", "/imports/")],
            "spec": spec,
            "form": form,
            "recent": recent,
        },
    )


def template(request, key: str):
    spec = _spec_or_404(key, request.access)
    headers = [c.label for c in spec.columns]
    rows = [[row.get(c.key, "") for c in spec.columns] for row in spec.example_rows]
    dropdowns = {i: c.choices for i, c in enumerate(spec.columns) if c.choices}
    required = [i for i, c in enumerate(spec.columns) if c.required]
    help_rows = [
        [c.label, "必填" if c.required else "选填", c.help or "", "、".join(c.choices)] for c in spec.columns
    ]
    content = build_workbook(
        [
            SheetData(
                spec.title, headers, rows, dropdowns=dropdowns, required=required, widths=[18] * len(headers)
            ),
            SheetData("填写说明", ["列名", "是否必填", "说明", "可选值"], help_rows, widths=[14, 10, 40, 60]),
        ]
    )
    return xlsx_response(content, f"{spec.title}导入模板.xlsx")


def batches(request):
    access = request.access
    page = Paginator(selectors.batch_list(access=access), 25).get_page(request.GET.get("page"))
    specs = [s for s in all_specs() if access.can(s.action)]
    return render(
        request,
        "imports/batches.html",
        {"title": "导入记录", "crumbs": [("系统管理", None)], "page": page, "specs": specs},
    )


def _batch_context(request, batch: ImportBatch) -> dict:
    access = request.access
    spec = get_spec(batch.spec)
    allowed = bool(spec and access.can(spec.action))
    return {
        "title": f"导入：{batch.file_name}",
        "crumbs": [("导入记录", "/imports/")],
        "batch": batch,
        "spec": spec,
        "can_commit": batch.status == ImportBatch.Status.VALIDATED and allowed,
        "can_cancel": allowed and services.cancel_offered(batch),
        "stalled_minutes": stalled_minutes(),
        "can_rollback": batch.status == ImportBatch.Status.COMMITTED and allowed,
        "can_fix": batch.status == ImportBatch.Status.INVALID and allowed and bool(batch.preview.get("fix")),
    }


def batch_detail(request, pk: int):
    batch = selectors.batch_get(access=request.access, pk=pk)
    return render(request, "imports/batch.html", _batch_context(request, batch))


def batch_progress(request, pk: int):
    """The progress card, polled every second by htmx while the batch runs; once it is done the
    page reloads itself (HX-Refresh) to show the outcome, which also ends the polling."""
    batch = selectors.batch_get(access=request.access, pk=pk)
    response = render(request, "imports/batch.html#progress", _batch_context(request, batch))
    if not batch.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def batch_commit(request, pk: int):
    access = request.access
    batch = selectors.batch_get(access=access, pk=pk)
    spec = _spec_or_404(batch.spec, access)
    try:
        batch = services.batch_commit(access=access, spec=spec, batch=batch, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, f"导入完成：新增{batch.rows_created}条，更新{batch.rows_updated}条。")
        elif batch.status == ImportBatch.Status.COMMITTING:
            messages.info(request, "数据较多，已转入后台导入；本页会显示进度，完成后自动刷新。")
        elif batch.status == ImportBatch.Status.CANCELLED:
            messages.info(request, "导入已取消，没有写入任何数据。")
        else:
            messages.error(
                request, "导入未完成，数据库中没有写入任何数据。请根据下面的问题修改文件后重新上传。"
            )
    return redirect("imports:batch", batch.pk)


FIX_FIELD = re.compile(r"^fix-(\d{1,7})-([a-z_]{1,40})$")


@require_POST
def batch_fix(request, pk: int):
    """Corrections typed into the rows with problems: saved on the batch, then the whole file is
    checked again with them."""
    access = request.access
    batch = selectors.batch_get(access=access, pk=pk)
    spec = _spec_or_404(batch.spec, access)
    changes: dict[int, dict[str, str]] = {}
    for name, value in request.POST.items():
        if match := FIX_FIELD.match(name):
            changes.setdefault(int(match[1]), {})[match[2]] = value
    try:
        batch = services.batch_fix(access=access, spec=spec, batch=batch, user=request.user, changes=changes)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == ImportBatch.Status.VALIDATED:
            messages.success(request, "已保存更正，全部数据校验通过，可以确认导入。")
        elif batch.status == ImportBatch.Status.INVALID:
            messages.warning(request, "已保存更正，但仍有问题，请继续修改。")
        else:
            messages.info(request, "已保存更正，正在后台重新校验。")
    return redirect("imports:batch", batch.pk)


@require_POST
def batch_discard(request, pk: int):
    access = request.access
    batch = selectors.batch_get(access=access, pk=pk)
    _spec_or_404(batch.spec, access)
    services.batch_discard(batch=batch)
    messages.info(request, "已放弃该批次，没有写入任何数据。")
    return redirect("imports:upload", batch.spec)


@require_POST
def batch_cancel(request, pk: int):
    access = request.access
    batch = selectors.batch_get(access=access, pk=pk)
    spec = _spec_or_404(batch.spec, access)
    try:
        batch = services.batch_cancel(access=access, spec=spec, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == ImportBatch.Status.CANCELLED:
            messages.info(request, "已取消，没有写入任何数据。")
        elif not batch.is_running:
            messages.info(request, "已结束该批次，没有写入任何数据。")
        else:
            messages.info(request, "正在取消……后台处理会在当前这一批行结束时停下，不会写入任何数据。")
    return redirect("imports:batch", batch.pk)


def batch_rollback(request, pk: int):
    """GET: what the rollback will do, and a confirmation button; POST: do it."""
    access = request.access
    batch = selectors.batch_get(access=access, pk=pk)
    spec = _spec_or_404(batch.spec, access)
    if batch.status != ImportBatch.Status.COMMITTED:
        messages.error(request, f"该批次当前状态为“{batch.get_status_display()}”，只有已导入的批次可以撤销。")
        return redirect("imports:batch", batch.pk)
    if request.method == "POST":
        try:
            services.batch_rollback(access=access, spec=spec, batch=batch, user=request.user)
        except DomainError as exc:
            messages.error(request, f"无法撤销：{exc.message}")
        else:
            messages.success(
                request,
                f"已撤销该批次：删除了它新增的{batch.rows_created}条，恢复了它更新的{batch.rows_updated}条。",
            )
        return redirect("imports:batch", batch.pk)
    context = _batch_context(request, batch)
    context["title"] = f"撤销导入：{batch.file_name}"
    return render(request, "imports/rollback.html", context)

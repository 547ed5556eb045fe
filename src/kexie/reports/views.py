"""Report pages. Each view: scoped lookup → form → one service or selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from kexie.core.background import stalled_minutes
from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action
from kexie.reports import editing, exports, forms, registry, selectors, services, tasks
from kexie.reports.document import find_block, iter_figures
from kexie.reports.models import Report, ReportVersion

PAGE_SIZE = 20


def _crumbs(*extra):
    return [("统计报表", None), ("工作报告", reverse("reports:list")), *extra]


def _require_unit(request) -> None:
    if request.access.unit is None:
        raise Http404("没有可用的单位")


def report_list(request):
    _require_unit(request)
    access = request.access
    page = Paginator(selectors.report_list(access=access), PAGE_SIZE).get_page(request.GET.get("page"))
    names = {t.key: t.name for t in registry.templates()}
    for r in page:
        r.template_name = names.get(r.template, r.template)
    return render(
        request,
        "reports/list.html",
        {
            "title": "工作报告",
            "crumbs": [("统计报表", None)],
            "page": page,
            "can_write": selectors.can_write(access),
        },
    )


def generate(request):
    _require_unit(request)
    access = request.access
    if not selectors.can_write(access):
        raise Http404("无权生成报告")
    form = forms.GenerateForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                access=access,
                actor=request.user,
                template_key=form.cleaned_data["template"],
                unit_id=form.cleaned_data["unit"],
                period=form.cleaned_data["period"],
                options=form.options(),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, f"已生成“{report.title}”初稿（第1版）。可以逐段修改，修改会保存为新版本。"
            )
            return redirect("reports:detail", report.pk)
    return render(request, "reports/generate.html", {"title": "生成报告", "crumbs": _crumbs(), "form": form})


def _pdf_context(version: ReportVersion) -> dict:
    return {"version": version, "report": version.report, "stalled_minutes": stalled_minutes()}


def detail(request, pk: int):
    access = request.access
    report = selectors.report_get(access=access, pk=pk)
    versions = list(selectors.version_list(report=report))
    latest = versions[0]
    shown = latest
    if request.GET.get("v"):
        try:
            shown = next(v for v in versions if v.number == int(request.GET["v"]))
        except (StopIteration, ValueError):
            raise Http404("没有这个版本") from None
    shown.report = report
    figures = list(iter_figures(shown.body))
    return render(
        request,
        "reports/detail.html",
        {
            "title": report.title,
            "crumbs": _crumbs(),
            "report": report,
            "template_name": registry.template(report.template).name,
            "version": shown,
            "latest": latest,
            "versions": versions,
            "body": shown.body,
            "figure_count": len(figures),
            "linked_without_href": sum(1 for f in figures if not f.get("href")),
            "can_write": selectors.can_write(access)
            and access.covers(report.org_unit, selectors.write_action(access)),
            "can_export": access.covers(report.org_unit, Action.EXPORT),
            "stalled_minutes": stalled_minutes(),
        },
    )


def _editor_blocks(body: dict) -> list[dict]:
    blocks = []
    for block in body["blocks"]:
        item = {"block": block}
        if block["kind"] in ("heading", "paragraph"):
            item["text"] = editing.editable_text(block)
            item["figures"] = [s["figure"] for s in block.get("spans", []) if "figure" in s]
        blocks.append(item)
    return blocks


def edit(request, pk: int):
    access = request.access
    report = selectors.report_get(access=access, pk=pk, action=selectors.write_action(access))
    if report.status == Report.Status.FINAL:
        messages.error(request, "报告已定稿，不能再修改；如需修改，请先“改回草稿”。")
        return redirect("reports:detail", report.pk)
    latest = selectors.latest_version(report=report)
    return render(
        request,
        "reports/edit.html",
        {
            "title": f"修改“{report.title}”",
            "crumbs": _crumbs((report.title, reverse("reports:detail", args=[report.pk]))),
            "report": report,
            "version": latest,
            "blocks": _editor_blocks(latest.body),
            "max_paragraph": editing.MAX_PARAGRAPH,
        },
    )


@require_POST
def save_block(request, pk: int, block_id: str):
    access = request.access
    report = selectors.report_get(access=access, pk=pk, action=selectors.write_action(access))
    form = forms.BlockForm(request.POST)
    error, saved = None, None
    if not form.is_valid():
        error = "提交的内容不完整，请刷新页面后再试。"
    else:
        try:
            saved = services.block_save(
                access=access,
                actor=request.user,
                report=report,
                block_id=block_id,
                text=form.cleaned_data["text"],
                base_number=form.cleaned_data["base"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            error = exc.message
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif saved and saved.changed:
            messages.success(request, f"已保存为第{saved.version.number}版。")
        return redirect("reports:edit", report.pk)
    # htmx swaps only 2xx answers by default: errors come back as 200 with the message in the fragment.
    latest = selectors.latest_version(report=report)
    context = {
        "report": report,
        "version": latest,
        "error": error,
        "saved": saved,
        "posted": request.POST.get("text", ""),
    }
    badge = render_to_string("reports/edit.html#version-badge", {"version": latest, "oob": True})
    if block_id == services.TITLE_ID:
        return HttpResponse(render_to_string("reports/edit.html#title-editor", context, request) + badge)
    block = find_block(latest.body, block_id)
    if block is None:
        note = error or "本段已删除（可在报告页的版本记录中恢复）。"
        return HttpResponse(
            format_html('<div class="text-secondary small mb-3" data-testid="block-removed">{}</div>', note)
            + badge
        )
    context["item"] = _editor_blocks({"blocks": [block]})[0]
    context["max_paragraph"] = editing.MAX_PARAGRAPH
    return HttpResponse(render_to_string("reports/edit.html#block-editor", context, request) + badge)


@require_POST
def restore(request, pk: int, number: int):
    access = request.access
    report = selectors.report_get(access=access, pk=pk, action=selectors.write_action(access))
    try:
        version = services.version_restore(access=access, actor=request.user, report=report, number=number)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将第{number}版的内容恢复为第{version.number}版。")
    return redirect("reports:detail", report.pk)


@require_POST
def set_status(request, pk: int):
    access = request.access
    report = selectors.report_get(access=access, pk=pk, action=selectors.write_action(access))
    try:
        report = services.report_set_status(
            access=access, report=report, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "已定稿。" if report.status == Report.Status.FINAL else "已改回草稿，可以继续修改。"
        )
    return redirect("reports:detail", report.pk)


def _version(request, pk: int, number: int, action=Action.EXPORT) -> ReportVersion:
    return selectors.version_get(access=request.access, report_pk=pk, number=number, action=action)


def docx(request, pk: int, number: int):
    version = _version(request, pk, number)
    content = exports.render_docx(version.body)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = f"{version.report.title}_第{version.number}版.docx"
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return (
        f"attachment; filename=\"report.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"
    )


@require_POST
def pdf_request(request, pk: int, number: int):
    access = request.access
    version = _version(request, pk, number)
    try:
        if services.pdf_request(access=access, version=version):
            tasks.render_pdf.enqueue(version.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    version.refresh_from_db()
    if request.htmx:
        return render(request, "reports/detail.html#pdf-status", _pdf_context(version))
    return redirect(reverse("reports:detail", args=[pk]) + f"?v={number}")


def pdf_status(request, pk: int, number: int):
    version = _version(request, pk, number)
    return render(request, "reports/detail.html#pdf-status", _pdf_context(version))


def pdf_download(request, pk: int, number: int):
    version = _version(request, pk, number)
    if version.pdf_status != ReportVersion.PdfStatus.READY or not default_storage.exists(version.pdf.name):
        raise Http404("PDF 尚未生成")
    response = FileResponse(default_storage.open(version.pdf.name, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = _attachment(f"{version.report.title}_第{version.number}版.pdf")
    return response

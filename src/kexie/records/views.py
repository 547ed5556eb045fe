"""Generic record pages: list (filter bar, pagination), detail (fields, files, workflow panel,
history with diffs), create, edit (refusing a lost update with the diff), delete, file download and
.xlsx export — each a function of (request, declaration). `urls.record_urls(declaration)` wires them;
a record app's urls.py is one call. The unit picker's search is here too (one for every form)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.xlsx import SheetData, build_workbook, xlsx_response
from kexie.indicators.engine import evaluate
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Action, get_in_scope
from kexie.records import selectors, services
from kexie.records.declarations import Declaration
from kexie.records.edge import form_error, form_status, guard
from kexie.records.exports import column_required, export_rows
from kexie.records.filters import FilterForm, describe, engine_scope, filtered, period_shortcuts
from kexie.records.forms import DeleteForm, RecordForm, render_picker, unit_search

MAX_EXPORT_ROWS = 50000


def _crumbs(d: Declaration, *extra) -> list[tuple[str, str | None]]:
    return [(d.section, None), (d.label, d.url("list")), *extra]


def _cell(column, record):
    if column.render is not None:
        return column.render(record)
    return column.field and _display(record, column.field)


def _display(record, name: str) -> str:
    value = getattr(record, name)
    getter = getattr(record, f"get_{name}_display", None)
    if getter is not None:
        return getter()
    if hasattr(value, "name"):
        return value.name
    return "" if value is None else str(value)


def _filter_form(request, d: Declaration) -> FilterForm:
    params = request.GET.copy()
    params.pop("page", None)
    return FilterForm(params if params else None, declaration=d, access=request.access)


def _records(request, d: Declaration, form: FilterForm):
    qs = d.list_queryset(access=request.access)
    if d.prefetch:
        qs = qs.prefetch_related(*d.prefetch)
    if form.is_bound and not form.is_valid():
        return qs.none()
    return filtered(d, qs, form.filters(), request.access).order_by(*d.ordering_for(form.sort))


@guard(Action.VIEW)
def record_list(request, declaration: Declaration):
    d, access = declaration, request.access
    form = _filter_form(request, d)
    page = Paginator(_records(request, d, form), d.page_size).get_page(request.GET.get("page"))
    rows = [(record, [(c, _cell(c, record)) for c in d.columns]) for record in page]
    totals = _totals(d, form, access)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/list.html",
        {
            "title": d.label,
            "crumbs": [(d.section, None)],
            "d": d,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_enter": access.can(d.enter_action),
            "can_export": access.can(Action.EXPORT),
            "is_filtered": form.is_filtered,
            "totals": totals,
            "links": [(label, reverse(name)) for label, name in d.links],
            "sort_field": form["sort"] if "sort" in form.fields else None,
            "period_shortcuts": _shortcut_links(d, query),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _shortcut_links(d: Declaration, query) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """[(filter name, [(label, href, current), …]), …]: each shortcut keeps the other filters."""
    out = []
    for name, periods in period_shortcuts(d, timezone.localdate()):
        links = []
        for label, period in periods:
            params = query.copy()
            params[name] = str(period)
            links.append((label, f"?{params.urlencode()}", query.get(name, "").strip() == str(period)))
        out.append((name, links))
    return out


class Totals(list):
    """[(label, Value), …] for the page; totals["count"] is the number of the total keyed so."""

    def __init__(self, items=(), keys=()):
        super().__init__(items)
        self.names = list(keys)

    def keyed(self):
        return [(label, value, name) for (label, value), name in zip(self, self.names, strict=True)]

    def __getitem__(self, index):
        if isinstance(index, str):
            value = super().__getitem__(self.names.index(index))[1]
            return value.value or 0
        return super().__getitem__(index)


def _totals(d: Declaration, form: FilterForm, access) -> Totals:
    """[(label, Value)] of the declared totals for the filtered list, from the indicator engine."""
    if not d.totals or not form.is_bound or not form.is_valid():
        return Totals()
    scope_ = engine_scope(d, form.filters(), access)
    if scope_ is None:
        return Totals()
    period, unit, where, all_records = scope_
    result = evaluate(
        access=access,
        indicators=[t.indicator for t in d.totals],
        periods=[period],
        unit=unit,
        where=where,
        all_records=all_records,
    )
    return Totals(
        [(t.label, result.value(t.indicator, period)) for t in d.totals],
        [t.key or t.indicator for t in d.totals],
    )


def _detail_fields(d: Declaration, record) -> list[tuple[str, str, str]]:
    """(label, shown value, field name) of the declared fields, for the detail page."""
    return [
        (bf.label, bf.display(record), bf.name)
        for bf in d.bound_fields
        if bf.decl.detail and bf.kind != "file"
    ]


def _meta(record) -> list[tuple[str, str]]:
    out = []
    if getattr(record, "created_by", None) is not None:
        out.append(
            ("录入人", getattr(record.created_by, "display_name", "") or record.created_by.get_username())
        )
    for name, label in (("created_at", "录入时间"), ("updated_at", "更新时间")):
        value = getattr(record, name, None)
        if value is not None:
            out.append((label, f"{timezone.localtime(value):%Y-%m-%d %H:%M}"))
    return out


def _attachment_slots(d: Declaration, record) -> list[tuple[object, list]]:
    """[(slot, [attachment, …]), …] in the declared order."""
    if not d.attachments:
        return []
    found = selectors.attachments(declaration=d, record=record)
    return [(slot, [a for a in found if a.slot == slot.key]) for slot in d.attachments]


@guard(Action.VIEW)
def record_detail(request, pk: int, declaration: Declaration):
    d, access = declaration, request.access
    record = d.get(access=access, pk=pk)
    return render(
        request,
        "records/detail.html",
        {
            "title": d.title(record),
            "crumbs": _crumbs(d),
            "d": d,
            "record": record,
            "fields": _detail_fields(d, record),
            "files": [
                (slot, getattr(record, slot.field), getattr(record, slot.name_field)) for slot in d.files
            ],
            "meta": _meta(record),
            "history": selectors.history(declaration=d, record_id=record.pk),
            "can_enter": access.covers(getattr(record, d.org_field), d.enter_action),
            "can_delete": d.delete is not None and (d.can_delete is None or d.can_delete(record)),
            "workflow": bool(d.workflow),
            "attachments": _attachment_slots(d, record),
            "extra": d.detail_context(access=access, record=record) if d.detail_context else {},
        },
    )


def _form_page(request, d: Declaration, form, title, record=None, *, status=200, conflict=None):
    crumbs = _crumbs(d, (d.title(record), d.url("detail", record.pk))) if record else _crumbs(d)
    return render(
        request,
        "records/form.html",
        {
            "title": title,
            "crumbs": crumbs,
            "d": d,
            "form": form,
            "record": record,
            "conflict": conflict,
            "wide_names": [n for n in form.fields if form.wide(n)],
        },
        status=status,
    )


@guard(Action.ENTER)
def record_create(request, declaration: Declaration):
    d, access = declaration, request.access
    posted = request.method == "POST"
    form = RecordForm(
        request.POST if posted else None, request.FILES if posted else None, declaration=d, access=access
    )
    if posted and form.is_valid():
        try:
            record = services.record_create(
                declaration=d, access=access, actor=request.user, values=form.values
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已登记“{d.title(record)}”。")
            return redirect(d.url("detail", record.pk))
    return _form_page(request, d, form, d.texts.create, status=form_status(form))


@guard(Action.ENTER)
def record_edit(request, pk: int, declaration: Declaration):
    d, access = declaration, request.access
    record = d.get(access=access, pk=pk, action=d.enter_action)
    posted = request.method == "POST"
    form = RecordForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        declaration=d,
        access=access,
        instance=record,
    )
    conflict = None
    if posted and form.is_valid():
        try:
            services.record_update(
                declaration=d,
                access=access,
                actor=request.user,
                record=record,
                values=form.values,
                version=form.version,
            )
        except services.StaleRecordError as exc:
            # the user's input stays; the form now carries the current version, so saving again
            # is a decision taken knowing what the other person changed
            conflict = exc
            form.set_version(exc.current)
            record = d.get(access=access, pk=pk)
        except DomainError as exc:
            form_error(form, exc)
            record.refresh_from_db()
        else:
            messages.success(request, "已保存。")
            return redirect(d.url("detail", record.pk))
    return _form_page(
        request,
        d,
        form,
        f"修改“{d.title(record)}”",
        record,
        status=form_status(form, conflict=conflict is not None),
        conflict=conflict,
    )


@guard(Action.ENTER)
def record_delete(request, pk: int, declaration: Declaration):
    d, access = declaration, request.access
    record = d.get(access=access, pk=pk, action=d.enter_action)
    form = DeleteForm(request.POST if request.method == "POST" else None, declaration=d)
    if request.method == "POST" and form.is_valid():
        title = d.title(record)
        try:
            services.record_delete(
                declaration=d,
                access=access,
                actor=request.user,
                record=record,
                reason=form.cleaned_data.get("reason") or "",
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if d.restore is None:
                messages.success(request, f"已删除“{title}”，变更历史保留。")
            else:
                messages.success(
                    request,
                    format_html(
                        '已删除“{}”。<form method="post" action="{}" class="d-inline ms-2">'
                        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                        '<button type="submit" class="btn btn-sm btn-outline-success" data-testid="undo">'
                        "撤销删除</button></form>",
                        title,
                        d.url("restore", pk),
                        get_token(request),
                    ),
                )
            return redirect(d.url("list"))
    return render(
        request,
        "records/delete.html",
        {
            "title": f"删除“{d.title(record)}”",
            "crumbs": _crumbs(d, (d.title(record), d.url("detail", record.pk))),
            "d": d,
            "record": record,
            "record_title": d.title(record),
            "form": form,
            "attachment_count": len(selectors.attachments(declaration=d, record=record))
            if d.attachments
            else 0,
        },
        status=form_status(form),
    )


@guard(Action.ENTER)
def record_restore(request, pk: int, declaration: Declaration):
    """撤销删除: POST only; the deletion must be in the caller's scope (else 404)."""
    d = declaration
    if request.method != "POST":
        raise Http404("请从已删除列表中恢复")
    if not d.deleted(access=request.access).filter(id=pk).exists():
        raise Http404("不存在或无权访问")
    try:
        record = services.record_restore(declaration=d, access=request.access, actor=request.user, pk=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(d.url("deleted"))
    messages.success(request, f"已恢复“{d.title(record)}”，变更历史完整保留。")
    return redirect(d.url("detail", record.pk))


@guard(Action.VIEW)
def record_deleted(request, declaration: Declaration):
    """已删除: the deletions in scope, newest first, with 恢复 for those the caller may enter."""
    d, access = declaration, request.access
    page = Paginator(d.deleted(access=access), d.page_size).get_page(request.GET.get("page"))
    return render(
        request,
        "records/deleted.html",
        {
            "title": f"已删除的{d.texts.noun}",
            "crumbs": _crumbs(d),
            "d": d,
            "page": page,
            "rows": [(r, d.title(r)) for r in page],
            "restorable": {
                r.history_id for r in page if access.covers(getattr(r, d.org_field), d.enter_action)
            },
        },
    )


@guard(Action.VIEW)
def record_file(request, pk: int, declaration: Declaration, slot: str):
    """A record's file, only for a record in scope; always as a download."""
    d = declaration
    record = d.get(access=request.access, pk=pk)
    spec = next(s for s in d.files if s.key == slot)
    stored = getattr(record, spec.field)
    if not stored or not default_storage.exists(stored.name):
        raise Http404("文件不存在")
    response = FileResponse(
        default_storage.open(stored.name, "rb"),
        as_attachment=True,
        filename=getattr(record, spec.name_field) or spec.label,
        content_type=getattr(record, spec.type_field) or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@guard(Action.EXPORT)
def record_export(request, declaration: Declaration):
    """The filtered list as .xlsx, with the import's columns and labels (it re-imports cleanly)."""
    d = declaration
    form = _filter_form(request, d)
    if form.is_bound and not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        raise DomainError(f"筛选条件有误，无法导出：{first}")
    records = _records(request, d, form)[: MAX_EXPORT_ROWS + 1]
    headers, rows = export_rows(d, records)
    if len(rows) > MAX_EXPORT_ROWS:
        raise DomainError(f"符合条件的记录超过{MAX_EXPORT_ROWS}条，请缩小筛选范围后再导出。")
    notes = [f"{d.label}（导出时间：{timezone.localtime():%Y-%m-%d %H:%M}，共{len(rows)}条）"]
    if shown := describe(form):
        notes.append(f"筛选条件：{shown}")
    if d.export_notes is not None:
        notes += d.export_notes(values=form.filters(), totals=_totals(d, form, request.access))
    required = [i for i, bf in enumerate(d.column_fields) if column_required(bf)]
    content = build_workbook(
        [
            SheetData(
                re.sub(r"[\[\]:*?/\\]", "、", d.label),  # characters Excel refuses in a sheet name
                headers,
                rows,
                widths=[bf.decl.width for bf in d.column_fields] + [w for _, _, w in d.export_extra],
                notes=notes,
                required=required,
            )
        ]
    )
    return xlsx_response(content, f"{d.label}_{timezone.localdate():%Y%m%d}.xlsx")


@guard(Action.VIEW)
def unit_options(request):
    """The unit picker's results (htmx): units in scope matching the typed name or 机构代码."""
    access = request.access
    field = request.GET.get("field", "org_unit")[:40]
    action = request.GET.get("action", Action.ENTER)
    if action not in {a.value for a in Action}:
        action = Action.VIEW
    q = request.GET.get(f"{field}__q", request.GET.get("q", ""))[:50]
    units = list(unit_search(access=access, action=action, q=q)) if q.strip() else []
    return render(
        request,
        "records/unit_options.html",
        {"units": units, "field": field, "action": action, "q": q},
    )


@guard(Action.VIEW)
def unit_pick(request):
    """The unit picker re-rendered with one unit chosen (htmx swap)."""
    field = request.GET.get("field", "org_unit")[:40]
    action = request.GET.get("action", Action.ENTER)
    if action not in {a.value for a in Action}:
        action = Action.VIEW
    try:
        pk = int(request.GET.get("pk", ""))
    except ValueError:
        raise Http404("单位不存在") from None
    unit = get_in_scope(OrgUnit.objects.all(), request.access, action, pk=pk)
    return HttpResponse(
        render_picker(name=field, field_id=f"id_{field}", unit=unit, text=unit.name, action=action)
    )


@guard(Action.ENTER)
def attachment_upload(request, pk: int, declaration: Declaration):
    """One or several files (with `attachments_by_type`); each is checked on its own: the good ones
    are kept, each refusal is said."""
    d = declaration
    record = d.get(access=request.access, pk=pk, action=d.enter_action)
    if request.method != "POST":
        return redirect(d.url("detail", record.pk))
    uploads = request.FILES.getlist("file")
    if not uploads:
        raise DomainError("请选择要上传的文件。", field="file")
    added = []
    for upload in uploads:
        try:
            added.append(
                services.attachment_add(
                    declaration=d,
                    access=request.access,
                    actor=request.user,
                    record=record,
                    slot=request.POST.get("slot", ""),
                    upload=upload,
                )
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDeniedError) or not d.attachments_by_type:
                raise  # one file into one slot: the refusal is the answer (the page edge's status)
            messages.error(request, exc.message)  # several files: the good ones are kept
    if added:
        names = "、".join(a.original_name for a in added)
        messages.success(request, f"已上传{len(added)}个文件：{names}")
    return redirect(d.url("detail", record.pk) + "#attachments")


@guard(Action.VIEW)
def attachment_download(request, pk: int, attachment_id: int, declaration: Declaration):
    d = declaration
    record = d.get(access=request.access, pk=pk)
    attachment = selectors.attachment_get(declaration=d, record=record, pk=attachment_id)
    if not default_storage.exists(attachment.file.name):
        raise Http404("文件不存在")
    # a photo opens in the browser (its type was checked by its bytes); ?download=1 saves it
    inline = attachment.mime_type.startswith("image/") and request.GET.get("download") != "1"
    response = FileResponse(
        default_storage.open(attachment.file.name, "rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@guard(Action.ENTER)
def attachment_remove(request, pk: int, attachment_id: int, declaration: Declaration):
    d = declaration
    record = d.get(access=request.access, pk=pk, action=d.enter_action)
    attachment = selectors.attachment_get(declaration=d, record=record, pk=attachment_id)
    if request.method == "POST":
        services.attachment_delete(
            declaration=d, access=request.access, actor=request.user, record=record, attachment=attachment
        )
        messages.success(request, f"已删除附件“{attachment.original_name}”。")
    return redirect(d.url("detail", record.pk))

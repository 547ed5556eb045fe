"""Fact pages. Each view: scoped lookup → form → one service or selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from kexie.core.errors import DomainError
from kexie.facts import forms, selectors, services
from kexie.facts.models import Fact
from kexie.orgs.scoping import Action

PAGE_SIZE = 30


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("统计报表", None), ("荣誉与排名", reverse("facts:list")), *extra]


def _require_unit(request) -> None:
    if request.access.unit is None:
        raise Http404("没有可用的单位")


def fact_list(request):
    _require_unit(request)
    access = request.access
    form = forms.FilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    qs = selectors.fact_list(access=access, **filters)
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "facts/list.html",
        {
            "title": "荣誉与排名",
            "crumbs": [("统计报表", None)],
            "form": form,
            "page": page,
            "years": selectors.fact_years(access=access),
            "kinds": Fact.Kind.choices,
            "levels": Fact.Level.choices,
            "raw": {k: request.GET.get(k, "") for k in ("q", "kind", "level", "year")},
            "is_filtered": any(request.GET.get(k) for k in ("q", "kind", "level", "year")),
            "can_enter": access.can(Action.ENTER),
        },
    )


def detail(request, pk: int):
    access = request.access
    fact = selectors.fact_get(access=access, pk=pk)
    return render(
        request,
        "facts/detail.html",
        {
            "title": fact.statement,
            "crumbs": _crumbs(),
            "fact": fact,
            "history": selectors.fact_history(fact_id=fact.pk),
            "can_enter": access.covers(fact.org_unit, Action.ENTER),
        },
    )


def _form_page(request, form, title, fact=None, status=200):
    crumbs = _crumbs((fact.statement, reverse("facts:detail", args=[fact.pk]))) if fact else _crumbs()
    return render(
        request,
        "facts/form.html",
        {"title": title, "crumbs": crumbs, "form": form, "fact": fact},
        status=status,
    )


def create(request):
    _require_unit(request)
    access = request.access
    if not access.can(Action.ENTER):
        raise Http404("无权登记")
    posted = request.method == "POST"
    form = forms.FactForm(request.POST if posted else None, request.FILES if posted else None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            fact = services.fact_create(access=access, actor=request.user, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已登记“{fact.statement}”。")
            return redirect("facts:detail", fact.pk)
    return _form_page(request, form, "登记荣誉与排名", status=400 if form.errors else 200)


def edit(request, pk: int):
    access = request.access
    fact = selectors.fact_get(access=access, pk=pk, action=Action.ENTER)
    posted = request.method == "POST"
    form = forms.FactForm(
        request.POST if posted else None, request.FILES if posted else None, access=access, instance=fact
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.fact_update(access=access, actor=request.user, fact=fact, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            fact.refresh_from_db()
        else:
            messages.success(request, "已保存。")
            return redirect("facts:detail", fact.pk)
    return _form_page(request, form, f"修改“{fact.statement}”", fact, status=400 if form.errors else 200)


def delete(request, pk: int):
    access = request.access
    fact = selectors.fact_get(access=access, pk=pk, action=Action.ENTER)
    form = forms.DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fact_delete(access=access, actor=request.user, fact=fact)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已删除“{fact.statement}”，变更历史保留。")
            return redirect("facts:list")
    return render(
        request,
        "facts/delete.html",
        {
            "title": f"删除“{fact.statement}”",
            "crumbs": _crumbs((fact.statement, reverse("facts:detail", args=[fact.pk]))),
            "fact": fact,
            "form": form,
        },
    )


def source(request, pk: int):
    """The source document, only for a fact in scope; always as a download."""
    fact = selectors.fact_get(access=request.access, pk=pk)
    if not fact.source_file or not default_storage.exists(fact.source_file.name):
        raise Http404("来源文件不存在")
    response = FileResponse(
        default_storage.open(fact.source_file.name, "rb"),
        as_attachment=True,
        filename=fact.source_name or "来源文件",
        content_type=fact.source_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response

"""The fact-check page: a form, and the same page with the text highlighted and a table of claims."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from kexie.core.errors import DomainError
from kexie.reports.factcheck import services
from kexie.reports.factcheck.forms import CheckForm


def check(request):
    access = request.access
    if access.unit is None:
        raise Http404("没有可用的单位")
    posted = request.method == "POST"
    form = CheckForm(request.POST if posted else None, request.FILES if posted else None, access=access)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = services.read_docx(data["upload"]) if data["upload"] else data["text"]
            result = services.check_text(access=access, text=text, unit=data["unit"], period=data["period"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "reports/factcheck/check.html",
        {
            "title": "数字核对",
            "crumbs": [("统计报表", None)],
            "form": form,
            "result": result,
            "verdicts": services.Verdict,
        },
        status=400 if form.errors else 200,
    )

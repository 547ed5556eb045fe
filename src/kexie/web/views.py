"""Shell pages: home, sections not built yet, the user guide, health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render

from kexie.indicators.lists import org_type_counts
from kexie.orgs import selectors
from kexie.web.help import load_guide
from kexie.web.navigation import UNBUILT


def home(request):
    access = request.access
    unit = access.unit
    context = {"title": "工作台", "unit": unit, "can_manage": access.can("manage")}
    if unit is not None:
        context["type_counts"] = org_type_counts(access=access, unit=unit)
        context["children"] = list(selectors.orgunit_children(access=access, unit=unit)[:12])
    return render(request, "web/home.html", context)


def section(request, slug: str):
    try:
        sec, item = UNBUILT[slug]
    except KeyError:
        raise Http404("没有这个栏目") from None
    return render(
        request,
        "web/section.html",
        {"title": item.label, "section": sec, "item": item, "crumbs": [(sec.label, None)]},
    )


def help_page(request):
    """用户手册: docs/用户手册.md rendered (raw HTML in the file is shown as text), with its contents."""
    guide = load_guide()
    return render(
        request,
        "web/help.html",
        {"title": "用户手册", "guide": guide, "crumbs": [("帮助", None)]},
    )


@login_not_required
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

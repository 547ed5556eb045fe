"""Honour pages beyond the record layer's: the honour programmes, where a 管理员 adds a local one."""

from django.contrib import messages
from django.shortcuts import redirect, render

from kexie.core.errors import DomainError
from kexie.honours import selectors, services
from kexie.honours.forms import ProgrammeForm
from kexie.orgs.scoping import Action
from kexie.records.edge import form_error, form_status, guard


@guard(Action.VIEW)
def programmes(request):
    """荣誉项目: the built-in ones and the local ones of the unit and above; a 管理员 adds a local one."""
    access = request.access
    can_manage = access.covers(access.unit, Action.MANAGE)
    form = ProgrammeForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise DomainError("只有管理员可以增设本地荣誉项目。", code="forbidden")
        if form.is_valid():
            try:
                programme = services.programme_create(
                    access=access,
                    actor=request.user,
                    data=services.ProgrammeData(org_unit=access.unit, **form.cleaned_data),
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"已增设荣誉项目“{programme.name}”，本单位及下级单位都可以使用。")
                return redirect("honours:programmes")
    return render(
        request,
        "honours/programmes.html",
        {
            "title": "荣誉项目",
            "crumbs": [("服务科技工作者", None), ("获奖与荣誉", "/honours/")],
            "programmes": selectors.programme_list(access=access, include_inactive=True),
            "form": form,
            "unit": access.unit,
        },
        status=form_status(form) if form is not None else 200,
    )


CARD_CODES = ("honour_person_times", "honour_persons", "honour_awards", "honour_nominations")
CARD_LEVELS = (("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"), ("county", "县级"))


def dashboard_card(request):
    """人才举荐与表彰 on the dashboard, loaded after the page (htmx): persons and person-times honoured,
    awards (by level) and nominations put forward, each linked to its records; nothing without data."""
    from django.http import Http404, HttpResponse

    from kexie.core.periods import Period, PeriodError
    from kexie.indicators.engine import evaluate
    from kexie.orgs.selectors import orgunit_get

    access = request.access
    if access.unit is None or not access.can(Action.VIEW):
        raise Http404("没有可用的单位")
    raw = request.GET.get("unit", "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404("不存在或无权访问")
    unit = orgunit_get(access=access, pk=int(raw)) if raw else access.unit
    try:
        period = Period.parse(request.GET.get("period", ""))
    except PeriodError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    levels = [f"honour_awards_{lv}" for lv, _ in CARD_LEVELS]
    result = evaluate(access=access, indicators=[*CARD_CODES, *levels], periods=[period], unit=unit)
    figures = {code: result.value(code, period) for code in (*CARD_CODES, *levels)}
    if not any(figures[c].value for c in CARD_CODES):
        return HttpResponse("")
    return render(
        request,
        "honours/_dashboard_card.html",
        {
            "period": period,
            "f": figures,
            "levels": [
                (label, figures[f"honour_awards_{lv}"])
                for lv, label in CARD_LEVELS
                if figures[f"honour_awards_{lv}"].value
            ],
        },
    )

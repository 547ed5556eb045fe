"""星级标准 (the star scale of an area): one small page — the scale in force at the active unit (its own,
inherited from above, or the default) and, for a 管理员, the form to set the unit's own."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action
from kexie.records.edge import form_error, guard
from kexie.volunteers import selectors, services
from kexie.volunteers.models import DEFAULT_STARS, StarScale


class ScaleForm(forms.Form):
    star1 = forms.IntegerField(label="一星（小时）", min_value=1)
    star2 = forms.IntegerField(label="二星（小时）", min_value=1)
    star3 = forms.IntegerField(label="三星（小时）", min_value=1)
    star4 = forms.IntegerField(label="四星（小时）", min_value=1)
    star5 = forms.IntegerField(label="五星（小时）", min_value=1)


@guard(Action.VIEW)
def star_scale(request):
    access = request.access
    unit = access.unit
    own = StarScale.objects.filter(org_unit=unit).first()
    thresholds = selectors.thresholds_for(unit)
    can_manage = access.covers(unit, Action.MANAGE)
    form = None
    if can_manage:
        initial = dict(zip(("star1", "star2", "star3", "star4", "star5"), thresholds, strict=True))
        form = ScaleForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = services.ScaleData(org_unit=unit, **form.cleaned_data)
            try:
                if own is None:
                    services.scale_create(access=access, actor=request.user, data=data)
                else:
                    services.scale_update(access=access, actor=request.user, scale=own, data=data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "已保存星级标准，本地区志愿者的星级已重新计算。")
                return redirect("volunteer_stars:page")
    elif request.method == "POST":
        raise DomainError("只有管理员可以设定星级标准。", code="forbidden")
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "volunteers/stars.html",
        {
            "unit": unit,
            "own": own,
            "thresholds": thresholds,
            "is_default": thresholds == DEFAULT_STARS,
            "form": form,
        },
        status=status,
    )


CARD = (
    ("volunteer_teams", "服务队（期末）", "支"),
    ("volunteers_registered", "注册志愿者（期末）", "人"),
    ("volunteers_serving", "参与服务志愿者", "人"),
    ("volunteer_hours", "已确认服务时长", "小时"),
)


def dashboard_card(request):
    """科技志愿服务 on the dashboard, loaded after the page (htmx): teams and registered volunteers at
    the period's end, confirmed hours and volunteers serving in it, volunteers by star; each linked."""
    from django.http import Http404, HttpResponse

    from kexie.contests.views import card_scope
    from kexie.core.periods import PeriodError
    from kexie.indicators.engine import evaluate
    from kexie.volunteers.models import STAR_LABELS

    access = request.access
    if access.unit is None or not access.can(Action.VIEW):
        raise Http404("没有可用的单位")
    try:
        unit, period = card_scope(request)
    except PeriodError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    stars = [f"volunteers_star{n}" for n in range(1, 6)]
    result = evaluate(access=access, indicators=[c for c, _, _ in CARD] + stars, periods=[period], unit=unit)
    if not any(result.value(code, period).value for code, _, _ in CARD):
        return HttpResponse("")
    return render(
        request,
        "volunteers/_dashboard_card.html",
        {
            "period": period,
            "figures": [(label, result.value(code, period), u) for code, label, u in CARD],
            "stars": [
                (STAR_LABELS[n], result.value(f"volunteers_star{n}", period))
                for n in range(1, 6)
                if result.value(f"volunteers_star{n}", period).value
            ],
        },
    )

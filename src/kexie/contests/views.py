"""Contest pages beyond the generic record pages (kexie.records): 晋级 (an entry goes on to a higher
level's round) and 录入结果 (its prize), each a small form on the entry's detail page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kexie.contests import selectors, services
from kexie.core.errors import DomainError
from kexie.core.periods import Period, PeriodError
from kexie.indicators.engine import evaluate
from kexie.orgs.scoping import Action
from kexie.records.edge import guard


@require_POST
@guard(Action.ENTER)
def entry_advance(request, pk: int):
    entry = selectors.entry_get(access=request.access, pk=pk, action=Action.ENTER)
    try:
        edition_id = int(request.POST.get("edition", ""))
    except ValueError:
        raise DomainError("请选择要晋级到的赛事。", field="edition") from None
    edition = selectors.edition_options(request.access).filter(pk=edition_id).first()
    if edition is None:
        raise Http404("不存在或无权访问")
    new = services.entry_advance(access=request.access, actor=request.user, entry=entry, edition=edition)
    messages.success(request, f"作品已晋级到“{edition.name}”，获奖后在这里录入结果。")
    return redirect("contests:detail", new.pk)


@require_POST
@guard(Action.ENTER)
def entry_prize(request, pk: int):
    entry = selectors.entry_get(access=request.access, pk=pk, action=Action.ENTER)
    entry = services.entry_set_prize(
        access=request.access, actor=request.user, entry=entry, prize=request.POST.get("prize", "")
    )
    messages.success(request, f"已保存结果：{entry.get_prize_display() or '未获奖'}。")
    return redirect("contests:detail", entry.pk)


# the card's figures: (code, label, unit)
CARD = (
    ("contest_students", "参赛学生", "人"),
    ("contest_schools", "参与学校", "所"),
    ("contest_entries", "参赛作品", "项"),
    ("contest_awards", "获奖作品", "项"),
)
CARD_LEVELS = (
    ("national", "国家级赛事"),
    ("provincial", "省级赛事"),
    ("municipal", "市级赛事"),
    ("county", "县级赛事"),
)


def dashboard_card(request):
    """青少年科技教育 on the dashboard, loaded after the page (htmx, like 人才举荐与表彰): students, schools,
    entries and awards by the round's level, each linked to its entries; nothing without data."""
    access = request.access
    if access.unit is None or not access.can(Action.VIEW):
        raise Http404("没有可用的单位")
    try:
        unit, period = card_scope(request)
    except PeriodError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    levels = [f"contest_awards_{lv}" for lv, _ in CARD_LEVELS]
    result = evaluate(access=access, indicators=[c for c, _, _ in CARD] + levels, periods=[period], unit=unit)
    if not result.value("contest_entries", period).value:
        return HttpResponse("")
    return render(
        request,
        "contests/_dashboard_card.html",
        {
            "period": period,
            "figures": [(label, result.value(code, period), u) for code, label, u in CARD],
            "levels": [
                (label, result.value(f"contest_awards_{lv}", period))
                for lv, label in CARD_LEVELS
                if result.value(f"contest_awards_{lv}", period).value
            ],
        },
    )


def card_scope(request):
    """(unit, period) of a dashboard card: the unit in scope (404 otherwise), the dashboard's period."""
    from kexie.orgs.selectors import orgunit_get

    raw = request.GET.get("unit", "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404("不存在或无权访问")
    unit = orgunit_get(access=request.access, pk=int(raw)) if raw else request.access.unit
    return unit, Period.parse(request.GET.get("period", ""))

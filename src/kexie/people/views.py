"""Person pages beyond the generic record pages (kexie.records): the logged 查看完整号码, roles,
the phone, merging a duplicate, the export with its phone opt-in, and the personal-data access log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kexie.core.errors import DomainError
from kexie.core.xlsx import SheetData, build_workbook, xlsx_response
from kexie.orgs.scoping import Action
from kexie.people import selectors, services
from kexie.people.forms import ExportForm, MergeForm, PhoneForm, ReasonForm, RoleForm
from kexie.people.models import Person
from kexie.people.records import PEOPLE
from kexie.records.declarations import replace
from kexie.records.edge import guard
from kexie.records.exports import column_label, export_rows
from kexie.records.filters import FilterForm, describe, filtered

MAX_EXPORT_ROWS = 50000


def _first_error(form) -> DomainError:
    field, errors = next(iter(form.errors.items()))
    return DomainError(errors[0], field=field)


@guard(Action.VIEW)
def reveal_phone(request, pk: int):
    """查看完整号码: a 管理员 of the keeping unit gives a reason; the number is shown once and logged."""
    person = selectors.person_get(access=request.access, pk=pk)
    if not services.can_see_phone(request.access, person):
        raise Http404("无权访问")
    form = ReasonForm(request.POST if request.method == "POST" else None)
    phone = None
    if request.method == "POST" and form.is_valid():
        try:
            phone = services.reveal_phone(
                access=request.access, actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error("reason", exc.message)
    response = render(
        request,
        "people/reveal_phone.html",
        {
            "title": f"查看{person.name}的完整手机号码",
            "crumbs": [
                ("人员", None),
                ("人员", PEOPLE.url("list")),
                (person.name, PEOPLE.url("detail", person.pk)),
            ],
            "person": person,
            "form": form,
            "phone": phone,
            "masked": selectors.masked_phone(person),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@guard(Action.ENTER)
def role_add(request, pk: int):
    person = selectors.person_get(access=request.access, pk=pk, action=Action.ENTER)
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise _first_error(form)
    services.add_role(access=request.access, actor=request.user, person=person, **form.cleaned_data)
    messages.success(request, "已添加身份。")
    return redirect(PEOPLE.url("detail", person.pk))


@require_POST
@guard(Action.ENTER)
def role_remove(request, pk: int):
    person = selectors.person_get(access=request.access, pk=pk, action=Action.ENTER)
    services.remove_role(
        access=request.access, actor=request.user, person=person, role=request.POST.get("role", "")
    )
    messages.success(request, "已删除身份。")
    return redirect(PEOPLE.url("detail", person.pk))


@require_POST
@guard(Action.ENTER)
def phone_set(request, pk: int):
    person = selectors.person_get(access=request.access, pk=pk, action=Action.ENTER)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        raise _first_error(form)
    services.set_phone(
        access=request.access, actor=request.user, person=person, phone=form.cleaned_data["phone"]
    )
    messages.success(request, "已更新手机号码。")
    return redirect(PEOPLE.url("detail", person.pk))


@guard(Action.MANAGE)
def merge(request, pk: int):
    """合并重复登记: this person (B) is merged into the one kept (A)."""
    access = request.access
    source = selectors.person_get(access=access, pk=pk, action=Action.MANAGE)
    form = MergeForm(request.POST if request.method == "POST" else None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        target = (
            selectors.person_list(access=access, action=Action.MANAGE)
            .filter(pk=form.cleaned_data["target"])
            .first()
        )
        if target is None:
            form.add_error("target", "找不到这个编号的人员（或不在您的管理范围内）。")
        else:
            try:
                moved = services.person_merge(access=access, actor=request.user, source=source, target=target)
            except DomainError as exc:
                form.add_error("target" if exc.field == "target" else None, exc.message)
            else:
                what = "，".join(f"{label}{n}条" for label, n in moved.items())
                messages.success(
                    request,
                    f"已将{source.name}合并到{selectors.person_label(target)}"
                    + (f"（{what}）。" if what else "。"),
                )
                return redirect(PEOPLE.url("detail", target.pk))
    candidates = (
        selectors.person_list(access=access, action=Action.MANAGE)
        .filter(name=source.name)
        .exclude(pk=source.pk)[:20]
    )
    return render(
        request,
        "people/merge.html",
        {
            "title": f"合并重复登记：{source.name}",
            "crumbs": [
                ("人员", None),
                ("人员", PEOPLE.url("list")),
                (source.name, PEOPLE.url("detail", source.pk)),
            ],
            "person": source,
            "form": form,
            "candidates": candidates,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@guard(Action.MANAGE)
def access_log(request):
    """个人信息查看记录: who saw whose whole phone number, when and why."""
    rows = selectors.data_access_list(access=request.access)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/access_log.html",
        {"title": "个人信息查看记录", "crumbs": [("人员", None), ("人员", PEOPLE.url("list"))], "page": page},
    )


def _without_phone():
    return replace(PEOPLE, fields=tuple(f for f in PEOPLE.fields if f.name != "phone"))


@guard(Action.EXPORT)
def person_export(request):
    """The filtered list as .xlsx. Without phone numbers; a 管理员 may tick “包含完整手机号码” with a
    reason — numbers of the people the active unit keeps are then written in full and logged, the
    others stay masked."""
    access = request.access
    filters = FilterForm(request.GET.copy() or None, declaration=PEOPLE, access=access)
    if filters.is_bound and not filters.is_valid():
        first = next(iter(filters.errors.values()))[0]
        raise DomainError(f"筛选条件有误，无法导出：{first}")
    may_phone = access.active is not None and access.can(Action.MANAGE)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if may_phone and request.method != "POST":
        return render(
            request,
            "people/export.html",
            {
                "title": "导出人员名单",
                "crumbs": [("人员", None), ("人员", PEOPLE.url("list"))],
                "form": form,
                "query": request.GET.urlencode(),
                "shown": describe(filters),
            },
        )
    include_phone = request.method == "POST" and form.is_valid() and form.cleaned_data["include_phone"]
    if include_phone and not may_phone:
        raise DomainError("只有管理员可以导出完整手机号码。", code="forbidden")
    records = list(
        filtered(
            PEOPLE, selectors.person_list(access=access, action=Action.EXPORT), filters.filters(), access
        ).order_by(*PEOPLE.ordering)[: MAX_EXPORT_ROWS + 1]
    )
    if len(records) > MAX_EXPORT_ROWS:
        raise DomainError(f"符合条件的记录超过{MAX_EXPORT_ROWS}条，请缩小筛选范围后再导出。")
    d = PEOPLE if include_phone else _without_phone()
    headers, rows = export_rows(d, records)
    if include_phone:
        index = [bf.name for bf in d.column_fields].index("phone")
        shown = []
        for person, row in zip(records, rows, strict=True):
            if person.phone and services.can_see_phone(access, person):
                shown.append(person)
            else:
                row[index] = selectors.masked_phone(person)
        services.log_phone_export(
            access=access, actor=request.user, people=shown, reason=form.cleaned_data["reason"]
        )
    notes = [f"人员（导出时间：{timezone.localtime():%Y-%m-%d %H:%M}，共{len(rows)}人）"]
    if text := describe(filters):
        notes.append(f"筛选条件：{text}")
    if include_phone:
        notes.append("含完整手机号码（本单位建档的人员），已记入个人信息查看记录；请妥善保管，用后删除。")
    content = build_workbook(
        [
            SheetData(
                "人员",
                headers,
                rows,
                widths=[bf.decl.width for bf in d.column_fields],
                notes=notes,
                required=[i for i, bf in enumerate(d.column_fields) if bf.required],
            )
        ]
    )
    assert headers == [column_label(bf) for bf in d.column_fields]
    response = xlsx_response(content, f"人员_{timezone.localdate():%Y%m%d}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


def person_link(person: Person) -> str:
    return PEOPLE.url("detail", person.pk)


BASE_CARD = (
    ("township_coverage", "乡镇科协组织建设率"),
    ("posts_three_heads_people", "“三长”兼职总人数"),
    ("township_three_heads_coverage", "乡镇科协“三长”进班子比例"),
    ("people_sci_workers", "登记科技工作者"),
    ("people_experts", "入库专家"),
)


@guard(Action.VIEW)
def dashboard_card(request):
    """基层组织“3+1” on the dashboard (loaded after the page, htmx): the stocks at the period's end, from
    the engine; nothing when the unit has no townships, posts or people."""
    from kexie.core.periods import Period, PeriodError
    from kexie.indicators.engine import evaluate
    from kexie.orgs.selectors import orgunit_get

    access = request.access
    raw = request.GET.get("unit", "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404("不存在或无权访问")
    unit = orgunit_get(access=access, pk=int(raw)) if raw else access.unit
    try:
        period = Period.parse(request.GET.get("period", "").strip() or str(timezone.localdate().year))
    except PeriodError as error:
        return render(request, "people/_dashboard_card.html", {"error": error.message}, status=400)
    result = evaluate(access=access, indicators=[c for c, _ in BASE_CARD], periods=[period], unit=unit)
    values = [(label, result.value(code, period)) for code, label in BASE_CARD]
    shown = [(label, v) for label, v in values if v.value]
    return render(request, "people/_dashboard_card.html", {"values": shown, "period": period, "unit": unit})

"""Org tree and user pages. Each view: scoped lookup → form → one service or selector → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kexie.core.errors import DomainError
from kexie.core.periods import Period, PeriodError
from kexie.core.xlsx import SheetData, build_workbook, xlsx_response
from kexie.indicators.lists import org_type_counts, org_type_counts_by_child
from kexie.orgs import forms, selectors, services
from kexie.orgs.importers import COLUMNS
from kexie.orgs.middleware import SESSION_KEY
from kexie.orgs.models import Membership, OrgType, OrgUnit
from kexie.orgs.scoping import Action
from kexie.records.edge import error_response


def _crumbs(access, unit: OrgUnit) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [("组织机构", reverse("orgs:tree"))] + [
        (a.display_name, reverse("orgs:detail", args=[a.pk]))
        for a in selectors.orgunit_ancestors(access=access, unit=unit)
    ]


def _nodes(access, units: list[OrgUnit], parent: OrgUnit) -> list[dict]:
    counts = org_type_counts_by_child(access=access, parent=parent)  # figures come from the engine
    nodes = []
    for u in units:
        below = counts.get(u.path, {})
        nodes.append(
            {
                "unit": u,
                "has_children": u.numchild > 0,
                "counts": [
                    (OrgType(t).label, n)
                    for t, n in sorted(below.items(), key=lambda kv: list(OrgType.values).index(kv[0]))
                    if n
                ],
            }
        )
    return nodes


def _list_filters(access, params) -> dict:
    """The list's filters (the contract of the engine's links to org units, see orgunit_list):
    unit (a subtree; with own=1 that unit alone), period (founded within), at (in force on a day,
    YYYY-MM-DD), type (org type)."""
    filters: dict = {}
    if params.get("unit"):
        try:
            filters["within"] = selectors.orgunit_get(access=access, pk=int(params["unit"]))
        except ValueError:
            raise Http404("没有这个单位") from None
    if params.get("own") == "1":
        if "within" not in filters:
            raise DomainError("“本级”（own=1）需要同时指定单位（unit）。", field="own")
        filters["only"] = filters.pop("within")
    if params.get("period"):
        try:
            filters["founded"] = Period.parse(params["period"])
        except PeriodError as exc:
            raise DomainError(
                f"期间“{params['period'][:20]}”无法识别：{exc.message}", field="period"
            ) from None
    if params.get("at"):
        try:
            filters["at"] = dt.date.fromisoformat(params["at"])
        except ValueError:
            raise DomainError(f"日期“{params['at'][:20]}”无法识别，请写成 2024-12-31。", field="at") from None
    if params.get("type"):
        if params["type"] not in OrgType.values:
            raise DomainError(f"没有“{params['type'][:20]}”这种单位类型。", field="type")
        filters["org_type"] = params["type"]
    return filters


def _filter_note(filters: dict) -> str:
    parts = []
    if "within" in filters:
        parts.append(f"{filters['within'].name}及其下级")
    if "only" in filters:
        parts.append(f"{filters['only'].name}（本级）")
    if "org_type" in filters:
        parts.append(OrgType(filters["org_type"]).label)
    if "founded" in filters:
        parts.append(f"{filters['founded'].label}成立")
    if "at" in filters:
        at = filters["at"]
        parts.append(f"{at.year}年{at.month}月{at.day}日存续")
    return "，".join(parts)


def tree(request):
    access = request.access
    root = access.unit
    if root is None:
        raise Http404("没有可用的单位")
    q = request.GET.get("q", "").strip()[:50]
    context = {"title": "组织机构", "root": root, "q": q, "can_manage": access.can(Action.MANAGE)}
    try:
        filters = _list_filters(access, request.GET)
    except DomainError as exc:
        return error_response(request, exc, title="筛选条件有误")
    if q or filters:
        page = Paginator(selectors.orgunit_list(access=access, search=q, **filters), 50).get_page(
            request.GET.get("page")
        )
        context.update(results=page, listing=True, filter_note=_filter_note(filters))
    else:
        kids = list(selectors.orgunit_children(access=access, unit=root))
        context["nodes"] = _nodes(access, kids, root)
        context["root_counts"] = org_type_counts(access=access, unit=root)
    return render(request, "orgs/tree.html", context)


def children(request, pk: int):
    access = request.access
    unit = selectors.orgunit_get(access=access, pk=pk)
    kids = list(selectors.orgunit_children(access=access, unit=unit))
    return render(request, "orgs/tree.html#branch", {"nodes": _nodes(access, kids, unit)})


def detail(request, pk: int):
    access = request.access
    unit = selectors.orgunit_get(access=access, pk=pk)
    history = list(unit.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    changes = []
    for record in history:
        diff = []
        if record.prev_record is not None:
            for change in record.diff_against(record.prev_record).changes:
                field = OrgUnit._meta.get_field(change.field)
                diff.append((field.verbose_name, change.old, change.new))
        changes.append((record, diff))
    membership_history = (
        Membership.history.filter(org_unit_id=unit.pk)
        .select_related("history_user")
        .order_by("-history_date")[:30]
    )
    return render(
        request,
        "orgs/detail.html",
        {
            "title": unit.name,
            "unit": unit,
            "crumbs": _crumbs(access, unit)[:-1]
            if selectors.orgunit_ancestors(access=access, unit=unit)
            else [("组织机构", None)],
            "parent": OrgUnit.objects.get_parent(unit) if unit.depth > 1 else None,
            "children": selectors.orgunit_children(access=access, unit=unit),
            "type_counts": org_type_counts(access=access, unit=unit),
            "memberships": selectors.membership_list(access=access, unit=unit),
            "history": changes,
            "membership_history": membership_history,
            "can_manage": access.covers(unit, Action.MANAGE),
            "is_scope_root": access.root_path == unit.path,
        },
    )


def _form_page(request, unit, form, title, template="orgs/form.html", **extra):
    return render(
        request,
        template,
        {"title": title, "unit": unit, "form": form, "crumbs": _crumbs(request.access, unit), **extra},
    )


def create_child(request, pk: int):
    access = request.access
    parent = selectors.orgunit_get(access=access, pk=pk, action=Action.MANAGE)
    form = forms.OrgUnitForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.orgunit_create(access=access, parent=parent, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已新建“{unit.name}”。")
            return redirect("orgs:detail", unit.pk)
    return _form_page(request, parent, form, f"在“{parent.display_name}”下新建单位")


def edit(request, pk: int):
    access = request.access
    unit = selectors.orgunit_get(access=access, pk=pk, action=Action.MANAGE)
    form = forms.OrgUnitForm(request.POST or None, parent=OrgUnit.objects.get_parent(unit), instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.orgunit_update(access=access, unit=unit, data=form.data_obj)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:detail", unit.pk)
    return _form_page(request, unit, form, f"修改“{unit.display_name}”")


def move(request, pk: int):
    access = request.access
    unit = selectors.orgunit_get(access=access, pk=pk, action=Action.MANAGE)
    form = forms.MoveForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["new_parent"]
        try:
            services.orgunit_move(access=access, unit=unit, new_parent=target)
        except DomainError as exc:
            form.add_error("new_parent", exc.message)
        else:
            messages.success(request, f"已将“{unit.name}”调整到“{target.name}”之下。")
            return redirect("orgs:detail", unit.pk)
    return _form_page(
        request,
        unit,
        form,
        f"调整“{unit.display_name}”的隶属关系",
        intro=f"把“{unit.name}”连同它的下级单位调整到另一个上级单位之下：输入新上级单位的名称或机构代码，"
        "从列表中选择后保存。列表中只有您管理范围内的单位。",
    )


def close(request, pk: int):
    access = request.access
    unit = selectors.orgunit_get(access=access, pk=pk, action=Action.MANAGE)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.orgunit_close(
                access=access, unit=unit, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"“{unit.name}”已撤销，历史记录仍然保留。")
            return redirect("orgs:detail", unit.pk)
    return _form_page(request, unit, form, f"撤销“{unit.display_name}”")


def merge(request, pk: int):
    access = request.access
    unit = selectors.orgunit_get(access=access, pk=pk, action=Action.MANAGE)
    form = forms.MergeForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            result = services.orgunit_merge(
                access=access, source=unit, target=target, on=form.cleaned_data["on"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"“{unit.name}”已并入“{target.name}”，转移了{result.summary}。")
            return redirect("orgs:detail", target.pk)
    return _form_page(
        request,
        unit,
        form,
        f"将“{unit.display_name}”并入其他单位",
        template="orgs/merge.html",
        preview=services.describe_moved(services.merge_preview(unit)),
    )


def export(request):
    access = request.access
    units = selectors.orgunit_list(access=access, action=Action.EXPORT)
    root_path = access.root_path or ""
    parents = {u.path: u.code for u in units}
    rows = (
        [
            u.code,
            u.name,
            u.get_org_type_display(),
            parents.get(u.path[: -OrgUnit.steplen], "") if u.path != root_path else "",
            u.region_code,
            u.short_name,
            u.active_from,
            u.active_to,
            u.get_level_display(),
        ]
        for u in units
    )
    headers = [c.label for c in COLUMNS] + ["撤销日期", "层级"]
    content = build_workbook(
        [SheetData("组织机构", headers, rows, widths=[16, 30, 12, 16, 16, 16, 12, 12, 12])]
    )
    return xlsx_response(content, f"组织机构_{access.active.unit_name}_{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
def switch(request):
    wanted = request.POST.get("membership", "")
    grant = next((g for g in request.access.grants if str(g.membership_id) == wanted), None)
    if grant is None:
        raise Http404("没有这个角色")
    request.session[SESSION_KEY] = grant.membership_id
    messages.info(request, f"已切换到“{grant.unit_name}”（{grant.role_label}）。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or "/orgs/" in target:
        target = "/"
    return redirect(target)


# ---- users -----------------------------------------------------------------------------------


def users(request):
    access = request.access
    if not access.can(Action.MANAGE):
        raise Http404("无权访问")
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(
        selectors.user_list(access=access, search=q).prefetch_related("memberships__org_unit"), 25
    )
    return render(
        request,
        "orgs/users.html",
        {
            "title": "用户管理",
            "crumbs": [("系统管理", None)],
            "page": page.get_page(request.GET.get("page")),
            "q": q,
        },
    )


def user_create(request):
    access = request.access
    if not access.can(Action.MANAGE):
        raise Http404("无权访问")
    form = forms.UserCreateForm(request.POST or None, access=access, initial={"unit": access.unit})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                access=access,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password1"],
                unit=data["unit"],
                role=data["role"],
                phone=data.get("phone") or "",
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已新建用户“{user.username}”。")
            return redirect("orgs:user_detail", user.pk)
    return render(
        request,
        "orgs/user_form.html",
        {"title": "新建用户", "crumbs": [("用户管理", "/orgs/users/")], "form": form},
    )


def user_detail(request, pk: int):
    access = request.access
    user = selectors.user_get(access=access, pk=pk)
    form = forms.RoleChoiceForm(access=access)
    return render(
        request,
        "orgs/user_detail.html",
        {
            "title": f"用户：{user.username}",
            "crumbs": [("用户管理", "/orgs/users/")],
            "the_user": user,
            "memberships": [
                (m, access.covers(m.org_unit, Action.MANAGE))
                for m in user.memberships.select_related("org_unit").order_by("org_unit__path")
            ],
            "form": form,
            "manageable": services.user_manageable(access, user),
        },
    )


@require_POST
def user_active(request, pk: int):
    access = request.access
    user = selectors.user_get(access=access, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(access=access, user=user, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}用户“{user.username}”。")
    return redirect("orgs:user_detail", user.pk)


@require_POST
def membership_add(request, pk: int):
    access = request.access
    user = selectors.user_get(access=access, pk=pk)
    form = forms.RoleChoiceForm(request.POST, access=access)
    if form.is_valid():
        try:
            services.membership_add(
                access=access, user=user, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    if not form.errors:
        messages.success(request, "已添加角色。")
    return redirect("orgs:user_detail", user.pk)


@require_POST
def membership_remove(request, pk: int):
    access = request.access
    membership = selectors.membership_get(access=access, pk=pk, action=Action.MANAGE)
    try:
        services.membership_remove(access=access, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除角色。")
    return redirect("orgs:user_detail", membership.user_id)

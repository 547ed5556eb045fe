"""The generic transition POST (any registered record) and the 待办 page. Thin: look up in scope, call
one service or selector, report in Chinese, redirect back."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action, get_in_scope
from kexie.workflows import selectors, services
from kexie.workflows.definitions import registration_by_content_type, registration_for

PAGE_SIZE = 30
RETRY_KEY = "kexie_workflow_retry"


def _registered_model(ct: int):
    try:
        return registration_by_content_type(ct).model
    except LookupError:
        raise Http404("不存在或无权访问") from None


def _back(request, obj) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return "workflows:inbox"


@require_POST
def take(request, ct: int, pk: int, code: str):
    """Take transition `code` on one record; 404 outside the active scope, a message when refused."""
    model = _registered_model(ct)
    obj = get_in_scope(model._default_manager.all(), request.access, Action.VIEW, pk=pk)
    wf = registration_for(model).workflow
    seen = request.POST.get("from_state", "")
    if seen and seen != obj.state and seen in wf._states:
        obj.state = seen  # the state the actor saw: the compare-and-set decides, with "已被他人处理"
    t = wf.get_transition(code)
    raw = {name: request.POST.get(f"{code}-{name}", "") for name in (t.fields if t else {})}
    try:
        log = services.transition(
            access=request.access,
            obj=obj,
            code=code,
            reason=request.POST.get(f"{code}-reason", ""),
            data=raw,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        # keep what was typed (reason, 文号 …) for the panel to show again once, with the error
        request.session[RETRY_KEY] = {
            "key": f"{ct}:{pk}:{code}",
            "data": {"reason": request.POST.get(f"{code}-reason", ""), **raw},
            "field": exc.field or "",
            "message": exc.message,
        }
    else:
        messages.success(request, f"已办理“{log.label}”，当前状态：{wf.state_label(log.to_state)}。")
    return redirect(_back(request, obj))


def inbox(request):
    """待办: every record in the active scope waiting for something this user may do, oldest first."""
    access = request.access
    if access.active is None:
        raise Http404("没有可用的单位")
    page = Paginator(selectors.inbox_rows(access=access), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workflows/inbox.html",
        {
            "title": "待办",
            "crumbs": [],
            "page": page,
            "items": selectors.inbox_items(access=access, rows=list(page.object_list)),
        },
    )

"""The one page edge of every record page: the access guard, the mapping of domain errors
(kexie.core.errors) to responses, and the status of a form page (400 for an invalid form, 409 for a
refused lost update)."""

from __future__ import annotations

import functools
import logging

from django.http import Http404
from django.shortcuts import render

from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action

security_log = logging.getLogger("kexie.security")

# DomainError.code → HTTP status; every other code is a 400 (the input broke a rule)
STATUS_BY_CODE = {"forbidden": 403, "conflict": 409, "gone": 409, "not_found": 404}


def status_for(exc: DomainError) -> int:
    return STATUS_BY_CODE.get(exc.code, 400)


def error_response(request, exc: DomainError, *, title: str = "无法完成操作"):
    """A domain error that belongs to no form: its Chinese message on a page, with its status."""
    return render(
        request,
        "records/error.html",
        {"title": title, "message": exc.message, "back": request.META.get("HTTP_REFERER", "")},
        status=status_for(exc),
    )


def form_error(form, exc: DomainError) -> None:
    """Put a service's message on the form field it names (or on the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def form_status(form, *, conflict: bool = False) -> int:
    if conflict:
        return 409
    return 400 if form.is_bound and form.errors else 200


def guard(action: Action | str = Action.VIEW, *, needs_unit: bool = True):
    """The access guard of a record page: an active unit (when `needs_unit`) and a role allowing
    `action`, else 404 (never saying what exists); a DomainError escaping the view becomes
    `error_response`. Object-level scoping stays with the record app's access-checked `get`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            access = request.access
            if needs_unit and access.unit is None:
                raise Http404("没有可用的单位")
            if not access.can(action):
                security_log.warning(
                    "role denial: user=%s action=%s view=%s", access.user_id, action, view.__name__
                )
                raise Http404("无权访问")
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return error_response(request, exc)

        return wrapped

    return decorate

"""A URLconf whose views fail on purpose, to see the error pages a user gets."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path


@login_not_required
def server_error(request):
    raise RuntimeError("boom")


@login_not_required
def forbidden(request):
    raise PermissionDenied


@login_not_required
def bad_request(request):
    raise SuspiciousOperation("tampered")


urlpatterns = [
    path("boom/", server_error),
    path("forbidden/", forbidden),
    path("bad/", bad_request),
]

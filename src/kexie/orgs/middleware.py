"""Attach the request's Access (the one scoping object) to every request."""

from django.utils.functional import SimpleLazyObject

from kexie.orgs.scoping import access_for

SESSION_KEY = "kexie_active_membership"


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: access_for(request.user, request.session.get(SESSION_KEY)))
        return self.get_response(request)

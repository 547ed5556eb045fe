"""Response hardening that Django's SecurityMiddleware does not cover."""

from django.utils.cache import add_never_cache_headers


class NoStoreForAuthenticatedMiddleware:
    """Pages seen by a logged-in user carry data scoped to that user: no browser or proxy may keep a
    copy (Cache-Control: no-store), so the back button after logging out on a shared office computer
    shows nothing and no shared cache ever serves one user's page to another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

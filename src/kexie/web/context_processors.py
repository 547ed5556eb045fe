"""What every page's shell needs: the active unit, the user's other memberships, the navigation."""

from kexie.web.help import help_url
from kexie.web.navigation import navigation_for


def shell(request):
    access = getattr(request, "access", None)
    if access is None or not request.user.is_authenticated:
        return {}
    return {"access": access, "nav": navigation_for(request), "help_url": help_url(request.path)}

"""Template context every page needs: the actor and the navigation for their role."""

from django.http import HttpRequest

from counselbench.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"actor": actor, "nav_items": navigation_for(actor)}

"""Template context every page needs: the actor and the navigation for their role."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from counselbench.core.navigation import navigation_for
from counselbench.organizations.selectors import memberships_of_user


def shell(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {
        "actor": actor,
        "nav_items": navigation_for(actor),
        # For the organization switcher; one query, and only on pages that render it.
        "my_memberships": SimpleLazyObject(lambda: list(memberships_of_user(actor))),
    }

"""The home page and the liveness probe."""

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from counselbench.access.policy import ActorRequest
from counselbench.organizations.selectors import members


@require_GET
def home(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_authenticated:
        return render(request, "core/landing.html")
    context = {"member_count": members(actor).count() if actor.organization else 0}
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: ActorRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers. Touches no database on purpose."""
    return JsonResponse({"status": "ok"})


def not_found(request: ActorRequest, exception=None) -> HttpResponse:
    """404 in the API's error shape under /api/, as a page elsewhere."""
    if request.path.startswith("/api/"):
        from counselbench.core.errors import CoreErrorCode, error_payload

        return JsonResponse(
            error_payload(CoreErrorCode.NOT_FOUND, "No such API route."), status=404
        )
    return render(
        request,
        "core/error.html",
        {"error": {"message": "This page does not exist.", "status": 404}},
        status=404,
    )


@require_GET
def favicon(request: ActorRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages without an icon link (the API docs, PDFs)."""
    return HttpResponseRedirect(static("counselbench/favicon.svg"))

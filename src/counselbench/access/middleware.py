"""Per-request security: session timeouts, the Actor, and a firm's two-factor requirement."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from counselbench.access import log
from counselbench.access.policy import ANONYMOUS, ActorRequest, actor_for
from counselbench.core.errors import CoreErrorCode, error_payload

SESSION_ORG = "cb_org_id"
SESSION_STARTED = "cb_auth_started"
SESSION_SEEN = "cb_auth_seen"
# Write the "last seen" stamp at most this often, so a busy page does not rewrite its session on
# every request; idle timeouts are therefore accurate to within this many seconds.
_SEEN_RESOLUTION = 60


def _is_api(request: ActorRequest) -> bool:
    return request.path.startswith("/api/")


def _end_session(request: ActorRequest, message: str) -> HttpResponse | None:
    logout(request)
    if _is_api(request):
        return None  # the API answers 401 itself for an anonymous caller
    messages.warning(request, message)
    if request.method == "GET":
        return redirect(
            f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
        )
    return redirect("account_login")


class SessionTimeoutMiddleware:
    """Idle and absolute session timeouts (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: ActorRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen > settings.SESSION_IDLE_TIMEOUT
            ):
                response = _end_session(
                    request, "You were signed out after a period of inactivity."
                )
                if response is not None:
                    return response
            else:
                if SESSION_STARTED not in request.session:
                    request.session[SESSION_STARTED] = now
                if now - seen >= _SEEN_RESOLUTION or SESSION_SEEN not in request.session:
                    request.session[SESSION_SEEN] = now
        return self.get_response(request)


# Pages a member must still reach while their firm requires two-factor and they have none yet.
_MFA_SETUP_PREFIXES = ("/accounts/", "/static/", "/healthz")


class ActorMiddleware:
    """Resolves `request.actor` once. A session whose membership was removed ends here, and a
    member of a firm that requires two-factor is sent to set it up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: ActorRequest) -> HttpResponse:
        request.actor = ANONYMOUS
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)

        from counselbench.organizations.models import Organization

        org_id = request.session.get(SESSION_ORG)
        organization = Organization.objects.filter(pk=org_id).first() if org_id else None
        actor = actor_for(user, organization)
        if org_id and actor.organization is None:
            log.record(
                "session.ended_membership_removed", actor=user, organization=org_id, request=request
            )
            response = _end_session(request, "Your access to that organization has ended.")
            if response is not None:
                return response
            return self.get_response(request)
        if actor.organization is None:
            first = user.memberships.select_related("organization").first()
            if first is not None:
                actor = actor_for(user, first.organization)
                request.session[SESSION_ORG] = first.organization_id
        request.actor = actor

        blocked = mfa_requirement_response(request)
        if blocked is not None:
            return blocked
        return self.get_response(request)


def mfa_requirement_response(request: ActorRequest) -> HttpResponse | None:
    """Refuse everything but two-factor setup while the current organization requires it."""

    actor = request.actor
    if actor.organization is None or not actor.organization.require_mfa:
        return None
    if actor.has_two_factor():
        return None
    message = (
        f"{actor.organization.name} requires two-factor authentication. Set it up to continue."
    )
    if _is_api(request):
        return JsonResponse(error_payload(CoreErrorCode.MFA_REQUIRED, message), status=403)
    if request.path.startswith(_MFA_SETUP_PREFIXES):
        return None
    messages.warning(request, message)
    return redirect("mfa_activate_totp")

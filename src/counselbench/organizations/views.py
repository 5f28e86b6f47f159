"""Organization pages: create, switch, members and invitations, settings, activity log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from counselbench.access.middleware import SESSION_ORG
from counselbench.access.policy import Action, ActorRequest, can, fetch, require
from counselbench.core.errors import DomainError
from counselbench.core.forms import add_domain_error
from counselbench.core.pagination import page_of
from counselbench.organizations import selectors, services
from counselbench.organizations.forms import (
    InviteForm,
    OrganizationForm,
    SettingsForm,
    role_choices,
)
from counselbench.organizations.models import Membership, Organization, Role, roles_for_kind


@login_required
@require_http_methods(["GET", "POST"])
def create(request: ActorRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(
                request.actor, request=request, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session[SESSION_ORG] = organization.pk
            messages.success(request, f"{organization.name} is ready. Invite your colleagues.")
            return redirect("organizations:members")
    return render(request, "organizations/create.html", {"form": form})


@login_required
@require_POST
def switch(request: ActorRequest, organization_id: int) -> HttpResponse:
    organization = fetch(request.actor, Organization, Action.ACT_IN, pk=organization_id)
    request.session[SESSION_ORG] = organization.pk
    messages.info(request, f"You are now working in {organization.name}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    organization = request.actor.current_organization
    may_manage = can(actor, Action.MANAGE, organization)
    form = (
        InviteForm(
            request.POST or None,
            organization=organization,
            initial={"role": roles_for_kind(organization.kind)[1]},
        )
        if may_manage
        else None
    )
    if request.method == "POST":
        require(actor, Action.INVITE, organization)
        if form.is_valid():
            try:
                invitation = services.invite_member(actor, request=request, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("organizations:members")
    return render(
        request,
        "organizations/members.html",
        {
            "page": page_of(request, selectors.members(actor)),
            "invitations": selectors.invitations(actor, open_only=True)[:50],
            "form": form,
            "may_manage": may_manage,
            "role_choices": role_choices(organization),
        },
    )


@login_required
@require_POST
def change_role(request: ActorRequest, membership_id: int) -> HttpResponse:
    """The member row's form: the role, and for a staff member the billing permission."""
    try:
        with transaction.atomic():
            membership = fetch(request.actor, Membership, Action.CHANGE, pk=membership_id)
            if "role" in request.POST:
                membership = services.change_role(
                    request.actor,
                    membership_id=membership_id,
                    role=request.POST.get("role", ""),
                    request=request,
                )
            if "billing_field" in request.POST and membership.role == Role.STAFF:
                membership = services.set_billing_permission(
                    request.actor,
                    membership_id=membership_id,
                    billing=request.POST.get("billing") == "on",
                    request=request,
                )
        error = None
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        membership = fetch(request.actor, Membership, pk=membership_id)
        error = exc
    if request.headers.get("HX-Request"):
        return render(
            request,
            "organizations/_member_row.html",
            {
                "membership": membership,
                "may_manage": True,
                "error": error,
                "saved": error is None,
                "role_choices": role_choices(request.actor.organization),
            },
            status=200 if error is None else error.status,
        )
    if error:
        messages.error(request, f"{error.message} {error.unblock}".strip())
    else:
        messages.success(
            request,
            f"{membership.user.display_name} is now {membership.get_role_display().lower()}"
            f"{' with the billing permission' if membership.billing else ''}.",
        )
    return redirect("organizations:members")


@login_required
@require_POST
def remove_member(request: ActorRequest, membership_id: int) -> HttpResponse:
    try:
        services.remove_member(request.actor, membership_id=membership_id, request=request)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, f"{error.message} {error.unblock}".strip())
    else:
        messages.success(
            request, "Member removed. Their access ended and their API tokens were revoked."
        )
    return redirect("organizations:members")


@login_required
@require_POST
def revoke_invitation(request: ActorRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = services.revoke_invitation(
            request.actor, invitation_id=invitation_id, request=request
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("organizations:members")


@login_required
@require_http_methods(["GET", "POST"])
def organization_settings(request: ActorRequest) -> HttpResponse:
    organization = request.actor.current_organization
    require(request.actor, Action.MANAGE, organization)
    form = SettingsForm(
        request.POST or None,
        initial={
            "name": organization.name,
            "time_zone": organization.time_zone,
            "require_mfa": organization.require_mfa,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(request.actor, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("organizations:settings")
    return render(request, "organizations/settings.html", {"form": form})


@login_required
def activity(request: ActorRequest) -> HttpResponse:
    organization = request.actor.current_organization
    require(request.actor, Action.MANAGE, organization)
    return render(
        request,
        "organizations/activity.html",
        {"page": page_of(request, selectors.activity(request.actor))},
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: ActorRequest, token: str) -> HttpResponse:
    """The emailed link. Public: it tells an anonymous visitor to sign in or sign up first."""
    try:
        invitation = services.invitation_from_token(token)
    except DomainError as error:
        return render(
            request, "organizations/invitation_accept.html", {"error": error}, status=error.status
        )
    actor = request.actor
    if request.method == "POST" and actor.is_authenticated:
        try:
            membership = services.accept_invitation(actor.user, token=token, request=request)
        except DomainError as error:
            return render(
                request,
                "organizations/invitation_accept.html",
                {"invitation": invitation, "error": error},
                status=error.status,
            )
        request.session[SESSION_ORG] = membership.organization_id
        messages.success(request, f"Welcome to {membership.organization.name}.")
        return redirect("home")
    next_qs = urlencode({"next": request.path})
    return render(
        request,
        "organizations/invitation_accept.html",
        {
            "invitation": invitation,
            "email_matches": actor.is_authenticated
            and actor.user.email.lower() == invitation.email.lower(),
            "next_qs": next_qs,
        },
    )

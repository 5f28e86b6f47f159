"""Account pages: profile and API tokens. Password, email and two-factor are allauth's pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from counselbench.access.policy import ActorRequest
from counselbench.accounts import selectors, services
from counselbench.accounts.forms import ProfileForm, TokenForm
from counselbench.core.errors import DomainError
from counselbench.core.forms import add_domain_error
from counselbench.core.pagination import page_of
from counselbench.organizations.selectors import memberships_of_user, organizations_of


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: ActorRequest) -> HttpResponse:
    user = request.actor.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        user.full_name = form.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "two_factor": selectors.has_two_factor(user),
            "memberships": memberships_of_user(request.actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    organizations = list(organizations_of(actor))
    initial = {"organization": actor.organization.slug if actor.organization else None}
    form = TokenForm(request.POST or None, organizations=organizations, initial=initial)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_token(
                actor,
                name=form.cleaned_data["name"],
                organization_slug=form.cleaned_data["organization"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            form = TokenForm(organizations=organizations, initial=initial)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "secret": secret,
            "has_organizations": bool(organizations),
            "page": page_of(request, selectors.tokens_for(actor)),
        },
    )


@login_required
@require_POST
def revoke_token(request: ActorRequest, token_id: int) -> HttpResponse:
    token = services.revoke_token(request.actor, token_id=token_id, request=request)
    messages.success(request, f"Token “{token.name}” revoked. Requests using it now get 401.")
    return redirect("accounts:tokens")

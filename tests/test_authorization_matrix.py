"""The authorization matrix: every URL pattern and API operation × every role → expected status.

"Own organization" objects belong to the cast's firm (Whitfield & Moreno); the outsider owns
another firm, the provider roles belong to a provider, the contractor has no membership at all.
So for an object URL the outsider's and provider roles' columns are the "other organization" case.

`test_every_route_is_in_the_matrix` fails when a route exists that this table does not list (and
when the table lists a route that no longer exists). Later capabilities add their rows here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from counselbench.accounts.services import create_token
from counselbench.api import api
from counselbench.engagements.classification import QUESTIONS
from counselbench.organizations.services import invitation_token
from counselbench.selfaudit.services import (
    EntryInput,
    ParticipantInput,
    add_entries,
    create_audit,
)
from counselbench.talent.models import SoftSkill
from tests.billing import matrix as billing_matrix
from tests.billing import money_matrix, money_pages_matrix
from tests.factories import InvitationFactory
from tests.insights import matrix as insights_matrix
from tests.intake import matrix_booking, matrix_leads, matrix_reception
from tests.matters import matrix as matters_matrix
from tests.trust import pages_matrix as trust_pages_matrix

# The policy builds the same querysets on either database, so CI runs these thousands of
# requests once, on SQLite; every API operation still meets PostgreSQL in the schema fuzz.
pytestmark = pytest.mark.once

ROLES = (
    "anonymous",
    "owner",
    "attorney",
    "staff",
    "provider_admin",
    "vetting_staff",
    "contractor",
    "outsider",
)
LOGIN = "login"  # 302 to the sign-in page
ADMIN_LOGIN = "admin-login"  # 302 to the Django admin's sign-in page
REAUTH = "reauth"  # 302 to "confirm your password" (re-authentication before a security change)


def membership_of(cast, name):
    return getattr(cast, name).memberships.get()


def owner_token_id(cast):
    token, _ = create_token(cast.actor("owner"), name="matrix", organization_slug="our-firm")
    return token.pk


def our_invitation(cast):
    return InvitationFactory(organization=cast.firm, invited_by=cast.owner)


def our_audit(cast):
    """A one-week audit of our firm with the owner, attorney and staff taking part."""
    people = [
        ParticipantInput(cast.owner.pk, "attorney", 45000),
        ParticipantInput(cast.attorney.pk, "attorney", 30000),
        ParticipantInput(cast.staff.pk, "paralegal", 4000),
    ]
    return create_audit(cast.actor("owner"), name="Week", participants=people)


def attorney_entry(cast):
    audit = our_audit(cast)
    (entry,) = add_entries(
        cast.actor("attorney"),
        audit_id=audit.pk,
        entries=[EntryInput(cast.attorney.pk, audit.starts_on, 45, "Draft motion to compel")],
    )
    return entry


@dataclass(frozen=True)
class Route:
    key: str  # the URL pattern (HTML) or "METHOD /api/v1/path" (API)
    method: str
    url: Callable[[Any], str]
    expect: tuple  # one entry per ROLES
    data: dict | Callable[[Any], dict] = field(default_factory=dict)
    json: bool = False


def _u(name: str, *args_from: Callable) -> Callable:
    return lambda cast: reverse(name, args=[f(cast) for f in args_from])


MEMBER_ID = lambda c: membership_of(c, "attorney").pk  # noqa: E731
INVITATION_ID = lambda c: our_invitation(c).pk  # noqa: E731
INVITE_TOKEN = lambda c: invitation_token(our_invitation(c))  # noqa: E731

#          anon    owner attorney staff prov_admin vetting contractor outsider
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_REDIRECT = (LOGIN, 302, 302, 302, 302, 302, 302, 302)
ANON_ONLY = (200, 302, 302, 302, 302, 302, 302, 302)
ORG_MEMBERS = (LOGIN, 200, 200, 200, 200, 200, 404, 200)
ORG_ADMINS = (LOGIN, 200, 403, 403, 200, 403, 404, 200)
# An object of our firm that only its owner may change.
OUR_OBJECT_OWNER = (LOGIN, 302, 403, 403, 404, 404, 404, 404)
API_ME = (401, 200, 200, 200, 200, 200, 200, 200)

ROUTES: list[Route] = [
    # --- Pages ----------------------------------------------------------------------------
    Route("", "GET", _u("home"), PUBLIC),
    Route("healthz", "GET", _u("healthz"), PUBLIC),
    Route("favicon.ico", "GET", lambda c: "/favicon.ico", (302,) * 8),
    Route("profile/", "GET", _u("accounts:profile"), SIGNED_IN),
    Route("profile/tokens/", "GET", _u("accounts:tokens"), SIGNED_IN),
    Route(
        "profile/tokens/<int:token_id>/revoke/",
        "POST",
        _u("accounts:revoke_token", owner_token_id),
        (LOGIN, 302, 404, 404, 404, 404, 404, 404),
    ),
    Route("org/new/", "GET", _u("organizations:create"), SIGNED_IN),
    Route(
        "org/switch/<int:organization_id>/",
        "POST",
        _u("organizations:switch", lambda c: c.firm.pk),
        (LOGIN, 302, 302, 302, 404, 404, 404, 404),
    ),
    Route("org/members/", "GET", _u("organizations:members"), ORG_MEMBERS),
    Route(
        "org/members/<int:membership_id>/role/",
        "POST",
        _u("organizations:change_role", MEMBER_ID),
        OUR_OBJECT_OWNER,
        data={"role": "staff"},
    ),
    Route(
        "org/members/<int:membership_id>/remove/",
        "POST",
        _u("organizations:remove_member", MEMBER_ID),
        OUR_OBJECT_OWNER,
    ),
    # Invitations are visible to administrators only, so other members get 404, not 403.
    Route(
        "org/invitations/<int:invitation_id>/revoke/",
        "POST",
        _u("organizations:revoke_invitation", INVITATION_ID),
        (LOGIN, 302, 404, 404, 404, 404, 404, 404),
    ),
    Route("org/settings/", "GET", _u("organizations:settings"), ORG_ADMINS),
    Route("org/activity/", "GET", _u("organizations:activity"), ORG_ADMINS),
    Route(
        "invitations/<str:token>/",
        "GET",
        _u("organizations:invitation_accept", INVITE_TOKEN),
        PUBLIC,
    ),
    # Accepting someone else's invitation: refused (409) for everyone signed in as another email.
    Route(
        "invitations/<str:token>/",
        "POST",
        _u("organizations:invitation_accept", INVITE_TOKEN),
        (200, 409, 409, 409, 409, 409, 409, 409),
    ),
    Route("admin/", "GET", _u("admin:index"), (ADMIN_LOGIN,) * 8),
    # --- Sign-in and account pages (allauth) -------------------------------------------------
    Route("accounts/login/", "GET", _u("account_login"), ANON_ONLY),
    Route(
        "accounts/logout/", "GET", _u("account_logout"), (302, 200, 200, 200, 200, 200, 200, 200)
    ),
    Route("accounts/inactive/", "GET", _u("account_inactive"), PUBLIC),
    Route("accounts/signup/", "GET", _u("account_signup"), ANON_ONLY),
    Route("accounts/reauthenticate/", "GET", _u("account_reauthenticate"), SIGNED_IN),
    Route(
        "accounts/reauthenticate/code/",
        "GET",
        _u("account_request_reauthentication_code"),
        SIGNED_IN,
    ),
    Route(
        "accounts/reauthenticate/code/confirm/",
        "GET",
        _u("account_confirm_reauthentication_code"),
        (LOGIN,) + (REAUTH,) * 7,  # no code was requested: back to "confirm it's you"
    ),
    Route("accounts/email/", "GET", _u("account_email"), SIGNED_IN),
    Route("accounts/confirm-email/", "GET", _u("account_email_verification_sent"), PUBLIC),
    Route("accounts/password/change/", "GET", _u("account_change_password"), SIGNED_IN),
    # Every user here has a password, so "set password" sends them to "change password".
    Route("accounts/password/set/", "GET", _u("account_set_password"), SIGNED_IN_REDIRECT),
    Route("accounts/password/reset/", "GET", _u("account_reset_password"), PUBLIC),
    Route(
        "accounts/login/code/confirm/", "GET", _u("account_confirm_login_code"), SIGNED_IN_REDIRECT
    ),
    Route(
        "accounts/^confirm-email/(?P<key>[-:\\w]+)/$",
        "GET",
        lambda c: reverse("account_confirm_email", args=["not-a-real-key"]),
        PUBLIC,
    ),
    Route(
        "accounts/password/reset/key/done/",
        "GET",
        _u("account_reset_password_from_key_done"),
        PUBLIC,
    ),
    Route(
        "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        "GET",
        lambda c: reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x"}),
        PUBLIC,
    ),
    Route("accounts/password/reset/done/", "GET", _u("account_reset_password_done"), PUBLIC),
    Route("accounts/2fa/", "GET", _u("mfa_index"), SIGNED_IN),
    Route("accounts/2fa/authenticate/", "GET", _u("mfa_authenticate"), SIGNED_IN_REDIRECT),
    # Without an authenticator, two-factor re-authentication falls back to the password.
    Route(
        "accounts/2fa/reauthenticate/", "GET", _u("mfa_reauthenticate"), (LOGIN,) + (REAUTH,) * 7
    ),
    # Turning on two-factor asks for the password again first (force_login is not a fresh sign-in).
    Route("accounts/2fa/totp/activate/", "GET", _u("mfa_activate_totp"), (LOGIN,) + (REAUTH,) * 7),
    # No one in the cast has TOTP yet: deactivating or viewing recovery codes has nothing to show.
    Route(
        "accounts/2fa/totp/deactivate/",
        "GET",
        _u("mfa_deactivate_totp"),
        (LOGIN, 404, 404, 404, 404, 404, 404, 404),
    ),
    Route(
        "accounts/2fa/recovery-codes/",
        "GET",
        _u("mfa_view_recovery_codes"),
        (LOGIN, 404, 404, 404, 404, 404, 404, 404),
    ),
    Route(
        "accounts/2fa/recovery-codes/generate/",
        "GET",
        _u("mfa_generate_recovery_codes"),
        (LOGIN,) + (REAUTH,) * 7,
    ),
    Route(
        "accounts/2fa/recovery-codes/download/",
        "GET",
        _u("mfa_download_recovery_codes"),
        (LOGIN, 404, 404, 404, 404, 404, 404, 404),
    ),
    # --- API ------------------------------------------------------------------------------
    Route("api/v1/openapi.json", "GET", lambda c: "/api/v1/openapi.json", PUBLIC),
    Route("api/v1/docs", "GET", lambda c: "/api/v1/docs", PUBLIC),
    Route("api/v1/", "GET", lambda c: "/api/v1/", (404,) * 8),
    Route("GET /api/v1/me", "GET", lambda c: "/api/v1/me", API_ME),
    Route("GET /api/v1/tokens", "GET", lambda c: "/api/v1/tokens", API_ME),
    Route(
        "POST /api/v1/tokens",
        "POST",
        lambda c: "/api/v1/tokens",
        (401, 201, 201, 201, 201, 201, 403, 201),
        data={"name": "ci"},
        json=True,
    ),
    Route(
        "DELETE /api/v1/tokens/{token_id}",
        "DELETE",
        lambda c: f"/api/v1/tokens/{owner_token_id(c)}",
        (401, 204, 404, 404, 404, 404, 404, 404),
    ),
    Route("GET /api/v1/organizations", "GET", lambda c: "/api/v1/organizations", API_ME),
    Route(
        "POST /api/v1/organizations",
        "POST",
        lambda c: "/api/v1/organizations",
        (401, 201, 201, 201, 201, 201, 201, 201),
        data={"name": "New Practice PLLC", "kind": "law_firm"},
        json=True,
    ),
    Route(
        "GET /api/v1/organizations/current",
        "GET",
        lambda c: "/api/v1/organizations/current",
        (401, 200, 200, 200, 200, 200, 404, 200),
    ),
    Route(
        "PATCH /api/v1/organizations/current",
        "PATCH",
        lambda c: "/api/v1/organizations/current",
        (401, 200, 403, 403, 200, 403, 404, 200),
        data={"name": "Renamed"},
        json=True,
    ),
    Route("GET /api/v1/memberships", "GET", lambda c: "/api/v1/memberships", API_ME),
    Route(
        "PATCH /api/v1/memberships/{membership_id}",
        "PATCH",
        lambda c: f"/api/v1/memberships/{MEMBER_ID(c)}",
        (401, 200, 403, 403, 404, 404, 404, 404),
        data={"role": "staff"},
        json=True,
    ),
    Route(
        "DELETE /api/v1/memberships/{membership_id}",
        "DELETE",
        lambda c: f"/api/v1/memberships/{MEMBER_ID(c)}",
        (401, 204, 403, 403, 404, 404, 404, 404),
    ),
    Route("GET /api/v1/invitations", "GET", lambda c: "/api/v1/invitations", API_ME),
    # A provider has no "attorney" role: its admin may invite, but not with that role (422).
    Route(
        "POST /api/v1/invitations",
        "POST",
        lambda c: "/api/v1/invitations",
        (401, 201, 403, 403, 422, 403, 403, 201),
        data={"email": "new.person@example.com", "role": "attorney"},
        json=True,
    ),
    Route(
        "DELETE /api/v1/invitations/{invitation_id}",
        "DELETE",
        lambda c: f"/api/v1/invitations/{INVITATION_ID(c)}",
        (401, 204, 404, 404, 404, 404, 404, 404),
    ),
    Route(
        "POST /api/v1/invitations/accept",
        "POST",
        lambda c: "/api/v1/invitations/accept",
        (401, 409, 409, 409, 409, 409, 409, 409),
        json=True,
        data=lambda c: {"token": INVITE_TOKEN(c)},
    ),
]

AUDIT = lambda c: our_audit(c).pk  # noqa: E731
OUR_CATEGORY = lambda c: our_audit(c).organization.task_categories.get(key="e-filing").pk  # noqa: E731
OUR_RATE = lambda c: our_audit(c).organization.market_rates.get(level="paralegal").pk  # noqa: E731
OUR_FIRM_API = (401, 200, 200, 200, 404, 404, 404, 404)
OUR_FIRM_OWNER_API = (401, 200, 403, 403, 404, 404, 404, 404)

ROUTES += [
    # --- Self-audit -------------------------------------------------------------------------
    Route("audits/", "GET", _u("selfaudit:audit_list"), ORG_MEMBERS),
    # Staff see the audit (and their own time) but not the hit list, which shows hourly values.
    Route(
        "audits/<int:audit_id>/fit/<int:category_id>/",
        "POST",
        lambda c: (
            lambda a: reverse(
                "selfaudit:answer_fit_test",
                args=[a.pk, a.organization.task_categories.get(key="e-filing").pk],
            )
        )(our_audit(c)),
        OUR_OBJECT_OWNER,
    ),
    # No outsourceable work in the matrix's audit: the ROI pages explain it (409) to those who
    # may see hourly values; staff may not (403).
    Route(
        "audits/<int:audit_id>/roi/",
        "GET",
        _u("selfaudit:audit_roi", AUDIT),
        (LOGIN, 409, 409, 403, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/summary/",
        "GET",
        _u("selfaudit:audit_summary", AUDIT),
        (LOGIN, 409, 409, 403, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/summary.pdf",
        "GET",
        _u("selfaudit:audit_summary_pdf", AUDIT),
        (LOGIN, 409, 409, 403, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/choose/",
        "POST",
        _u("selfaudit:choose_process", AUDIT),
        OUR_OBJECT_OWNER,
    ),
    Route("audits/taxonomy/", "GET", _u("selfaudit:taxonomy"), ORG_MEMBERS),
    # Adding a category: each firm's owner edits their own firm's taxonomy (the outsider, too).
    Route(
        "audits/taxonomy/",
        "POST",
        _u("selfaudit:taxonomy"),
        (LOGIN, 302, 403, 403, 403, 403, 404, 302),
        data={"add-name": "Lien searches", "add-level": "paralegal"},
    ),
    Route(
        "audits/taxonomy/<int:category_id>/",
        "GET",
        lambda c: reverse("selfaudit:category_edit", args=[OUR_CATEGORY(c)]),
        (LOGIN, 200, 403, 403, 404, 404, 404, 404),
    ),
    Route(
        "audits/taxonomy/<int:category_id>/retire/",
        "POST",
        lambda c: reverse("selfaudit:category_retire", args=[OUR_CATEGORY(c)]),
        OUR_OBJECT_OWNER,
        data={"retired": "1"},
    ),
    Route(
        "audits/taxonomy/rates/<int:rate_id>/",
        "POST",
        lambda c: reverse("selfaudit:market_rate_edit", args=[OUR_RATE(c)]),
        OUR_OBJECT_OWNER,
        data=lambda c: {f"rate{OUR_RATE(c)}-rate": "31.50", f"rate{OUR_RATE(c)}-source": "Quote"},
    ),
    Route(
        "audits/<int:audit_id>/edit/",
        "GET",
        _u("selfaudit:audit_edit", AUDIT),
        (LOGIN, 200, 403, 403, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/edit/",
        "POST",
        _u("selfaudit:audit_edit", AUDIT),
        OUR_OBJECT_OWNER,
        data=lambda c: (
            lambda a: {
                "name": "Renamed",
                "starts_on": str(a.starts_on),
                **{f"level_{p.user_id}": p.level for p in a.participants.all()},
                **{f"value_{p.user_id}": "100" for p in a.participants.all()},
            }
        )(our_audit(c)),
    ),
    Route(
        "audits/new/",
        "GET",
        _u("selfaudit:audit_create"),
        (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    ),
    Route(
        "audits/<int:audit_id>/import/",
        "GET",
        _u("selfaudit:audit_import", AUDIT),
        (LOGIN, 200, 200, 200, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/categorize/",
        "GET",
        _u("selfaudit:audit_categorize", AUDIT),
        (LOGIN, 200, 200, 200, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/log/",
        "GET",
        _u("selfaudit:audit_log", AUDIT),
        (LOGIN, 200, 200, 200, 404, 404, 404, 404),
    ),
    # Every firm role logs a row of the staff member's time (staff: their own) from the grid.
    Route(
        "audits/<int:audit_id>/log/",
        "POST",
        _u("selfaudit:audit_log", AUDIT),
        (LOGIN, 302, 302, 302, 404, 404, 404, 404),
        data=lambda c: {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-person": str(c.staff.pk),
            "form-0-date": str(__import__("django.utils.timezone").utils.timezone.localdate()),
            "form-0-duration": "0:30",
            "form-0-description": "Index the binder",
        },
    ),
    Route(
        "audits/<int:audit_id>/week/",
        "GET",
        _u("selfaudit:audit_week", AUDIT),
        (LOGIN, 200, 200, 200, 404, 404, 404, 404),
    ),
    # The attorney's entry: staff cannot see it (404), like another firm.
    Route(
        "audits/<int:audit_id>/entries/<int:entry_id>/",
        "POST",
        lambda c: (lambda e: reverse("selfaudit:entry_update", args=[e.audit_id, e.pk]))(
            attorney_entry(c)
        ),
        (LOGIN, 302, 302, 404, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/entries/<int:entry_id>/delete/",
        "POST",
        lambda c: (lambda e: reverse("selfaudit:entry_delete", args=[e.audit_id, e.pk]))(
            attorney_entry(c)
        ),
        (LOGIN, 302, 302, 404, 404, 404, 404, 404),
    ),
    Route(
        "audits/<int:audit_id>/",
        "GET",
        _u("selfaudit:audit_detail", AUDIT),
        (LOGIN, 200, 200, 200, 404, 404, 404, 404),
    ),
    Route("GET /api/v1/audits", "GET", lambda c: "/api/v1/audits", API_ME),
    Route(
        "POST /api/v1/audits",
        "POST",
        lambda c: "/api/v1/audits",
        (401, 201, 403, 403, 403, 403, 403, 201),
        data={"name": "Week of March 3"},
        json=True,
    ),
    Route(
        "GET /api/v1/audits/{audit_id}", "GET", lambda c: f"/api/v1/audits/{AUDIT(c)}", OUR_FIRM_API
    ),
    Route(
        "PATCH /api/v1/audits/{audit_id}",
        "PATCH",
        lambda c: f"/api/v1/audits/{AUDIT(c)}",
        OUR_FIRM_OWNER_API,
        data={"name": "Renamed"},
        json=True,
    ),
    Route(
        "DELETE /api/v1/audits/{audit_id}",
        "DELETE",
        lambda c: f"/api/v1/audits/{AUDIT(c)}",
        (401, 204, 403, 403, 404, 404, 404, 404),
    ),
    Route(
        "POST /api/v1/audits/{audit_id}/participants",
        "POST",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/participants",
        OUR_FIRM_OWNER_API,
        json=True,
        data=lambda c: {
            "user_id": c.staff.pk,
            "level": "administrative",
            "hourly_value_cents": 3500,
        },
    ),
    Route(
        "GET /api/v1/audits/{audit_id}/entries",
        "GET",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/entries",
        OUR_FIRM_API,
    ),
    # Each role logs for the staff member: staff may log their own time; anyone else's → 422.
    Route(
        "POST /api/v1/audits/{audit_id}/entries",
        "POST",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/entries",
        (401, 201, 201, 201, 404, 404, 404, 404),
        json=True,
        data=lambda c: {
            "entries": [
                {
                    "user_id": c.staff.pk,
                    "date": str(__import__("datetime").date.today()),
                    "minutes": 30,
                    "description": "E-file answer",
                }
            ]
        },
    ),
    # Staff see only their own entries, so the attorney's entry is not found for them.
    Route(
        "PATCH /api/v1/audits/{audit_id}/entries/{entry_id}",
        "PATCH",
        lambda c: (lambda e: f"/api/v1/audits/{e.audit_id}/entries/{e.pk}")(attorney_entry(c)),
        (401, 200, 200, 404, 404, 404, 404, 404),
        data={"minutes": 60},
        json=True,
    ),
    Route(
        "DELETE /api/v1/audits/{audit_id}/entries/{entry_id}",
        "DELETE",
        lambda c: (lambda e: f"/api/v1/audits/{e.audit_id}/entries/{e.pk}")(attorney_entry(c)),
        (401, 204, 204, 404, 404, 404, 404, 404),
    ),
    # The hit list shows hourly values: owners and attorneys only.
    Route(
        "GET /api/v1/audits/{audit_id}/hit-list",
        "GET",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/hit-list",
        (401, 200, 200, 403, 404, 404, 404, 404),
    ),
    # A preview: staff may import their own time, so they get the preview too.
    Route(
        "POST /api/v1/audits/{audit_id}/import",
        "POST",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/import",
        OUR_FIRM_API,
        json=True,
        data={"csv": "Date,User,Description,Duration\n"},
    ),
    Route(
        "PUT /api/v1/audits/{audit_id}/fit-test/{category_id}",
        "PUT",
        lambda c: (
            lambda a: (
                f"/api/v1/audits/{a.pk}/fit-test/"
                f"{a.organization.task_categories.get(key='e-filing').pk}"
            )
        )(our_audit(c)),
        OUR_FIRM_OWNER_API,
        json=True,
        data={"others_could_do_it": True},
    ),
    Route(
        "POST /api/v1/audits/{audit_id}/choice",
        "POST",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/choice",
        OUR_FIRM_OWNER_API,
        json=True,
        data={"category_id": None},
    ),
    # Without outsourceable work the owner gets 409 (nothing to model): the rule, not the role.
    Route(
        "POST /api/v1/audits/{audit_id}/roi",
        "POST",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/roi",
        (401, 409, 409, 403, 404, 404, 404, 404),
        json=True,
        data={},
    ),
    Route(
        "GET /api/v1/audits/{audit_id}/suggestions",
        "GET",
        lambda c: f"/api/v1/audits/{AUDIT(c)}/suggestions",
        OUR_FIRM_API,
    ),
    Route(
        "POST /api/v1/task-categories",
        "POST",
        lambda c: "/api/v1/task-categories",
        (401, 201, 403, 403, 403, 403, 403, 201),
        json=True,
        data={"name": "Immigration forms", "level": "paralegal"},
    ),
    Route(
        "PATCH /api/v1/task-categories/{category_id}",
        "PATCH",
        lambda c: f"/api/v1/task-categories/{our_audit(c).organization.task_categories.first().pk}",
        OUR_FIRM_OWNER_API,
        json=True,
        data={"name": "Renamed"},
    ),
    Route("GET /api/v1/market-rates", "GET", lambda c: "/api/v1/market-rates", API_ME),
    Route(
        "PATCH /api/v1/market-rates/{rate_id}",
        "PATCH",
        lambda c: f"/api/v1/market-rates/{our_audit(c).organization.market_rates.first().pk}",
        OUR_FIRM_OWNER_API,
        json=True,
        data={"hourly_rate_cents": 3000},
    ),
    Route("GET /api/v1/task-categories", "GET", lambda c: "/api/v1/task-categories", API_ME),
]


# --- Talent bench ---------------------------------------------------------------------------


def vetted_contractor(cast):
    """The contractor (a paralegal of our provider), vetted, matching a paralegal posting."""
    from django.utils import timezone

    from counselbench.talent import indexing
    from counselbench.talent.models import ProfileTag

    profile = cast.contractor.professional_profile
    profile.vetted_at = timezone.localdate()
    profile.hours_available, profile.hourly_rate_cents = 30, 3000
    profile.save()
    ProfileTag.objects.get_or_create(profile=profile, kind="language", value="en")
    indexing.refresh(profile)
    return profile


def our_posting(cast):
    from counselbench.talent.services import create_posting

    return create_posting(
        cast.actor("owner"),
        data={
            "title": "Paralegal",
            "role": "paralegal",
            "practice_area": "litigation",
            "jurisdiction": "TX",
            "responsibilities": "Discovery",
            "hours_per_week": 10,
            "budget_high_cents": 4000,
            "status": "open",
        },
    )


def our_candidate(cast, state="shortlisted"):
    from counselbench.talent.models import Candidate
    from counselbench.talent.services import ensure_questions

    posting = our_posting(cast)
    ensure_questions(posting)
    return Candidate.objects.create(
        posting=posting, professional=vetted_contractor(cast), score=50, state=state
    )


def contractor_admission(cast):
    from counselbench.talent.models import BarAdmission

    return BarAdmission.objects.create(
        profile=cast.contractor.professional_profile, state="TX", number="123"
    )


def invited_candidate(cast):
    """One invited candidate per test, shared by the URL and the body that names its question."""
    if not hasattr(cast, "invited_candidate"):
        cast.invited_candidate = our_candidate(cast, state="invited")
    return cast.invited_candidate


PRO = lambda c: vetted_contractor(c).pk  # noqa: E731
INVITED = lambda c: invited_candidate(c).pk  # noqa: E731
FIRST_QUESTION = lambda c: invited_candidate(c).posting.interview_questions.first().pk  # noqa: E731
POSTING_ID = lambda c: our_posting(c).pk  # noqa: E731
SIGNED_IN_API = (401, 200, 200, 200, 200, 200, 200, 200)
ONLY_PROFESSIONALS = (401, 404, 404, 404, 404, 404, 200, 404)
VETTERS = (401, 403, 403, 403, 201, 201, 403, 403)
POSTING_EDITORS_API = (401, 200, 200, 403, 404, 404, 403, 404)

ROUTES += [
    Route("GET /api/v1/professionals", "GET", lambda c: "/api/v1/professionals", SIGNED_IN_API),
    Route(
        "GET /api/v1/professionals/me",
        "GET",
        lambda c: "/api/v1/professionals/me",
        ONLY_PROFESSIONALS,
    ),
    Route(
        "PATCH /api/v1/professionals/me",
        "PATCH",
        lambda c: "/api/v1/professionals/me",
        ONLY_PROFESSIONALS,
        json=True,
        data={"headline": "Discovery paralegal"},
    ),
    # The contractor is a paralegal: declaring a bar admission is refused with a reason.
    Route(
        "POST /api/v1/professionals/me/bar-admissions",
        "POST",
        lambda c: "/api/v1/professionals/me/bar-admissions",
        (401, 404, 404, 404, 404, 404, 422, 404),
        json=True,
        data={"state": "TX", "number": "24012345"},
    ),
    # A vetted professional is visible to every firm and to their provider.
    Route(
        "GET /api/v1/professionals/{professional_id}",
        "GET",
        lambda c: f"/api/v1/professionals/{PRO(c)}",
        SIGNED_IN_API,
    ),
    Route(
        "GET /api/v1/professionals/{professional_id}/vetting",
        "GET",
        lambda c: f"/api/v1/professionals/{PRO(c)}/vetting",
        SIGNED_IN_API,
    ),
    Route(
        "POST /api/v1/professionals/{professional_id}/vetting",
        "POST",
        lambda c: f"/api/v1/professionals/{PRO(c)}/vetting",
        VETTERS,
        json=True,
        data={"kind": "resume", "outcome": "passed", "score": 80},
    ),
    Route(
        "POST /api/v1/professionals/{professional_id}/soft-skills",
        "POST",
        lambda c: f"/api/v1/professionals/{PRO(c)}/soft-skills",
        VETTERS,
        json=True,
        data={
            "ratings": {
                "accountability": 4,
                "proactivity": 3,
                "collaboration": 4,
                "attention_to_detail": 5,
                "communication": 4,
            }
        },
    ),
    Route(
        "POST /api/v1/bar-admissions/{admission_id}/verify",
        "POST",
        lambda c: f"/api/v1/bar-admissions/{contractor_admission(c).pk}/verify",
        (401, 404, 404, 404, 200, 200, 403, 404),
        json=True,
        data={"status": "active", "note": "State bar lookup"},
    ),
    Route("GET /api/v1/postings", "GET", lambda c: "/api/v1/postings", SIGNED_IN_API),
    Route(
        "POST /api/v1/postings",
        "POST",
        lambda c: "/api/v1/postings",
        (401, 201, 201, 403, 403, 403, 403, 201),
        json=True,
        data={
            "title": "Paralegal",
            "role": "paralegal",
            "practice_area": "litigation",
            "jurisdiction": "TX",
            "responsibilities": "Discovery",
            "hours_per_week": 10,
            "budget_high_cents": 4000,
        },
    ),
    # Professionals see an open posting, anonymized; provider staff and other firms do not.
    Route(
        "GET /api/v1/postings/{posting_id}",
        "GET",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}",
        (401, 200, 200, 200, 404, 404, 200, 404),
    ),
    Route(
        "PATCH /api/v1/postings/{posting_id}",
        "PATCH",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}",
        (401, 200, 200, 403, 404, 404, 403, 404),
        json=True,
        data={"hours_per_week": 12},
    ),
    Route(
        "DELETE /api/v1/postings/{posting_id}",
        "DELETE",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}",
        (401, 204, 204, 403, 404, 404, 403, 404),
    ),
    Route(
        "GET /api/v1/postings/{posting_id}/matches",
        "GET",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}/matches",
        POSTING_EDITORS_API,
    ),
    Route(
        "GET /api/v1/postings/{posting_id}/matches/why-not",
        "GET",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}/matches/why-not?professional_id={PRO(c)}",
        POSTING_EDITORS_API,
    ),
    Route(
        "GET /api/v1/postings/{posting_id}/shortlist",
        "GET",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}/shortlist",
        POSTING_EDITORS_API,
    ),
    Route(
        "POST /api/v1/postings/{posting_id}/shortlist",
        "POST",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}/shortlist",
        (401, 201, 201, 403, 404, 404, 403, 404),
        json=True,
        data=lambda c: {"professional_id": PRO(c)},
    ),
    Route(
        "GET /api/v1/postings/{posting_id}/interviews",
        "GET",
        lambda c: f"/api/v1/postings/{POSTING_ID(c)}/interviews",
        POSTING_EDITORS_API,
    ),
    Route(
        "POST /api/v1/candidates/{candidate_id}/state",
        "POST",
        lambda c: f"/api/v1/candidates/{our_candidate(c).pk}/state",
        (401, 200, 200, 403, 404, 404, 404, 404),
        json=True,
        data={"state": "invited"},
    ),
    Route(
        "POST /api/v1/candidates/{candidate_id}/interview",
        "POST",
        lambda c: f"/api/v1/candidates/{INVITED(c)}/interview",
        (401, 200, 200, 403, 404, 404, 404, 404),
        json=True,
        data=lambda c: {"scores": [{"question_id": FIRST_QUESTION(c), "score": 4}]},
    ),
    Route(
        "GET /api/v1/rates/suggest",
        "GET",
        lambda c: "/api/v1/rates/suggest?role=paralegal&practice_area=litigation",
        SIGNED_IN_API,
    ),
]


FIRM_PAGE = (LOGIN, 200, 200, 200, 404, 404, 404, 404)
EDITOR_PAGE = (LOGIN, 200, 200, 403, 404, 404, 403, 404)
EDITOR_POST = (LOGIN, 302, 302, 403, 404, 404, 403, 404)
CANDIDATE_POST = (LOGIN, 302, 302, 403, 404, 404, 404, 404)
VETTER_POST = (LOGIN, 403, 403, 403, 302, 302, 403, 403)
PROFESSIONAL_PAGE = (LOGIN, 404, 404, 404, 404, 404, 200, 404)

ROUTES += [
    Route(
        "talent/postings/", "GET", _u("talent:postings"), (LOGIN, 200, 200, 200, 404, 404, 404, 200)
    ),
    Route(
        "talent/postings/new/",
        "GET",
        _u("talent:posting_new"),
        (LOGIN, 200, 200, 403, 403, 403, 403, 200),
    ),
    Route(
        "talent/postings/<int:posting_id>/",
        "GET",
        _u("talent:posting_detail", POSTING_ID),
        FIRM_PAGE,
    ),
    Route(
        "talent/postings/<int:posting_id>/edit/",
        "GET",
        _u("talent:posting_edit", POSTING_ID),
        EDITOR_PAGE,
    ),
    Route(
        "talent/postings/<int:posting_id>/shortlist/",
        "POST",
        _u("talent:shortlist", POSTING_ID),
        EDITOR_POST,
        data=lambda c: {"professional_id": PRO(c)},
    ),
    Route(
        "talent/postings/<int:posting_id>/interviews/",
        "GET",
        _u("talent:interviews", POSTING_ID),
        EDITOR_PAGE,
    ),
    Route(
        "talent/candidates/<int:candidate_id>/scores/",
        "POST",
        _u("talent:score_interview", INVITED),
        CANDIDATE_POST,
        data=lambda c: {f"q{FIRST_QUESTION(c)}": "4"},
    ),
    Route(
        "talent/candidates/<int:candidate_id>/state/",
        "POST",
        _u("talent:move_candidate", INVITED),
        CANDIDATE_POST,
        data={"state": "rejected"},
    ),
    Route("talent/rates/", "GET", _u("talent:rate_suggestion"), SIGNED_IN),
    Route("talent/network/", "GET", _u("talent:network"), SIGNED_IN),
    Route(
        "talent/professionals/<int:professional_id>/",
        "GET",
        _u("talent:professional_detail", PRO),
        SIGNED_IN,
    ),
    Route(
        "talent/professionals/<int:professional_id>/vetting/",
        "POST",
        _u("talent:record_step", PRO),
        VETTER_POST,
        data={"kind": "resume", "outcome": "passed", "score": "80"},
    ),
    Route(
        "talent/professionals/<int:professional_id>/soft-skills/",
        "POST",
        _u("talent:assess_soft_skills", PRO),
        VETTER_POST,
        data=dict.fromkeys(SoftSkill.values, "4"),
    ),
    Route(
        "talent/bar-admissions/<int:admission_id>/verify/",
        "POST",
        lambda c: reverse("talent:verify_bar", args=[contractor_admission(c).pk]),
        (LOGIN, 404, 404, 404, 302, 302, 403, 404),
        data={"status": "active", "note": "State bar lookup"},
    ),
    Route("talent/me/", "GET", _u("talent:my_profile"), PROFESSIONAL_PAGE),
    Route("talent/jobs/", "GET", _u("talent:jobs"), PROFESSIONAL_PAGE),
]


PROVIDER_ID = lambda c: c.provider.pk  # noqa: E731
FIRM_DIRECTORY = (LOGIN, 200, 200, 200, 404, 404, 404, 200)

ROUTES += [
    Route("GET /api/v1/providers", "GET", lambda c: "/api/v1/providers", SIGNED_IN_API),
    Route(
        "GET /api/v1/providers/{provider_id}",
        "GET",
        lambda c: f"/api/v1/providers/{PROVIDER_ID(c)}",
        (401, 200, 200, 200, 200, 200, 404, 200),
    ),
    Route(
        "PUT /api/v1/providers/{provider_id}/scorecard",
        "PUT",
        lambda c: f"/api/v1/providers/{PROVIDER_ID(c)}/scorecard",
        (401, 200, 200, 403, 403, 403, 404, 200),
        json=True,
        data={"answers": {"vetting": {"answer": "Four steps", "rating": 2}}},
    ),
    Route("talent/providers/", "GET", _u("talent:providers"), FIRM_DIRECTORY),
    Route("talent/providers/compare/", "GET", _u("talent:provider_compare"), FIRM_DIRECTORY),
    Route(
        "talent/providers/<int:provider_id>/",
        "GET",
        _u("talent:provider_scorecard", PROVIDER_ID),
        FIRM_DIRECTORY,
    ),
    Route(
        "talent/providers/<int:provider_id>/",
        "POST",
        _u("talent:provider_scorecard", PROVIDER_ID),
        (LOGIN, 302, 302, 403, 404, 404, 404, 302),
        data={"rating_vetting": "2", "answer_vetting": "Four steps", "trait_selection": "platform"},
    ),
]

ROUTES += [
    Route(
        "GET /api/v1/match-weights",
        "GET",
        lambda c: "/api/v1/match-weights",
        (401, 200, 200, 200, 404, 404, 404, 200),
    ),
    Route(
        "PUT /api/v1/match-weights",
        "PUT",
        lambda c: "/api/v1/match-weights",
        (401, 200, 403, 403, 404, 404, 404, 200),
        json=True,
        data={"rate": 30},
    ),
    Route("talent/match-weights/", "GET", _u("talent:match_weights"), FIRM_DIRECTORY),
    Route(
        "talent/match-weights/",
        "POST",
        _u("talent:match_weights"),
        (LOGIN, 302, 403, 403, 404, 404, 404, 302),
        data={
            "practice_area": "25",
            "skills": "20",
            "experience": "15",
            "time_zone": "15",
            "rate": "30",
            "soft_skills": "10",
            "ratings": "5",
        },
    ),
]


def our_proposal(cast):
    """A proposal (not yet sent) from the owner to the vetted contractor, through their
    provider as the agency of record; one per test."""
    if not hasattr(cast, "proposal"):
        from datetime import date

        from counselbench.engagements.services import create_engagement

        cast.proposal = create_engagement(
            cast.actor("owner"),
            professional_id=vetted_contractor(cast).pk,
            data={"title": "Discovery help", "scope": "Discovery responses",
                  "jurisdiction": "TX", "start_date": date(2026, 12, 7)},
        )  # fmt: skip
    return cast.proposal


def our_offer(cast):
    """The proposal classified and sent: the contractor sees it and may sign its NDA."""
    if not hasattr(cast, "offer"):
        from counselbench.engagements import classification
        from counselbench.engagements.services import assess, transition

        engagement = our_proposal(cast)
        answers = {q.key: not q.employee_if for q in classification.QUESTIONS}
        assess(cast.actor("owner"), engagement_id=engagement.pk, answers=answers)
        cast.offer = transition(cast.actor("owner"), engagement_id=engagement.pk, to="nda_pending")
    return cast.offer


def nda_hash(cast):
    from counselbench.engagements.services import nda_text
    from counselbench.engagements.services.nda import text_sha256

    return text_sha256(nda_text(our_offer(cast)))


def our_agreement(cast):
    """The offer with its NDA signed and an agreement issued (version 1)."""
    if not hasattr(cast, "agreement"):
        from counselbench.engagements.services import issue_agreement, sign_nda

        engagement = our_offer(cast)
        sign_nda(cast.actor("contractor"), engagement_id=engagement.pk, shown_sha256=nda_hash(cast))
        cast.agreement = issue_agreement(cast.actor("owner"), engagement_id=engagement.pk,
                                         deliverables="Responses", milestones=[])  # fmt: skip
    return cast.agreement


def our_trial(cast):
    """The agreement accepted by both sides, the trial started (its 30-day plan generated) and
    the firm's How We Work guide written (version 1)."""
    if not hasattr(cast, "trial"):
        from counselbench.engagements.services import accept_agreement, transition
        from counselbench.engagements.services.onboarding import save_guide

        agreement = our_agreement(cast)
        for who in ("owner", "contractor"):
            accept_agreement(cast.actor(who), engagement_id=agreement.engagement_id, version=1,
                             shown_sha256=agreement.text_sha256)  # fmt: skip
        save_guide(cast.actor("owner"), sections=GUIDE)
        cast.trial = transition(cast.actor("owner"), engagement_id=agreement.engagement_id,
                                to="trial")  # fmt: skip
    return cast.trial


def our_ended(cast):
    """The trial continued, notice given, and the engagement ended."""
    if not hasattr(cast, "ended"):
        from counselbench.engagements.services import transition

        engagement = our_trial(cast)
        for to in ("active", "ending", "ended"):
            transition(cast.actor("owner"), engagement_id=engagement.pk, to=to, reason="Test")
        cast.ended = engagement
    return cast.ended


def our_rated(cast):
    from counselbench.engagements.services.ending import rate

    engagement = our_ended(cast)
    rate(cast.actor("owner"), engagement_id=engagement.pk, scores=RATING)
    return engagement


PROPOSAL = lambda c: our_proposal(c).pk  # noqa: E731
TRIAL = lambda c: our_trial(c).pk  # noqa: E731
FIRM_ITEM = lambda c: our_trial(c).onboarding_items.filter(owner="firm").first().pk  # noqa: E731
AGREED = lambda c: our_agreement(c).engagement_id  # noqa: E731
OFFER = lambda c: our_offer(c).pk  # noqa: E731
ENGAGEMENT_VIEWERS = (LOGIN, 200, 200, 200, 200, 200, 200, 404)
ENGAGEMENT_VIEWERS_API = (401, 200, 200, 200, 200, 200, 200, 404)
# Only the owner (supervising attorney by default) changes it; the professional does not see
# an unsent proposal.
PROPOSAL_CHANGERS_API = (401, 200, 403, 403, 403, 403, 404, 404)
PROPOSAL_CHANGERS_POST = (LOGIN, 302, 403, 403, 403, 403, 404, 404)
# Every classification answer the independent-contractor way (low risk).
CLASSIFIED = {q.key: not q.employee_if for q in QUESTIONS}

ROUTES += [
    Route("GET /api/v1/engagements", "GET", lambda c: "/api/v1/engagements", SIGNED_IN_API),
    Route(
        "POST /api/v1/engagements",
        "POST",
        lambda c: "/api/v1/engagements",
        (401, 201, 201, 403, 403, 403, 403, 201),
        json=True,
        data=lambda c: {
            "professional_id": vetted_contractor(c).pk,
            "title": "Help",
            "scope": "Discovery",
            "jurisdiction": "TX",
            "start_date": "2026-12-07",
        },
    ),
    Route(
        "GET /api/v1/engagements/{engagement_id}",
        "GET",
        lambda c: f"/api/v1/engagements/{OFFER(c)}",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "PATCH /api/v1/engagements/{engagement_id}",
        "PATCH",
        lambda c: f"/api/v1/engagements/{PROPOSAL(c)}",
        PROPOSAL_CHANGERS_API,
        json=True,
        data={"rate_cents": 4000},
    ),
    Route(
        "DELETE /api/v1/engagements/{engagement_id}",
        "DELETE",
        lambda c: f"/api/v1/engagements/{PROPOSAL(c)}",
        (401, 204, 403, 403, 403, 403, 404, 404),
    ),
    Route(
        "POST /api/v1/engagements/{engagement_id}/transition",
        "POST",
        lambda c: f"/api/v1/engagements/{OFFER(c)}/transition",
        (401, 200, 403, 403, 403, 403, 200, 404),
        json=True,
        data={"to": "declined", "reason": "Not now"},
    ),
    Route(
        "GET /api/v1/engagements/{engagement_id}/classification",
        "GET",
        lambda c: f"/api/v1/engagements/{PROPOSAL(c)}/classification",
        PROPOSAL_CHANGERS_API,
    ),
    Route(
        "PUT /api/v1/engagements/{engagement_id}/classification",
        "PUT",
        lambda c: f"/api/v1/engagements/{PROPOSAL(c)}/classification",
        PROPOSAL_CHANGERS_API,
        json=True,
        data={"answers": CLASSIFIED},
    ),
    Route(
        "GET /api/v1/engagements/{engagement_id}/nda",
        "GET",
        lambda c: f"/api/v1/engagements/{OFFER(c)}/nda",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "POST /api/v1/engagements/{engagement_id}/nda",
        "POST",
        lambda c: f"/api/v1/engagements/{OFFER(c)}/nda",
        (401, 403, 403, 403, 403, 403, 201, 404),
        json=True,
        data=lambda c: {"text_sha256": nda_hash(c)},
    ),
    Route(
        "engagements/", "GET", _u("engagements:list"), (LOGIN, 200, 200, 200, 200, 200, 200, 200)
    ),
    Route(
        "engagements/new/",
        "GET",
        lambda c: reverse("engagements:propose") + f"?professional={vetted_contractor(c).pk}",
        (LOGIN, 200, 200, 403, 403, 403, 403, 200),
    ),
    Route(
        "engagements/<int:engagement_id>/",
        "GET",
        _u("engagements:detail", OFFER),
        ENGAGEMENT_VIEWERS,
    ),
    Route(
        "engagements/<int:engagement_id>/classification/",
        "POST",
        _u("engagements:classify", PROPOSAL),
        PROPOSAL_CHANGERS_POST,
        data={k: "yes" if v else "no" for k, v in CLASSIFIED.items()},
    ),
    Route(
        "engagements/<int:engagement_id>/transition/",
        "POST",
        _u("engagements:transition", OFFER),
        (LOGIN, 302, 403, 403, 403, 403, 302, 404),
        data={"to": "declined", "reason": "Not now"},
    ),
    Route(
        "engagements/<int:engagement_id>/nda/",
        "POST",
        _u("engagements:sign_nda", OFFER),
        (LOGIN, 403, 403, 403, 403, 403, 302, 404),
        data=lambda c: {"text_sha256": nda_hash(c)},
    ),
]

ROUTES += [
    Route(
        "GET /api/v1/engagements/{engagement_id}/agreement",
        "GET",
        lambda c: f"/api/v1/engagements/{AGREED(c)}/agreement",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "GET /api/v1/engagements/{engagement_id}/agreement/pdf",
        "GET",
        lambda c: f"/api/v1/engagements/{AGREED(c)}/agreement/pdf",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "PUT /api/v1/engagements/{engagement_id}/agreement",
        "PUT",
        lambda c: f"/api/v1/engagements/{AGREED(c)}/agreement",
        (401, 201, 403, 403, 403, 403, 403, 404),
        json=True,
        data={"deliverables": "Responses and a privilege log", "milestones": []},
    ),
    Route(
        "POST /api/v1/engagements/{engagement_id}/agreement/accept",
        "POST",
        lambda c: f"/api/v1/engagements/{AGREED(c)}/agreement/accept",
        (401, 201, 403, 403, 403, 403, 201, 404),
        json=True,
        data=lambda c: {"version": 1, "text_sha256": our_agreement(c).text_sha256},
    ),
    Route(
        "engagements/<int:engagement_id>/agreement.pdf",
        "GET",
        _u("engagements:agreement_pdf", AGREED),
        ENGAGEMENT_VIEWERS,
    ),
    Route(
        "engagements/<int:engagement_id>/agreement/",
        "POST",
        _u("engagements:issue_agreement", AGREED),
        (LOGIN, 302, 403, 403, 403, 403, 403, 404),
        data={"deliverables": "Responses"},
    ),
    Route(
        "engagements/<int:engagement_id>/agreement/accept/",
        "POST",
        _u("engagements:accept_agreement", AGREED),
        (LOGIN, 302, 403, 403, 403, 403, 302, 404),
        data=lambda c: {"version": "1", "text_sha256": our_agreement(c).text_sha256},
    ),
]

GUIDE = dict.fromkeys(("key_contacts", "style_guide", "feedback_loop"), "Ask first.")
RATING = dict.fromkeys(("quality", "timeliness", "communication", "judgment", "fit"), 4)
CHECKIN = lambda c: our_trial(c).checkins.first().pk  # noqa: E731
ENDED = lambda c: our_ended(c).pk  # noqa: E731
FIRM_ONLY_CHANGE_API = (401, 200, 403, 403, 403, 403, 403, 404)
FIRM_ONLY_CHANGE_POST = (LOGIN, 302, 403, 403, 403, 403, 403, 404)

ROUTES += [
    Route(
        "GET /api/v1/engagements/{engagement_id}/onboarding",
        "GET",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/onboarding",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "PATCH /api/v1/engagements/{engagement_id}/onboarding/items/{item_id}",
        "PATCH",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/onboarding/items/{FIRM_ITEM(c)}",
        FIRM_ONLY_CHANGE_API,
        json=True,
        data={"done": True},
    ),
    Route(
        "PUT /api/v1/engagements/{engagement_id}/onboarding/kickoff",
        "PUT",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/onboarding/kickoff",
        FIRM_ONLY_CHANGE_API,
        json=True,
        data={"held_on": "2026-12-07", "notes": "Weekly check-ins on Mondays"},
    ),
    Route(
        "POST /api/v1/engagements/{engagement_id}/onboarding/guide",
        "POST",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/onboarding/guide",
        (401, 403, 403, 403, 403, 403, 201, 404),
        json=True,
        data={"version": 1},
    ),
    Route(
        "GET /api/v1/how-we-work",
        "GET",
        lambda c: "/api/v1/how-we-work",
        (401, 200, 200, 200, 404, 404, 404, 200),
    ),
    Route(
        "PUT /api/v1/how-we-work",
        "PUT",
        lambda c: "/api/v1/how-we-work",
        (401, 200, 403, 403, 404, 404, 404, 200),
        json=True,
        data=GUIDE,
    ),
    Route(
        "engagements/how-we-work/",
        "GET",
        _u("engagements:how_we_work"),
        (LOGIN, 200, 200, 200, 404, 404, 404, 200),
    ),
    Route(
        "engagements/how-we-work/",
        "POST",
        _u("engagements:how_we_work"),
        (LOGIN, 302, 403, 403, 404, 404, 404, 302),
        data=GUIDE,
    ),
    Route(
        "engagements/<int:engagement_id>/onboarding/<int:item_id>/",
        "POST",
        _u("engagements:tick_item", TRIAL, FIRM_ITEM),
        FIRM_ONLY_CHANGE_POST,
        data={"done": "1"},
    ),
    Route(
        "engagements/<int:engagement_id>/kickoff/",
        "POST",
        _u("engagements:kickoff", TRIAL),
        FIRM_ONLY_CHANGE_POST,
        data={"held_on": "2026-12-07", "notes": "Weekly check-ins"},
    ),
    Route(
        "engagements/<int:engagement_id>/how-we-work/",
        "POST",
        _u("engagements:acknowledge_guide", TRIAL),
        (LOGIN, 403, 403, 403, 403, 403, 302, 404),
        data={"version": "1"},
    ),
]

ROUTES += [
    Route(
        "GET /api/v1/engagements/{engagement_id}/checkins",
        "GET",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/checkins",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "PUT /api/v1/engagements/{engagement_id}/checkins/{checkin_id}",
        "PUT",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/checkins/{CHECKIN(c)}",
        FIRM_ONLY_CHANGE_API,
        json=True,
        data={"working": "Turnaround", "improvement": "Earlier drafts"},
    ),
    Route(
        "GET /api/v1/engagements/{engagement_id}/checkins/{checkin_id}/ics",
        "GET",
        lambda c: f"/api/v1/engagements/{TRIAL(c)}/checkins/{CHECKIN(c)}/ics",
        ENGAGEMENT_VIEWERS_API,
    ),
    Route(
        "engagements/<int:engagement_id>/checkins/<int:checkin_id>/",
        "POST",
        _u("engagements:record_checkin", TRIAL, CHECKIN),
        FIRM_ONLY_CHANGE_POST,
        data={"working": "Turnaround"},
    ),
    Route(
        "engagements/<int:engagement_id>/checkins/<int:checkin_id>.ics",
        "GET",
        _u("engagements:checkin_ics", TRIAL, CHECKIN),
        ENGAGEMENT_VIEWERS,
    ),
    Route(
        "GET /api/v1/engagements/{engagement_id}/rating",
        "GET",
        lambda c: f"/api/v1/engagements/{our_rated(c).pk}/rating",
        (401, 200, 200, 200, 404, 404, 404, 404),
    ),
    Route(
        "POST /api/v1/engagements/{engagement_id}/rating",
        "POST",
        lambda c: f"/api/v1/engagements/{ENDED(c)}/rating",
        (401, 201, 403, 403, 403, 403, 403, 404),
        json=True,
        data={"scores": RATING, "comment": "Reliable"},
    ),
    Route(
        "POST /api/v1/engagements/{engagement_id}/data-certificate",
        "POST",
        lambda c: f"/api/v1/engagements/{ENDED(c)}/data-certificate",
        (401, 403, 403, 403, 403, 403, 201, 404),
        json=True,
        data={"disposition": "destroyed", "statement": "Deleted every copy"},
    ),
    Route(
        "engagements/<int:engagement_id>/rating/",
        "POST",
        _u("engagements:rate", ENDED),
        FIRM_ONLY_CHANGE_POST,
        data={k: str(v) for k, v in RATING.items()},
    ),
    Route(
        "engagements/<int:engagement_id>/data-certificate/",
        "POST",
        _u("engagements:certify", ENDED),
        (LOGIN, 403, 403, 403, 403, 403, 302, 404),
        data={"disposition": "destroyed", "statement": "Deleted every copy"},
    ),
]

TEMPLATE = {"body": "$firm engages $professional for: $scope"}
ROUTES += [
    Route(
        "GET /api/v1/agreement-template",
        "GET",
        lambda c: "/api/v1/agreement-template",
        (401, 200, 200, 200, 404, 404, 404, 200),
    ),
    Route(
        "PUT /api/v1/agreement-template",
        "PUT",
        lambda c: "/api/v1/agreement-template",
        (401, 200, 403, 403, 404, 404, 404, 200),
        json=True,
        data=TEMPLATE,
    ),
    Route(
        "engagements/agreement-template/",
        "GET",
        _u("engagements:agreement_template"),
        (LOGIN, 200, 200, 200, 404, 404, 404, 200),
    ),
    Route(
        "engagements/agreement-template/",
        "POST",
        _u("engagements:agreement_template"),
        (LOGIN, 302, 403, 403, 404, 404, 404, 302),
        data=TEMPLATE,
    ),
]

# Matters and secure delegation (issue 6): their own module, built on a delegation world.
ROUTES += matters_matrix.routes(Route) + matters_matrix.page_routes(Route)
# Money (issue 7): time entries, then statements, invoices, trust and retainers.
ROUTES += billing_matrix.routes(Route) + billing_matrix.page_routes(Route)
ROUTES += money_matrix.routes(Route) + money_pages_matrix.page_routes(Route)
ROUTES += trust_pages_matrix.page_routes(Route)
# Intake (issue 8): in the intake world the cast's contractor works our front desk (engaged as a
# virtual receptionist); see tests/intake/world.py.
ROUTES += matrix_leads.routes(Route) + matrix_reception.routes(Route) + matrix_booking.routes(Route)
# Insights (issue 9): the dashboard, scorecards, exports, reports, surveys.
ROUTES += insights_matrix.routes(Route)

ROUTES_BY_ID = {f"{r.method} {r.key or '/'}": r for r in ROUTES}


def _request(client, route: Route, url: str, data: dict):
    method = getattr(client, route.method.lower())
    if route.json:
        return method(url, data=data, content_type="application/json")
    return method(url, data=data) if route.method in ("GET", "POST") else method(url)


def _outcome(response) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("account_reauthenticate")):
            return REAUTH
    return response.status_code


@pytest.mark.parametrize("route_id", list(ROUTES_BY_ID))
def test_authorization_matrix(cast, route_id):
    """One route, every role. The route's objects are built once; each role's request runs in
    a savepoint rolled back afterwards, so every role meets the same untouched world (as if it
    were built afresh) at an eighth of the cost of building it per role."""
    route = ROUTES_BY_ID[route_id]
    url = route.url(cast)
    data = route.data(cast) if callable(route.data) else dict(route.data)
    wrong = []
    for role, expected in zip(ROLES, route.expect, strict=True):
        cache.clear()  # throttles and rate limits: no role inherits another's counters
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)  # an upload is read again by each role's request
        with transaction.atomic():
            response = _request(cast.client(role), route, url, data)
            outcome = _outcome(response)
            if outcome != expected:
                wrong.append(f"{role}: expected {expected}, got {outcome}")
            elif (
                route.key.split(" ")[-1].startswith("/api/v1/")
                and response.status_code >= 400
                and set(response.json()) != {"error"}
            ):
                wrong.append(f"{role}: an API failure not in the one error shape")
            transaction.set_rollback(True)
    assert not wrong, f"{route.method} {url}:\n  " + "\n  ".join(wrong)


def _django_routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _django_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_route_is_in_the_matrix():
    api_prefix = "api/v1/"
    pages = {
        route
        for route in _django_routes(get_resolver().url_patterns)
        if not route.startswith("admin/")  # the admin is one row: staff-only, tested via index
        and not (
            route.startswith(api_prefix)
            and route not in {"api/v1/openapi.json", "api/v1/docs", "api/v1/"}
        )
    } | {"admin/"}
    schema = api.get_openapi_schema()
    operations = {
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method in methods
    }
    listed = {r.key for r in ROUTES}
    missing = (pages | operations) - listed
    stale = listed - (pages | operations)
    assert not missing, f"Routes with no row in the authorization matrix: {sorted(missing)}"
    assert not stale, f"Matrix rows for routes that no longer exist: {sorted(stale)}"

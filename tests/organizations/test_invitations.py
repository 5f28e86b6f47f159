"""Invitations by email with a signed, expiring, single-use link."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.organizations.models import Invitation, Membership
from counselbench.organizations.services import invitation_from_token, invitation_token
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, email="new.associate@example.com", role="attorney"):
    return client.post(
        "/api/v1/invitations", {"email": email, "role": role}, content_type="application/json"
    )


def test_inviting_sends_an_email_with_a_signed_link_after_commit(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(cast.client("owner"))
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    (message,) = mail.outbox
    assert message.to == ["new.associate@example.com"]
    assert "Whitfield & Moreno LLP" in message.subject
    invitation = Invitation.objects.get()
    # The token embeds a timestamp, so compare what the link opens rather than its exact text.
    (token,) = re.findall(r"/invitations/([^/\s]+)/", message.body)
    assert invitation_from_token(token) == invitation
    assert AccessLogEntry.objects.filter(action="invitation.created").exists()


def test_the_invitee_signs_up_accepts_and_becomes_a_member(cast):
    invitation = InvitationFactory(organization=cast.firm, email="new@example.com", role="staff")
    link = f"/invitations/{invitation_token(invitation)}/"
    anonymous = Client()
    page = anonymous.get(link).content.decode()
    assert "Join Whitfield &amp; Moreno LLP" in page and "Sign in" in page
    user = UserFactory(email="new@example.com")
    client = Client()
    client.force_login(user)
    response = client.post(link)
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (cast.firm, "staff")
    assert client.get("/").context["actor"].organization == cast.firm
    assert client.post(link).status_code == 409  # single use


def test_an_invitation_for_another_email_is_refused(cast):
    invitation = InvitationFactory(organization=cast.firm, email="someone@example.com")
    response = cast.client("outsider").post(f"/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 409
    assert "someone@example.com" in response.content.decode()
    assert not Membership.objects.filter(organization=cast.firm, user=cast.outsider).exists()


def test_an_expired_link_is_refused_even_if_the_row_says_otherwise(cast, monkeypatch):
    invitation = InvitationFactory(organization=cast.firm, email="late@example.com")
    token = invitation_token(invitation)
    later = time.time() + timedelta(days=8).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    user = UserFactory(email="late@example.com")
    response = Client()
    response.force_login(user)
    result = response.post(
        "/api/v1/invitations/accept", {"token": token}, content_type="application/json"
    )
    assert result.status_code == 409
    assert result.json()["error"]["code"] == "invitation_expired"
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_past_its_expiry_date_is_refused(cast):
    invitation = InvitationFactory(
        organization=cast.firm,
        email="late@example.com",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    page = Client().get(f"/invitations/{invitation_token(invitation)}/")
    assert page.status_code == 409 and "expired" in page.content.decode()


def test_a_forged_link_is_not_found(cast):
    invitation = InvitationFactory(organization=cast.firm)
    token = invitation_token(invitation)
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert Client().get(f"/invitations/{forged}/").status_code == 404


def test_a_revoked_invitation_cannot_be_accepted(cast):
    invitation = InvitationFactory(organization=cast.firm, email="gone@example.com")
    assert cast.client("owner").delete(f"/api/v1/invitations/{invitation.pk}").status_code == 204
    user = UserFactory(email="gone@example.com")
    client = Client()
    client.force_login(user)
    assert client.post(f"/invitations/{invitation_token(invitation)}/").status_code == 409
    assert not Membership.objects.filter(user=user).exists()


def test_reinviting_replaces_the_open_invitation(cast):
    owner = cast.client("owner")
    _invite(owner, "again@example.com")
    _invite(owner, "Again@Example.com", role="staff")
    statuses = sorted(Invitation.objects.values_list("role", "revoked_at"), key=lambda r: r[0])
    assert [(role, revoked is None) for role, revoked in statuses] == [
        ("attorney", False),
        ("staff", True),
    ]


def test_inviting_an_existing_member_is_refused(cast):
    response = _invite(cast.client("owner"), "attorney@our.example")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"email": "not-an-email", "role": "attorney"}, "email"),
        ({"email": "x@example.com", "role": "vetting_staff"}, "role"),
        ({"email": "x@example.com"}, "role"),
    ],
)
def test_bad_invitation_input_names_the_field_and_creates_nothing(cast, payload, path):
    response = cast.client("owner").post(
        "/api/v1/invitations", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert [f["path"] for f in response.json()["error"]["fields"]] == [path]
    assert not Invitation.objects.exists()


def test_the_members_page_invite_form_shows_errors_inline(cast):
    response = cast.client("owner").post("/org/members/", {"email": "nope", "role": "attorney"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()

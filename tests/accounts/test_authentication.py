"""Sign-in security: throttling with cool-off, password rules, sessions, two-factor policy."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from counselbench.access.middleware import SESSION_SEEN, SESSION_STARTED
from counselbench.access.models import AccessLogEntry
from counselbench.organizations.models import Organization
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _sign_in(client, email, password=PASSWORD, ip="198.51.100.7"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_works_and_is_logged_with_a_new_session_id(cast):
    client = Client()
    client.get(LOGIN)
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    response = _sign_in(client, "owner@our.example")
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"
    assert client.get("/").context["actor"].user == cast.owner
    assert AccessLogEntry.objects.filter(action="auth.signed_in", actor_id=cast.owner.pk).exists()


def test_failed_sign_ins_are_logged(cast):
    _sign_in(Client(), "owner@our.example", "wrong password")
    entry = AccessLogEntry.objects.get(action="auth.sign_in_failed")
    assert entry.detail == {"login": "owner@our.example"} and entry.ip == "198.51.100.7"


def test_repeated_failures_lock_the_account_from_that_address_with_a_clear_429(cast):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "owner@our.example", "wrong password")
    response = _sign_in(client, "owner@our.example")  # even the right password now
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(cast):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _sign_in(attacker, "owner@our.example", "guess", ip="203.0.113.66")
    assert _sign_in(Client(), "owner@our.example", ip="198.51.100.7").status_code == 302


def test_the_lock_opens_by_itself_after_the_cool_off(cast):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "owner@our.example", "wrong password")
    assert _sign_in(client, "owner@our.example").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _sign_in(client, "owner@our.example").status_code == 302


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from counselbench import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1!", False),  # under 8 characters
        ("password123", False),  # on the common/breached list
        ("qwertyuiop", False),
        ("tangerine lantern quietly", True),  # passphrase, no composition rules
        ("alllowercaseletters", True),
        ("a b c d e f g h i j k l m n o p q r s t u v w x y z " * 4, True),  # 200+ chars
        ("x" * 1025, False),
    ],
)
def test_password_rules_follow_owasp_asvs(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def _stamp_session(client, *, started_ago: int, seen_ago: int):
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_SEEN] = now - seen_ago
    session.save()


def test_an_idle_session_ends(cast):
    client = cast.client("attorney")
    _stamp_session(client, started_ago=60, seen_ago=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/org/members/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/profile/").status_code == 302


def test_a_session_ends_at_the_absolute_timeout_even_when_active(cast):
    client = cast.client("attorney")
    _stamp_session(client, started_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 5, seen_ago=1)
    assert client.get("/org/members/")["Location"].startswith(LOGIN)


def test_an_active_session_carries_on(cast):
    client = cast.client("attorney")
    _stamp_session(client, started_ago=600, seen_ago=120)
    assert client.get("/org/members/").status_code == 200


def test_every_session_of_a_deactivated_user_ends_by_its_next_request(cast):
    laptop, phone = cast.client("staff"), cast.client("staff")
    cast.staff.is_active = False
    cast.staff.save()
    for client in (laptop, phone):
        assert client.get("/org/members/")["Location"].startswith(LOGIN)


def test_a_removed_members_session_ends_by_its_next_request(cast):
    client = cast.client("attorney")
    assert client.get("/org/members/").status_code == 200
    owner = cast.client("owner")
    membership = cast.attorney.memberships.get()
    assert owner.post(f"/org/members/{membership.pk}/remove/").status_code == 302
    response = client.get("/org/members/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AccessLogEntry.objects.filter(action="session.ended_membership_removed").exists()
    # The API, too, stops answering for that session.
    assert client.get("/api/v1/memberships").status_code == 401


def _require_mfa(org: Organization):
    org.require_mfa = True
    org.save()


def test_a_firm_requiring_two_factor_sends_members_without_it_to_set_it_up(cast):
    _require_mfa(cast.firm)
    client = cast.client("attorney")
    response = client.get("/org/members/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["error"]["code"] == "mfa_required"


def test_members_with_two_factor_are_not_held_back(cast):
    _require_mfa(cast.firm)
    Authenticator.objects.create(
        user=cast.attorney, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert cast.client("attorney").get("/org/members/").status_code == 200


def test_an_owner_cannot_require_two_factor_without_having_it(cast):
    response = cast.client("owner").patch(
        "/api/v1/organizations/current", {"require_mfa": True}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "mfa_required_self"
    cast.firm.refresh_from_db()
    assert not cast.firm.require_mfa


def test_an_owner_with_two_factor_can_require_it_for_everyone(cast):
    Authenticator.objects.create(
        user=cast.owner, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    response = cast.client("owner").post(
        "/org/settings/",
        {"name": cast.firm.name, "time_zone": "America/Chicago", "require_mfa": "on"},
    )
    assert response.status_code == 302
    cast.firm.refresh_from_db()
    assert cast.firm.require_mfa and cast.firm.time_zone == "America/Chicago"


def test_api_tokens_of_members_without_two_factor_stop_working_when_it_is_required(cast):
    from counselbench.accounts.services import create_token

    _, secret = create_token(cast.actor("staff"), name="x", organization_slug="our-firm")
    _require_mfa(cast.firm)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_required"


def test_changing_email_or_two_factor_asks_for_the_password_again(cast):
    client = cast.client("owner")  # a session without a fresh password entry
    for url in ("/accounts/2fa/totp/activate/",):
        assert client.get(url)["Location"].startswith("/accounts/reauthenticate/")
    response = client.post("/accounts/email/", {"action_add": "", "email": "new@our.example"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not cast.owner.emailaddress_set.filter(email="new@our.example").exists()


def test_changing_the_password_requires_the_current_one(cast):
    client = cast.client("owner")
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not my password",
            "password1": "tangerine lantern quietly",
            "password2": "tangerine lantern quietly",
        },
    )
    assert response.status_code == 200
    cast.owner.refresh_from_db()
    assert cast.owner.check_password(PASSWORD)

"""Sign-up with email verification, and password reset by email (django-allauth)."""

import re

import pytest
from django.core import mail
from django.test import Client

from counselbench.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_requires_verifying_the_email_before_signing_in(db):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Maya.Chen@Example.com",
            "password1": "tangerine lantern quietly",
            "password2": "tangerine lantern quietly",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email__iexact="maya.chen@example.com")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert "_auth_user_id" not in client.session  # not signed in until verified
    (message,) = mail.outbox
    confirm = _link(message)
    assert client.post(confirm).status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get("/api/v1/me").json()["email"] == user.email


def test_sign_up_refuses_a_common_password_and_creates_nobody(db):
    response = Client().post(
        "/accounts/signup/",
        {"email": "weak@example.com", "password1": "password123", "password2": "password123"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.exists()


def test_password_reset_by_email(cast):
    client = Client()
    client.post("/accounts/password/reset/", {"email": "staff@our.example"})
    (message,) = mail.outbox
    key_url = _link(message)
    form_url = client.get(key_url)["Location"]  # allauth moves the key into the session
    response = client.post(
        form_url,
        {"password1": "quiet harbor morning tide", "password2": "quiet harbor morning tide"},
    )
    assert response.status_code == 302
    cast.staff.refresh_from_db()
    assert cast.staff.check_password("quiet harbor morning tide")
    assert not cast.staff.check_password(PASSWORD)


def test_password_reset_for_an_unknown_address_reveals_nothing(db):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"

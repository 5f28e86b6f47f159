"""API tokens: stored hashed, shown once, tied to a user and organization, revocable."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.accounts.models import ApiToken
from counselbench.accounts.services import LAST_USED_RESOLUTION, create_token, hash_secret
from counselbench.core.errors import Invalid, PermissionDenied

pytestmark = pytest.mark.django_db


def _me(secret):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _token(cast, name="owner", **kwargs):
    return create_token(
        cast.actor(name),
        name="Clio sync",
        organization_slug=(
            cast.firm.slug if name in ("owner", "attorney", "staff") else cast.provider.slug
        ),
        **kwargs,
    )


def test_only_the_hash_of_the_secret_is_stored(cast):
    token, secret = _token(cast)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.secret_hash, stored.prefix, stored.name}
    assert stored.secret_hash == hash_secret(secret)
    assert secret.startswith(stored.prefix) and len(stored.prefix) < len(secret) / 3


def test_a_token_authenticates_as_its_user_in_its_organization(cast):
    _, secret = _token(cast)
    response = _me(secret)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "owner@our.example"
    assert body["organization"]["slug"] == "our-firm" and body["organization"]["role"] == "owner"


def test_a_revoked_token_is_refused_at_once(cast):
    token, secret = _token(cast)
    owner = cast.client("owner")
    assert owner.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    response = _me(secret)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert ApiToken.objects.get(pk=token.pk).status == "revoked"


def test_an_expired_token_is_refused(cast):
    token, secret = _token(cast, expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _me(secret).status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_organization(cast):
    _, secret = _token(cast, "attorney")
    cast.attorney.memberships.all().delete()
    assert _me(secret).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(cast):
    _, secret = _token(cast, "staff")
    cast.staff.is_active = False
    cast.staff.save()
    assert _me(secret).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer cbt_not-a-real-token", "Bearer ", "Token abc", "Basic eDp5"]
)
def test_a_malformed_or_unknown_token_gets_401(db, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_last_used_time_is_recorded_and_the_use_logged_at_most_once_a_minute(cast):
    token, secret = _token(cast)
    assert token.last_used_at is None
    _me(secret)
    _me(secret)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert AccessLogEntry.objects.filter(action="token.used", object_id=str(token.pk)).count() == 1
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - LAST_USED_RESOLUTION)
    _me(secret)
    assert AccessLogEntry.objects.filter(action="token.used", object_id=str(token.pk)).count() == 2


def test_the_token_page_shows_the_secret_once_and_last_use(cast):
    client = cast.client("owner")
    response = client.post(
        "/profile/tokens/", {"name": "Zapier", "organization": "our-firm", "expires_in_days": ""}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    _me(secret)
    page = client.get("/profile/tokens/").content.decode()
    assert secret not in page
    assert "Zapier" in page and "never" not in page.split("Zapier")[1].split("</tr>")[0]


def test_a_token_cannot_be_created_for_an_organization_one_is_not_in(cast):
    with pytest.raises(Invalid) as error:
        create_token(cast.actor("owner"), name="x", organization_slug="other-firm")
    assert error.value.fields[0].path == "organization"
    with pytest.raises(PermissionDenied):
        create_token(cast.actor("contractor"), name="x", organization_slug="our-firm")


def test_bad_token_input_is_refused_with_field_paths_and_creates_nothing(cast):
    client = cast.client("owner")
    response = client.post(
        "/api/v1/tokens", {"name": "", "expires_in_days": 9999}, content_type="application/json"
    )
    assert response.status_code == 422
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert paths == {"name", "expires_in_days"}
    assert not ApiToken.objects.exists()


def test_a_token_cannot_revoke_another_users_token(cast):
    token, _ = _token(cast, "owner")
    _, attorney_secret = _token(cast, "attorney")
    response = Client().delete(
        f"/api/v1/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {attorney_secret}"
    )
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None

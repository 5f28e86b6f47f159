"""The hand-written token lookup must load exactly what the ORM would."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from counselbench.accounts.models import ApiToken
from counselbench.accounts.selectors import token_holder
from counselbench.accounts.services import create_token, hash_secret

pytestmark = pytest.mark.django_db

COMPARED = {
    ApiToken: [
        "id",
        "user_id",
        "organization_id",
        "name",
        "prefix",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ],
}


@pytest.mark.parametrize("name", ["owner", "contractor_like", "provider_admin"])
def test_the_lookup_matches_the_orm(cast, name):
    actor_name = "provider_admin" if name == "provider_admin" else "owner"
    org = cast.provider if actor_name == "provider_admin" else cast.firm
    token, secret = create_token(
        cast.actor(actor_name), name="x", organization_slug=org.slug, expires_in_days=30
    )
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=now - timedelta(minutes=3), revoked_at=now
    )
    if name == "contractor_like":
        from tests.factories import ProfessionalFactory

        ProfessionalFactory(user=cast.owner)
        Authenticator.objects.create(user=cast.owner, type=Authenticator.Type.TOTP, data={})
        org.require_mfa = True
        org.save()

    holder = token_holder(hash_secret(secret))
    expected = ApiToken.objects.select_related("user", "organization").get(pk=token.pk)
    for field in COMPARED[ApiToken]:
        assert getattr(holder.token, field) == getattr(expected, field), field
    assert holder.token.revoked_at.tzinfo is not None
    for field in ("id", "email", "full_name", "is_active"):
        assert getattr(holder.token.user, field) == getattr(expected.user, field)
    for field in ("id", "name", "slug", "kind", "time_zone", "require_mfa"):
        assert getattr(holder.token.organization, field) == getattr(expected.organization, field)
    assert holder.token.user.date_joined == expected.user.date_joined  # deferred, loads on access
    assert holder.role == expected.user.memberships.get(organization=org).role
    assert holder.has_totp is (name == "contractor_like")
    assert holder.is_professional is (name == "contractor_like")


def test_an_unknown_hash_finds_nothing(db):
    assert token_holder(hash_secret("cbt_nothing")) is None

"""The hand-written token lookup must load exactly what the ORM would."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from counselbench.accounts import selectors
from counselbench.accounts.models import ApiToken
from counselbench.accounts.services import create_token, hash_secret
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


def _assert_same(loaded, expected, fields):
    for field in fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.attname


@pytest.mark.parametrize("with_extras", [False, True], ids=["plain", "totp-and-professional"])
@pytest.mark.parametrize("member", ["owner", "provider_admin"])
def test_the_lookup_matches_the_orm(cast, member, with_extras):
    org = cast.provider if member == "provider_admin" else cast.firm
    user = getattr(cast, member)
    token, secret = create_token(
        cast.actor(member), name="x", organization_slug=org.slug, expires_in_days=30
    )
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=now - timedelta(minutes=3), revoked_at=now
    )
    if with_extras:
        ProfessionalFactory(user=user)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
        org.require_mfa = True
        org.save()

    holder = selectors.token_holder(hash_secret(secret))
    expected = ApiToken.objects.select_related("user", "organization").get(pk=token.pk)
    _assert_same(holder.token, expected, selectors._TOKEN_FIELDS)
    _assert_same(holder.token.user, expected.user, selectors._USER_FIELDS)
    _assert_same(holder.token.organization, expected.organization, selectors._ORG_FIELDS)
    assert holder.token.revoked_at.tzinfo is not None
    assert holder.token.user.date_joined == expected.user.date_joined  # deferred, loads on access
    assert holder.role == user.memberships.get(organization=org).role
    assert holder.has_totp is with_extras
    assert holder.is_professional is with_extras


def test_an_unknown_hash_finds_nothing(db):
    assert selectors.token_holder(hash_secret("cbt_nothing")) is None

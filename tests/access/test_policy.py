"""The one access policy: tenant isolation, role powers, deny by default."""

import pytest
from django.contrib.sessions.models import Session

from counselbench.access.policy import ANONYMOUS, Action, actor_for, can, fetch, visible
from counselbench.core.errors import NotFound, PermissionDenied
from counselbench.organizations.models import Invitation, Membership, Organization
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def test_members_see_only_their_own_organizations_members(cast):
    ours = set(visible(cast.actor("attorney"), Membership).values_list("user__email", flat=True))
    assert ours == {"owner@our.example", "attorney@our.example", "staff@our.example"}
    theirs = visible(cast.actor("outsider"), Membership)
    assert list(theirs.values_list("user__email", flat=True)) == ["owner@other.example"]


def test_a_contractor_without_an_engagement_sees_no_organization(cast):
    actor = cast.actor("contractor")
    assert actor.organization is None
    assert not visible(actor, Organization).exists()
    assert not visible(actor, Membership).exists()


def test_anonymous_sees_nothing():
    assert not visible(ANONYMOUS, Organization).exists()
    assert not can(ANONYMOUS, Action.VIEW, Organization)


def test_only_the_administrator_manages_the_organization(cast):
    assert can(cast.actor("owner"), Action.MANAGE, cast.firm)
    for name in ("attorney", "staff"):
        assert not can(cast.actor(name), Action.MANAGE, cast.firm)
    assert can(cast.actor("provider_admin"), Action.MANAGE, cast.provider)
    assert not can(cast.actor("vetting_staff"), Action.MANAGE, cast.provider)
    assert not can(cast.actor("outsider"), Action.MANAGE, cast.firm)


def test_invitations_are_visible_to_administrators_only(cast):
    InvitationFactory(organization=cast.firm)
    assert visible(cast.actor("owner"), Invitation).count() == 1
    assert not visible(cast.actor("attorney"), Invitation).exists()
    assert not visible(cast.actor("outsider"), Invitation).exists()


def test_fetch_answers_404_across_tenants_and_403_for_see_but_not_change(cast):
    membership = cast.attorney.memberships.get()
    with pytest.raises(NotFound):
        fetch(cast.actor("outsider"), Membership, Action.CHANGE, pk=membership.pk)
    with pytest.raises(PermissionDenied):
        fetch(cast.actor("staff"), Membership, Action.CHANGE, pk=membership.pk)
    assert fetch(cast.actor("owner"), Membership, Action.CHANGE, pk=membership.pk) == membership


def test_a_model_without_a_rule_is_refused_not_exposed(cast):
    with pytest.raises(LookupError, match=r"access\.policy"):
        visible(cast.actor("owner"), Session)
    assert not can(cast.actor("owner"), Action.VIEW, Session())


def test_an_actor_in_an_organization_they_left_has_no_organization(cast):
    cast.attorney.memberships.all().delete()
    actor = actor_for(cast.attorney, cast.firm)
    assert actor.organization is None and actor.role is None


def test_an_inactive_user_is_anonymous(cast):
    cast.staff.is_active = False
    cast.staff.save()
    assert actor_for(cast.staff, cast.firm) is ANONYMOUS

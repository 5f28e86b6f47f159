"""Members and roles: change, remove, the last-administrator rule, switching organizations."""

import pytest

from counselbench.access.models import AccessLogEntry
from counselbench.accounts.models import ApiToken
from counselbench.accounts.services import create_token
from counselbench.organizations.models import Membership, Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_owner_changes_a_role_and_it_is_logged(cast):
    membership = cast.attorney.memberships.get()
    response = cast.client("owner").patch(
        f"/api/v1/memberships/{membership.pk}", {"role": "staff"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["role"] == "staff"
    entry = AccessLogEntry.objects.get(action="membership.role_changed")
    assert entry.detail["from"] == "attorney" and entry.detail["to"] == "staff"


def test_the_role_select_saves_in_place_with_htmx(cast):
    membership = cast.staff.memberships.get()
    response = cast.client("owner").post(
        f"/org/members/{membership.pk}/role/", {"role": "attorney"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="member-{membership.pk}"' in response.content.decode()
    assert "Saved" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ATTORNEY


def test_the_last_owner_cannot_be_demoted_or_removed(cast):
    owner_membership = cast.owner.memberships.get()
    client = cast.client("owner")
    demote = client.patch(
        f"/api/v1/memberships/{owner_membership.pk}",
        {"role": "attorney"},
        content_type="application/json",
    )
    assert demote.status_code == 409 and demote.json()["error"]["code"] == "last_admin"
    remove = client.delete(f"/api/v1/memberships/{owner_membership.pk}")
    assert remove.status_code == 409
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_with_a_second_owner_the_first_can_step_down(cast):
    MembershipFactory(organization=cast.firm, role=Role.OWNER)
    owner_membership = cast.owner.memberships.get()
    response = cast.client("owner").patch(
        f"/api/v1/memberships/{owner_membership.pk}",
        {"role": "attorney"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_a_role_from_the_wrong_kind_of_organization_is_refused(cast):
    membership = cast.attorney.memberships.get()
    response = cast.client("owner").patch(
        f"/api/v1/memberships/{membership.pk}",
        {"role": "provider_admin"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "role"


def test_removing_a_member_revokes_their_tokens_for_that_organization(cast):
    token, _ = create_token(cast.actor("attorney"), name="x", organization_slug="our-firm")
    membership = cast.attorney.memberships.get()
    assert cast.client("owner").delete(f"/api/v1/memberships/{membership.pk}").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AccessLogEntry.objects.filter(action="membership.removed").exists()


def test_a_user_in_two_organizations_switches_between_them(cast):
    MembershipFactory(organization=cast.other_firm, user=cast.attorney, role=Role.STAFF)
    client = cast.client("attorney")
    assert client.get("/api/v1/organizations").json()["count"] == 2
    response = client.post(f"/org/switch/{cast.other_firm.pk}/", {"next": "/org/members/"})
    assert response["Location"] == "/org/members/"
    me = client.get("/api/v1/me").json()
    assert me["organization"]["slug"] == "other-firm" and me["organization"]["role"] == "staff"
    # An outside redirect target is ignored.
    response = client.post(f"/org/switch/{cast.firm.pk}/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_anyone_signed_in_can_create_an_organization_and_administers_it(cast):
    client = cast.client("contractor")
    response = client.post(
        "/org/new/",
        {"name": "Alvarez Law PLLC", "kind": "law_firm", "time_zone": "America/Chicago"},
    )
    assert response.status_code == 302
    me = client.get("/api/v1/me").json()
    assert me["organization"]["name"] == "Alvarez Law PLLC"
    assert me["organization"]["role"] == "owner"


def test_a_provider_creator_becomes_provider_admin(cast):
    response = cast.client("outsider").post(
        "/api/v1/organizations",
        {"name": "Summit LPO", "kind": "provider"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (
        Membership.objects.get(organization__slug=response.json()["slug"]).role == "provider_admin"
    )


def test_member_lists_do_not_grow_queries_with_size(cast, django_assert_max_num_queries):
    for _ in range(30):
        MembershipFactory(organization=cast.firm)
    client = cast.client("owner")
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/memberships?page_size=100").json()["count"] == 33
    with django_assert_max_num_queries(16):
        assert client.get("/org/members/").status_code == 200


def test_the_role_select_explains_a_refusal_in_place(cast):
    """The htmx error path once raised NameError instead of showing the rule."""
    membership = cast.owner.memberships.get()
    response = cast.client("owner").post(
        f"/org/members/{membership.pk}/role/", {"role": "attorney"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "is the only owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_the_owner_gives_a_staff_member_the_billing_permission(cast):
    membership = cast.staff.memberships.get()
    response = cast.client("owner").post(
        f"/org/members/{membership.pk}/role/",
        {"role": "staff", "billing_field": "1", "billing": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "checked" in response.content.decode()
    membership.refresh_from_db()
    assert membership.billing
    assert cast.actor("staff").may_bill()
    entry = AccessLogEntry.objects.get(action="membership.billing_changed")
    assert entry.detail == {"billing": True, "user": cast.staff.email}
    # Unticked, it is taken away; promoted to attorney, it goes with the staff role.
    cast.client("owner").post(
        f"/org/members/{membership.pk}/role/", {"role": "staff", "billing_field": "1"}
    )
    membership.refresh_from_db()
    assert not membership.billing


def test_the_billing_permission_is_for_staff_and_owners_only_grant_it(cast):
    attorney = cast.attorney.memberships.get()
    response = cast.client("owner").patch(
        f"/api/v1/memberships/{attorney.pk}", {"billing": True}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "billing"
    staff = cast.staff.memberships.get()
    refused = cast.client("attorney").patch(
        f"/api/v1/memberships/{staff.pk}", {"billing": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    granted = cast.client("owner").patch(
        f"/api/v1/memberships/{staff.pk}", {"billing": True}, content_type="application/json"
    )
    assert granted.status_code == 200 and granted.json()["billing"] is True
    promoted = cast.client("owner").patch(
        f"/api/v1/memberships/{staff.pk}", {"role": "attorney"}, content_type="application/json"
    )
    assert promoted.json() == {**promoted.json(), "role": "attorney", "billing": False}

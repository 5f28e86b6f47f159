"""Conflict checks: intake against the firm's other matters, a contractor's declared prior
parties and their work at other firms, the attorney's clearance, staleness, the access gate, and
cross-firm privacy (a hit from another firm names nothing of that firm)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.core.errors import RuleViolation
from counselbench.matters.conflicts import normalize
from counselbench.matters.error_codes import MatterErrorCode as Code
from counselbench.matters.models import ConflictCheck, Party, PriorParty, Task
from counselbench.matters.services.conflicts import (
    ANOTHER_FIRM_MESSAGE,
    check_matter,
    require_conflict_cleared,
)
from tests.factories import EngagementFactory, MatterFactory, ProfessionalFactory, category

pytestmark = pytest.mark.django_db


def party(matter, name, role="adverse", **extra):
    return Party.objects.create(
        matter=matter, name=name, role=role, normalized=normalize(name), **extra
    )


@pytest.fixture
def matter(cast):
    matter = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    party(matter, "Stark Industries", "client")
    party(matter, "Umbrella Corp", "adverse")
    return matter


@pytest.fixture
def pro(cast):
    """The cast's contractor, vetted so the firm can name them in a check."""
    profile = cast.contractor.professional_profile
    profile.vetted_at = timezone.localdate()
    profile.save(update_fields=["vetted_at"])
    return profile


def url(matter):
    return f"/api/v1/matters/{matter.pk}/conflict-check"


def run(cast, matter, who="attorney", professional=None):
    body = {"professional_id": professional.pk if professional else None}
    return cast.client(who).post(url(matter), body, content_type="application/json")


def clear(cast, check_id, reason, who="attorney"):
    return cast.client(who).post(
        f"/api/v1/conflict-checks/{check_id}/clear",
        {"reason": reason},
        content_type="application/json",
    )


# --- Intake -------------------------------------------------------------------------------------


def test_intake_finds_an_adverse_party_that_is_a_client_on_another_matter(cast, matter):
    earlier = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    party(earlier, "UMBRELLA CORPORATION", "client")
    response = run(cast, matter)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "hits" and body["passed"] is False
    assert body["threshold"] == 88 and body["professional_id"] is None
    assert body["run_by"] == cast.attorney.display_name
    assert body["hits"] == [
        {
            "source": "firm",
            "party": "Umbrella Corp",
            "role": "adverse",
            "matched_name": "UMBRELLA CORPORATION",
            "matched_role": "client",
            "matter_number": earlier.number,
            "score": 100,
            "message": None,
        }
    ]
    entry = AccessLogEntry.objects.get(action="conflicts.checked")
    assert entry.organization_id == cast.firm.pk
    assert entry.detail == {
        "matter_id": matter.pk,
        "professional_id": None,
        "status": "hits",
        "hits": 1,
    }


def test_intake_is_clear_when_nothing_matches_and_ignores_other_firms(cast, matter):
    theirs = MatterFactory(organization=cast.other_firm, responsible_attorney=cast.outsider)
    party(theirs, "Umbrella Corporation", "client")
    mine = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    party(mine, "Wayne Enterprises", "client")
    body = run(cast, matter).json()
    assert body["status"] == "clear" and body["passed"] is True and body["hits"] == []


# --- A contractor's declared prior parties, clearance and the gate ------------------------------


def declare(cast, name):
    return cast.client("contractor").post(
        "/api/v1/prior-parties", {"name": name}, content_type="application/json"
    )


def test_a_declared_prior_party_blocks_access_until_an_attorney_clears_it(cast, matter, pro):
    assert declare(cast, "Umbrella Corporation").status_code == 201
    with pytest.raises(RuleViolation) as missing:
        require_conflict_cleared(matter, pro)
    assert missing.value.code == Code.CONFLICT_CHECK_MISSING and missing.value.status == 409
    assert missing.value.unblock == (
        f"Run the conflict check for {cast.contractor.display_name} on this matter first."
    )

    body = run(cast, matter, professional=pro).json()
    assert body["status"] == "hits" and body["professional_id"] == pro.pk
    assert body["hits"][0] | {"score": None} == {
        "source": "declared",
        "party": "Umbrella Corp",
        "role": "adverse",
        "matched_name": "Umbrella Corporation",
        "matched_role": None,
        "matter_number": None,
        "score": None,
        "message": None,
    }
    with pytest.raises(RuleViolation) as uncleared:
        require_conflict_cleared(matter, pro)
    assert uncleared.value.code == Code.CONFLICT_UNCLEARED
    assert uncleared.value.unblock == "An attorney must clear the possible conflict, with a reason."

    refused = clear(cast, body["id"], "Different company.", who="staff")
    assert refused.status_code == 403
    empty = clear(cast, body["id"], "   ")
    assert empty.status_code == 422
    assert [f["path"] for f in empty.json()["error"]["fields"]] == ["reason"]
    assert ConflictCheck.objects.get(pk=body["id"]).status == "hits"  # refusals change nothing

    cleared = clear(cast, body["id"], "Umbrella Corporation of Ohio, not the adverse party.")
    assert cleared.status_code == 200
    done = cleared.json()
    assert done["status"] == "cleared" and done["passed"] is True
    assert done["cleared_by"] == cast.attorney.display_name and done["cleared_at"]
    assert done["clearance_reason"] == "Umbrella Corporation of Ohio, not the adverse party."
    assert require_conflict_cleared(matter, pro).pk == body["id"]
    assert AccessLogEntry.objects.filter(action="conflicts.cleared").count() == 1

    again = clear(cast, body["id"], "Once more.")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == Code.NOTHING_TO_CLEAR


def test_a_clear_check_cannot_be_cleared(cast, matter, pro):
    body = run(cast, matter, professional=pro).json()
    assert body["status"] == "clear"
    response = clear(cast, body["id"], "Nothing to see.")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == Code.NOTHING_TO_CLEAR
    assert require_conflict_cleared(matter, pro).pk == body["id"]


def test_a_check_goes_stale_when_a_party_is_added_or_a_prior_party_declared(cast, matter, pro):
    check = check_matter(matter, run_by=cast.attorney, professional=pro)
    assert check.status == "clear"
    party(matter, "Wayne Enterprises", added_at=check.run_at + timedelta(seconds=1))
    with pytest.raises(RuleViolation) as stale:
        require_conflict_cleared(matter, pro)
    assert stale.value.code == Code.CONFLICT_CHECK_MISSING
    assert "out of date" in stale.value.message

    listed = cast.client("attorney").get(url(matter)).json()
    assert [(c["id"], c["stale"], c["latest"]) for c in listed] == [(check.pk, True, True)]

    rerun = check_matter(matter, run_by=cast.attorney, professional=pro)
    rerun.run_at = check.run_at + timedelta(seconds=2)
    rerun.save(update_fields=["run_at"])
    assert require_conflict_cleared(matter, pro).pk == rerun.pk

    PriorParty.objects.create(
        profile=pro,
        name="Unrelated LLC",
        normalized=normalize("Unrelated LLC"),
        declared_at=rerun.run_at + timedelta(seconds=1),
    )
    with pytest.raises(RuleViolation) as stale_again:
        require_conflict_cleared(matter, pro)
    assert stale_again.value.code == Code.CONFLICT_CHECK_MISSING

    listed = cast.client("staff").get(url(matter)).json()  # staff may read the checks
    assert [(c["id"], c["stale"], c["latest"]) for c in listed] == [
        (rerun.pk, True, True),
        (check.pk, True, False),
    ]


def test_an_older_check_cannot_be_cleared_once_a_newer_one_ran(cast, matter, pro):
    declare(cast, "Umbrella Corporation")
    first = run(cast, matter, professional=pro).json()
    run(cast, matter, professional=pro)
    response = clear(cast, first["id"], "Not them.")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == Code.NOTHING_TO_CLEAR


# --- Cross-firm privacy -------------------------------------------------------------------------


@pytest.fixture
def worked_elsewhere(cast, pro):
    """The contractor had a task at the other firm on a matter against Globex Corporation."""
    client_name = "Initrode Holdings"
    theirs = MatterFactory(
        organization=cast.other_firm,
        responsible_attorney=cast.outsider,
        number="OF-7731",
        client__name=client_name,
    )
    party(theirs, client_name, "client")
    party(theirs, "Globex Corporation", "adverse")
    engagement = EngagementFactory(
        organization=cast.other_firm, professional=pro, supervising_attorney=cast.outsider
    )
    Task.objects.create(
        organization=cast.other_firm,
        matter=theirs,
        title="Summarize depositions",
        category=category(cast.other_firm),
        assignee=cast.contractor,
        engagement=engagement,
        supervising_attorney=cast.outsider,
    )
    return theirs


def test_a_hit_at_another_firm_reveals_nothing_of_that_firm(cast, matter, pro, worked_elsewhere):
    party(matter, "Globex Corp", "adverse")
    response = run(cast, matter, professional=pro)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "hits"
    assert body["hits"] == [
        {
            "source": "another_firm",
            "party": "Globex Corp",
            "role": "adverse",
            "matched_name": None,
            "matched_role": None,
            "matter_number": None,
            "score": None,
            "message": ANOTHER_FIRM_MESSAGE,
        }
    ]
    stored = ConflictCheck.objects.get(pk=body["id"]).hits
    assert stored == [
        {
            "source": "another_firm",
            "party": "Globex Corp",
            "role": "adverse",
            "message": ANOTHER_FIRM_MESSAGE,
        }
    ]
    listed = cast.client("owner").get(url(matter))
    entries = list(AccessLogEntry.objects.values_list("detail", flat=True))
    seen = response.content.decode() + listed.content.decode() + repr(entries)
    for secret in (
        "Globex Corporation",
        worked_elsewhere.number,
        "Initrode",
        cast.other_firm.name,
        cast.other_firm.slug,
        f'"matter_id": {worked_elsewhere.pk},',
    ):
        assert secret not in seen, f"{secret!r} leaked"


def test_work_at_another_firm_only_counts_for_that_professional(cast, matter, worked_elsewhere):
    party(matter, "Globex Corp", "adverse")
    someone_else = ProfessionalFactory(vetted_at=timezone.localdate())
    assert run(cast, matter, professional=someone_else).json()["status"] == "clear"


# --- Who may do what ----------------------------------------------------------------------------


def test_other_firms_and_contractors_get_404_and_staff_403(cast, matter, pro):
    for who in ("outsider", "contractor"):
        assert run(cast, matter, who=who).status_code == 404
        assert cast.client(who).get(url(matter)).status_code == 404
    assert run(cast, matter, who="staff").status_code == 403
    assert run(cast, matter, who="owner").status_code == 201
    check = ConflictCheck.objects.get()
    assert clear(cast, check.pk, "Not a conflict.", who="outsider").status_code == 404
    assert cast.client("anonymous").get(url(matter)).status_code == 401


def test_a_professional_the_firm_cannot_see_is_not_found(cast, matter):
    unvetted = ProfessionalFactory()
    response = run(cast, matter, professional=unvetted)
    assert response.status_code == 404
    assert not ConflictCheck.objects.exists()


def test_bad_input_is_a_422(cast, matter):
    client = cast.client("attorney")
    unknown = client.post(url(matter), {"nope": 1}, content_type="application/json")
    assert unknown.status_code == 422
    too_big = client.post(url(matter), {"professional_id": 2**64}, content_type="application/json")
    assert too_big.status_code == 422


# --- Prior parties ------------------------------------------------------------------------------


def test_prior_parties_are_the_professionals_own(cast, pro):
    created = declare(cast, "  Umbrella Corporation  ")
    assert created.status_code == 201
    assert created.json()["name"] == "Umbrella Corporation"
    prior = PriorParty.objects.get()
    assert prior.normalized == "umbrella" and prior.profile == pro

    assert [p["name"] for p in cast.client("contractor").get("/api/v1/prior-parties").json()] == [
        "Umbrella Corporation"
    ]
    assert cast.client("owner").get("/api/v1/prior-parties").json() == []
    firm = cast.client("owner").post(
        "/api/v1/prior-parties", {"name": "Acme"}, content_type="application/json"
    )
    assert firm.status_code == 403
    assert cast.client("owner").delete(f"/api/v1/prior-parties/{prior.pk}").status_code == 404

    empty = declare(cast, "  ")
    assert empty.status_code == 422
    assert [f["path"] for f in empty.json()["error"]["fields"]] == ["name"]

    removed = cast.client("contractor").delete(f"/api/v1/prior-parties/{prior.pk}")
    assert removed.status_code == 204
    assert not PriorParty.objects.exists()
    assert cast.client("contractor").delete(f"/api/v1/prior-parties/{prior.pk}").status_code == 404

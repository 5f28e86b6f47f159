"""The leads pipeline: the stage machine, first contact, assignment, the conflict flag, and the
board (flags, filters, a move without JavaScript, a constant number of queries)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.core.errors import Invalid, NotFound, PermissionDenied, RuleViolation
from counselbench.intake.models import Lead, LeadEvent
from counselbench.intake.services import leads as services
from tests.intake.matrix_leads import make_lead


@pytest.fixture
def lead(cast, front_desk):
    return make_lead(cast)


def test_moving_a_lead_records_the_event_and_the_first_contact(cast, lead):
    moved = services.transition(cast.actor("staff"), lead_id=lead.pk, to="contacted", note="Hi")
    assert moved.stage == "contacted"
    assert moved.first_contact_by == cast.staff and moved.first_contact_at is not None
    event = LeadEvent.objects.get(lead=lead, kind="stage")
    assert (event.from_stage, event.to_stage, event.note, event.by) == (
        "new",
        "contacted",
        "Hi",
        cast.staff,
    )
    assert AccessLogEntry.objects.filter(action="leads.moved", object_id=str(lead.pk)).exists()


def test_a_later_move_keeps_the_first_contact(cast, lead):
    services.transition(cast.actor("staff"), lead_id=lead.pk, to="contacted")
    first = Lead.objects.get(pk=lead.pk).first_contact_at
    services.transition(cast.actor("attorney"), lead_id=lead.pk, to="consult_booked")
    lead.refresh_from_db()
    assert lead.first_contact_at == first and lead.first_contact_by == cast.staff


@pytest.mark.parametrize(
    ("start", "to"),
    [("new", "new"), ("contacted", "new"), ("not_retained", "consult_booked"), ("retained", "new")],
)
def test_a_move_the_pipeline_does_not_allow_is_refused(cast, front_desk, start, to):
    lead = make_lead(cast, stage=start)
    with pytest.raises(RuleViolation) as refused:
        services.transition(cast.actor("owner"), lead_id=lead.pk, to=to)
    assert refused.value.code == "lead_bad_transition" and refused.value.unblock
    lead.refresh_from_db()
    assert lead.stage == start and not lead.events.exists()


def test_retained_is_reached_only_by_converting(cast, lead):
    with pytest.raises(RuleViolation) as refused:
        services.transition(cast.actor("owner"), lead_id=lead.pk, to="retained")
    assert refused.value.code == "lead_bad_transition"
    assert "Convert" in refused.value.unblock


def test_not_retained_needs_a_reason_and_can_be_reopened(cast, lead):
    with pytest.raises(Invalid) as invalid:
        services.transition(cast.actor("staff"), lead_id=lead.pk, to="not_retained")
    assert [f.path for f in invalid.value.fields] == ["reason"]
    services.transition(
        cast.actor("staff"), lead_id=lead.pk, to="not_retained", reason="Out of state"
    )
    lead.refresh_from_db()
    assert lead.not_retained_reason == "Out of state" and lead.first_contact_at is None
    services.transition(cast.actor("staff"), lead_id=lead.pk, to="contacted")
    lead.refresh_from_db()
    assert lead.stage == "contacted" and lead.not_retained_reason == ""


def test_an_unknown_stage_is_a_field_error(cast, lead):
    with pytest.raises(Invalid) as invalid:
        services.transition(cast.actor("staff"), lead_id=lead.pk, to="won")
    assert invalid.value.fields[0].path == "to"


def test_recording_a_contact_moves_a_new_lead_and_stamps_the_response(cast, lead):
    services.record_contact(cast.actor("contractor"), lead_id=lead.pk, channel="call", note="VM")
    lead.refresh_from_db()
    assert lead.stage == "contacted" and lead.first_contact_by == cast.contractor
    with pytest.raises(Invalid):
        services.record_contact(cast.actor("staff"), lead_id=lead.pk, channel="pigeon")


def test_a_lead_is_assigned_only_to_someone_at_the_front_desk(cast, lead):
    services.assign(cast.actor("staff"), lead_id=lead.pk, user_id=cast.contractor.pk)
    lead.refresh_from_db()
    assert lead.assigned_to == cast.contractor
    for stranger in (cast.outsider, cast.provider_admin):
        with pytest.raises(Invalid) as invalid:
            services.assign(cast.actor("staff"), lead_id=lead.pk, user_id=stranger.pk)
        assert invalid.value.fields[0].path == "user_id"
    services.assign(cast.actor("staff"), lead_id=lead.pk, user_id=None)
    lead.refresh_from_db()
    assert lead.assigned_to is None


def test_another_firm_cannot_see_or_move_our_lead(cast, lead):
    with pytest.raises(NotFound):
        services.transition(cast.actor("outsider"), lead_id=lead.pk, to="contacted")


def test_an_attorney_clears_a_conflict_flag_with_a_reason(cast, front_desk):
    lead = make_lead(cast, conflict_flagged=True, conflict_hits=[{"party": "Acme"}])
    for name in ("staff", "contractor"):
        with pytest.raises(PermissionDenied):
            services.clear_conflict(cast.actor(name), lead_id=lead.pk, reason="fine")
    with pytest.raises(Invalid):
        services.clear_conflict(cast.actor("attorney"), lead_id=lead.pk, reason="  ")
    services.clear_conflict(cast.actor("attorney"), lead_id=lead.pk, reason="Different Acme")
    lead.refresh_from_db()
    assert lead.conflict_cleared_by == cast.attorney and lead.conflict_clear_reason
    with pytest.raises(RuleViolation) as again:
        services.clear_conflict(cast.actor("owner"), lead_id=lead.pk, reason="again")
    assert again.value.code == "lead_not_flagged"


# --- Pages ---------------------------------------------------------------------------------------


def test_the_board_shows_columns_with_counts_and_flags(cast, front_desk):
    make_lead(cast, name="Flagged Person", conflict_flagged=True)
    make_lead(cast, name="Late Person", created_at=timezone.now() - timedelta(hours=3))
    make_lead(cast, name="Done Person", stage="not_retained", not_retained_reason="No")
    page = cast.client("staff").get("/leads/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Flagged Person", "Late Person", "Done Person", "Consult booked", "Overdue"):
        assert text in html
    assert "flag-conflict" in html


def test_the_board_filters_by_flag_and_search(cast, front_desk):
    make_lead(cast, name="Flagged Person", conflict_flagged=True)
    make_lead(cast, name="Quiet Person")
    html = cast.client("owner").get("/leads/?flag=conflict").content.decode()
    assert "Flagged Person" in html and "Quiet Person" not in html
    html = cast.client("owner").get("/leads/?q=quiet&view=list").content.decode()
    assert "Quiet Person" in html and "Flagged Person" not in html


def test_a_card_moves_with_a_plain_form_post(cast, lead):
    client = cast.client("contractor")
    done = client.post(f"/leads/{lead.pk}/move/", {"to": "contacted", "next": "/leads/"})
    assert done.status_code == 302 and done["Location"] == "/leads/"
    lead.refresh_from_db()
    assert lead.stage == "contacted"
    refused = client.post(f"/leads/{lead.pk}/move/", {"to": "retained", "next": "/leads/"})
    assert refused.status_code == 302
    assert "converting" in client.get("/leads/").content.decode()
    # An outside "next" is not followed.
    away = client.post(
        f"/leads/{lead.pk}/move/", {"to": "consult_booked", "next": "https://x.example/"}
    )
    assert away["Location"] == f"/leads/{lead.pk}/"


def test_the_lead_page_hides_conflict_details_from_the_contractor(cast, front_desk):
    lead = make_lead(
        cast,
        conflict_flagged=True,
        conflict_hits=[{"party": "Acme", "matched_name": "Acme Secret Client", "role": "client"}],
    )
    attorney = cast.client("attorney").get(f"/leads/{lead.pk}/").content.decode()
    contractor = cast.client("contractor").get(f"/leads/{lead.pk}/").content.decode()
    assert "Acme Secret Client" in attorney and "Clear the flag" in attorney
    assert "Flagged for an attorney" in contractor
    assert "Acme Secret Client" not in contractor and "Clear the flag" not in contractor


def test_the_board_queries_do_not_grow_with_the_leads(
    cast, front_desk, django_assert_max_num_queries
):
    client = cast.client("staff")
    for i in range(3):
        make_lead(cast, name=f"Lead {i}", assigned_to=cast.attorney)
    client.get("/leads/")  # warm the session and the actor
    with django_assert_max_num_queries(40) as few:
        client.get("/leads/")
    for i in range(30):
        make_lead(
            cast,
            name=f"More {i}",
            stage=["new", "contacted", "consult_booked"][i % 3],
            assigned_to=cast.staff,
            conflict_flagged=i % 2 == 0,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/leads/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/leads/?view=list")

"""Response time: minutes from a lead's creation to its first contact, per lead, per person and
for the firm; the alert for a lead waiting past the firm's target goes once, and only after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from counselbench.intake import selectors
from counselbench.intake.models import IntakeProfile, Lead, ReceptionEntry
from counselbench.intake.services import leads as services
from counselbench.intake.tasks.leads import alert_waiting_leads
from tests.intake.matrix_leads import make_lead


def contacted(cast, who, minutes, **fields):
    created = timezone.now() - timedelta(days=1)
    return make_lead(
        cast,
        created_at=created,
        stage="contacted",
        first_contact_at=created + timedelta(minutes=minutes),
        first_contact_by=getattr(cast, who),
        **fields,
    )


def test_the_first_contact_is_the_response_time(cast, front_desk):
    lead = make_lead(cast, created_at=timezone.now() - timedelta(minutes=42))
    services.record_contact(cast.actor("staff"), lead_id=lead.pk, channel="call")
    lead.refresh_from_db()
    assert 41.9 < selectors.response_minutes(lead) < 43


def test_response_times_per_person_and_for_the_firm(cast, front_desk):
    for minutes in (5, 10, 20, 30):
        contacted(cast, "staff", minutes)
    for minutes in (90, 200):
        contacted(cast, "contractor", minutes)
    make_lead(cast, created_at=timezone.now() - timedelta(hours=5))  # waiting, overdue
    make_lead(cast)  # waiting, within target
    make_lead(cast, stage="not_retained", not_retained_reason="Spam")  # closed, never contacted
    today = timezone.localdate()
    figures = selectors.response_times(
        cast.actor("owner"),
        organization_id=cast.firm.pk,
        start=today - timedelta(days=7),
        end=today,
    )
    assert figures.target_minutes == 60
    assert (figures.leads, figures.waiting, figures.overdue) == (9, 2, 1)
    assert figures.firm.contacted == 6 and figures.firm.within_target == 4
    assert figures.firm.median_minutes == 25.0  # (20 + 30) / 2
    assert figures.firm.p90_minutes == 200.0
    assert figures.within_target_share == round(4 / 7, 3)  # 6 contacted + 1 overdue
    staff, contractor = figures.people
    assert (staff.user_id, staff.contacted, staff.median_minutes) == (cast.staff.pk, 4, 15.0)
    assert (contractor.user_id, contractor.within_target, contractor.p90_minutes) == (
        cast.contractor.pk,
        0,
        200.0,
    )


def test_response_times_count_only_the_period(cast, front_desk):
    contacted(cast, "staff", 5)
    old = make_lead(cast, created_at=timezone.now() - timedelta(days=40))
    Lead.objects.filter(pk=old.pk).update(first_contact_at=old.created_at + timedelta(minutes=1))
    today = timezone.localdate()
    figures = selectors.response_times(
        cast.actor("owner"),
        organization_id=cast.firm.pk,
        start=today - timedelta(days=7),
        end=today,
    )
    assert figures.leads == 1 and figures.firm.median_minutes == 5.0


def test_the_alert_fires_once_and_only_after_the_target(cast, front_desk):
    IntakeProfile.objects.filter(organization=cast.firm).update(response_target_minutes=30)
    created = timezone.now()
    lead = make_lead(cast, created_at=created, assigned_to=cast.staff)
    assert services.alert_overdue(now=created + timedelta(minutes=29)) == 0
    assert mail.outbox == []
    with_commit = services.alert_overdue(now=created + timedelta(minutes=31))
    assert with_commit == 1
    lead.refresh_from_db()
    assert lead.response_alerted_at is not None
    assert services.alert_overdue(now=created + timedelta(minutes=45)) == 0
    assert lead.events.filter(kind="response_alert").count() == 1


def test_the_alert_email_goes_to_the_assignee_after_commit(
    cast, front_desk, django_capture_on_commit_callbacks
):
    lead = make_lead(cast, created_at=timezone.now() - timedelta(hours=2), assigned_to=cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_waiting_leads.call() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.staff.email] and lead.name in message.subject
    assert f"/leads/{lead.pk}/" in message.body


def test_an_unassigned_lead_alerts_the_owners(cast, front_desk, django_capture_on_commit_callbacks):
    make_lead(cast, created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_overdue()
    assert [m.to for m in mail.outbox] == [[cast.owner.email]]


@pytest.mark.parametrize("fields", [{"stage": "contacted"}, {"stage": "not_retained"}])
def test_a_lead_handled_in_time_is_never_alerted(cast, front_desk, fields):
    make_lead(cast, created_at=timezone.now() - timedelta(hours=2), **fields)
    assert services.alert_overdue() == 0


def test_the_board_highlights_a_lead_past_the_target(cast, front_desk):
    make_lead(cast, name="Waiting Long", created_at=timezone.now() - timedelta(hours=2))
    html = cast.client("staff").get("/leads/").content.decode()
    assert "lead-card lead-overdue" in html and "Median first response" in html


def test_a_consultation_the_front_desk_books_for_a_caller_is_the_first_contact(cast):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from counselbench.intake.services import booking
    from tests.intake.matrix_booking import CHICAGO, booking_world

    world = booking_world(cast)
    lead = make_lead(cast, created_at=timezone.now() - timedelta(minutes=25))
    booking.book_for_caller(
        cast.actor("contractor"),
        consultation_type_id=world["initial"],
        attorney_id=cast.attorney.pk,
        starts_at=dt.datetime.combine(world["monday"], dt.time(11), tzinfo=ZoneInfo(CHICAGO)),
        name="",
        time_zone=CHICAGO,
        lead_id=lead.pk,
    )
    lead.refresh_from_db()
    assert lead.stage == "consult_booked"
    assert lead.first_contact_by == cast.contractor
    assert 24.9 < selectors.response_minutes(lead) < 26
    assert services.alert_overdue(now=timezone.now() + timedelta(hours=3)) == 0


def test_a_reception_call_logged_for_a_lead_is_the_first_contact(cast, front_desk):
    from counselbench.intake.services import reception

    lead = make_lead(cast, created_at=timezone.now() - timedelta(minutes=40))
    started = timezone.now() - timedelta(minutes=10)
    entry = reception.log_entry(
        cast.actor("contractor"),
        data={
            "caller_name": lead.name,
            "number": lead.phone,
            "reason": "Returning the firm's call",
            "outcome": "transferred",
            "lead_id": lead.pk,
        },
    )
    ReceptionEntry.objects.filter(pk=entry.pk).update(started_at=started)
    lead.refresh_from_db()
    assert lead.stage == "contacted" and lead.first_contact_by == cast.contractor
    assert lead.events.filter(kind="contact").count() == 1
    # Logging another call with the prospect keeps the first contact.
    reception.log_entry(
        cast.actor("staff"),
        data={
            "caller_name": lead.name,
            "outcome": "message_taken",
            "lead_id": lead.pk,
            "for_user_id": cast.attorney.pk,
            "message": "Call back.",
        },
    )
    again = Lead.objects.get(pk=lead.pk)
    assert again.first_contact_at == lead.first_contact_at
    assert again.first_contact_by == cast.contractor
    assert lead.events.filter(kind="contact").count() == 1


def test_a_missed_call_linked_later_is_no_contact_until_someone_speaks(cast, front_desk):
    from counselbench.intake.services import reception

    lead = make_lead(cast, created_at=timezone.now() - timedelta(minutes=40))
    actor = cast.actor("contractor")
    entry = reception.log_entry(actor, data={"caller_name": lead.name, "outcome": "missed"})
    reception.update_entry(actor, entry_id=entry.pk, data={"lead_id": lead.pk})
    lead.refresh_from_db()
    assert lead.first_contact_at is None and lead.stage == "new"
    reception.update_entry(actor, entry_id=entry.pk, data={"outcome": "transferred"})
    lead.refresh_from_db()
    assert lead.first_contact_at is not None and lead.stage == "contacted"


def test_suspected_spam_waiting_past_the_target_raises_no_alert(cast, front_desk):
    long_ago = timezone.now() - timedelta(hours=3)
    make_lead(cast, name="Casino Bonus 777", created_at=long_ago, suspected_spam=True)
    real = make_lead(cast, name="Real Person", created_at=long_ago)
    assert [lead.pk for lead in services.overdue_leads()] == [real.pk]
    assert services.alert_overdue() == 1
    html = cast.client("staff").get("/leads/?flag=overdue").content.decode()
    assert "Real Person" in html and "Casino Bonus 777" not in html

"""The reception log: the front desk (firm people, and a contractor engaged as receptionist) logs
calls and chats, numbers are validated and stored as E.164, entries are edited on their own day,
the day reads back grouped by urgency, and a receptionist sees no matters and no money."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from counselbench.core.errors import Invalid
from counselbench.intake.models import Lead, ReceptionEntry
from counselbench.intake.services import reception
from tests.factories import EngagementFactory, MatterFactory, OrganizationFactory


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data=data, content_type="application/json")


def call(cast, **extra):
    return {
        "caller_name": "Rosa Delgado",
        "number": "(512) 555-0147",
        "reason": "Car accident last week",
        "message": "Please call back after 3pm.",
        "urgency": "high",
        "language": "es",
        "outcome": "message_taken",
        "for_user_id": cast.attorney.pk,
        **extra,
    }


def test_the_receptionist_logs_a_call_and_the_number_is_stored_as_e164(cast, front_desk):
    response = post(cast.client("contractor"), "/api/v1/reception/log", call(cast))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "+15125550147"
    assert body["organization_id"] == cast.firm.pk
    assert body["for_user"]["id"] == cast.attorney.pk
    assert body["outcome"] == "message_taken" and body["language"] == "es"
    assert body["logged_by"]["id"] == cast.contractor.pk and body["editable"] is True


@pytest.mark.parametrize("number", ["12345", "not a phone", "(512) 555-01", "+999 1234"])
def test_a_bad_phone_number_is_a_field_error_and_nothing_is_logged(cast, front_desk, number):
    response = post(cast.client("contractor"), "/api/v1/reception/log", call(cast, number=number))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["fields"][0]["path"] == "number"
    assert "not a valid phone number" in error["fields"][0]["message"]
    assert not ReceptionEntry.objects.exists()


def test_international_numbers_and_us_formats_are_normalized():
    assert reception.normalize_phone("512.555.0147") == "+15125550147"
    assert reception.normalize_phone("+52 55 1234 5678") == "+525512345678"
    assert reception.normalize_phone("  ") == ""
    with pytest.raises(Invalid) as refused:
        reception.normalize_phone("555", path="phone")
    assert refused.value.fields[0].path == "phone"


def test_the_person_a_call_is_for_must_be_of_the_firm(cast, front_desk):
    response = post(
        cast.client("contractor"), "/api/v1/reception/log", call(cast, for_user_id=cast.outsider.pk)
    )
    assert response.status_code == 422
    assert [f["path"] for f in response.json()["error"]["fields"]] == ["for_user_id"]
    assert not ReceptionEntry.objects.exists()


def test_a_lead_of_another_firm_cannot_be_linked(cast, front_desk):
    theirs = Lead.objects.create(organization=cast.other_firm, practice_area="family", name="X")
    response = post(cast.client("owner"), "/api/v1/reception/log", call(cast, lead_id=theirs.pk))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "lead_id"


def test_an_entry_links_to_one_of_our_leads(cast, front_desk):
    lead = Lead.objects.create(organization=cast.firm, practice_area="family", name="Rosa")
    response = post(cast.client("staff"), "/api/v1/reception/log", call(cast, lead_id=lead.pk))
    assert response.status_code == 201 and response.json()["lead_id"] == lead.pk


def test_a_call_needs_a_name_or_a_number(cast, front_desk):
    response = post(
        cast.client("staff"),
        "/api/v1/reception/log",
        call(cast, caller_name="", number="", outcome="spam"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "caller_name"


def test_an_entry_is_edited_on_its_day_and_closed_afterwards(cast, front_desk):
    actor = cast.actor("contractor")
    entry = reception.log_entry(actor, data=call(cast, outcome="transferred"))
    response = patch(
        cast.client("contractor"),
        f"/api/v1/reception/log/{entry.pk}",
        {"outcome": "appointment_booked", "message": "Booked Tuesday 10:00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "appointment_booked"
    ReceptionEntry.objects.filter(pk=entry.pk).update(started_at=timezone.now() - timedelta(days=2))
    response = patch(
        cast.client("contractor"), f"/api/v1/reception/log/{entry.pk}", {"outcome": "spam"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "reception_entry_closed"
    entry.refresh_from_db()
    assert entry.outcome == "appointment_booked"


def test_completing_a_call_the_phone_system_reported_records_who_completed_it(cast, front_desk):
    reported = ReceptionEntry.objects.create(
        organization=cast.firm, number="+12145550123", external_id="CA-reported-1"
    )
    reception.update_entry(
        cast.actor("contractor"),
        entry_id=reported.pk,
        data={"reason": "Car accident last week", "outcome": "transferred"},
    )
    reported.refresh_from_db()
    assert reported.logged_by == cast.contractor
    assert reported.outcome == "transferred"


def test_another_firm_sees_nothing_of_our_log(cast, front_desk):
    entry = reception.log_entry(cast.actor("staff"), data=call(cast))
    outsider = cast.client("outsider")
    assert outsider.get(f"/api/v1/reception/log/{entry.pk}").status_code == 404
    assert outsider.get("/api/v1/reception/log").json()["count"] == 0
    changed = patch(outsider, f"/api/v1/reception/log/{entry.pk}", {"outcome": "spam"})
    assert changed.status_code == 404


def test_the_log_filters_by_day_urgency_and_outcome(cast, front_desk):
    actor = cast.actor("staff")
    reception.log_entry(actor, data=call(cast, urgency="emergency", outcome="transferred"))
    reception.log_entry(actor, data=call(cast, urgency="low", outcome="spam"))
    old = reception.log_entry(actor, data=call(cast, urgency="low", outcome="spam"))
    ReceptionEntry.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=3))
    client = cast.client("staff")
    today = reception.firm_today(cast.firm).isoformat()
    assert client.get(f"/api/v1/reception/log?day={today}").json()["count"] == 2
    assert client.get(f"/api/v1/reception/log?day={today}&urgency=low").json()["count"] == 1
    assert client.get("/api/v1/reception/log?outcome=spam").json()["count"] == 2
    bad = client.get("/api/v1/reception/log?urgency=whenever")
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["path"] == "urgency"


def test_the_daily_summary_groups_the_day_by_urgency_most_urgent_first(cast, front_desk):
    actor = cast.actor("contractor")
    for urgency, outcome in [
        ("low", "spam"),
        ("emergency", "transferred"),
        ("normal", "message_taken"),
        ("emergency", "message_taken"),
        ("high", "missed"),
    ]:
        reception.log_entry(actor, data=call(cast, urgency=urgency, outcome=outcome))
    summary = reception.daily_summary(actor, day=reception.firm_today(cast.firm))
    assert [(g.urgency, len(g.entries)) for g in summary.groups] == [
        ("emergency", 2),
        ("high", 1),
        ("normal", 1),
        ("low", 1),
    ]
    assert summary.outcome_counts["Message taken"] == 2
    assert summary.outcome_counts["Appointment booked"] == 0
    assert summary.total == 5
    page = cast.client("contractor").get("/reception/summary/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index('data-urgency="emergency"') < html.index('data-urgency="high"')
    assert html.index('data-urgency="normal"') < html.index('data-urgency="low"')
    yesterday = reception.firm_today(cast.firm) - timedelta(days=1)
    assert reception.daily_summary(actor, day=yesterday).total == 0


def test_the_day_is_the_firms_day(cast, front_desk):
    """A call at 23:30 in Chicago is on that Chicago day, though it is the next day in UTC."""
    cast.firm.time_zone = "America/Chicago"
    cast.firm.save(update_fields=["time_zone"])
    entry = reception.log_entry(cast.actor("staff"), data=call(cast))
    day = reception.firm_today(cast.firm)
    late = datetime.combine(day, time(23, 30), tzinfo=ZoneInfo("America/Chicago"))
    ReceptionEntry.objects.filter(pk=entry.pk).update(started_at=late)
    assert late.astimezone(UTC).date() == day + timedelta(days=1)
    assert reception.daily_summary(cast.actor("staff"), day=day).total == 1
    next_day = reception.daily_summary(cast.actor("staff"), day=day + timedelta(days=1))
    assert next_day.total == 0


def test_the_log_page_logs_a_call_and_shows_a_phone_error_on_the_field(cast, front_desk):
    client = cast.client("contractor")
    page = client.get("/reception/")
    assert page.status_code == 200 and b"Log a call or chat" in page.content
    form = {
        "channel": "call",
        "caller_name": "Rosa Delgado",
        "number": "555",
        "urgency": "normal",
        "language": "es",
        "outcome": "transferred",
    }
    refused = client.post("/reception/", form)
    assert refused.status_code == 422 and b"not a valid phone number" in refused.content
    assert not ReceptionEntry.objects.exists()
    done = client.post("/reception/", {**form, "number": "512-555-0147"})
    assert done.status_code == 302
    assert ReceptionEntry.objects.get().number == "+15125550147"
    assert b"Rosa Delgado" in client.get("/reception/").content


def test_a_contractor_at_two_front_desks_says_which_firm(cast, front_desk):
    second = OrganizationFactory(slug="second-firm")
    EngagementFactory(
        organization=second,
        professional=cast.contractor.professional_profile,
        supervising_attorney=cast.attorney,
    )
    data = call(cast, for_user_id=None, outcome="transferred")
    response = post(cast.client("contractor"), "/api/v1/reception/log", data)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "organization_id"
    response = post(
        cast.client("contractor"),
        "/api/v1/reception/log",
        {**data, "organization_id": second.pk},
    )
    assert response.status_code == 201 and response.json()["organization_id"] == second.pk
    elsewhere = post(
        cast.client("contractor"),
        "/api/v1/reception/log",
        {**data, "organization_id": cast.other_firm.pk},
    )
    assert elsewhere.status_code == 404  # another tenant's id reveals nothing
    assert ReceptionEntry.objects.filter(organization=cast.other_firm).count() == 0


def test_the_receptionist_sees_the_log_but_no_matters_and_no_money(cast, front_desk):
    reception.log_entry(cast.actor("staff"), data=call(cast))
    matter = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    client = cast.client("contractor")
    assert client.get("/api/v1/reception/log").json()["count"] == 1
    assert client.get("/reception/").status_code == 200
    assert client.get(f"/api/v1/matters/{matter.pk}").status_code == 404
    assert client.get("/api/v1/matters").json()["count"] == 0
    assert client.get("/api/v1/invoices").json()["count"] == 0
    assert client.get(f"/api/v1/matters/{matter.pk}/parties").status_code == 404
    accounts = client.get("/api/v1/trust/accounts").json()
    assert (accounts["count"] if isinstance(accounts, dict) else len(accounts)) == 0
    assert client.get(f"/api/v1/time-entries?matter_id={matter.pk}").json()["count"] == 0


def test_provider_staff_may_not_log(cast, front_desk):
    response = post(cast.client("provider_admin"), "/api/v1/reception/log", call(cast))
    assert response.status_code == 403


def test_the_log_lists_in_a_fixed_number_of_queries(
    cast, front_desk, django_assert_max_num_queries
):
    actor = cast.actor("contractor")
    lead = Lead.objects.create(organization=cast.firm, practice_area="family", name="Rosa")
    client = cast.client("contractor")

    def count_queries(n: int) -> int:
        for _ in range(n):
            reception.log_entry(actor, data=call(cast, lead_id=lead.pk, outcome="transferred"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/reception/log?page_size=100").status_code == 200
        return len(queries)

    few = count_queries(2)
    many = count_queries(25)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get("/api/v1/reception/log?page_size=100")

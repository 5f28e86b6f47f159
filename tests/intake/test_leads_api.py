"""The leads API: list with filters, take a phone lead, read, move, contact, clear, convert, the
response-time figures; errors in the one shape with field paths; the receptionist contractor
works leads but reaches no matter and no money."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from counselbench.intake.models import Lead
from counselbench.matters.models import Matter
from tests.factories import MatterFactory
from tests.intake.matrix_leads import make_lead


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def leads(cast, front_desk):
    return {
        "new": make_lead(cast, name="Rosa Delgado", assigned_to=cast.staff),
        "flagged": make_lead(
            cast,
            name="Harbor Logistics",
            practice_area="litigation",
            conflict_flagged=True,
            conflict_hits=[{"party": "Acme", "matched_name": "Acme Freight Inc."}],
        ),
        "late": make_lead(cast, name="Old Caller", created_at=timezone.now() - timedelta(hours=4)),
    }


def test_the_list_filters_and_searches(cast, leads):
    client = cast.client("contractor")
    body = client.get("/api/v1/leads").json()
    assert body["count"] == 3 and {"items", "page", "next_page"} <= set(body)
    names = lambda q: [i["name"] for i in client.get(f"/api/v1/leads?{q}").json()["items"]]  # noqa: E731
    assert names("flagged=true") == ["Harbor Logistics"]
    assert names("practice_area=litigation") == ["Harbor Logistics"]
    assert names(f"assigned_to={cast.staff.pk}") == ["Rosa Delgado"]
    assert names("q=caller") == ["Old Caller"]
    assert names("overdue=true") == ["Old Caller"]
    late = next(i for i in body["items"] if i["name"] == "Old Caller")
    assert late["overdue"] is True and late["stage"] == "new"


def test_a_bad_filter_is_a_field_error(cast, leads):
    response = cast.client("owner").get("/api/v1/leads?stage=won")
    assert response.status_code == 422
    assert "stage" in response.json()["error"]["fields"][0]["path"]


def test_the_list_queries_do_not_grow_with_the_leads(cast, leads, django_assert_max_num_queries):
    client = cast.client("owner")
    client.get("/api/v1/leads")
    with django_assert_max_num_queries(30) as few:
        client.get("/api/v1/leads")
    for i in range(25):
        make_lead(cast, name=f"Lead {i}", assigned_to=cast.attorney)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/leads").json()["items"]) == 28


def test_the_front_desk_takes_a_phone_lead(cast, front_desk):
    response = post(
        cast.client("contractor"),
        "/api/v1/leads",
        {
            "name": "Caller Smith",
            "practice_area": "family",
            "phone": "(512) 555-0199",
            "state": "TX",
            "summary": "Divorce, two kids.",
            "other_parties": ["Pat Smith"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    lead = Lead.objects.get(pk=body["id"])
    assert lead.source == "phone" and lead.organization == cast.firm
    assert body["events"][0]["kind"] == "created"


def test_a_phone_lead_with_bad_input_names_the_fields(cast, front_desk):
    response = post(cast.client("staff"), "/api/v1/leads", {"name": "", "practice_area": "x"})
    assert response.status_code == 422
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert {"name", "practice_area"} <= paths
    assert not Lead.objects.exists()


def test_moving_through_the_api(cast, leads):
    client = cast.client("contractor")
    lead = leads["new"]
    done = post(client, f"/api/v1/leads/{lead.pk}/transition", {"to": "contacted"})
    assert done.status_code == 200 and done.json()["stage"] == "contacted"
    assert done.json()["first_contact_at"] and done.json()["response_minutes"] is not None
    bad = post(client, f"/api/v1/leads/{lead.pk}/transition", {"to": "new"})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "lead_bad_transition"
    missing = post(client, f"/api/v1/leads/{lead.pk}/transition", {"to": "not_retained"})
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"] == [
        {"path": "reason", "message": "Say why the prospect was not retained."}
    ]


def test_the_contractor_sees_the_flag_but_not_the_hits(cast, leads):
    url = f"/api/v1/leads/{leads['flagged'].pk}"
    mine = cast.client("contractor").get(url).json()
    theirs = cast.client("attorney").get(url).json()
    assert mine["conflict_flagged"] is True and mine["conflict_hits"] is None
    assert theirs["conflict_hits"][0]["matched_name"] == "Acme Freight Inc."


def test_clear_then_convert_through_the_api(cast, leads):
    client = cast.client("attorney")
    lead = leads["flagged"]
    refused = post(client, f"/api/v1/leads/{lead.pk}/convert", {})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "lead_conflict_uncleared" and error["unblock"]
    blank = post(client, f"/api/v1/leads/{lead.pk}/clear-conflict", {"reason": ""})
    assert blank.status_code == 422 and blank.json()["error"]["fields"][0]["path"] == "reason"
    cleared = post(client, f"/api/v1/leads/{lead.pk}/clear-conflict", {"reason": "Other Acme"})
    assert cleared.status_code == 200 and cleared.json()["conflict_cleared"] is True
    done = post(client, f"/api/v1/leads/{lead.pk}/convert", {"jurisdiction": "TX"})
    assert done.status_code == 201, done.json()
    body = done.json()
    assert body["lead"]["stage"] == "retained" and body["matter_number"]
    assert Matter.objects.get(pk=body["matter_id"]).client_id == body["client_id"]
    again = post(client, f"/api/v1/leads/{lead.pk}/convert", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "lead_already_converted"


def test_patch_assigns_and_refuses_a_stranger(cast, leads):
    client = cast.client("staff")
    url = f"/api/v1/leads/{leads['new'].pk}"
    done = client.patch(
        url,
        {"assigned_to_id": cast.contractor.pk, "urgency": "high"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert (
        done.json()["assigned_to"]["id"] == cast.contractor.pk and done.json()["urgency"] == "high"
    )
    bad = client.patch(url, {"assigned_to_id": cast.outsider.pk}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["path"] == "assigned_to_id"


def test_the_response_time_endpoint(cast, leads):
    client = cast.client("owner")
    post(client, f"/api/v1/leads/{leads['new'].pk}/contact", {"channel": "call"})
    today = timezone.localdate()
    url = f"/api/v1/leads/response-times?from={today - timedelta(days=7)}&to={today}"
    body = client.get(url).json()
    assert body["leads"] == 3 and body["firm"]["contacted"] == 1
    assert body["from"] == str(today - timedelta(days=7)) and body["overdue"] == 1
    assert body["people"][0]["user_id"] == cast.owner.pk
    wrong = client.get(f"/api/v1/leads/response-times?from={today}&to={today - timedelta(days=1)}")
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"][0]["path"] == "from"


def test_the_receptionist_works_leads_but_reaches_no_matter_or_money(cast, leads):
    matter = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    client = cast.client("contractor")
    assert client.get("/api/v1/leads").status_code == 200
    assert client.get(f"/leads/{leads['new'].pk}/").status_code == 200
    assert client.get(f"/api/v1/matters/{matter.pk}").status_code == 404
    assert client.get("/api/v1/matters").json()["count"] == 0
    assert client.get("/api/v1/invoices").json()["count"] == 0
    assert client.get(f"/matters/{matter.pk}/").status_code in (403, 404)
    assert client.get("/billing/invoices/").status_code in (403, 404)
    for action, body in (("convert", {}), ("clear-conflict", {"reason": "x"})):
        refused = post(client, f"/api/v1/leads/{leads['flagged'].pk}/{action}", body)
        assert refused.status_code == 403

"""Converting a lead: one action opens the client, the matter and its parties, exactly once; a
lead whose conflict flag nobody cleared is not converted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from counselbench.core.errors import Invalid, PermissionDenied, RuleViolation
from counselbench.intake.models import Lead
from counselbench.intake.services import leads as services
from counselbench.matters.models import Client as FirmClient
from counselbench.matters.models import Matter, Party
from tests.intake.matrix_leads import make_lead
from tests.intake.world import intake_world


@pytest.fixture
def lead(cast, front_desk):
    return make_lead(
        cast,
        name="Rosa Delgado",
        stage="consult_booked",
        practice_area="family",
        state="NM",
        other_parties=["Martin Delgado", "Sunrise Realty LLC"],
        assigned_to=cast.attorney,
    )


def counts():
    return (FirmClient.objects.count(), Matter.objects.count(), Party.objects.count())


def test_conversion_opens_client_matter_and_parties_once(cast, lead):
    converted = services.convert(cast.actor("owner"), lead_id=lead.pk)
    matter = converted.matter
    assert converted.stage == "retained" and converted.converted_at is not None
    assert converted.client.name == "Rosa Delgado" and converted.client.kind == "person"
    assert converted.client.email == "rosa@example.com"
    assert (matter.practice_area, matter.jurisdiction) == ("family", "NM")
    assert matter.responsible_attorney == cast.attorney  # the lead's assignee, an attorney
    assert matter.client == converted.client
    assert sorted(matter.parties.values_list("name", "role")) == [
        ("Martin Delgado", "adverse"),
        ("Rosa Delgado", "client"),
        ("Sunrise Realty LLC", "adverse"),
    ]
    assert converted.events.filter(kind="converted").count() == 1
    before = counts()
    with pytest.raises(RuleViolation) as again:
        services.convert(cast.actor("attorney"), lead_id=lead.pk)
    assert again.value.code == "lead_already_converted"
    assert counts() == before


def test_conversion_takes_the_chosen_attorney_title_and_jurisdiction(cast, lead):
    converted = services.convert(
        cast.actor("attorney"),
        lead_id=lead.pk,
        data={
            "title": "Delgado custody",
            "jurisdiction": "TX",
            "responsible_attorney_id": cast.owner.pk,
        },
    )
    assert converted.matter.title == "Delgado custody"
    assert (
        converted.matter.jurisdiction == "TX"
        and converted.matter.responsible_attorney == cast.owner
    )


def test_without_a_state_the_firms_first_served_state_is_the_jurisdiction(cast, front_desk):
    lead = make_lead(cast, state="", other_parties=[])
    converted = services.convert(cast.actor("owner"), lead_id=lead.pk)
    assert converted.matter.jurisdiction == "TX"  # the intake profile serves TX and NM
    assert converted.matter.responsible_attorney == cast.owner  # the lead's assignee is nobody


def test_a_bad_attorney_is_a_field_error_and_opens_nothing(cast, lead):
    before = counts()
    with pytest.raises(Invalid) as invalid:
        services.convert(
            cast.actor("owner"), lead_id=lead.pk, data={"responsible_attorney_id": cast.staff.pk}
        )
    assert [f.path for f in invalid.value.fields] == ["responsible_attorney_id"]
    assert counts() == before
    lead.refresh_from_db()
    assert lead.matter is None and lead.stage == "consult_booked"


def test_a_flagged_lead_is_not_converted_until_an_attorney_clears_it(cast, front_desk):
    lead = make_lead(cast, conflict_flagged=True, conflict_hits=[{"party": "Martin Delgado"}])
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        services.convert(cast.actor("attorney"), lead_id=lead.pk)
    assert refused.value.code == "lead_conflict_uncleared" and "clear" in refused.value.unblock
    assert counts() == before
    services.clear_conflict(cast.actor("attorney"), lead_id=lead.pk, reason="Not the same Martin")
    assert services.convert(cast.actor("attorney"), lead_id=lead.pk).matter is not None


def test_the_front_desk_does_not_convert(cast, lead):
    for name in ("staff", "contractor"):
        with pytest.raises(PermissionDenied):
            services.convert(cast.actor(name), lead_id=lead.pk)
    assert Lead.objects.get(pk=lead.pk).matter is None


def test_the_convert_form_leads_to_the_new_matter(cast, lead):
    client = cast.client("attorney")
    done = client.post(
        f"/leads/{lead.pk}/convert/", {"title": "Delgado custody", "jurisdiction": "NM"}
    )
    lead.refresh_from_db()
    assert done.status_code == 302 and lead.matter is not None
    page = client.get(done["Location"]).content.decode()
    assert f"/matters/{lead.matter_id}/" in page and lead.matter.number in page
    # A double click: the second post is refused with a message, nothing more is opened.
    before = counts()
    again = client.post(f"/leads/{lead.pk}/convert/", {"jurisdiction": "NM"})
    assert again.status_code == 302 and counts() == before
    assert "already converted" in client.get(again["Location"]).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is PostgreSQL's")
def test_two_racing_conversions_open_one_matter(committed, cast):
    intake_world(cast)
    lead = make_lead(cast, other_parties=["Martin Delgado"])
    barrier, results = threading.Barrier(2), []

    def call():
        client = Client()
        client.force_login(cast.attorney)
        barrier.wait()
        try:
            results.append(
                client.post(f"/api/v1/leads/{lead.pk}/convert", {}, content_type="application/json")
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in results) == [201, 409]
    refused = next(r for r in results if r.status_code == 409)
    assert refused.json()["error"]["code"] == "lead_already_converted"
    assert Matter.objects.filter(client__name="Rosa Delgado").count() == 1
    assert FirmClient.objects.filter(name="Rosa Delgado").count() == 1

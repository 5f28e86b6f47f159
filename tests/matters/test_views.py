"""The matter and delegation pages: who sees which page, that refusals come back with the rule and
what unblocks it, that bad input changes nothing, and that a contractor sees only their own work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.matters.conflicts import normalize
from counselbench.matters.models import (
    Client,
    ConflictCheck,
    Consent,
    Document,
    Matter,
    Screen,
    Task,
    TaskStatus,
)
from counselbench.matters.services import grants as grant_services
from counselbench.matters.services import tasks as task_services
from counselbench.matters.services.conflicts import ANOTHER_FIRM_MESSAGE
from tests.factories import MatterFactory
from tests.matters.conftest import PDF, make_task, open_matter, pdf, upload

FIRM = ("owner", "attorney", "staff")
NOT_FIRM = ("provider_admin", "vetting_staff", "contractor")


@pytest.fixture
def work(cast, delegation):
    """A deposition summary with the engaged paralegal and two documents attached; a third
    document on the matter stays with the firm; a staff task on the same matter."""
    task = make_task(cast, delegation, engagement_id=delegation.engagement.pk)
    docs = [upload(cast, delegation.matter, f"Exhibit {n}") for n in ("A", "B")]
    for doc in docs:
        grant_services.attach_document(cast.actor("attorney"), task_id=task.pk, document_id=doc.pk)
    memo = upload(cast, delegation.matter, "Privileged strategy memo")
    staff_task = make_task(cast, delegation, title="Index the exhibits", assignee_id=cast.staff.pk)
    return {"task": task, "docs": docs, "memo": memo, "staff_task": staff_task}


def url(name: str, *args) -> str:
    return reverse(f"matters:{name}", args=args)


# --- Who sees which page -------------------------------------------------------------------------


@pytest.mark.parametrize("role", FIRM)
def test_every_firm_page_renders_for_the_firms_members(cast, delegation, work, role):
    client = cast.client(role)
    matter, task = delegation.matter, work["task"]
    for path in (
        url("list"),
        url("list") + "?q=Harbor&status=open&practice_area=litigation&jurisdiction=tx",
        url("detail", matter.pk),
        url("tasks"),
        url("tasks") + "?view=list&mine=1",
        url("tasks") + f"?matter={matter.pk}&assignee={cast.contractor.pk}",
        url("task_detail", task.pk),
        url("task_new"),
        url("my_tasks"),
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    expected = 200 if role in ("owner", "attorney") else 403
    assert client.get(url("new")).status_code == expected
    assert client.get(url("alerts")).status_code == (200 if role == "owner" else 403)
    assert client.get(url("prior_parties")).status_code == 404


@pytest.mark.parametrize("role", NOT_FIRM)
def test_firm_pages_are_not_found_outside_the_firm(cast, delegation, work, role):
    client = cast.client(role)
    for path in (url("list"), url("tasks"), url("detail", delegation.matter.pk)):
        assert client.get(path).status_code == 404, path
    assert client.get(url("new")).status_code == 403
    assert client.get(url("alerts")).status_code == 403


def test_the_other_firm_gets_404_for_every_object(cast, delegation, work):
    client = cast.client("outsider")
    assert client.get(url("list")).status_code == 200  # its own, empty list
    for path in (
        url("detail", delegation.matter.pk),
        url("task_detail", work["task"].pk),
        url("download", work["docs"][0].pk),
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(url("record_consent", delegation.matter.pk), {})
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cast, delegation):
    response = cast.client("anonymous").get(url("detail", delegation.matter.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_offers_matters_to_the_firm_and_my_tasks_to_a_contractor(cast, delegation):
    firm_page = cast.client("staff").get(url("list")).content.decode()
    assert f'href="{url("list")}"' in firm_page
    mine = cast.client("contractor").get(url("my_tasks")).content.decode()
    assert "My tasks" in mine and f'href="{url("list")}"' not in mine


# --- The contractor ------------------------------------------------------------------------------


def test_my_tasks_lists_only_the_contractors_open_tasks_soonest_first(cast, delegation, work):
    later = make_task(
        cast,
        delegation,
        title="Digest the expert deposition",
        engagement_id=delegation.engagement.pk,
        due_on=timezone.localdate() + timedelta(days=9),
    )
    soon = work["task"]
    soon.due_on = timezone.localdate() + timedelta(days=1)
    soon.save(update_fields=["due_on"])
    page = cast.client("contractor").get(url("my_tasks")).content.decode()
    assert soon.title in page and later.title in page
    assert page.index(url("task_detail", soon.pk)) < page.index(url("task_detail", later.pk))
    assert work["staff_task"].title not in page
    assert "Prior parties" in page
    assert (
        cast.client("contractor").get(url("task_detail", work["staff_task"].pk)).status_code == 404
    )


def test_the_contractor_sees_exactly_the_two_granted_documents_on_the_task(cast, work):
    client = cast.client("contractor")
    page = client.get(url("task_detail", work["task"].pk)).content.decode()
    for doc in work["docs"]:
        assert doc.title in page and url("download", doc.pk) in page
    assert work["memo"].title not in page
    assert client.get(url("download", work["memo"].pk)).status_code == 404
    response = client.get(url("download", work["docs"][0].pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(PDF)


def test_a_version_download_and_a_bad_version_number(cast, work):
    client = cast.client("attorney")
    assert client.get(url("download", work["memo"].pk) + "?version=1").status_code == 200
    assert client.get(url("download", work["memo"].pk) + "?version=2").status_code == 404
    assert client.get(url("download", work["memo"].pk) + "?version=x").status_code == 404


def test_the_contractor_declares_and_withdraws_a_prior_party(cast):
    client = cast.client("contractor")
    response = client.post(url("prior_parties"), {"name": "Acme Corp.", "note": "2019 case"})
    assert response.status_code == 302
    prior = cast.contractor.professional_profile.prior_parties.get()
    assert "Acme Corp." in client.get(url("prior_parties")).content.decode()
    assert client.post(url("prior_parties"), {"name": "  "}).status_code == 422
    assert client.post(url("remove_prior_party", prior.pk)).status_code == 302
    assert not cast.contractor.professional_profile.prior_parties.exists()


# --- The task flow -------------------------------------------------------------------------------


def test_the_task_moves_through_review_with_a_note_required_to_send_it_back(cast, work):
    task = work["task"]
    contractor, attorney = cast.client("contractor"), cast.client("attorney")
    page = contractor.get(url("task_detail", task.pk)).content.decode()
    assert "Start" in page
    contractor.post(url("task_transition", task.pk), {"to": TaskStatus.IN_PROGRESS})
    contractor.post(url("task_transition", task.pk), {"to": TaskStatus.SUBMITTED})
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SUBMITTED
    page = attorney.get(url("task_detail", task.pk)).content.decode()
    assert "Send back for rework" in page and 'name="note"' in page
    response = attorney.post(
        url("task_transition", task.pk), {"to": TaskStatus.NEEDS_REWORK}, follow=True
    )
    assert "Say what needs to change." in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SUBMITTED
    attorney.post(
        url("task_transition", task.pk), {"to": TaskStatus.NEEDS_REWORK, "note": "Add page cites."}
    )
    assert Task.objects.get(pk=task.pk).rework_count == 1
    page = attorney.get(url("task_detail", task.pk)).content.decode()
    assert "Add page cites." in page  # in the history


def test_a_contractor_cannot_review_their_own_work(cast, work):
    task = work["task"]
    client = cast.client("contractor")
    client.post(url("task_transition", task.pk), {"to": TaskStatus.IN_PROGRESS})
    client.post(url("task_transition", task.pk), {"to": TaskStatus.SUBMITTED})
    response = client.post(url("task_transition", task.pk), {"to": TaskStatus.DONE})
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SUBMITTED


def test_the_assignee_uploads_work_product_and_comments(cast, work):
    task = work["task"]
    client = cast.client("contractor")
    response = client.post(
        url("work_product", task.pk), {"title": "Deposition summary", "file": pdf("summary.pdf")}
    )
    assert response.status_code == 302
    client.post(url("add_comment", task.pk), {"body": "Summary uploaded."})
    page = client.get(url("task_detail", task.pk)).content.decode()
    assert "Deposition summary" in page and "Summary uploaded." in page


def test_the_attorney_revokes_a_grant_with_a_reason(cast, work):
    task, doc = work["task"], work["docs"][0]
    grant = task.grants.get(document=doc)
    client = cast.client("attorney")
    assert client.post(url("revoke_grant", grant.pk), {"reason": ""}).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is None
    client.post(url("revoke_grant", grant.pk), {"reason": "Not needed after all."})
    grant.refresh_from_db()
    assert grant.revoke_reason == "Not needed after all."
    page = cast.client("contractor").get(url("task_detail", task.pk)).content.decode()
    assert doc.title not in page


# --- Refusals show the rule and change nothing ---------------------------------------------------


def _court_appearance(cast, delegation, **more):
    return {
        "matter_id": delegation.matter.pk,
        "title": "Appear at the docket call",
        "category_id": delegation.attorney_work,
        "assign_to": f"engagement:{delegation.engagement.pk}",
        "supervising_attorney_id": cast.attorney.pk,
        **more,
    }


def test_a_refused_assignment_shows_the_rule_and_what_unblocks_it_and_creates_nothing(
    cast, delegation
):
    before = Task.objects.count()
    response = cast.client("attorney").post(url("task_new"), _court_appearance(cast, delegation))
    assert response.status_code == 422
    page = response.content.decode()
    assert "unauthorized practice of law" in page
    assert "Assign it to an attorney admitted in TX" in page
    assert Task.objects.count() == before


def test_a_refused_reassignment_on_the_task_page_keeps_the_assignee(cast, delegation, work):
    task = make_task(cast, delegation, attorney=True, title="Argue the motion")
    task_services.assign_task(cast.actor("attorney"), task_id=task.pk, assignee_id=cast.attorney.pk)
    response = cast.client("attorney").post(
        url("task_assign", task.pk), {"assign_to": f"engagement:{delegation.engagement.pk}"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "unauthorized practice of law" in page and "admitted in TX" in page
    assert Task.objects.get(pk=task.pk).assignee == cast.attorney


def test_staff_cannot_assign_or_record_consent(cast, delegation, work):
    client = cast.client("staff")
    response = client.post(
        url("task_assign", work["staff_task"].pk), {"assign_to": f"member:{cast.attorney.pk}"}
    )
    assert response.status_code == 403
    assert client.post(url("withdraw_consent", delegation.matter.pk)).status_code == 403
    assert Consent.objects.filter(matter=delegation.matter, withdrawn_at=None).exists()


def test_a_new_matter_with_bad_input_changes_nothing(cast):
    client = cast.client("attorney")
    clients, matters = Client.objects.count(), Matter.objects.count()
    response = client.post(url("new"), {"title": "", "jurisdiction": "TX"})
    assert response.status_code == 422
    assert "Choose a client, or name a new one." in response.content.decode()
    MatterFactory(organization=cast.firm, number="2026-0042", responsible_attorney=cast.attorney)
    matters += 1
    # The inline client is created inside the same transaction as the refused matter.
    response = client.post(
        url("new"),
        {
            "new_client_name": "Brightwater Holdings",
            "new_client_kind": "organization",
            "title": "Brightwater v. Pell",
            "jurisdiction": "TX",
            "practice_area": "litigation",
            "responsible_attorney_id": cast.attorney.pk,
            "number": "2026-0042",
            "party_1_name": "Pell Industries",
            "party_1_role": "adverse",
        },
    )
    assert response.status_code == 422
    assert "Another matter has this number." in response.content.decode()
    assert (Client.objects.count(), Matter.objects.count()) == (clients + 1, matters)
    assert not Client.objects.filter(name="Brightwater Holdings").exists()


def test_a_new_matter_with_an_inline_client_and_parties(cast):
    response = cast.client("attorney").post(
        url("new"),
        {
            "new_client_name": "Brightwater Holdings",
            "new_client_kind": "organization",
            "title": "Brightwater v. Pell",
            "jurisdiction": "TX",
            "practice_area": "litigation",
            "responsible_attorney_id": cast.attorney.pk,
            "party_1_name": "Pell Industries",
            "party_1_role": "adverse",
        },
    )
    matter = Matter.objects.get(title="Brightwater v. Pell")
    assert response.status_code == 302 and response["Location"] == url("detail", matter.pk)
    assert set(matter.parties.values_list("name", "role")) == {
        ("Brightwater Holdings", "client"),
        ("Pell Industries", "adverse"),
    }
    assert matter.conflict_checks.filter(professional=None).exists()


def test_consent_with_bad_input_shows_errors_and_records_nothing(cast, documents_storage):
    matter = open_matter(cast, consent=False)
    client = cast.client("attorney")
    page = client.get(url("detail", matter.pk)).content.decode()
    assert "No consent: contractors have no access." in page
    response = client.post(
        url("record_consent", matter.pk),
        {
            "consented_by": "Lee Harbor, CEO",
            "consented_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "method": "written",
            "scope": "Paralegal support.",
            "markup_disclosed": "yes",
        },
    )
    assert response.status_code == 422
    assert "Consent cannot be dated in the future." in response.content.decode()
    assert not Consent.objects.filter(matter=matter).exists()
    response = client.post(
        url("record_consent", matter.pk),
        {
            "consented_by": "Lee Harbor, CEO",
            "consented_on": date(2026, 1, 5).isoformat(),
            "method": "written",
            "scope": "Paralegal support.",
            "markup_disclosed": "no",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(matter=matter)
    assert consent.markup_disclosed is False
    assert (
        "No consent: contractors have no access."
        not in client.get(url("detail", matter.pk)).content.decode()
    )


def test_an_upload_of_a_refused_type_is_shown_on_the_form_and_stores_nothing(cast, delegation):
    before = Document.objects.count()
    exe = SimpleUploadedFile("brief.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    response = cast.client("attorney").post(
        url("upload_document", delegation.matter.pk), {"title": "Brief", "file": exe}
    )
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert Document.objects.count() == before


def test_an_upload_and_a_new_version(cast, delegation):
    client = cast.client("staff")
    response = client.post(
        url("upload_document", delegation.matter.pk), {"title": "Notice", "file": pdf("n.pdf")}
    )
    assert response.status_code == 302
    doc = Document.objects.get(title="Notice")
    client.post(url("upload_version", doc.pk), {"file": pdf("n2.pdf", b"v2")})
    assert list(doc.versions.values_list("number", flat=True)) == [2, 1]
    page = client.get(url("detail", delegation.matter.pk)).content.decode()
    assert url("download", doc.pk) + "?version=1" in page


# --- The matter page -----------------------------------------------------------------------------


def test_the_attorney_runs_the_check_for_the_engaged_professional_and_clears_hits(cast, delegation):
    profile = delegation.engagement.professional
    profile.prior_parties.create(
        name="Brightline Freight Incorporated",
        normalized=normalize("Brightline Freight Incorporated"),
    )
    client = cast.client("attorney")
    page = client.get(url("detail", delegation.matter.pk)).content.decode()
    assert f'value="{profile.pk}"' in page  # offered from the firm's live engagements
    response = client.post(
        url("run_conflict_check", delegation.matter.pk), {"professional_id": profile.pk}
    )
    assert response.status_code == 302
    check = ConflictCheck.objects.filter(professional=profile).latest("run_at")
    assert check.status == "hits"
    page = client.get(url("detail", delegation.matter.pk)).content.decode()
    assert "Clear with this reason" in page
    client.post(url("clear_conflict", check.pk), {"reason": "Different company, checked."})
    check.refresh_from_db()
    assert check.status == "cleared"


def test_another_firms_hit_says_only_possible_conflict(cast, delegation):
    ConflictCheck.objects.create(
        matter=delegation.matter,
        professional=delegation.engagement.professional,
        status="hits",
        threshold=90,
        hits=[
            {
                "source": "another_firm",
                "party": "Brightline Freight Inc.",
                "role": "adverse",
                "message": ANOTHER_FIRM_MESSAGE,
            }
        ],
    )
    page = cast.client("attorney").get(url("detail", delegation.matter.pk)).content.decode()
    assert "Possible conflict, review needed" in page


def test_a_screen_is_shown_prominently_and_removed(cast, delegation):
    client = cast.client("attorney")
    response = client.post(
        url("add_screen", delegation.matter.pk),
        {"user_id": cast.staff.pk, "reason": "Worked for the adverse party."},
    )
    assert response.status_code == 302
    page = client.get(url("detail", delegation.matter.pk)).content.decode()
    assert "Ethical wall" in page and "Worked for the adverse party." in page
    assert cast.client("staff").get(url("detail", delegation.matter.pk)).status_code == 404
    screen = Screen.objects.get(matter=delegation.matter)
    client.post(url("remove_screen", delegation.matter.pk, screen.pk))
    assert cast.client("staff").get(url("detail", delegation.matter.pk)).status_code == 200
    bad = client.post(url("add_screen", delegation.matter.pk), {"user_id": "", "reason": ""})
    assert bad.status_code == 422


def test_the_owner_sees_the_access_trail_and_the_attorney_does_not(cast, work, delegation):
    cast.client("contractor").get(url("download", work["docs"][0].pk))
    owner_page = cast.client("owner").get(url("detail", delegation.matter.pk)).content.decode()
    assert "Access trail" in owner_page and "documents.download" in owner_page
    assert "grants.granted" in owner_page and cast.contractor.email in owner_page
    assert "tasks.assigned" in owner_page, "task moves are on the matter's trail too"
    attorney_page = cast.client("attorney").get(url("detail", delegation.matter.pk))
    assert "Access trail" not in attorney_page.content.decode()
    assert AccessLogEntry.objects.filter(action="documents.download").exists()


def test_the_owner_acknowledges_an_alert(cast, delegation):
    from counselbench.matters.models import AccessAlert

    alert = AccessAlert.objects.create(
        organization=cast.firm,
        matter=delegation.matter,
        subject=cast.contractor,
        rule="download_volume",
        summary="31 downloads in an hour",
        window_start=timezone.now().replace(minute=0, second=0, microsecond=0),
    )
    client = cast.client("owner")
    assert "31 downloads in an hour" in client.get(url("alerts")).content.decode()
    assert "31 downloads" in client.get(url("detail", delegation.matter.pk)).content.decode()
    assert cast.client("attorney").post(url("acknowledge_alert", alert.pk)).status_code == 404
    client.post(url("acknowledge_alert", alert.pk), follow=True)
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast.owner
    assert "31 downloads" not in client.get(url("alerts")).content.decode()
    assert "31 downloads" in client.get(url("alerts") + "?show=acknowledged").content.decode()


def test_the_lists_cost_the_same_queries_at_any_size(
    cast, delegation, django_assert_max_num_queries
):
    for n in range(30):
        MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney, number=f"Q-{n}")
        make_task(cast, delegation, title=f"Task {n}", assignee_id=cast.staff.pk)
    client = cast.client("staff")
    for path in (url("list"), url("tasks"), url("tasks") + "?view=list", url("my_tasks")):
        with django_assert_max_num_queries(30):
            assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("record_consent", {}),
        ("edit", {}),
        ("add_screen", {}),
        ("run_conflict_check", {"professional_id": "nobody"}),
        ("add_parties", {}),
        ("withdraw_consent", {}),
    ],
)
def test_staff_get_403_on_attorney_forms_whatever_they_send(cast, delegation, name, data):
    response = cast.client("staff").post(url(name, delegation.matter.pk), data)
    assert response.status_code == 403


def test_staff_get_403_assigning_or_attaching_whatever_they_send(cast, work):
    client = cast.client("staff")
    assert client.post(url("task_assign", work["task"].pk), {}).status_code == 403
    assert client.post(url("attach_document", work["task"].pk), {}).status_code == 403
    assert client.post(url("work_product", work["task"].pk), {}).status_code == 403


@pytest.mark.parametrize("role", [*NOT_FIRM, "outsider"])
def test_uploads_to_another_firms_matter_are_not_found(cast, delegation, role):
    response = cast.client(role).post(url("upload_document", delegation.matter.pk), {})
    assert response.status_code == 404

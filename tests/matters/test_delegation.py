"""Delegating matter work to a contractor: consent and conflict gates, need-to-know grants that
end with the task or the engagement, ethical walls, and the task flow through the API."""

from __future__ import annotations

import pytest

from counselbench.access.models import AccessLogEntry
from counselbench.access.policy import visible
from counselbench.core.errors import NotFound, RuleViolation
from counselbench.engagements.services import transition as engagement_transition
from counselbench.matters.models import Document, Grant, Party, Task, TaskEvent
from counselbench.matters.services import grants as grant_services
from counselbench.matters.services import matters as matter_services
from counselbench.matters.services import tasks as services
from counselbench.matters.services.conflicts import check_matter
from counselbench.matters.services.documents import document_for
from tests.factories import EngagementFactory
from tests.matters.conftest import make_task, open_matter, pdf, upload


def delegate(cast, delegation, documents=2):
    """A deposition summary for the engaged paralegal, with `documents` documents attached."""
    task = make_task(cast, delegation, engagement_id=delegation.engagement.pk)
    docs = [upload(cast, delegation.matter, f"Exhibit {i}") for i in range(documents)]
    for doc in docs:
        grant_services.attach_document(cast.actor("attorney"), task_id=task.pk, document_id=doc.pk)
    return task, docs


def seen_by_contractor(cast) -> set[int]:
    return set(visible(cast.actor("contractor"), Document).values_list("pk", flat=True))


def test_the_contractor_sees_exactly_the_documents_of_their_task(cast, delegation):
    task, docs = delegate(cast, delegation)
    other = upload(cast, delegation.matter, "Privileged strategy memo")
    assert seen_by_contractor(cast) == {d.pk for d in docs}
    assert Grant.objects.filter(task=task, grantee=cast.contractor).count() == 2
    with pytest.raises(NotFound):
        document_for(cast.actor("contractor"), document_id=other.pk)
    denied = AccessLogEntry.objects.filter(action="documents.denied").first()
    assert denied is not None and denied.detail["document_id"] == other.pk
    assert denied.organization_id == cast.firm.pk, "the firm's owner sees the attempt"


def test_no_access_without_the_clients_consent(cast, delegation, documents_storage):
    matter = open_matter(cast, consent=False, number="2026-0900")
    check_matter(matter, run_by=cast.attorney, professional=delegation.engagement.professional)
    task = services.create_task(
        cast.actor("attorney"),
        matter_id=matter.pk,
        data={"title": "Index the exhibits", "category_id": delegation.paralegal_work},
    )
    with pytest.raises(RuleViolation) as caught:
        services.assign_task(
            cast.actor("attorney"), task_id=task.pk, engagement_id=delegation.engagement.pk
        )
    assert caught.value.code == "consent_missing" and "08-451" in caught.value.message
    assert Task.objects.get(pk=task.pk).assignee is None


def test_withdrawing_consent_revokes_every_grant_on_the_matter(cast, delegation):
    delegate(cast, delegation)
    matter_services.withdraw_consent(cast.actor("attorney"), matter_id=delegation.matter.pk)
    assert seen_by_contractor(cast) == set()
    assert not Grant.objects.filter(revoked_at__isnull=True).exists()
    assert AccessLogEntry.objects.filter(action="grants.revoked").count() == 2


def test_no_access_before_the_conflict_check(cast, delegation):
    other_pro = EngagementFactory(
        organization=cast.firm, supervising_attorney=cast.attorney, professional__role="paralegal"
    )
    task = make_task(cast, delegation)
    with pytest.raises(RuleViolation) as caught:
        services.assign_task(cast.actor("attorney"), task_id=task.pk, engagement_id=other_pro.pk)
    assert caught.value.code == "conflict_check_missing"


def test_a_new_party_makes_the_conflict_check_stale(cast, delegation):
    task = make_task(cast, delegation)
    matter_services.add_parties(
        cast.actor("attorney"),
        matter_id=delegation.matter.pk,
        parties=[{"name": "Northwind Insurance Co.", "role": "adverse"}],
    )
    assert Party.objects.filter(matter=delegation.matter, name__startswith="Northwind").exists()
    with pytest.raises(RuleViolation) as caught:
        services.assign_task(
            cast.actor("attorney"), task_id=task.pk, engagement_id=delegation.engagement.pk
        )
    assert caught.value.code == "conflict_check_missing"


def test_closing_the_task_ends_access(cast, delegation):
    task, docs = delegate(cast, delegation)
    contractor = cast.actor("contractor")
    services.transition(contractor, task_id=task.pk, to="in_progress")
    services.transition(contractor, task_id=task.pk, to="submitted")
    services.transition(cast.actor("attorney"), task_id=task.pk, to="needs_rework", note="Cite")
    assert seen_by_contractor(cast) == {d.pk for d in docs}, "rework keeps the task open"
    services.transition(contractor, task_id=task.pk, to="submitted")
    services.transition(cast.actor("attorney"), task_id=task.pk, to="done")
    assert seen_by_contractor(cast) == set()
    task.refresh_from_db()
    assert task.rework_count == 1 and task.done_at is not None and task.started_at is not None
    assert list(TaskEvent.objects.filter(task=task).values_list("to_status", flat=True)) == [
        "todo", "in_progress", "submitted", "needs_rework", "submitted", "done",
    ]  # fmt: skip
    assert all(g.revoke_reason == "The task is done." for g in Grant.objects.filter(task=task))


def test_ending_the_engagement_cuts_access_at_once(cast, delegation):
    _task, docs = delegate(cast, delegation)
    engagement = delegation.engagement
    engagement.state = "ending"
    engagement.save(update_fields=["state"])
    assert seen_by_contractor(cast) == {d.pk for d in docs}, "notice period: still working"
    engagement_transition(
        cast.actor("owner"), engagement_id=engagement.pk, to="ended", reason="Project complete"
    )
    assert seen_by_contractor(cast) == set()
    assert not visible(cast.actor("contractor"), Task).exists()
    assert not Grant.objects.filter(revoked_at__isnull=True).exists()


def test_a_screen_overrides_every_grant_and_role(cast, delegation):
    _task, docs = delegate(cast, delegation)
    matter_services.screen_person(
        cast.actor("owner"),
        matter_id=delegation.matter.pk,
        user_id=cast.contractor.pk,
        reason="Worked for Brightline's insurer",
    )
    assert seen_by_contractor(cast) == set()
    matter_services.screen_person(
        cast.actor("owner"),
        matter_id=delegation.matter.pk,
        user_id=cast.attorney.pk,
        reason="Former in-house counsel at Brightline",
    )
    response = cast.client("attorney").get(f"/api/v1/matters/{delegation.matter.pk}")
    assert response.status_code == 404
    response = cast.client("attorney").get(f"/api/v1/documents/{docs[0].pk}")
    assert response.status_code == 404
    screens = cast.client("owner").get(f"/api/v1/matters/{delegation.matter.pk}").json()["screens"]
    assert {s["user_id"] for s in screens} == {cast.contractor.pk, cast.attorney.pk}
    assert AccessLogEntry.objects.filter(action="matters.screen_added").count() == 2


def test_a_screened_person_cannot_be_assigned(cast, delegation):
    matter_services.screen_person(
        cast.actor("owner"), matter_id=delegation.matter.pk, user_id=cast.staff.pk, reason="Wall"
    )
    task = make_task(cast, delegation)
    with pytest.raises(RuleViolation) as caught:
        services.assign_task(cast.actor("attorney"), task_id=task.pk, assignee_id=cast.staff.pk)
    assert caught.value.code == "screened"


# --- Through the API -----------------------------------------------------------------------------


def test_the_whole_loop_through_the_api(cast, delegation):
    attorney, contractor = cast.client("attorney"), cast.client("contractor")
    doc = upload(cast, delegation.matter)
    response = attorney.post(
        "/api/v1/tasks",
        {
            "matter_id": delegation.matter.pk,
            "title": "Summarize the Whitaker deposition",
            "category_id": delegation.paralegal_work,
            "engagement_id": delegation.engagement.pk,
            "attorney_review_required": True,
            "due_on": "2026-12-04",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    task = response.json()
    assert task["assignee_id"] == cast.contractor.pk and task["level"] == "paralegal"
    response = attorney.post(
        f"/api/v1/tasks/{task['id']}/documents",
        {"document_id": doc.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    mine = contractor.get("/api/v1/tasks?mine=true").json()
    assert [t["id"] for t in mine["items"]] == [task["id"]]
    detail = contractor.get(f"/api/v1/tasks/{task['id']}").json()
    assert [d["document_id"] for d in detail["documents"]] == [doc.pk]
    assert [m["to"] for m in detail["moves"]] == ["in_progress"]
    download = contractor.get(f"/api/v1/documents/{doc.pk}/download")
    assert download.status_code == 200
    for to in ("in_progress", "submitted"):
        response = contractor.post(
            f"/api/v1/tasks/{task['id']}/transition", {"to": to}, content_type="application/json"
        )
        assert response.status_code == 200, response.json()
    # The contractor cannot approve their own work; the owner cannot skip the attorney's review.
    response = contractor.post(
        f"/api/v1/tasks/{task['id']}/transition", {"to": "done"}, content_type="application/json"
    )
    assert response.status_code == 403
    response = cast.client("owner").post(
        f"/api/v1/tasks/{task['id']}/transition", {"to": "done"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "attorney_review_required"
    response = attorney.post(
        f"/api/v1/tasks/{task['id']}/transition",
        {"to": "needs_rework", "note": ""},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["path"] == "note"
    response = attorney.post(
        f"/api/v1/tasks/{task['id']}/transition", {"to": "done"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert contractor.get(f"/api/v1/documents/{doc.pk}/download").status_code == 404


def test_an_attempt_to_assign_a_court_appearance_names_the_rule(cast, delegation):
    response = cast.client("attorney").post(
        "/api/v1/tasks",
        {
            "matter_id": delegation.matter.pk,
            "title": "Cover the hearing on the motion to compel",
            "category_id": delegation.attorney_work,
            "engagement_id": delegation.engagement.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "upl_not_attorney"
    assert "unauthorized practice" in error["message"] and error["unblock"]
    assert not Task.objects.filter(title__startswith="Cover the hearing").exists(), (
        "the refused task is not created half-way"
    )


def test_work_product_uploaded_by_the_contractor_is_theirs_to_see(cast, delegation):
    task, _docs = delegate(cast, delegation, documents=0)
    response = cast.client("contractor").post(
        f"/api/v1/tasks/{task.pk}/work-product",
        {"title": "Deposition summary", "file": pdf("summary.pdf", b"Summary of testimony")},
    )
    assert response.status_code == 201, response.json()
    (attached,) = response.json()["documents"]
    assert attached["title"] == "Deposition summary"
    assert attached["document_id"] in seen_by_contractor(cast)


def test_explicit_grants_are_listed_and_revoked_through_the_api(cast, delegation):
    task, docs = delegate(cast, delegation, documents=1)
    owner = cast.client("owner")
    (grant,) = owner.get(f"/api/v1/grants?task_id={task.pk}").json()["items"]
    assert grant["in_effect"] and grant["grantee_id"] == cast.contractor.pk
    response = owner.post(
        f"/api/v1/grants/{grant['id']}/revoke", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    response = owner.post(
        f"/api/v1/grants/{grant['id']}/revoke",
        {"reason": "Not needed after all"},
        content_type="application/json",
    )
    assert response.status_code == 200 and not response.json()["in_effect"]
    assert seen_by_contractor(cast) == set()
    # The contractor sees their own grants, revoked ones included; never someone else's.
    mine = cast.client("contractor").get("/api/v1/grants").json()["items"]
    assert [g["id"] for g in mine] == [grant["id"]]
    response = cast.client("outsider").get(f"/api/v1/grants?task_id={task.pk}")
    assert response.json()["items"] == []
    response = owner.post(
        "/api/v1/grants",
        {"task_id": task.pk, "document_id": docs[0].pk, "reason": "Needed again"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["in_effect"]


def test_my_tasks_costs_the_same_queries_for_one_task_or_many(
    cast, delegation, django_assert_max_num_queries
):
    client = cast.client("contractor")
    make_task(cast, delegation, engagement_id=delegation.engagement.pk)
    client.get("/api/v1/tasks?mine=true")
    with django_assert_max_num_queries(12) as one:
        client.get("/api/v1/tasks?mine=true")
    for i in range(8):
        make_task(cast, delegation, title=f"Task {i}", engagement_id=delegation.engagement.pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/tasks?mine=true")
    assert response.json()["count"] == 9


def test_reassigning_a_task_moves_the_grants_to_the_new_assignee(cast, delegation):
    task, docs = delegate(cast, delegation)
    services.assign_task(cast.actor("attorney"), task_id=task.pk, assignee_id=cast.staff.pk)
    assert seen_by_contractor(cast) == set()
    revoked = Grant.objects.filter(task=task, grantee=cast.contractor)
    assert all(g.revoke_reason == "The task was reassigned." for g in revoked)
    assert revoked.count() == len(docs)


def test_an_owner_screened_from_a_matter_does_not_see_its_alerts(cast, delegation):
    from django.utils import timezone

    from counselbench.matters.models import AccessAlert
    from counselbench.organizations.models import Membership, Role

    AccessAlert.objects.create(
        organization=cast.firm,
        matter=delegation.matter,
        subject=cast.contractor,
        rule="download_volume",
        summary="Many downloads",
        window_start=timezone.now(),
    )
    Membership.objects.filter(user=cast.attorney).update(role=Role.OWNER)  # a second owner
    matter_services.screen_person(
        cast.actor("owner"), matter_id=delegation.matter.pk, user_id=cast.attorney.pk, reason="Wall"
    )
    assert cast.client("owner").get("/api/v1/access-alerts").json()["count"] == 1
    assert cast.client("attorney").get("/api/v1/access-alerts").json()["count"] == 0


def test_only_a_task_nobody_started_can_be_deleted(cast, delegation):
    task = make_task(cast, delegation, engagement_id=delegation.engagement.pk)
    services.transition(cast.actor("contractor"), task_id=task.pk, to="in_progress")
    response = cast.client("attorney").delete(f"/api/v1/tasks/{task.pk}")
    assert response.status_code == 409
    assert Task.objects.filter(pk=task.pk).exists()
    fresh = make_task(cast, delegation, title="Index the exhibits")
    assert cast.client("attorney").delete(f"/api/v1/tasks/{fresh.pk}").status_code == 204
    assert not Task.objects.filter(pk=fresh.pk).exists()

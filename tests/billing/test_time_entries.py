"""Time entries: logged by members and contractors, submitted, approved or rejected in bulk by the
supervising attorney, immutable once approved (corrections are new entries)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.billing.models import TimeEntry
from counselbench.core.errors import Invalid, NotFound, PermissionDenied
from counselbench.core.money import MAX_AMOUNT_CENTS
from tests.matters.conftest import make_task

TODAY = timezone.localdate


def week(task) -> list[dict]:
    monday = TODAY() - timedelta(days=TODAY().weekday() + 7)
    return [
        {
            "task_id": task.pk,
            "date": (monday + timedelta(days=d)).isoformat(),
            "minutes": 90 + 15 * d,
            "description": f"Deposition summary, pages {40 * d + 1}-{40 * (d + 1)}",
        }
        for d in range(5)
    ]


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def task(cast, delegation):
    return make_task(cast, delegation, engagement_id=delegation.engagement.pk)


def test_the_paralegal_logs_a_week_submits_and_the_attorney_approves_in_bulk(cast, task):
    contractor, attorney = cast.client("contractor"), cast.client("attorney")
    ids = []
    for row in week(task):
        response = post(contractor, "/api/v1/time-entries", row)
        assert response.status_code == 201, response.json()
        entry = response.json()
        assert entry["state"] == "draft" and entry["rate_cents"] == 4000  # the engagement's
        ids.append(entry["id"])
    response = post(contractor, "/api/v1/time-entries/submit", {"entry_ids": ids})
    assert {e["state"] for e in response.json()} == {"submitted"}
    # The contractor cannot approve their own time.
    assert post(contractor, "/api/v1/time-entries/approve", {"entry_ids": ids}).status_code == 403
    response = post(attorney, "/api/v1/time-entries/approve", {"entry_ids": ids})
    assert response.status_code == 200 and {e["state"] for e in response.json()} == {"approved"}
    assert sum(e.minutes for e in TimeEntry.objects.all()) == 90 + 105 + 120 + 135 + 150
    assert AccessLogEntry.objects.filter(action="time.approved").get().detail["entry_ids"] == ids


def test_an_approved_entry_is_immutable_and_corrected_by_a_new_entry(cast, task):
    contractor = cast.client("contractor")
    entry = post(contractor, "/api/v1/time-entries", week(task)[0]).json()
    post(contractor, "/api/v1/time-entries/submit", {"entry_ids": [entry["id"]]})
    post(cast.client("attorney"), "/api/v1/time-entries/approve", {"entry_ids": [entry["id"]]})
    url = f"/api/v1/time-entries/{entry['id']}"
    response = contractor.patch(url, {"minutes": 60}, content_type="application/json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "entry_locked"
    assert contractor.delete(url).status_code == 409
    assert TimeEntry.objects.get(pk=entry["id"]).minutes == 90, "nothing changed"
    correction = {
        "corrects_id": entry["id"],
        "date": TODAY().isoformat(),
        "minutes": -30,
        "description": "Pages 1-10 were already summarized last week",
    }
    response = post(contractor, "/api/v1/time-entries", correction)
    assert response.status_code == 201 and response.json()["task_id"] == task.pk
    too_much = {**correction, "minutes": -61}
    response = post(contractor, "/api/v1/time-entries", too_much)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "correction_exceeds_original"


def test_a_rejection_needs_a_reason_and_sends_the_entry_back_to_its_author(cast, task):
    contractor, attorney = cast.client("contractor"), cast.client("attorney")
    entry = post(contractor, "/api/v1/time-entries", week(task)[1]).json()
    post(contractor, "/api/v1/time-entries/submit", {"entry_ids": [entry["id"]]})
    response = post(
        attorney, "/api/v1/time-entries/reject", {"entry_ids": [entry["id"]], "reason": " "}
    )
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["path"] == "reason"
    response = post(
        attorney,
        "/api/v1/time-entries/reject",
        {"entry_ids": [entry["id"]], "reason": "Split the research from the drafting."},
    )
    assert response.json()[0]["state"] == "rejected"
    url = f"/api/v1/time-entries/{entry['id']}"
    response = contractor.patch(url, {"minutes": 45}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "draft"
    assert response.json()["rejection_reason"] == ""


def test_a_bulk_approval_is_all_or_nothing(cast, task):
    contractor = cast.client("contractor")
    first, second = (post(contractor, "/api/v1/time-entries", row).json() for row in week(task)[:2])
    post(contractor, "/api/v1/time-entries/submit", {"entry_ids": [first["id"]]})
    response = post(
        cast.client("attorney"),
        "/api/v1/time-entries/approve",
        {"entry_ids": [first["id"], second["id"]]},
    )
    assert response.status_code == 409
    assert TimeEntry.objects.get(pk=first["id"]).state == "submitted", "nothing was approved"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"date": (TODAY() + timedelta(days=1)).isoformat()}, "date"),
        ({"date": (TODAY() - timedelta(days=400)).isoformat()}, "date"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_time_is_refused_with_the_field_and_nothing_is_saved(cast, task, change, path):
    response = post(cast.client("contractor"), "/api/v1/time-entries", {**week(task)[0], **change})
    assert response.status_code == 422
    assert path in {f["path"] for f in response.json()["error"]["fields"]}
    assert not TimeEntry.objects.exists()


def test_a_contractor_logs_only_on_their_own_tasks(cast, delegation, task):
    from counselbench.billing.services.time import EntryInput, log_time

    other = make_task(cast, delegation, title="Index the exhibits")  # unassigned
    data = EntryInput(minutes=30, date=TODAY(), description="x", task_id=other.pk)
    with pytest.raises(NotFound):  # a task not theirs does not exist for them
        log_time(cast.actor("contractor"), data=data)
    assert not TimeEntry.objects.exists()
    # Contractors see no matters: logging on one directly is a 404.
    response = post(
        cast.client("contractor"),
        "/api/v1/time-entries",
        {"matter_id": delegation.matter.pk, "date": TODAY().isoformat(), "minutes": 30,
         "description": "Call"},
    )  # fmt: skip
    assert response.status_code == 404


def test_who_sees_whose_time(cast, delegation, task):
    from counselbench.billing.services.time import EntryInput, log_time

    on_matter = EntryInput(
        minutes=60, date=TODAY(), description="Work", matter_id=delegation.matter.pk
    )
    log_time(cast.actor("staff"), data=on_matter)
    log_time(cast.actor("owner"), data=on_matter)
    post(cast.client("contractor"), "/api/v1/time-entries", week(task)[0])

    def authors(name):
        items = cast.client(name).get("/api/v1/time-entries").json()["items"]
        return sorted(e["author_id"] for e in items)

    everyone = sorted([cast.staff.pk, cast.owner.pk, cast.contractor.pk])
    assert authors("owner") == everyone
    # The attorney is responsible for the matter and supervises the contractor's task.
    assert authors("attorney") == everyone
    assert authors("staff") == [cast.staff.pk]
    assert authors("contractor") == [cast.contractor.pk]
    assert authors("outsider") == []


def test_nobody_approves_their_own_time(cast, delegation):
    from counselbench.billing.services.time import EntryInput, approve, log_time, submit

    entry = log_time(
        cast.actor("owner"),
        data=EntryInput(
            minutes=60, date=TODAY(), description="Strategy", matter_id=delegation.matter.pk
        ),
    )
    submit(cast.actor("owner"), entry_ids=[entry.pk])
    with pytest.raises(PermissionDenied):
        approve(cast.actor("owner"), entry_ids=[entry.pk])
    approve(cast.actor("attorney"), entry_ids=[entry.pk])  # the matter's responsible attorney


def test_the_rate_is_a_snapshot(cast, delegation, task):
    entry = post(cast.client("contractor"), "/api/v1/time-entries", week(task)[0]).json()
    delegation.engagement.rate_cents = 5500
    delegation.engagement.save(update_fields=["rate_cents"])
    assert TimeEntry.objects.get(pk=entry["id"]).rate_cents == 4000


def test_no_model_stores_money_or_time_as_a_float():
    floats = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]
    assert floats == []


def test_every_money_amount_column_holds_the_largest_amount_on_postgresql():
    """Amounts are accepted up to MAX_AMOUNT_CENTS ($100 million), past a 32-bit column's
    $21.4 million: a bigger payment or retainer target was a PostgreSQL overflow (a 500).
    Hourly rates (`*rate_cents`) have their own, far smaller, limits."""
    narrow = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"billing", "trust"}
        for field in model._meta.concrete_fields
        if field.name.endswith("_cents")
        and not field.name.endswith("rate_cents")
        and not isinstance(field, models.BigIntegerField)  # PositiveBigIntegerField too
    ]
    assert narrow == []
    assert MAX_AMOUNT_CENTS > 2**31


def test_an_empty_or_unknown_id_list_is_refused(cast, task):
    client = cast.client("attorney")
    assert post(client, "/api/v1/time-entries/approve", {"entry_ids": []}).status_code == 422
    response = post(client, "/api/v1/time-entries/approve", {"entry_ids": [999999]})
    assert response.status_code == 422 and "999999" in response.json()["error"]["message"] + str(
        response.json()["error"]["fields"]
    )
    from counselbench.billing.services.time import submit

    with pytest.raises(Invalid):
        submit(cast.actor("staff"), entry_ids=[])


def test_the_list_filters_by_date_range_and_state(cast, task):
    contractor = cast.client("contractor")
    for row in week(task):
        post(contractor, "/api/v1/time-entries", row)
    rows = week(task)
    url = f"/api/v1/time-entries?date_from={rows[1]['date']}&date_to={rows[3]['date']}"
    items = contractor.get(url).json()["items"]
    assert sorted(e["date"] for e in items) == [rows[1]["date"], rows[2]["date"], rows[3]["date"]]
    assert contractor.get("/api/v1/time-entries?state=approved").json()["count"] == 0
    assert contractor.get("/api/v1/time-entries?date_to=not-a-date").status_code == 422


def test_editing_or_deleting_a_draft_is_logged_with_what_changed(cast, task):
    contractor = cast.client("contractor")
    entry = post(contractor, "/api/v1/time-entries", week(task)[0]).json()
    url = f"/api/v1/time-entries/{entry['id']}"
    response = contractor.patch(
        url, {"minutes": 75, "description": "Pages 1-30"}, content_type="application/json"
    )
    assert response.status_code == 200
    (edited,) = AccessLogEntry.objects.filter(action="time.updated")
    assert edited.actor_id == cast.contractor.pk
    assert edited.object_id == str(entry["id"])
    assert edited.detail["minutes"] == ["90", "75"]
    assert edited.detail["description"][1] == "Pages 1-30"
    assert "date" not in edited.detail  # only what changed
    assert contractor.delete(url).status_code == 204
    (deleted,) = AccessLogEntry.objects.filter(action="time.deleted")
    assert deleted.object_type == "billing.timeentry" and deleted.object_id == str(entry["id"])
    assert deleted.detail["minutes"] == 75 and deleted.detail["description"] == "Pages 1-30"
    assert not TimeEntry.objects.filter(pk=entry["id"]).exists()

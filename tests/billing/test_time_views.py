"""The time pages: the weekly timesheet (grid, add/edit/delete, submit, corrections), the timer,
and the approvals page where the supervising attorney decides in bulk."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from counselbench.billing.models import EntryState, RunningTimer, TimeEntry
from counselbench.billing.services.time import EntryInput, approve, log_time, submit
from tests.matters.conftest import make_task

URL = "/time/"


def monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday() + 7)  # last week: every day is in the past


@pytest.fixture
def task(cast, delegation):
    return make_task(cast, delegation, engagement_id=delegation.engagement.pk)


def log(cast, task, day: int, minutes: int, who: str = "contractor", **more) -> TimeEntry:
    data = EntryInput(
        minutes=minutes,
        date=monday() + timedelta(days=day),
        description=more.pop("description", f"Summary, day {day}"),
        task_id=task.pk,
        **more,
    )
    return log_time(cast.actor(who), data=data)


def week_url() -> str:
    return f"{URL}?week={monday().isoformat()}"


def test_the_timesheet_shows_the_week_with_day_and_week_totals(cast, task):
    log(cast, task, 0, 90)
    log(cast, task, 0, 30)
    log(cast, task, 2, 45)
    log(cast, task, 7, 60)  # next week: not in this one
    response = cast.client("contractor").get(week_url())
    assert response.status_code == 200
    context = response.context
    assert context["day_totals"] == [120, 0, 45, 0, 0, 0, 0]
    assert context["week_total"] == 165
    [row] = context["rows"]
    assert row["task"] == task and row["cells"][0] == 120 and row["total"] == 165
    html = response.content.decode()
    assert 'id="week-total">2:45<' in html and task.title in html
    # Previous and next week links.
    assert f"?week={(monday() - timedelta(days=7)).isoformat()}" in html
    assert f"?week={(monday() + timedelta(days=7)).isoformat()}" in html


def test_any_day_of_the_week_shows_that_week(cast, task):
    log(cast, task, 3, 50)
    thursday = (monday() + timedelta(days=3)).isoformat()
    response = cast.client("contractor").get(f"{URL}?week={thursday}")
    assert response.context["monday"] == monday() and response.context["week_total"] == 50
    assert cast.client("contractor").get(f"{URL}?week=nonsense").status_code == 200


def test_add_edit_and_delete_a_draft_through_the_page(cast, task):
    client = cast.client("contractor")
    day = (monday() + timedelta(days=1)).isoformat()
    response = client.post(
        f"{URL}entries/",
        {
            "week": monday().isoformat(),
            "task_id": task.pk,
            "date": day,
            "minutes": "1:30",
            "description": "Pages 1-40",
            "billable": "on",
        },
    )
    assert response.status_code == 302 and response.url == week_url()
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.state, entry.billable) == (90, EntryState.DRAFT, True)

    response = client.post(
        f"{URL}entries/{entry.pk}/edit/",
        {"week": monday().isoformat(), "date": day, "minutes": "75", "description": "Pages 1-30"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.minutes, entry.description, entry.billable) == (75, "Pages 1-30", False)

    # Bad input: the page again with the error on the form, 422, nothing changed.
    response = client.post(
        f"{URL}entries/{entry.pk}/edit/",
        {"week": monday().isoformat(), "date": day, "minutes": "25:00", "description": "x"},
    )
    assert response.status_code == 422
    assert "From 1 to 1440 minutes" in response.content.decode()
    entry.refresh_from_db()
    assert entry.minutes == 75

    response = client.post(f"{URL}entries/{entry.pk}/delete/", {"week": monday().isoformat()})
    assert response.status_code == 302 and not TimeEntry.objects.exists()


def test_adding_time_in_the_future_is_refused_on_the_form(cast, task):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = cast.client("contractor").post(
        f"{URL}entries/",
        {"task_id": task.pk, "date": tomorrow, "minutes": "30", "description": "Later"},
    )
    assert response.status_code == 422
    assert "Time cannot be logged in the future." in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_submit_this_week_submits_the_weeks_drafts_only(cast, task):
    a, b = log(cast, task, 0, 60), log(cast, task, 4, 30)
    other_week = log(cast, task, 8, 20)
    response = cast.client("contractor").post(f"{URL}submit/", {"week": monday().isoformat()})
    assert response.status_code == 302
    states = dict(TimeEntry.objects.values_list("pk", "state"))
    assert states == {a.pk: "submitted", b.pk: "submitted", other_week.pk: "draft"}


def test_an_approved_entry_is_locked_and_corrected_by_a_new_entry(cast, task):
    entry = log(cast, task, 0, 90)
    submit(cast.actor("contractor"), entry_ids=[entry.pk])
    approve(cast.actor("attorney"), entry_ids=[entry.pk])
    client = cast.client("contractor")
    html = client.get(week_url()).content.decode()
    assert "Log the correction" in html and f"/time/entries/{entry.pk}/edit/" not in html
    response = client.post(
        f"{URL}entries/{entry.pk}/edit/",
        {"week": monday().isoformat(), "date": entry.date, "minutes": "10", "description": "x"},
    )
    assert response.status_code == 409  # refused by the service: locked
    response = client.post(
        f"{URL}entries/{entry.pk}/correct/",
        {
            "week": monday().isoformat(),
            "date": timezone.localdate().isoformat(),
            "minutes": "-0:30",
            "description": "Pages 1-10 were summarized already",
        },
    )
    assert response.status_code == 302
    correction = TimeEntry.objects.get(corrects=entry)
    assert (correction.minutes, correction.state) == (-30, EntryState.DRAFT)
    entry.refresh_from_db()
    assert (entry.minutes, entry.state) == (90, EntryState.APPROVED)


def test_a_rejected_entry_shows_its_reason_and_is_reworked(cast, task):
    from counselbench.billing.services.time import reject

    entry = log(cast, task, 1, 90)
    submit(cast.actor("contractor"), entry_ids=[entry.pk])
    reject(cast.actor("attorney"), entry_ids=[entry.pk], reason="Split it by witness")
    client = cast.client("contractor")
    assert "Split it by witness" in client.get(week_url()).content.decode()
    client.post(
        f"{URL}entries/{entry.pk}/edit/",
        {"week": monday().isoformat(), "date": entry.date, "minutes": "60", "description": "A"},
    )
    client.post(f"{URL}submit/", {"week": monday().isoformat()})
    entry.refresh_from_db()
    assert (entry.state, entry.minutes, entry.rejection_reason) == ("submitted", 60, "")


def test_the_approvals_page_lists_what_the_attorney_may_approve_and_approves_in_bulk(cast, task):
    entries = [log(cast, task, d, 60 + d) for d in range(3)]
    submit(cast.actor("contractor"), entry_ids=[e.pk for e in entries])
    mine = log(cast, task, 0, 15, who="attorney")  # nobody approves their own time
    submit(cast.actor("attorney"), entry_ids=[mine.pk])
    client = cast.client("attorney")
    response = client.get(f"{URL}approvals/")
    assert response.status_code == 200
    [group] = response.context["groups"]
    assert [e.pk for e in group["entries"]] == [e.pk for e in entries]
    assert group["total"] == 60 + 61 + 62
    response = client.post(
        f"{URL}approvals/decide/",
        {"decision": "approve", "entry_ids": [e.pk for e in entries[:2]]},
    )
    assert response.status_code == 302
    states = dict(TimeEntry.objects.values_list("pk", "state"))
    assert [states[e.pk] for e in entries] == ["approved", "approved", "submitted"]
    assert states[mine.pk] == "submitted"


def test_a_reject_without_a_reason_is_refused_on_the_page_and_changes_nothing(cast, task):
    entry = log(cast, task, 0, 60)
    submit(cast.actor("contractor"), entry_ids=[entry.pk])
    response = cast.client("attorney").post(
        f"{URL}approvals/decide/", {"decision": "reject", "entry_ids": [entry.pk], "reason": " "}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html and "checked" in html
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED and entry.rejection_reason == ""
    response = cast.client("attorney").post(
        f"{URL}approvals/decide/",
        {"decision": "reject", "entry_ids": [entry.pk], "reason": "Split it by witness"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.rejection_reason) == ("rejected", "Split it by witness")


def test_approving_nothing_selected_says_so(cast, task):
    response = cast.client("owner").post(f"{URL}approvals/decide/", {"decision": "approve"})
    assert response.status_code == 422 and "Choose at least one entry." in response.content.decode()


@pytest.mark.parametrize("who", ["contractor", "staff", "provider_admin", "vetting_staff"])
def test_only_owners_and_attorneys_open_approvals(cast, who):
    assert cast.client(who).get(f"{URL}approvals/").status_code == 403
    assert cast.client(who).post(f"{URL}approvals/decide/", {}).status_code == 403


def test_another_firms_owner_sees_nothing_of_ours_to_approve(cast, task):
    entry = log(cast, task, 0, 60)
    submit(cast.actor("contractor"), entry_ids=[entry.pk])
    client = cast.client("outsider")
    assert client.get(f"{URL}approvals/").context["groups"] == []
    response = client.post(
        f"{URL}approvals/decide/", {"decision": "approve", "entry_ids": [entry.pk]}
    )
    assert response.status_code == 422  # "no such entries": ids of other firms reveal nothing
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED


def test_the_timer_logs_a_draft_of_the_elapsed_minutes_rounded_up(cast, task):
    client = cast.client("contractor")
    started = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=started):
        response = client.post(f"{URL}timer/start/", {"task_id": task.pk})
    assert response.status_code == 302
    timer = RunningTimer.objects.get()
    assert timer.user == cast.contractor and timer.task == task
    assert "Timer running" in client.get(URL).content.decode()
    # A second timer is refused while one runs.
    client.post(f"{URL}timer/start/", {"task_id": task.pk})
    assert RunningTimer.objects.count() == 1
    later = started + timedelta(minutes=42, seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(f"{URL}timer/stop/", {"note": "Read the exhibits"})
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.state, entry.description) == (43, "draft", "Read the exhibits")
    assert entry.task == task and not RunningTimer.objects.exists()


def test_a_timer_of_a_few_seconds_logs_one_minute(cast, task):
    RunningTimer.objects.create(
        user=cast.contractor, task=task, started_at=timezone.now() - timedelta(seconds=3)
    )
    cast.client("contractor").post(f"{URL}timer/stop/")
    assert TimeEntry.objects.get().minutes == 1


def test_a_timer_over_a_day_is_refused_and_discarded(cast, task):
    RunningTimer.objects.create(
        user=cast.contractor, task=task, started_at=timezone.now() - timedelta(hours=25)
    )
    response = cast.client("contractor").post(f"{URL}timer/stop/", follow=True)
    assert "more than 24 hours, so it was discarded" in response.content.decode()
    assert not TimeEntry.objects.exists() and not RunningTimer.objects.exists()


def test_another_users_timer_is_untouchable(cast, task):
    timer = RunningTimer.objects.create(
        user=cast.contractor, task=task, started_at=timezone.now() - timedelta(minutes=10)
    )
    for who in ("attorney", "owner"):
        client = cast.client(who)
        assert "Timer running" not in client.get(URL).content.decode()
        client.post(f"{URL}timer/stop/")
        client.post(f"{URL}timer/discard/")
    assert RunningTimer.objects.get() == timer and not TimeEntry.objects.exists()
    cast.client("contractor").post(f"{URL}timer/discard/")
    assert not RunningTimer.objects.exists() and not TimeEntry.objects.exists()


def test_a_contractor_times_only_their_own_tasks(cast, delegation):
    unassigned = make_task(cast, delegation, title="Draft the motion outline")
    response = cast.client("contractor").post(f"{URL}timer/start/", {"task_id": unassigned.pk})
    assert response.status_code == 404  # not visible to them at all
    assert not RunningTimer.objects.exists()


def test_a_contractor_sees_only_their_own_time(cast, task):
    log(cast, task, 0, 60)
    log(cast, task, 0, 45, who="attorney")
    contractor = cast.client("contractor").get(week_url())
    assert contractor.context["week_total"] == 60
    attorney = cast.client("attorney").get(week_url())
    assert attorney.context["week_total"] == 45
    theirs = TimeEntry.objects.get(author=cast.attorney)
    client = cast.client("contractor")
    assert client.post(f"{URL}entries/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"{URL}entries/{theirs.pk}/edit/", {}).status_code == 404
    assert TimeEntry.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["provider_admin", "vetting_staff"])
def test_people_who_log_no_time_get_403(cast, who):
    assert cast.client(who).get(URL).status_code == 403


def test_the_timesheet_queries_do_not_grow_with_entries(cast, task, django_assert_max_num_queries):
    for d in range(7):
        log(cast, task, d, 30)
    client = cast.client("contractor")
    client.get(week_url())
    with django_assert_max_num_queries(30):
        client.get(week_url())

"""Invitation emails go through the task queue: queued in the database, sent by the worker."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_sends_the_queued_invitation(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("owner").post(
            "/api/v1/invitations",
            {"email": "queued@example.com", "role": "staff"},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert mail.outbox == []  # nothing is sent in the request
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("send_invitation_email")

    call_command("db_worker", batch=True, reload=False, verbosity=0)

    (message,) = mail.outbox
    assert message.to == ["queued@example.com"]
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"


@override_settings(TASKS=DATABASE_TASKS)
def test_a_revoked_invitation_is_not_sent_by_a_late_worker(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_id = (
            cast.client("owner")
            .post(
                "/api/v1/invitations",
                {"email": "changed.mind@example.com", "role": "staff"},
                content_type="application/json",
            )
            .json()["id"]
        )
    cast.client("owner").delete(f"/api/v1/invitations/{invitation_id}")
    call_command("db_worker", batch=True, reload=False, verbosity=0)
    assert mail.outbox == []

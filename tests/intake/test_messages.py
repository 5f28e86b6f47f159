"""Messages reception takes for the firm's people: created when a call's outcome is "message
taken", shown in the app and emailed once after commit, read status seen by both sides, and a
daily summary email per person (once per day)."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from counselbench.intake.models import Message, MessageDigest, ReceptionEntry
from counselbench.intake.services import reception


def post(client, url, data=None):
    return client.post(url, data=data or {}, content_type="application/json")


def message_call(cast, **extra):
    return {
        "caller_name": "Rosa Delgado",
        "number": "+1 512 555 0147",
        "reason": "Custody hearing moved",
        "message": "The hearing is now Friday at 9. Please call her back today.",
        "urgency": "high",
        "language": "es",
        "outcome": "message_taken",
        "for_user_id": cast.attorney.pk,
        **extra,
    }


def test_a_message_taken_goes_to_its_person_and_is_emailed_once_after_commit(
    cast, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = reception.log_entry(cast.actor("contractor"), data=message_call(cast))
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    (email,) = mail.outbox
    assert email.to == [cast.attorney.email]
    assert "Rosa Delgado called: Custody hearing moved" in email.subject
    assert "[HIGH]" in email.subject and "Friday at 9" in email.body
    message = Message.objects.get()
    assert message.entry == entry and message.recipient == cast.attorney
    assert message.emailed_at is not None and message.read_at is None
    # The queue delivering it again (a retry) sends nothing more.
    assert reception.deliver_message_email(message_id=message.pk) is False
    assert len(mail.outbox) == 1


def test_editing_the_entry_again_leaves_one_message(cast, front_desk):
    entry = reception.log_entry(cast.actor("contractor"), data=message_call(cast))
    reception.update_entry(
        cast.actor("contractor"), entry_id=entry.pk, data={"message": "Friday at 10 now."}
    )
    assert Message.objects.count() == 1


def test_a_message_needs_its_person_and_text_and_nothing_is_stored_without_them(cast, front_desk):
    response = post(
        cast.client("contractor"),
        "/api/v1/reception/log",
        message_call(cast, for_user_id=None, message=""),
    )
    assert response.status_code == 422
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert paths == {"for_user_id", "message"}
    assert not ReceptionEntry.objects.exists() and not Message.objects.exists()


def test_completing_an_entry_with_message_taken_sends_the_message(
    cast, front_desk, django_capture_on_commit_callbacks
):
    actor = cast.actor("contractor")
    entry = reception.log_entry(
        actor, data={"caller_name": "Ben Ortiz", "number": "5125550199", "outcome": "in_progress"}
    )
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("contractor").patch(
            f"/api/v1/reception/log/{entry.pk}",
            data={"outcome": "message_taken", "for_user_id": cast.owner.pk, "message": "Call."},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert Message.objects.get().recipient == cast.owner
    assert len(mail.outbox) == 1  # after commit, through the task queue


def test_read_status_the_recipient_opens_it_and_the_sender_sees_it(cast, front_desk):
    reception.log_entry(cast.actor("contractor"), data=message_call(cast))
    message = Message.objects.get()
    sender, recipient = cast.client("contractor"), cast.client("attorney")
    sent = sender.get("/api/v1/messages?box=sent").json()["items"]
    assert [(m["id"], m["read"]) for m in sent] == [(message.pk, False)]
    inbox = recipient.get("/api/v1/messages").json()["items"]
    assert [(m["id"], m["read"]) for m in inbox] == [(message.pk, False)]
    assert b'aria-label="1 unread"' in recipient.get("/messages/").content
    # Only the recipient marks it read: the sender may see it but not change it.
    assert post(sender, f"/api/v1/messages/{message.pk}/read").status_code == 403
    assert post(cast.client("staff"), f"/api/v1/messages/{message.pk}/read").status_code == 404
    # The sender opening it does not mark it read; the recipient opening it does.
    assert sender.get(f"/messages/{message.pk}/").status_code == 200
    message.refresh_from_db()
    assert message.read_at is None
    assert recipient.get(f"/messages/{message.pk}/").status_code == 200
    message.refresh_from_db()
    first_read = message.read_at
    assert first_read is not None
    again = post(recipient, f"/api/v1/messages/{message.pk}/read")
    assert again.status_code == 200 and again.json()["read"] is True
    message.refresh_from_db()
    assert message.read_at == first_read  # the first reading is the one kept
    assert sender.get("/api/v1/messages?box=sent").json()["items"][0]["read"] is True
    assert b"Read " in sender.get("/messages/").content


def test_mark_read_from_the_inbox_page(cast, front_desk):
    reception.log_entry(cast.actor("contractor"), data=message_call(cast))
    message = Message.objects.get()
    response = cast.client("attorney").post(f"/messages/{message.pk}/read/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None
    assert b"count-badge" not in cast.client("attorney").get("/messages/").content


def test_leaving_a_message_through_the_api(cast, front_desk):
    client = cast.client("contractor")
    response = post(
        client,
        "/api/v1/messages",
        {"recipient_id": cast.owner.pk, "subject": "Courier at the door", "urgency": "low"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["recipient"]["id"] == cast.owner.pk
    refused = post(client, "/api/v1/messages", {"recipient_id": cast.outsider.pk, "subject": "x"})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["path"] == "recipient_id"
    assert (
        post(
            cast.client("provider_admin"),
            "/api/v1/messages",
            {"recipient_id": cast.owner.pk, "subject": "x"},
        ).status_code
        == 403
    )
    assert Message.objects.count() == 1


def test_the_daily_summary_email_goes_to_each_person_with_messages_once(cast, front_desk):
    actor = cast.actor("contractor")
    reception.log_entry(actor, data=message_call(cast))
    reception.log_entry(actor, data=message_call(cast, urgency="low", reason="Invoice question"))
    reception.log_entry(actor, data=message_call(cast, for_user_id=cast.owner.pk))
    mail.outbox.clear()
    tomorrow = timezone.now() + timedelta(days=1)
    assert reception.send_daily_summaries(now=tomorrow) == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {cast.attorney.email, cast.owner.email}
    assert "your 2 messages" in by_person[cast.attorney.email].subject
    assert "Invoice question" in by_person[cast.attorney.email].body
    assert "(2 unread)" in by_person[cast.attorney.email].body
    # A rerun (another worker, the next hour) sends nothing twice; staff had no messages.
    assert reception.send_daily_summaries(now=tomorrow) == 0
    assert len(mail.outbox) == 2
    assert MessageDigest.objects.count() == 2
    # Today is not over yet: nothing goes out for it today.
    assert reception.send_daily_summaries() == 0


def test_the_daily_summary_lists_messages_most_urgent_first(cast, front_desk):
    actor = cast.actor("contractor")
    for urgency, reason in (
        ("low", "Invoice question"),
        ("emergency", "Arrested this morning"),
        ("normal", "Wants a copy of the file"),
        ("high", "Hearing moved"),
        ("emergency", "Protective order violated"),
    ):
        reception.log_entry(actor, data=message_call(cast, urgency=urgency, reason=reason))
    mail.outbox.clear()
    assert reception.send_daily_summaries(now=timezone.now() + timedelta(days=1)) == 1
    body = mail.outbox[0].body
    order = [
        "Emergency (2):",
        "Arrested this morning",
        "Protective order violated",
        "High (1):",
        "Hearing moved",
        "Normal (1):",
        "Wants a copy of the file",
        "Low (1):",
        "Invoice question",
    ]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions), body


def test_someone_taking_messages_at_two_firms_gets_each_firms_summary(cast, front_desk):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=cast.other_firm, user=cast.attorney, role="attorney")
    for firm, subject in ((cast.firm, "Call from our firm"), (cast.other_firm, "Call at theirs")):
        Message.objects.create(organization=firm, recipient=cast.attorney, subject=subject)
    tomorrow = timezone.now() + timedelta(days=1)
    assert reception.send_daily_summaries(now=tomorrow) == 2
    bodies = sorted(m.body for m in mail.outbox if m.to == [cast.attorney.email])
    assert len(bodies) == 2
    assert any("Call from our firm" in b and "Call at theirs" not in b for b in bodies)
    assert any("Call at theirs" in b and "Call from our firm" not in b for b in bodies)
    assert reception.send_daily_summaries(now=tomorrow) == 0  # each claimed once
    assert MessageDigest.objects.filter(recipient=cast.attorney).count() == 2

"""Onboarding: the 30-day plan appears when the trial starts, each side ticks its own items, the
kickoff confirmation reaches the professional, the guide is acknowledged per version and shown
sanitized, and the trial reminder goes out two days before the trial ends, once."""

from datetime import timedelta

import pytest
from django.core import mail

from counselbench.core.errors import PermissionDenied, RuleViolation
from counselbench.engagements import services
from counselbench.engagements.models import Kickoff
from counselbench.engagements.services import onboarding, reminders
from tests.engagements.conftest import agree, sign

pytestmark = pytest.mark.django_db
GUIDE = {
    "key_contacts": "- **Dana** for scope\\n- Paralegal desk for filing",
    "style_guide": "Bluebook citations. <script>alert(1)</script>",
    "feedback_loop": "Redlines within [24 hours](https://example.com).",
}


@pytest.fixture
def trial(cast, sent):
    sign(cast, sent)
    agree(cast, sent)
    return services.transition(cast.actor("owner"), engagement_id=sent.pk, to="trial")


def test_the_trial_start_generates_a_dated_plan_in_three_tracks(trial):
    items = list(trial.onboarding_items.all())
    assert {i.track for i in items} == {"systems", "communication", "success"}
    assert min(i.due_on for i in items) == trial.start_date
    assert max(i.due_on for i in items) == trial.start_date + timedelta(days=30)
    assert any(i.title.startswith("Pilot: one small task from the scope") for i in items)
    assert onboarding.progress(trial) == (0, len(items))


def test_each_side_ticks_its_own_items(cast, trial):
    firm_item = trial.onboarding_items.filter(owner="firm").first()
    pro_item = trial.onboarding_items.filter(owner="professional").first()
    onboarding.set_item_done(
        cast.actor("contractor"), engagement_id=trial.pk, item_id=pro_item.pk, done=True
    )
    with pytest.raises(PermissionDenied):
        onboarding.set_item_done(
            cast.actor("contractor"), engagement_id=trial.pk, item_id=firm_item.pk, done=True
        )
    onboarding.set_item_done(
        cast.actor("owner"), engagement_id=trial.pk, item_id=firm_item.pk, done=True
    )
    assert onboarding.progress(trial)[0] == 2
    onboarding.set_item_done(
        cast.actor("owner"), engagement_id=trial.pk, item_id=firm_item.pk, done=False
    )
    assert onboarding.progress(trial)[0] == 1


def test_the_kickoff_confirmation_is_emailed_once(cast, trial, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.record_kickoff(
            cast.actor("owner"),
            engagement_id=trial.pk,
            held_on=trial.start_date,
            notes="Mondays at 9 by video.",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.contractor.email]
    assert "Mondays at 9 by video." in message.body and "Whitfield & Moreno LLP" in message.body
    assert trial.kickoff.confirmation_sent_at is not None
    assert onboarding.deliver_kickoff_confirmation(kickoff_id=trial.kickoff.pk) is False
    assert trial.onboarding_items.get(title__startswith="Hold the kickoff").done_at is not None


def test_the_guide_is_sanitized_and_acknowledged_per_version(cast, trial):
    onboarding.save_guide(cast.actor("owner"), sections=GUIDE)
    assert not onboarding.acknowledged(trial)
    body = cast.client("contractor").get(f"/api/v1/engagements/{trial.pk}/onboarding").json()
    assert "<strong>Dana</strong>" in body["guide"]["html"]
    assert "<script>" not in body["guide"]["html"]
    assert 'rel="noopener noreferrer"' in body["guide"]["html"]
    onboarding.acknowledge_guide(cast.actor("contractor"), engagement_id=trial.pk, version=1)
    assert onboarding.acknowledged(trial)
    assert trial.onboarding_items.get(title__startswith="Read and acknowledge").done_at
    onboarding.save_guide(cast.actor("owner"), sections=GUIDE | {"style_guide": "APA now."})
    assert not onboarding.acknowledged(trial)  # version 2 is acknowledged afresh
    with pytest.raises(RuleViolation):
        onboarding.acknowledge_guide(cast.actor("contractor"), engagement_id=trial.pk, version=1)


def test_only_owners_write_the_guide(cast):
    for who in ("attorney", "staff"):
        with pytest.raises(PermissionDenied):
            onboarding.save_guide(cast.actor(who), sections=GUIDE)


def test_the_trial_reminder_goes_two_days_before_the_end_not_a_day_earlier(cast, trial):
    ends = trial.trial_ends_on
    assert reminders.remind_trials_ending(today=ends - timedelta(days=3)) == 0
    assert mail.outbox == []
    assert reminders.remind_trials_ending(today=ends - timedelta(days=2)) == 1
    assert mail.outbox[0].to == [cast.owner.email]
    assert "continue or replace" in mail.outbox[0].subject
    assert reminders.remind_trials_ending(today=ends - timedelta(days=2)) == 0  # once


def test_a_kickoff_without_a_real_date_is_refused_and_records_nothing(cast, trial):
    page = cast.client("owner").post(
        f"/engagements/{trial.pk}/kickoff/",
        {"held_on": "2026-02-30", "notes": "Mondays"},
        follow=True,
    )
    assert "The date the kickoff was held." in page.content.decode()
    assert not Kickoff.objects.exists()

"""Client satisfaction surveys (sent when a matter closes, answered once through a signed link)
and the review cadence (monthly reviews and the evaluation: shown as due, reminded before and
once when overdue)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from counselbench.core.errors import Invalid, NotFound, RuleViolation
from counselbench.engagements.models import CheckIn
from counselbench.insights.models import SatisfactionSurvey
from counselbench.insights.services import reviews, surveys
from counselbench.matters.services import matters as matter_services
from tests.factories import ClientFactory, EngagementFactory, MatterFactory

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def matter(cast):
    client = ClientFactory(
        organization=cast.firm, name="Harbor Logistics", email="gc@harbor.example"
    )
    return MatterFactory(organization=cast.firm, client=client, responsible_attorney=cast.attorney)


def close(cast, matter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        matter_services.update_matter(
            cast.actor("attorney"), matter_id=matter.pk, changes={"status": "closed"}
        )


def link_in(message) -> str:
    return next(line for line in message.body.splitlines() if "/survey/" in line).strip()


def test_closing_a_matter_emails_the_client_a_survey_link_once(
    cast, matter, django_capture_on_commit_callbacks
):
    close(cast, matter, django_capture_on_commit_callbacks)
    survey = SatisfactionSurvey.objects.get(matter=matter)
    assert survey.recipient == "gc@harbor.example" and survey.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == ["gc@harbor.example"] and matter.title in message.body
    assert surveys.deliver(survey_id=survey.pk) is False  # a retried job sends nothing more
    assert len(mail.outbox) == 1


def test_the_client_answers_once_through_the_link(cast, matter, django_capture_on_commit_callbacks):
    close(cast, matter, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    page = browser.get(f"/{path}")
    assert page.status_code == 200 and "How did we do?" in page.content.decode()
    refused = browser.post(f"/{path}", {"score": "9", "comment": "x"})
    assert refused.status_code == 422 and "Select a valid choice" in refused.content.decode()
    assert SatisfactionSurvey.objects.get(matter=matter).answered_at is None
    answered = browser.post(f"/{path}", {"score": "4", "comment": "Clear and quick."})
    assert answered.status_code == 302
    survey = SatisfactionSurvey.objects.get(matter=matter)
    assert (survey.score, survey.comment) == (4, "Clear and quick.")
    again = browser.post(f"/{path}", {"score": "1"}, follow=True)
    assert "Thank you" in again.content.decode()
    assert SatisfactionSurvey.objects.get(matter=matter).score == 4


def test_a_score_out_of_range_is_refused_on_its_field(cast, matter):
    survey = SatisfactionSurvey.objects.create(
        organization=cast.firm, matter=matter, recipient="gc@harbor.example"
    )
    with pytest.raises(Invalid) as refused:
        surveys.answer(token=surveys.token_for(survey), score=0)
    assert refused.value.fields[0].path == "score"
    with pytest.raises(NotFound):
        surveys.answer(token=surveys.token_for(survey) + "x", score=5)
    surveys.answer(token=surveys.token_for(survey), score=5)
    with pytest.raises(RuleViolation) as twice:
        surveys.answer(token=surveys.token_for(survey), score=3)
    assert twice.value.code == "survey_answered"


def test_an_expired_link_says_so(cast, matter, monkeypatch):
    survey = SatisfactionSurvey.objects.create(
        organization=cast.firm, matter=matter, recipient="gc@harbor.example"
    )
    monkeypatch.setattr(surveys, "SURVEY_VALID_DAYS", -1)
    page = Client().get(reverse("insights:survey", args=[surveys.token_for(survey)]))
    assert page.status_code == 200 and "expired" in page.content.decode()


def test_no_survey_without_a_client_email_and_none_for_an_open_matter(cast, matter):
    response = cast.client("owner").post(
        "/api/v1/surveys", {"matter_id": matter.pk}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "matter_not_closed"
    type(matter.client).objects.filter(pk=matter.client_id).update(email="")
    matter_services.update_matter(
        cast.actor("attorney"), matter_id=matter.pk, changes={"status": "closed"}
    )
    assert not SatisfactionSurvey.objects.filter(matter=matter).exists()
    response = cast.client("owner").post(
        "/api/v1/surveys", {"matter_id": matter.pk}, content_type="application/json"
    )
    assert response.json()["error"]["code"] == "no_client_email"


# --- Review cadence ------------------------------------------------------------------------------


@pytest.fixture
def review(cast):
    cast.firm.time_zone = "America/New_York"
    cast.firm.save(update_fields=["time_zone"])
    engagement = EngagementFactory(
        organization=cast.firm,
        professional=cast.contractor.professional_profile,
        supervising_attorney=cast.attorney,
    )
    return CheckIn.objects.create(
        engagement=engagement,
        kind="monthly_review",
        scheduled_at=datetime(2026, 11, 18, 10, tzinfo=NEW_YORK),
    )


def at_noon(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=NEW_YORK)


def test_a_review_is_reminded_two_days_before_and_once_when_overdue(cast, review):
    assert reviews.remind(at_noon(15)) == 0  # three days before
    assert reviews.remind(at_noon(16)) == 1
    assert mail.outbox[-1].to == [cast.attorney.email]
    assert mail.outbox[-1].subject.startswith("Coming up Wednesday, November 18")
    assert reviews.remind(at_noon(17)) == 0  # once
    assert reviews.remind(at_noon(18)) == 0  # the day itself: not overdue yet
    assert reviews.remind(at_noon(19)) == 1
    assert mail.outbox[-1].subject.startswith("Overdue: the monthly review")
    assert reviews.remind(at_noon(25)) == 0


def test_a_held_review_is_not_reminded_and_not_due(cast, review):
    review.held_at = at_noon(16)
    review.save(update_fields=["held_at"])
    assert reviews.remind(at_noon(16)) == 0 and reviews.remind(at_noon(19)) == 0
    assert reviews.due_reviews(cast.actor("owner"), today=at_noon(19).date()) == []


def test_reviews_due_are_listed_overdue_first_for_those_who_see_the_engagement(cast, review):
    later = CheckIn.objects.create(
        engagement=review.engagement,
        kind="evaluation",
        scheduled_at=review.scheduled_at + timedelta(days=14),
    )
    due = reviews.due_reviews(cast.actor("attorney"), today=at_noon(20).date())
    assert [(r.checkin, r.overdue) for r in due] == [(review, True), (later, False)]
    assert reviews.due_reviews(cast.actor("outsider"), today=at_noon(20).date()) == []
    # The owner supervises nothing here but sees every engagement; a contractor sees theirs.
    assert len(reviews.due_reviews(cast.actor("owner"), today=at_noon(20).date())) == 2

"""Check-ins on their cadence with action items carried forward and an .ics for calendars; the
end revokes access, asks for the data certificate and the final statement, and the rating feeds
matching."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from counselbench.access.policy import Action, can
from counselbench.core.errors import Invalid, RuleViolation
from counselbench.engagements import services
from counselbench.engagements.services import checkins, ending
from tests.engagements.conftest import agree, sign

pytestmark = pytest.mark.django_db
RATING = {"quality": 5, "timeliness": 4, "communication": 4, "judgment": 5, "fit": 4}


@pytest.fixture
def trial(cast, sent):
    sign(cast, sent)
    agree(cast, sent)
    return services.transition(cast.actor("owner"), engagement_id=sent.pk, to="trial")


def _move(cast, engagement, *states):
    for to in states:
        services.transition(cast.actor("owner"), engagement_id=engagement.pk, to=to, reason="x")


def test_the_first_quarter_is_scheduled_every_other_week_with_reviews_and_an_evaluation(trial):
    kinds = [
        (c.kind, (c.scheduled_at.date() - trial.start_date).days) for c in trial.checkins.all()
    ]
    assert [d for k, d in kinds if k == "check_in"] == [14, 28, 42, 56, 70, 84]
    assert [d for k, d in kinds if k == "monthly_review"] == [30, 60, 90]
    assert [d for k, d in kinds if k == "evaluation"] == [75]
    first = trial.checkins.first()
    local = first.scheduled_at.astimezone(ZoneInfo(trial.organization.time_zone))
    assert first.duration_minutes == 15 and local.hour == 10  # 10:00 in the firm's time zone


def test_action_items_carry_until_done(cast, trial):
    first, second = trial.checkins.filter(kind="check_in")[:2]
    checkins.record_checkin(
        cast.actor("owner"),
        engagement_id=trial.pk,
        checkin_id=first.pk,
        data={
            "working": "Fast turnaround",
            "roadblocks": "No Relativity login",
            "improvement": "Send drafts a day earlier",
            "action_items": [{"text": "Create the Relativity login", "owner": "firm"}],
        },
    )
    (item,) = checkins.open_items(trial)
    assert item.text == "Create the Relativity login"
    checkins.record_checkin(
        cast.actor("owner"),
        engagement_id=trial.pk,
        checkin_id=second.pk,
        data={"working": "Login works", "close_items": [item.pk]},
    )
    assert checkins.open_items(trial) == []
    with pytest.raises(Invalid) as empty:
        checkins.record_checkin(
            cast.actor("owner"), engagement_id=trial.pk, checkin_id=second.pk, data={}
        )
    assert empty.value.fields[0].path == "working"


def test_the_evaluation_needs_every_rating_and_a_recommendation(cast, trial):
    evaluation = trial.checkins.get(kind="evaluation")
    with pytest.raises(Invalid) as refused:
        checkins.record_checkin(
            cast.actor("owner"),
            engagement_id=trial.pk,
            checkin_id=evaluation.pk,
            data={"notes": "Good", "evaluation": {"quality": 9}},
        )
    assert {"evaluation.quality", "evaluation.recommendation"} <= {
        f.path for f in refused.value.fields
    }
    scores = dict.fromkeys(checkins.EVALUATION_FACTORS, 4) | {"recommendation": "expand"}
    held = checkins.record_checkin(
        cast.actor("owner"),
        engagement_id=trial.pk,
        checkin_id=evaluation.pk,
        data={"notes": "Good", "evaluation": scores},
    )
    assert held.evaluation["recommendation"] == "expand"


def test_the_ics_invite_is_a_calendar_event_at_the_right_time(cast, trial):
    first = trial.checkins.first()
    response = cast.client("contractor").get(f"/engagements/{trial.pk}/checkins/{first.pk}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == first.scheduled_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=15)
    assert f"E-{trial.pk}" in str(event["summary"])


def test_ending_revokes_access_asks_for_the_certificate_and_the_rating_feeds_matching(cast, trial):
    profile = trial.professional
    owner = cast.actor("owner")
    assert can(owner, Action.SEE_CONTACT, profile)  # engaged: the firm sees their contact
    _move(cast, trial, "active", "ending")
    with pytest.raises(RuleViolation):  # rated only once ended
        ending.rate(owner, engagement_id=trial.pk, scores=RATING)
    _move(cast, trial, "ended")
    trial.refresh_from_db()
    assert trial.access_revoked_at and trial.final_statement_requested_at
    assert not trial.checkins.filter(held_at__isnull=True).exists()  # no meetings left
    # Access ends with the engagement (the next request's actor sees it).
    assert not can(cast.actor("owner"), Action.SEE_CONTACT, profile)
    assert trial.data_certificate.certified_at is None
    ending.certify_data(
        cast.actor("contractor"),
        engagement_id=trial.pk,
        disposition="destroyed",
        statement="Deleted every download.",
    )
    trial.data_certificate.refresh_from_db()
    assert trial.data_certificate.disposition == "destroyed"
    rating = ending.rate(owner, engagement_id=trial.pk, scores=RATING, comment="Reliable")
    assert rating.overall == Decimal("4.40")
    profile.refresh_from_db()
    assert (profile.rating_avg, profile.rating_count) == (Decimal("4.40"), 1)
    with pytest.raises(Invalid):
        ending.rate(owner, engagement_id=trial.pk, scores=RATING | {"fit": 6})

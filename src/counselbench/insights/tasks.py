"""Background jobs for insights: thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.core.scheduling import periodic
from counselbench.insights.services import reviews, signals, surveys


@periodic(every=timedelta(hours=1))
@task()
def compute_scaling_signals() -> int:
    """Each firm's signals for its own calendar day (hourly, so a firm's day starts on time in
    every time zone; a day already evaluated changes nothing)."""
    return signals.evaluate_all()


@periodic(every=timedelta(hours=1))
@task()
def remind_reviews() -> int:
    """Monthly reviews and the 60–90 day evaluation: a reminder before, one when overdue."""
    return reviews.remind()


@task()
def send_survey(survey_id: int) -> bool:
    return surveys.deliver(survey_id=survey_id)

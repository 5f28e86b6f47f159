"""Client satisfaction (PRODUCT §2.8): when a matter closes, the client gets a short survey (a
score from 1 to 5 and a comment) through a signed link; one answer per survey, within
SURVEY_VALID_DAYS. Results feed the dashboard's satisfaction figure."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, NotFound, RuleViolation
from counselbench.insights.error_codes import InsightsErrorCode as Code
from counselbench.insights.models import SatisfactionSurvey
from counselbench.matters.models import Matter, MatterStatus

SALT = "counselbench.insights.survey"
SURVEY_VALID_DAYS = 60
COMMENT_MAX = 2000


def token_for(survey: SatisfactionSurvey) -> str:
    return signing.dumps(survey.pk, salt=SALT)


def link_for(survey: SatisfactionSurvey) -> str:
    return settings.SITE_URL + reverse("insights:survey", args=[token_for(survey)])


def survey_for_token(token: str) -> SatisfactionSurvey:
    """The survey a link names; 404 for a forged or unknown link, a rule error once expired."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=timedelta(days=SURVEY_VALID_DAYS))
    except signing.SignatureExpired:
        raise RuleViolation(
            Code.SURVEY_EXPIRED,
            "This survey link has expired. Thank you all the same.",
        ) from None
    except signing.BadSignature:
        raise NotFound("No such survey.") from None
    survey = (
        SatisfactionSurvey.objects.select_related("organization", "matter").filter(pk=pk).first()
    )
    if survey is None:
        raise NotFound("No such survey.")
    return survey


def on_matter_closed(matter: Matter, *, by: User | None) -> SatisfactionSurvey | None:
    """Called inside the transaction that closes the matter: one survey per closing, emailed
    after commit. Nothing is sent to a client without an email address."""
    email = matter.client.email
    if not email:
        return None
    survey = SatisfactionSurvey.objects.create(
        organization_id=matter.organization_id, matter=matter, recipient=email, sent_by=by
    )
    _queue(survey)
    return survey


def _queue(survey: SatisfactionSurvey) -> None:
    from counselbench.insights.tasks import send_survey

    transaction.on_commit(lambda: send_survey.enqueue(survey.pk))


def send(actor: Actor, *, matter_id: int, request: HttpRequest | None = None) -> SatisfactionSurvey:
    """Send (or send again) the survey of a closed matter, e.g. once the client has an email."""
    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id, related=("client",))
    if matter.status != MatterStatus.CLOSED:
        raise RuleViolation(
            Code.MATTER_NOT_CLOSED,
            f"Matter {matter.number} is open: the survey follows the matter's close.",
            unblock="Close the matter first.",
        )
    if not matter.client.email:
        raise RuleViolation(
            Code.NO_CLIENT_EMAIL,
            f"{matter.client.name} has no email address to send the survey to.",
            unblock="Add the client's email address.",
        )
    with transaction.atomic():
        survey = SatisfactionSurvey.objects.create(
            organization_id=matter.organization_id,
            matter=matter,
            recipient=matter.client.email,
            sent_by=actor.user,
        )
        log.record(
            "insights.survey_sent", actor=actor, obj=survey, request=request,
            detail={"matter": matter.pk},
        )  # fmt: skip
        _queue(survey)
    return survey


def deliver(*, survey_id: int) -> bool:
    """Email the link once (the task queue may run this more than once)."""
    survey = (
        SatisfactionSurvey.objects.select_related("organization", "matter")
        .filter(pk=survey_id, emailed_at__isnull=True)
        .first()
    )
    if survey is None:
        return False
    with transaction.atomic():
        claimed = SatisfactionSurvey.objects.filter(pk=survey.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        firm = survey.organization.name
        send_mail(
            subject=f"How did we do? {firm} would value two minutes of your time",
            message=(
                f"Thank you for choosing {firm}. Your matter \u201c{survey.matter.title}\u201d is "
                "now closed.\n\nHow satisfied are you with our work, from 1 to 5? Answer here "
                f"(one question and an optional comment):\n\n{link_for(survey)}\n\n"
                f"The link works for {SURVEY_VALID_DAYS} days."
            ),
            from_email=None,
            recipient_list=[survey.recipient],
        )
    return True


def answer(*, token: str, score: object, comment: str = "") -> SatisfactionSurvey:
    """The client's answer through the link: a score from 1 to 5, once."""
    survey = survey_for_token(token)
    errors = []
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score)
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        errors.append(FieldError("score", "Choose a score from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors.append(FieldError("comment", f"At most {COMMENT_MAX:,} characters."))
    if errors:
        raise Invalid("Please correct the answer.", fields=errors)
    assert isinstance(score, int)
    with transaction.atomic():
        claimed = SatisfactionSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
            score=score, comment=comment, answered_at=timezone.now()
        )
        if not claimed:
            raise RuleViolation(Code.SURVEY_ANSWERED, "This survey has been answered. Thank you!")
    survey.refresh_from_db()
    return survey

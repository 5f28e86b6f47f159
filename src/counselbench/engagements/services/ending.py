"""The end of an engagement (PRODUCT §2.4): access is revoked at once, a data return or
destruction certificate is asked for, the final statement is requested, and the firm's rating
feeds matching's past-ratings factor."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    DataCertificate,
    DataDisposition,
    Engagement,
    EngagementRating,
    EngagementState,
)
from counselbench.talent.models import ProfessionalProfile

RATING_FACTORS = {
    "quality": "Quality of work",
    "timeliness": "Timeliness",
    "communication": "Communication",
    "judgment": "Judgment and escalation",
    "fit": "Fit with the team",
}


def on_end(engagement: Engagement, *, by: User | None = None) -> None:
    """Run inside the transition to "ended". Every right at the firm flows from a live
    engagement, so the professional's access ends with the state (access.policy reads it on
    every request); their document grants are stamped revoked here too, for the record."""
    from counselbench.matters.services.grants import revoke_for_engagement

    now = timezone.now()
    revoke_for_engagement(engagement, by=by, reason="The engagement ended.")
    engagement.access_revoked_at = now
    engagement.final_statement_requested_at = now
    engagement.save(update_fields=["access_revoked_at", "final_statement_requested_at"])
    DataCertificate.objects.get_or_create(engagement=engagement)
    engagement.checkins.filter(held_at__isnull=True).delete()  # no more meetings to hold


def certify_data(
    actor: Actor,
    *,
    engagement_id: int,
    disposition: str,
    statement: str,
    request: HttpRequest | None = None,
) -> DataCertificate:
    """The professional certifies that every piece of client data was returned or destroyed."""
    engagement = fetch(actor, Engagement, pk=engagement_id)
    require(actor, Action.SIGN, engagement, "The professional certifies their own data.")
    certificate = DataCertificate.objects.filter(engagement=engagement).first()
    if certificate is None:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED, "The certificate is asked for when the engagement ends."
        )
    statement = (statement or "").strip()
    errors = []
    if disposition not in DataDisposition.values:
        errors.append(FieldError("disposition", "returned or destroyed."))
    if not statement or len(statement) > 5000:
        errors.append(FieldError("statement", "What was returned or destroyed, and how."))
    if errors:
        raise Invalid("Complete the certificate.", fields=errors)
    with transaction.atomic():
        certificate.disposition, certificate.statement = disposition, statement
        certificate.certified_by, certificate.certified_at = actor.user, timezone.now()
        certificate.save()
        log.record(
            "engagements.data_certified",
            actor=actor,
            organization=engagement.organization,
            obj=engagement,
            request=request,
            detail={"disposition": disposition},
        )
    return certificate


def rate(
    actor: Actor,
    *,
    engagement_id: int,
    scores: dict[str, int],
    comment: str = "",
    request: HttpRequest | None = None,
) -> EngagementRating:
    """The firm rates an ended engagement once; the professional's average rating (which
    matching uses) is recomputed from all their rated engagements."""
    engagement = fetch(actor, Engagement, Action.CHANGE, pk=engagement_id)
    if engagement.state != EngagementState.ENDED:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            "An engagement is rated once it has ended.",
            unblock="End the engagement first.",
        )
    errors = [
        FieldError(f"scores.{f}", "A rating from 1 to 5.")
        for f in RATING_FACTORS
        if not isinstance(scores.get(f), int)
        or isinstance(scores.get(f), bool)
        or not 1 <= scores[f] <= 5
    ]
    unknown = sorted(set(scores) - set(RATING_FACTORS))
    errors += [FieldError(f"scores.{f}", "Not a rating factor.") for f in unknown]
    if len(comment or "") > 5000:
        errors.append(FieldError("comment", "At most 5,000 characters."))
    if errors:
        raise Invalid("Rate every factor from 1 to 5.", fields=errors)
    overall = (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    try:
        with transaction.atomic():
            rating = EngagementRating.objects.create(
                engagement=engagement,
                scores=scores,
                overall=overall,
                comment=(comment or "").strip(),
                rated_by=actor.user,
            )
            summary = EngagementRating.objects.filter(
                engagement__professional=engagement.professional
            ).aggregate(avg=Avg("overall"), n=Count("pk"))
            ProfessionalProfile.objects.filter(pk=engagement.professional_id).update(
                rating_avg=Decimal(summary["avg"]).quantize(Decimal("0.01"), ROUND_HALF_UP),
                rating_count=summary["n"],
            )
            log.record(
                "engagements.rated",
                actor=actor,
                obj=engagement,
                request=request,
                detail={"overall": str(overall)},
            )
    except IntegrityError:
        raise RuleViolation(Code.TRANSITION_NOT_ALLOWED, "Already rated.") from None
    return rating

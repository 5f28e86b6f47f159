"""Opening an engagement (from a selected candidate, or directly) and changing its terms while
it is still a proposal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.core.usps import US_STATES
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    OPEN_STATES,
    BillingModel,
    Engagement,
    EngagementEvent,
    EngagementModel,
    EngagementState,
    PayPeriod,
)
from counselbench.organizations.models import Membership, OrganizationKind, Role
from counselbench.talent.models import Candidate, CandidateState, ProfessionalProfile

TERMS = (
    "title",
    "scope",
    "jurisdiction",
    "engagement_model",
    "agency_id",
    "billing_model",
    "rate_cents",
    "markup_percent",
    "hours_per_week",
    "pay_period",
    "payment_terms_days",
    "supervising_attorney_id",
    "start_date",
    "trial_days",
)
SUPERVISORS = (Role.OWNER, Role.ATTORNEY)


def _check_terms(engagement: Engagement, changes: dict[str, Any]) -> list[FieldError]:
    """Apply `changes` to the unsaved engagement, returning every field that is wrong."""
    errors: list[FieldError] = []
    for name in ("title", "scope"):
        if name in changes:
            value = (changes[name] or "").strip()
            limit = 200 if name == "title" else 10_000
            if not value or len(value) > limit:
                errors.append(FieldError(name, f"Required, at most {limit} characters."))
            setattr(engagement, name, value)
    if "jurisdiction" in changes:
        value = str(changes["jurisdiction"] or "").upper()
        if value not in US_STATES:
            errors.append(FieldError("jurisdiction", "A US state or territory code, e.g. TX."))
        engagement.jurisdiction = value
    for name, choices in (
        ("engagement_model", EngagementModel),
        ("billing_model", BillingModel),
        ("pay_period", PayPeriod),
    ):
        if name in changes:
            if changes[name] not in choices.values:
                errors.append(FieldError(name, f"One of: {', '.join(choices.values)}."))
            setattr(engagement, name, changes[name])
    if "agency_id" in changes:
        agency = changes["agency_id"]
        if agency is not None and _kind_of(agency) != OrganizationKind.PROVIDER:
            errors.append(FieldError("agency_id", "Not a provider (agency or marketplace)."))
        engagement.agency_id = agency
    for name, low, high in (
        ("rate_cents", 1, 10_000_000),
        ("hours_per_week", 1, 80),
        ("trial_days", 1, 90),
        ("payment_terms_days", 0, 90),
    ):
        if name in changes:
            value = changes[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors.append(FieldError(name, f"A whole number from {low} to {high}."))
            else:
                setattr(engagement, name, value)
    if "markup_percent" in changes:
        try:
            markup = Decimal(str(changes["markup_percent"]))
            if not Decimal(0) <= markup <= Decimal(300) or markup != markup.quantize(
                Decimal("0.01")
            ):
                raise InvalidOperation
            engagement.markup_percent = markup
        except (InvalidOperation, ValueError):
            errors.append(FieldError("markup_percent", "A percentage from 0 to 300, e.g. 25.5."))
    if "start_date" in changes:
        if not isinstance(changes["start_date"], date):
            errors.append(FieldError("start_date", "A date."))
        else:
            engagement.start_date = changes["start_date"]
    if "supervising_attorney_id" in changes:
        user_id = changes["supervising_attorney_id"]
        if not Membership.objects.filter(
            organization_id=engagement.organization_id, user_id=user_id, role__in=SUPERVISORS
        ).exists():
            errors.append(
                FieldError("supervising_attorney_id", "An attorney or owner of your firm.")
            )
        else:
            engagement.supervising_attorney_id = user_id
    if engagement.engagement_model != EngagementModel.DIRECT and not engagement.agency_id:
        errors.append(FieldError("agency_id", "Name the agency or marketplace on record."))
    return errors


def _kind_of(organization_id: int) -> str | None:
    from counselbench.organizations.models import Organization

    return Organization.objects.filter(pk=organization_id).values_list("kind", flat=True).first()


def _event(
    engagement: Engagement, actor: Actor, to_state: str, reason: str = "", *, from_state: str = ""
) -> None:
    EngagementEvent.objects.create(
        engagement=engagement,
        from_state=from_state,
        to_state=to_state,
        actor=actor.user,
        reason=reason,
    )


def create_engagement(
    actor: Actor,
    *,
    professional_id: int | None = None,
    candidate_id: int | None = None,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Engagement:
    """A proposal to a professional: from a selected candidate (posting, rate and agency come
    from the hire) or directly (any vetted professional the firm can see)."""
    require(actor, Action.CREATE, Engagement, "Owners and attorneys open engagements.")
    firm = actor.current_organization
    candidate = None
    if candidate_id is not None:
        candidate = fetch(actor, Candidate, Action.CHANGE, pk=candidate_id)
        if candidate.state != CandidateState.SELECTED:
            raise RuleViolation(
                Code.CANDIDATE_NOT_SELECTED,
                "Only a selected candidate is offered an engagement.",
                unblock="Select the candidate after their interview first.",
            )
        if Engagement.objects.filter(candidate=candidate).exists():
            raise RuleViolation(
                Code.ALREADY_ENGAGED,
                "This candidate already has an engagement.",
                unblock="Open the existing engagement.",
            )
        profile = candidate.professional
        posting = candidate.posting
    elif professional_id is not None:
        profile = fetch(actor, ProfessionalProfile, pk=professional_id)
        posting = None
    else:
        raise Invalid.field("professional_id", "Name the professional or the selected candidate.")
    if Engagement.objects.filter(
        organization=firm, professional=profile, state__in=OPEN_STATES, posting=posting
    ).exists():
        raise RuleViolation(
            Code.ALREADY_ENGAGED,
            "This professional already has an open engagement for this work.",
            unblock="Open the existing engagement, or end it first.",
        )
    defaults: dict[str, Any] = {
        "engagement_model": EngagementModel.AGENCY
        if profile.provider_id
        else EngagementModel.DIRECT,
        "agency_id": profile.provider_id,
        "billing_model": BillingModel.HOURLY,
        "rate_cents": (candidate.agreed_rate_cents if candidate else None)
        or profile.hourly_rate_cents,
        "supervising_attorney_id": actor.authenticated_user.pk,
        "trial_days": 7,
        "markup_percent": Decimal(0),
    }
    if posting is not None:
        defaults |= {
            "title": posting.title,
            "scope": posting.responsibilities,
            "jurisdiction": posting.jurisdiction,
            "hours_per_week": posting.hours_per_week,
        }
    engagement = Engagement(
        organization=firm,
        professional=profile,
        posting=posting,
        candidate=candidate,
        created_by=actor.user,
    )
    changes = {**defaults, **data}
    missing = [n for n in ("title", "scope", "jurisdiction", "start_date") if n not in changes]
    errors = [FieldError(n, "Required.") for n in missing]
    errors += _check_terms(engagement, {k: v for k, v in changes.items() if k in TERMS})
    if errors:
        raise Invalid("Check the engagement's terms.", fields=errors)
    with transaction.atomic():
        engagement.save()
        _event(engagement, actor, EngagementState.PROPOSED)
        log.record("engagements.proposed", actor=actor, obj=engagement, request=request)
    return engagement


def update_terms(
    actor: Actor, *, engagement_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> Engagement:
    """Terms change only while the engagement is a proposal; the classification is then asked
    again (it was answered for the old terms)."""
    engagement = fetch(actor, Engagement, Action.CHANGE, pk=engagement_id)
    if engagement.state != EngagementState.PROPOSED:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            f"Terms are fixed once an engagement is {engagement.get_state_display().lower()}.",
            unblock="Withdraw it and propose a new engagement with the new terms.",
        )
    unknown = sorted(set(changes) - set(TERMS))
    errors = [FieldError(name, "Not a term of the engagement.") for name in unknown]
    errors += _check_terms(engagement, changes)
    if errors:
        raise Invalid("Check the engagement's terms.", fields=errors)
    with transaction.atomic():
        engagement.save()
        log.record(
            "engagements.terms_changed",
            actor=actor,
            obj=engagement,
            request=request,
            detail={"fields": sorted(changes)},
        )
    return engagement


def refuse_attorney_work(engagement: Engagement) -> None:
    """The fee-sharing guard the matters capability calls before assigning an attorney-level
    task: through a marketplace that disclaims being a staffing agency, only paraprofessional
    work (the source material's fee-sharing warning; ABA Model Rule 5.4)."""
    if engagement.engagement_model == EngagementModel.MARKETPLACE:
        raise RuleViolation(
            Code.FEE_SHARING,
            "This professional is engaged through a marketplace that disclaims being a staffing "
            "agency: attorney-level work would share legal fees with it (ABA Model Rule 5.4).",
            unblock="Assign paraprofessional work only, or engage them through an agency of "
            "record or directly.",
        )

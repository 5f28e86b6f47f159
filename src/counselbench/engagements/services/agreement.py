"""The engagement agreement (PRODUCT §2.4): generated from the firm's editable template, issued
in numbered versions, and accepted by both sides (recorded like the NDA). The trial starts only
once both have accepted the latest version."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch, require
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.core.money import format_usd
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    Agreement,
    AgreementTemplate,
    Engagement,
    EngagementState,
    Milestone,
    Signature,
    SignatureKind,
)
from counselbench.engagements.services.nda import nda_signature, text_sha256, unwrap
from counselbench.organizations.models import Organization

DEFAULT_TEMPLATE = """\
ENGAGEMENT AGREEMENT $reference (version $version)

Between $firm ("the Firm") and $professional ("the Professional")$agency_clause.

1. Scope
$scope

2. Deliverables
$deliverables

3. Milestones
$milestones

4. Billing
$billing The Professional records time (or reports progress, for a flat or monthly fee) in
Counselbench; the supervising attorney, $supervising_attorney, approves it.

5. Start and trial
The engagement starts on $start_date. The first $trial_days days are a trial, after which the
supervising attorney decides to continue or to replace.

6. Confidentiality
The non-disclosure agreement signed for this engagement applies. Client information is used
only for the work assigned and is disclosed to no one.

7. Data handling
The Professional works only in the systems and accounts the Firm provides, uses multi-factor
authentication where offered, and keeps no copies of client documents on personal devices or
accounts.

8. Breach notification
The Professional tells the supervising attorney at once, and in any case within 24 hours, of any
loss, disclosure or unauthorized access to client information.

9. End of the engagement
When the engagement ends, access to the Firm's systems ends at once. Within 5 business days
the Professional returns or destroys all client data and certifies it in writing.

10. Acceptance
Both parties accept this exact text in Counselbench; the date, time, network address, browser
and a SHA-256 fingerprint of the text are recorded.
"""
PLACEHOLDERS = {
    "reference",
    "version",
    "firm",
    "professional",
    "agency_clause",
    "scope",
    "deliverables",
    "milestones",
    "billing",
    "supervising_attorney",
    "start_date",
    "trial_days",
    "jurisdiction",
}
EDITABLE_STATES = (EngagementState.PROPOSED, EngagementState.NDA_PENDING)


def template_body(organization: Organization) -> str:
    row = AgreementTemplate.objects.filter(organization=organization).first()
    return row.body if row else DEFAULT_TEMPLATE


def update_template(actor: Actor, *, body: str, request: HttpRequest | None = None) -> str:
    """An owner edits the firm's template; only the known $placeholders may be used."""
    organization = actor.current_organization
    require(actor, Action.MANAGE, organization, "Only the firm's owners edit the template.")
    body = (body or "").strip() + "\n"
    unknown = sorted(set(string.Template(body).get_identifiers()) - PLACEHOLDERS)
    if not body.strip() or len(body) > 50_000:
        raise Invalid.field("body", "Between 1 and 50,000 characters.")
    if unknown or not string.Template(body).is_valid():
        raise Invalid.field(
            "body",
            f"Unknown placeholders: {', '.join('$' + u for u in unknown) or 'a stray $'}. "
            f"Use {', '.join('$' + p for p in sorted(PLACEHOLDERS))} (write $$ for a dollar sign).",
        )
    with transaction.atomic():
        AgreementTemplate.objects.update_or_create(
            organization=organization, defaults={"body": body, "updated_by": actor.user}
        )
        log.record(
            "engagements.agreement_template_changed", actor=actor, obj=organization, request=request
        )
    return body


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _billing(engagement: Engagement) -> str:
    rate = format_usd(engagement.rate_cents)
    if engagement.billing_model == "flat":
        return (
            f"A flat fee of {rate} for the scope above, paid within "
            f"{engagement.payment_terms_days} days of the engagement's end."
        )
    paid = (
        f" Paid {engagement.get_pay_period_display().lower()}, each statement due "
        f"{engagement.payment_terms_days} days after its period ends."
    )
    if engagement.billing_model == "hourly":
        return f"{rate} an hour, about {engagement.hours_per_week} hours a week.{paid}"
    return f"{rate} a month, for about {engagement.hours_per_week} hours a week.{paid}"


def render(engagement: Engagement, *, version: int, deliverables: str) -> str:
    milestones = "\n".join(
        f"- {m.title}, due {_long(m.due_on)}; accepted when: {m.acceptance}"
        for m in engagement.milestones.all()
    )
    agency = engagement.agency
    values: dict[str, Any] = {
        "reference": f"E-{engagement.pk}",
        "version": version,
        "firm": engagement.organization.name,
        "professional": engagement.professional.user.display_name,
        "agency_clause": f", engaged through {agency.name}" if agency else "",
        "scope": engagement.scope,
        "deliverables": deliverables,
        "milestones": milestones or "- None set: the scope above is delivered as agreed.",
        "billing": _billing(engagement),
        "supervising_attorney": engagement.supervising_attorney.display_name,
        "start_date": _long(engagement.start_date),
        "trial_days": engagement.trial_days,
        "jurisdiction": engagement.jurisdiction,
    }
    return string.Template(unwrap(template_body(engagement.organization))).safe_substitute(values)


def issue_agreement(
    actor: Actor,
    *,
    engagement_id: int,
    deliverables: str,
    milestones: list[dict[str, Any]],
    request: HttpRequest | None = None,
) -> Agreement:
    """Issue the next version from the template; earlier acceptances stay on their version."""
    engagement = fetch(actor, Engagement, Action.CHANGE, pk=engagement_id)
    if engagement.state not in EDITABLE_STATES:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            "The agreement is fixed once the trial has started.",
            unblock="Agree changes in a check-in; a new engagement carries new terms.",
        )
    errors = []
    deliverables = (deliverables or "").strip()
    if not deliverables or len(deliverables) > 5000:
        errors.append(FieldError("deliverables", "Between 1 and 5,000 characters."))
    rows = []
    for i, m in enumerate(milestones):
        title, acceptance = (m.get("title") or "").strip(), (m.get("acceptance") or "").strip()
        due = m.get("due_on")
        if not title or len(title) > 200:
            errors.append(FieldError(f"milestones.{i}.title", "Between 1 and 200 characters."))
        if not isinstance(due, date):
            errors.append(FieldError(f"milestones.{i}.due_on", "A date."))
            continue
        if due < engagement.start_date:
            errors.append(FieldError(f"milestones.{i}.due_on", "On or after the start date."))
        if not acceptance or len(acceptance) > 500:
            errors.append(FieldError(f"milestones.{i}.acceptance", "How you accept it."))
        rows.append(
            Milestone(engagement=engagement, title=title, due_on=due, acceptance=acceptance)
        )
    if len(milestones) > 20:
        errors.append(FieldError("milestones", "At most 20."))
    if errors:
        raise Invalid("Check the agreement.", fields=errors)
    with transaction.atomic():
        Engagement.objects.select_for_update().get(pk=engagement.pk)
        engagement.milestones.all().delete()
        Milestone.objects.bulk_create(rows)
        latest = engagement.agreements.first()
        version = (latest.version if latest else 0) + 1
        text = render(engagement, version=version, deliverables=deliverables)
        agreement = Agreement.objects.create(
            engagement=engagement,
            version=version,
            deliverables=deliverables,
            text=text,
            text_sha256=text_sha256(text),
            created_by=actor.user,
        )
        log.record(
            "engagements.agreement_issued",
            actor=actor,
            obj=engagement,
            request=request,
            detail={"version": version},
        )
    return agreement


def latest_agreement(engagement: Engagement) -> Agreement | None:
    return engagement.agreements.first()


def acceptances(engagement: Engagement, agreement: Agreement | None) -> dict[str, Signature]:
    if agreement is None:
        return {}
    return {
        s.kind: s
        for s in engagement.signatures.filter(document_version=agreement.version).select_related(
            "signed_by"
        )
        if s.kind != SignatureKind.NDA
    }


def accept_agreement(
    actor: Actor,
    *,
    engagement_id: int,
    version: int,
    shown_sha256: str,
    request: HttpRequest | None = None,
) -> Signature:
    """The firm (owner or supervising attorney) or the professional (after the NDA) accepts the
    version they were shown; it must still be the latest."""
    engagement = fetch(actor, Engagement, pk=engagement_id)
    if can(actor, Action.CHANGE, engagement):
        kind = SignatureKind.AGREEMENT_FIRM
    elif can(actor, Action.SIGN, engagement):
        kind = SignatureKind.AGREEMENT_PROFESSIONAL
        if nda_signature(engagement) is None:
            raise RuleViolation(
                Code.NDA_UNSIGNED,
                "Sign the NDA first.",
                unblock="Read and sign the NDA on this page.",
            )
    else:
        raise PermissionDenied(
            "Only the supervising attorney, an owner or the professional accept."
        )
    agreement = latest_agreement(engagement)
    if agreement is None or agreement.version != version or agreement.text_sha256 != shown_sha256:
        raise RuleViolation(
            Code.AGREEMENT_OUTDATED,
            "That is not the current agreement.",
            unblock="Read the latest version and accept it.",
        )
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                engagement=engagement,
                kind=kind,
                signed_by=actor.authenticated_user,
                ip=log.client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:500] if request else "",
                text_sha256=agreement.text_sha256,
                document_version=agreement.version,
            )
            log.record(
                "engagements.agreement_accepted",
                actor=actor,
                organization=engagement.organization,
                obj=engagement,
                request=request,
                detail={"version": agreement.version, "side": kind},
            )
    except IntegrityError:
        raise RuleViolation(Code.AGREEMENT_OUTDATED, "Already accepted.") from None
    return signature


def both_accepted(engagement: Engagement) -> bool:
    signed = acceptances(engagement, latest_agreement(engagement))
    return {SignatureKind.AGREEMENT_FIRM, SignatureKind.AGREEMENT_PROFESSIONAL} <= set(signed)

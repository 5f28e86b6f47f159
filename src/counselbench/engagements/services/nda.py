"""NDA before identity (PRODUCT §2.3): until the professional click-signs the engagement's NDA,
everything they can reach shows the offer without the firm's name; signing records who, when,
from where, and the SHA-256 of the exact text they were shown."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import RuleViolation
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import Engagement, EngagementState, Signature, SignatureKind
from counselbench.talent.services.postings import redact_firm

NDA_TEMPLATE = """\
NON-DISCLOSURE AGREEMENT (engagement E-{ref})

1. Parties. This agreement is between you, {professional}, and the law firm offering engagement
E-{ref} (“the Firm”). The Firm's name is shown to you as soon as you sign.

2. Confidential information. Everything you learn through this engagement is confidential: the
Firm's identity and business, its clients and their matters, documents, communications, and the
fact that any client has a matter with the Firm.

3. Your obligations. You will use confidential information only to do the work the Firm assigns
you, disclose it to no one, keep it in the systems the Firm gives you access to, and tell the
Firm at once if it is lost, disclosed or accessed by anyone else.

4. End of the engagement. When the engagement ends, or when the Firm asks, you will return or
destroy all confidential information and confirm it in writing.

5. Duration. These obligations begin when you sign and continue after the engagement ends, for
as long as the information remains confidential; duties of client confidentiality last
indefinitely.

6. Signature. By selecting “I sign this NDA” you agree to this text. The date, time, your network
address and browser, and a fingerprint (SHA-256) of this exact text are recorded.
"""


def unwrap(text: str) -> str:
    """Join a template's hard-wrapped lines into paragraphs, so the text reflows on a phone;
    headings ("1. Scope"), list items and lines that are a lone $placeholder stay on their own."""

    def keeps_its_line(line: str) -> bool:
        short_heading = re.fullmatch(r"\d+\. [A-Z][\w ]{0,40}", line) is not None
        lone_placeholder = re.fullmatch(r"\$\w+", line) is not None
        return short_heading or lone_placeholder or line.startswith("- ") or line.isupper()

    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        out: list[str] = []
        for line in paragraph.split("\n"):
            if out and not keeps_its_line(line) and not keeps_its_line(out[-1]):
                out[-1] += " " + line.strip()
            else:
                out.append(line.strip())
        paragraphs.append("\n".join(out))
    return "\n\n".join(paragraphs) + "\n"


def nda_text(engagement: Engagement) -> str:
    """The exact text shown and signed: no firm or client name in it."""
    return unwrap(
        NDA_TEMPLATE.format(
            ref=engagement.pk, professional=engagement.professional.user.display_name
        )
    )


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def nda_signature(engagement: Engagement) -> Signature | None:
    return engagement.signatures.filter(kind=SignatureKind.NDA).select_related("signed_by").first()


def sign_nda(
    actor: Actor, *, engagement_id: int, shown_sha256: str, request: HttpRequest | None = None
) -> Signature:
    """Sign the text the professional was shown (its hash must match the text as it is now)."""
    engagement = fetch(actor, Engagement, pk=engagement_id)
    require(actor, Action.SIGN, engagement, "Only the professional signs their NDA.")
    if engagement.state != EngagementState.NDA_PENDING:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            f"There is no NDA to sign on an engagement that is "
            f"{engagement.get_state_display().lower()}.",
        )
    text = nda_text(engagement)
    if shown_sha256 != text_sha256(text):
        raise RuleViolation(
            Code.NDA_UNSIGNED,
            "The NDA you signed is not the current text.",
            unblock="Read the NDA again and sign the text shown.",
        )
    user_agent = request.headers.get("User-Agent", "")[:500] if request else ""
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                engagement=engagement,
                kind=SignatureKind.NDA,
                signed_by=actor.authenticated_user,
                ip=log.client_ip(request),
                user_agent=user_agent,
                text_sha256=text_sha256(text),
            )
            log.record(
                "engagements.nda_signed",
                actor=actor,
                organization=engagement.organization,
                obj=engagement,
                request=request,
                detail={"sha256": signature.text_sha256},
            )
    except IntegrityError:
        raise RuleViolation(Code.NDA_ALREADY_SIGNED, "The NDA is already signed.") from None
    return signature


def offer(engagement: Engagement, *, revealed: bool, nda_signed: bool) -> dict[str, Any]:
    """The engagement as shown: unless `revealed` (the firm's own view, or the professional
    after signing the NDA), nothing that names the firm: its name, its people, or words of its
    name in the title or scope."""
    name = engagement.organization.name
    shown = {
        "id": engagement.pk,
        "reference": f"E-{engagement.pk}",
        "state": engagement.state,
        "nda_signed": nda_signed,
        "role": engagement.professional.role,
        "billing_model": engagement.billing_model,
        "rate_cents": engagement.rate_cents,
        "hours_per_week": engagement.hours_per_week,
        "pay_period": engagement.pay_period,
        "payment_terms_days": engagement.payment_terms_days,
        "start_date": engagement.start_date,
        "trial_days": engagement.trial_days,
        "jurisdiction": engagement.jurisdiction,
        "engagement_model": engagement.engagement_model,
    }
    if revealed:
        return shown | {
            "firm": name,
            "title": engagement.title,
            "scope": engagement.scope,
            "supervising_attorney": engagement.supervising_attorney.display_name,
        }
    return shown | {
        "firm": None,
        "title": redact_firm(name, engagement.title),
        "scope": redact_firm(name, engagement.scope),
        "supervising_attorney": None,
    }


def revealed_engagement(actor: Actor, engagement_id: int) -> Engagement:
    """The engagement, if the actor may see the firm's side of it: the firm itself, or the
    professional once they signed the NDA (the agreement, onboarding and check-ins name the
    firm)."""
    engagement = fetch(actor, Engagement, pk=engagement_id)
    firm_side = (
        actor.organization is not None and actor.organization.pk == engagement.organization_id
    )
    if not firm_side and nda_signature(engagement) is None:
        raise RuleViolation(
            Code.NDA_UNSIGNED,
            "This names the firm: sign the NDA first.",
            unblock="Read and sign the NDA.",
        )
    return engagement

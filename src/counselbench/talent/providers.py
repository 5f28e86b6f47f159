"""Evaluating providers (agencies, LPOs, talent platforms): the questions to ask, what a weak and
a strong answer sound like, and the traits that tell a talent platform from a traditional LPO.

Questions 1–9 are the "9 Questions to Ask an Outsourced Solution Provider" of
“Legal Outsourcing for Small Firms: The Definitive Guide” (shared/seeds/000); the weak and strong
answers to questions 2, 3 and 10 are quoted from “The Legal Outsourcing Process” (shared/seeds/001),
which also supplies question 10 and the platform-vs-LPO traits. Anchors marked (Counselbench)
are this product's guidance where the sources give none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import FieldError, Invalid
from counselbench.talent.models import Provider, ProviderScorecard


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    weak: str
    strong: str


QUESTIONS = [
    Question("location", "Where are you or your workers located?",
             "“All over.” (Counselbench)",
             "Names the countries and states, and which of your jurisdictions they know. "
             "(Counselbench)"),
    Question("data_security", "How do you ensure data safety and privacy?",
             "“Our platform is very secure.” (seeds/001)",
             "“All professionals sign NDAs before they even see a firm's name. We facilitate "
             "secure access to your systems using role-based permissions and advise on best "
             "practices, like using encrypted communication channels.” (seeds/001)"),
    Question("vetting", "How do you train or vet your workers?",
             "“We have a multi-stage review.” (seeds/001)",
             "“We start with a resume screen, then a video interview to assess communication "
             "skills. Next, they take a skills test relevant to their specialty, like a mock "
             "document drafting exercise, and finally we run thorough background and reference "
             "checks.” (seeds/001)"),
    Question("capabilities", "What capabilities and features are included in your service?",
             "A generic list with no prices. (Counselbench)",
             "What is included, what costs extra, and examples for your practice area. "
             "(Counselbench)"),
    Question("integration", "Does your solution integrate with my existing tools and systems?",
             "“We can work with anything.” (Counselbench)",
             "Names your practice-management and document tools and how access is granted and "
             "revoked. (Counselbench)"),
    Question("technology", "Do you own the technology powering your solution?",
             "Cannot say who does. (Counselbench)",
             "Says what they own, what third parties run, and where your data is stored. "
             "(Counselbench)"),
    Question("flexibility", "Do you offer flexible plans or options?",
             "Only long fixed contracts. (Counselbench)",
             "Scale hours up or down month to month; no buyout fee to hire directly. "
             "(Counselbench)"),
    Question("support", "Do you have real people who provide ongoing support?",
             "A ticket queue only. (Counselbench)",
             "A named account contact with a response time. (Counselbench)"),
    Question("growth", "How will you help grow my business?",
             "Marketing language. (Counselbench)",
             "Measurable outcomes they report on: hours recovered, turnaround, response times. "
             "(Counselbench)"),
    Question("replacement", "What happens if I'm not happy with the person I choose?",
             "“That rarely happens.” (seeds/001)",
             "“We have a trial period. If you're not satisfied within the first week, we work with "
             "you immediately to find a replacement at no extra cost. Period.” (seeds/001)"),
]  # fmt: skip

RATINGS = {0: "Weak", 1: "Adequate", 2: "Strong"}

# Talent platform vs traditional LPO (seeds/001, "Outsourcing Model Showdown").
TRAITS = {
    "selection": ("Selection process", "You interview and pick your own professional",
                  "The provider assigns personnel"),
    "relationship": ("Relationship", "Direct, one-on-one; part of your team",
                     "Through a project manager, not the people doing the work"),
    "flexibility": ("Flexibility", "Scale up or down with specific individuals",
                    "Large, fixed-scope projects"),
    "talent_pool": ("Talent pool", "Vetted, experienced professionals, often from your "
                    "jurisdiction", "Large teams of junior staff, frequently offshore"),
    "ideal_for": ("Ideal for", "Ongoing support, specialized tasks, team integration",
                  "High-volume, commoditized work such as mass document review"),
}  # fmt: skip


def score(scorecard: ProviderScorecard | None) -> int | None:
    """Points earned over points possible on the questions answered, as 0–100."""
    if scorecard is None:
        return None
    rated = [a["rating"] for a in scorecard.answers.values() if a.get("rating") is not None]
    return round(sum(rated) / (2 * len(rated)) * 100) if rated else None


def model_of(scorecard: ProviderScorecard | None) -> str | None:
    """ "Talent platform", "Traditional LPO" or "Mixed", from the traits marked."""
    if scorecard is None or not scorecard.traits:
        return None
    sides = list(scorecard.traits.values())
    if all(s == "platform" for s in sides):
        return "Talent platform"
    if all(s == "lpo" for s in sides):
        return "Traditional LPO"
    return "Mixed"


def save_scorecard(
    actor: Actor,
    *,
    provider_id: int,
    answers: dict[str, dict],
    traits: dict[str, str],
    notes: str = "",
    request: HttpRequest | None = None,
) -> ProviderScorecard:
    """Record the firm's evaluation (owners and attorneys); replaces the firm's previous one."""
    provider = fetch(actor, Provider, pk=provider_id)
    require(actor, Action.CREATE, ProviderScorecard, "Only owners and attorneys score providers.")
    keys = {q.key for q in QUESTIONS}
    errors = []
    clean: dict[str, dict] = {}
    for key, value in answers.items():
        rating = value.get("rating")
        if key not in keys:
            errors.append(FieldError(f"answers.{key}", "Not one of the questions."))
        elif rating is not None and rating not in RATINGS:
            errors.append(FieldError(f"answers.{key}.rating", "0 (weak), 1 or 2 (strong)."))
        else:
            clean[key] = {"answer": str(value.get("answer") or "").strip()[:2000], "rating": rating}
    for key, side in traits.items():
        if key not in TRAITS:
            errors.append(FieldError(f"traits.{key}", "Not one of the traits."))
        elif side not in ("platform", "lpo"):
            errors.append(FieldError(f"traits.{key}", "Either platform or lpo."))
    if errors:
        raise Invalid("The scorecard is not valid.", fields=errors)
    with transaction.atomic():
        scorecard, _ = ProviderScorecard.objects.update_or_create(
            organization=actor.current_organization,
            provider=provider,
            defaults={
                "answers": clean,
                "traits": dict(traits),
                "notes": (notes or "").strip(),
                "evaluated_by": actor.user,
                "updated_at": timezone.now(),
            },
        )
        log.record(
            "talent.provider_scored",
            actor=actor,
            obj=scorecard,
            request=request,
            detail={"provider": provider.pk, "score": score(scorecard)},
        )
    return scorecard

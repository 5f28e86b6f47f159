"""Conflict checks (PRODUCT §2.3, issue 6 items 5 and 10): at matter intake and before any
contractor touches a matter, the matter's parties are compared with the firm's other parties,
the professional's declared prior parties, and the parties of matters the professional worked on
at other firms; a hit blocks contractor access until an attorney clears it with a reason.

Cross-firm privacy (ABA Model Rule 1.6): a hit from another firm's matter says only "possible
conflict, review needed" next to this matter's own party; it never names, counts or scores
anything of the other firm, in the stored check, the API or the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require, visible
from counselbench.accounts.models import User
from counselbench.core.errors import Invalid, RuleViolation
from counselbench.matters.conflicts import default_threshold, find_matches, normalize
from counselbench.matters.error_codes import MatterErrorCode as Code
from counselbench.matters.models import (
    ConflictCheck,
    ConflictStatus,
    Matter,
    Party,
    PriorParty,
    Task,
)
from counselbench.talent.models import ProfessionalProfile

ANOTHER_FIRM_MESSAGE = "Possible conflict, review needed"
REASON_LIMIT = 2000
PRIOR_PARTY_NAME_LIMIT = 200
PRIOR_PARTY_NOTE_LIMIT = 300


class HitSource:
    FIRM = "firm"  # another matter of this firm
    DECLARED = "declared"  # the professional's declared prior parties
    ANOTHER_FIRM = "another_firm"  # a matter the professional worked on at another firm


# --- Running a check -----------------------------------------------------------------------------


def _firm_hits(matter: Matter, parties: list[Party], threshold: int) -> list[dict[str, Any]]:
    """This matter's parties against the firm's parties on its other matters. A client here that
    is an adverse party there (or the reverse) is the classic conflict, but every match goes to
    the attorney: a witness here may be a client there."""
    others = list(
        Party.objects.filter(matter__organization_id=matter.organization_id)
        .exclude(matter_id=matter.pk)
        .values_list("normalized", "name", "role", "matter__number")
    )
    matches = find_matches([p.normalized for p in parties], [o[0] for o in others], threshold)
    return [
        {
            "source": HitSource.FIRM,
            "party": parties[m.name_index].name,
            "role": parties[m.name_index].role,
            "matched_name": others[m.candidate_index][1],
            "matched_role": others[m.candidate_index][2],
            "matter_number": others[m.candidate_index][3],
            "score": m.score,
        }
        for m in matches
    ]


def _declared_hits(
    parties: list[Party], professional: ProfessionalProfile, threshold: int
) -> list[dict[str, Any]]:
    """This matter's parties against the professional's declared prior parties. The declared
    name is shown because the attorney must judge it; the professional's note is not."""
    declared = list(professional.prior_parties.values_list("normalized", "name"))
    matches = find_matches([p.normalized for p in parties], [d[0] for d in declared], threshold)
    return [
        {
            "source": HitSource.DECLARED,
            "party": parties[m.name_index].name,
            "role": parties[m.name_index].role,
            "matched_name": declared[m.candidate_index][1],
            "score": m.score,
        }
        for m in matches
    ]


def _another_firm_hits(
    matter: Matter, parties: list[Party], professional: ProfessionalProfile, threshold: int
) -> list[dict[str, Any]]:
    """This matter's parties against the parties of matters the professional had tasks on at
    other firms. One hit per party of ours, with a fixed message: no name, number, count or
    score from the other firm, so repeated checks cannot be used to learn its client list."""
    elsewhere = (
        Task.objects.filter(engagement__professional=professional)
        .exclude(organization_id=matter.organization_id)
        .values("matter_id")
    )
    theirs = list(
        Party.objects.filter(matter_id__in=elsewhere)
        .exclude(matter__organization_id=matter.organization_id)
        .values_list("normalized", flat=True)
        .distinct()
    )
    matches = find_matches([p.normalized for p in parties], theirs, threshold)
    flagged = sorted({m.name_index for m in matches})
    return [
        {
            "source": HitSource.ANOTHER_FIRM,
            "party": parties[i].name,
            "role": parties[i].role,
            "message": ANOTHER_FIRM_MESSAGE,
        }
        for i in flagged
    ]


def check_matter(
    matter: Matter,
    *,
    run_by: User | None,
    professional: ProfessionalProfile | None = None,
    request: HttpRequest | None = None,
) -> ConflictCheck:
    """Run and store one conflict check. No access check: callers decide who may run it (the
    API through `run_conflict_check`; intake and demo builders directly).

    Without a professional it is the intake check against the firm's other matters; with one,
    the check before that professional's access (declared prior parties, and their work at
    other firms)."""
    threshold = default_threshold()
    parties = list(matter.parties.order_by("pk"))
    if professional is None:
        hits = _firm_hits(matter, parties, threshold)
    else:
        hits = _declared_hits(parties, professional, threshold) + _another_firm_hits(
            matter, parties, professional, threshold
        )
    with transaction.atomic():
        check = ConflictCheck.objects.create(
            matter=matter,
            professional=professional,
            status=ConflictStatus.HITS if hits else ConflictStatus.CLEAR,
            hits=hits,
            threshold=threshold,
            run_by=run_by,
            run_at=timezone.now(),
        )
        log.record(
            "conflicts.checked",
            actor=run_by,
            organization=matter.organization,
            obj=check,
            request=request,
            detail={
                "matter_id": matter.pk,
                "professional_id": professional.pk if professional else None,
                "status": check.status,
                "hits": len(hits),
            },
        )
    return check


def run_conflict_check(
    actor: Actor,
    *,
    matter_id: int,
    professional_id: int | None = None,
    request: HttpRequest | None = None,
) -> ConflictCheck:
    """An owner or attorney runs the check on their matter, for intake or for a professional the
    firm can see (a vetted professional, or one of its candidates)."""
    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    professional = None
    if professional_id is not None:
        professional = fetch(actor, ProfessionalProfile, pk=professional_id)
    return check_matter(
        matter, run_by=actor.authenticated_user, professional=professional, request=request
    )


# --- Clearing and the gate -----------------------------------------------------------------------


def _latest(matter: Matter, professional: ProfessionalProfile | None) -> ConflictCheck | None:
    return (
        ConflictCheck.objects.filter(matter=matter, professional=professional)
        .order_by("-run_at", "-pk")
        .first()
    )


def clear_conflict(
    actor: Actor, *, check_id: int, reason: str, request: HttpRequest | None = None
) -> ConflictCheck:
    """An owner or attorney clears the hits of the latest check, with a reason kept on record
    (the firm's judgement that the match is not a conflict, or that it was waived)."""
    check = fetch(actor, ConflictCheck, pk=check_id)
    require(
        actor,
        Action.CLEAR,
        check.matter,
        "Only an owner or attorney may clear a possible conflict.",
    )
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise Invalid.field(
            "reason", f"Say why this is not a conflict (1 to {REASON_LIMIT} characters)."
        )
    with transaction.atomic():
        check = ConflictCheck.objects.select_for_update().get(pk=check.pk)
        if check.status != ConflictStatus.HITS:
            raise RuleViolation(
                Code.NOTHING_TO_CLEAR,
                "Only a check with possible conflicts can be cleared; this one "
                + (
                    "is already cleared."
                    if check.status == ConflictStatus.CLEARED
                    else "found none."
                ),
            )
        latest = _latest(check.matter, check.professional)
        if latest is not None and latest.pk != check.pk:
            raise RuleViolation(
                Code.NOTHING_TO_CLEAR,
                "A newer conflict check replaced this one; only the latest check counts.",
                unblock="Clear the latest check instead, if it has hits.",
            )
        check.status = ConflictStatus.CLEARED
        check.cleared_by = actor.authenticated_user
        check.cleared_at = timezone.now()
        check.clearance_reason = reason
        check.save(update_fields=["status", "cleared_by", "cleared_at", "clearance_reason"])
        log.record(
            "conflicts.cleared",
            actor=actor,
            obj=check,
            request=request,
            detail={
                "matter_id": check.matter_id,
                "professional_id": check.professional_id,
                "hits": len(check.hits),
                "reason": reason,
            },
        )
    return check


@dataclass(frozen=True)
class Freshness:
    """When the inputs of a matter's checks last changed: a check run before is stale."""

    parties_changed: datetime | None
    declared_changed: dict[int, datetime]

    def is_stale(self, check: ConflictCheck) -> bool:
        changed = [self.parties_changed]
        if check.professional_id is not None:
            changed.append(self.declared_changed.get(check.professional_id))
        return any(at is not None and at > check.run_at for at in changed)


def freshness(matter: Matter, professional_ids: Iterable[int]) -> Freshness:
    """Two queries whatever the number of checks or professionals."""
    parties_changed = matter.parties.aggregate(at=Max("added_at"))["at"]
    ids = {i for i in professional_ids if i is not None}
    declared = (
        PriorParty.objects.filter(profile_id__in=ids)
        .values("profile_id")
        .annotate(at=Max("declared_at"))
        .values_list("profile_id", "at")
        if ids
        else []
    )
    return Freshness(parties_changed, dict(declared))


def require_conflict_cleared(
    matter: Matter, professional: ProfessionalProfile | None
) -> ConflictCheck:
    """The gate every service calls before a contractor gets any access to a matter (task
    assignment, document grants): the latest check for this professional on this matter found
    nothing or was cleared by an attorney, and no party was added, nor prior party declared,
    since it ran. With `professional=None` it gates on the intake check."""
    who = professional.user.display_name if professional is not None else "intake"
    run_again = (
        f"Run the conflict check for {who} on this matter first."
        if professional is not None
        else "Run the intake conflict check on this matter first."
    )
    check = _latest(matter, professional)
    if check is None:
        raise RuleViolation(
            Code.CONFLICT_CHECK_MISSING,
            "No contractor gets access to a matter before a conflict check of the matter's "
            f"parties (for {who}).",
            unblock=run_again,
        )
    if freshness(matter, [check.professional_id] if check.professional_id else []).is_stale(check):
        raise RuleViolation(
            Code.CONFLICT_CHECK_MISSING,
            f"The conflict check (for {who}) is out of date: parties were added or prior "
            "parties declared after it ran, and access needs a check of the current ones.",
            unblock=run_again,
        )
    if check.status == ConflictStatus.HITS:
        raise RuleViolation(
            Code.CONFLICT_UNCLEARED,
            f"The conflict check (for {who}) found a possible conflict; no contractor access "
            "until it is cleared.",
            unblock="An attorney must clear the possible conflict, with a reason.",
        )
    return check


def latest_checks(actor: Actor, *, matter_id: int) -> tuple[list[ConflictCheck], Freshness]:
    """The matter's checks, newest first, with what is needed to tell which are stale."""
    matter = fetch(actor, Matter, pk=matter_id)
    checks = list(
        visible(actor, ConflictCheck)
        .filter(matter=matter)
        .select_related("run_by", "cleared_by", "professional__user")
        .order_by("-run_at", "-pk")
    )
    return checks, freshness(matter, [c.professional_id for c in checks if c.professional_id])


def is_latest(check: ConflictCheck, checks: list[ConflictCheck]) -> bool:
    """Whether `check` is the newest of `checks` (newest first) for its professional."""
    return next(c for c in checks if c.professional_id == check.professional_id).pk == check.pk


# --- Prior parties: the professional's own declarations ------------------------------------------


def prior_parties(actor: Actor) -> QuerySet[PriorParty]:
    """The signed-in professional's declarations; nobody else's (firms learn only of matches)."""
    return visible(actor, PriorParty).order_by("name", "pk")


def declare_prior_party(
    actor: Actor, *, name: str, note: str = "", request: HttpRequest | None = None
) -> PriorParty:
    """A professional, acting for themself, declares a party they worked for or against."""
    require(
        actor,
        Action.CREATE,
        PriorParty,
        "Prior parties are declared by professionals themselves, outside any firm.",
    )
    name, note = (name or "").strip(), (note or "").strip()
    if not name or len(name) > PRIOR_PARTY_NAME_LIMIT:
        raise Invalid.field("name", f"Required, at most {PRIOR_PARTY_NAME_LIMIT} characters.")
    if not normalize(name):
        raise Invalid.field("name", "A name needs letters or digits.")
    if len(note) > PRIOR_PARTY_NOTE_LIMIT:
        raise Invalid.field("note", f"At most {PRIOR_PARTY_NOTE_LIMIT} characters.")
    profile = ProfessionalProfile.objects.get(user=actor.authenticated_user)
    with transaction.atomic():
        prior = PriorParty.objects.create(
            profile=profile, name=name, normalized=normalize(name), note=note
        )
        # No name in the log: the declaration is the professional's confidence.
        log.record("conflicts.prior_party_declared", actor=actor, obj=prior, request=request)
    return prior


def remove_prior_party(
    actor: Actor, *, prior_party_id: int, request: HttpRequest | None = None
) -> None:
    """Withdraw a declaration (a typo, a duplicate). Checks already run keep their hits."""
    prior = fetch(actor, PriorParty, Action.DELETE, pk=prior_party_id)
    with transaction.atomic():
        log.record("conflicts.prior_party_removed", actor=actor, obj=prior, request=request)
        prior.delete()

"""The leads pipeline: the stage machine, first contact, assignment, clearing a conflict flag,
conversion into a client and matter (exactly once), and the response-time alert.

Stages (`Lead.stage`), and the only moves allowed between them (`TRANSITIONS`):

    new ──────────┬─→ contacted ──→ consult_booked ──→ retained (only by `convert`)
      │           │        ↑              │
      ├─→ consult_booked   └──────────────┘ (a consultation cancelled: back to contacted)
      └─→ not_retained ←── contacted / consult_booked
    not_retained ──→ contacted   (reopened: the prospect came back)

`retained` is reached only through `convert` (which creates the client and matter); a retained
lead is final. The first move out of `new` into `contacted` or `consult_booked`,
`record_contact`, a consultation the front desk books (`note_booked`) or a reception call or chat
logged for the lead (`note_reception_contact`) stamps the first contact:
`first_contact_at - created_at` is the response time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, NotFound, RuleViolation
from counselbench.core.usps import US_STATES
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.intake.error_codes import IntakeErrorCode as Code
from counselbench.intake.models import IntakeProfile, Lead, LeadEvent, LeadState
from counselbench.organizations.models import Membership, Role

NEW, CONTACTED, BOOKED, RETAINED, NOT_RETAINED = (
    LeadState.NEW,
    LeadState.CONTACTED,
    LeadState.CONSULT_BOOKED,
    LeadState.RETAINED,
    LeadState.NOT_RETAINED,
)

# from-stage → the stages a lead may move to with `transition`.
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({CONTACTED, BOOKED, NOT_RETAINED}),
    CONTACTED: frozenset({BOOKED, NOT_RETAINED}),
    BOOKED: frozenset({CONTACTED, NOT_RETAINED}),
    NOT_RETAINED: frozenset({CONTACTED}),
    RETAINED: frozenset(),
}
# Moves that mean someone at the firm reached the prospect.
CONTACT_STAGES = frozenset({CONTACTED, BOOKED})
CONTACT_CHANNELS = ("call", "email", "text", "chat", "in_person", "voicemail")
DEFAULT_TARGET_MINUTES = 60
ATTORNEY_ROLES = (Role.OWNER, Role.ATTORNEY)
FRONT_DESK_ROLES = (Role.OWNER, Role.ATTORNEY, Role.STAFF)


class EventKind:
    CREATED = "created"
    STAGE = "stage"
    CONTACT = "contact"
    ASSIGNED = "assigned"
    CONFLICT_CLEARED = "conflict_cleared"
    CONVERTED = "converted"
    ALERTED = "response_alert"


def allowed_moves(lead: Lead) -> list[str]:
    """The stages `transition` would accept for this lead, in pipeline order."""
    return [s for s in LeadState.values if s in TRANSITIONS.get(lead.stage, frozenset())]


# --- Which firm -----------------------------------------------------------------------------------


def target_minutes(organization_id: int) -> int:
    target = (
        IntakeProfile.objects.filter(organization_id=organization_id)
        .values_list("response_target_minutes", flat=True)
        .first()
    )
    return target or DEFAULT_TARGET_MINUTES


def lead_workers(organization_id: int) -> QuerySet[User]:
    """Who may be given a lead: the firm's owners, attorneys and staff, and the professionals
    engaged (live) as its receptionists or intake specialists."""
    from counselbench.access.policy import RECEPTION_ROLES

    members = Membership.objects.filter(
        organization_id=organization_id, role__in=FRONT_DESK_ROLES
    ).values("user_id")
    contractors = Engagement.objects.filter(
        organization_id=organization_id,
        state__in=LIVE_STATES,
        professional__role__in=RECEPTION_ROLES,
    ).values("professional__user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=members) | Q(pk__in=contractors))
        .order_by("full_name", "email")
    )


def _worker(organization_id: int, user_id: Any, path: str) -> User:
    user = (
        lead_workers(organization_id).filter(pk=user_id).first()
        if isinstance(user_id, int)
        else None
    )
    if user is None:
        raise Invalid.field(path, "Choose a member of the firm's front desk.")
    return user


# --- History ------------------------------------------------------------------------------------


def _event(lead: Lead, kind: str, *, by: User | None, note: str = "", **stages: str) -> LeadEvent:
    return LeadEvent.objects.create(
        lead=lead,
        kind=kind,
        by=by,
        note=note,
        from_stage=stages.get("from_stage", ""),
        to_stage=stages.get("to_stage", ""),
    )


def _log(action: str, actor: Actor, lead: Lead, request: HttpRequest | None, **detail: Any):
    log.record(
        action,
        actor=actor,
        organization=lead.organization_id,
        obj=lead,
        request=request,
        detail=detail,
    )


def _locked(actor: Actor, lead_id: int, action: Action) -> Lead:
    """The lead through the policy (404/403), then its row locked for this transaction."""
    fetch(actor, Lead, action, pk=lead_id)
    return Lead.objects.select_for_update().get(pk=lead_id)


def _stamp_contact(lead: Lead, by: User | None, at: datetime) -> list[str]:
    if lead.first_contact_at is not None:
        return []
    lead.first_contact_at = max(at, lead.created_at)
    lead.first_contact_by = by
    return ["first_contact_at", "first_contact_by"]


def _text(value: Any, limit: int, path: str, errors: list[FieldError], *, required=False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.append(FieldError(path, "Required."))
    elif len(text) > limit:
        errors.append(FieldError(path, f"At most {limit} characters."))
    return text


# --- Stage moves ----------------------------------------------------------------------------------


def transition(
    actor: Actor,
    *,
    lead_id: int,
    to: str,
    note: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Lead:
    """Move a lead on the board. Not retained needs a reason; retained is reached by converting.
    The first move out of "new" into contacted or consult booked is the first contact."""
    now = now or timezone.now()
    errors: list[FieldError] = []
    if to not in LeadState.values:
        errors.append(FieldError("to", f"One of: {', '.join(LeadState.values)}."))
    note = _text(note, 2000, "note", errors)
    reason = _text(reason, 300, "reason", errors)
    if to == NOT_RETAINED and not reason:
        errors.append(FieldError("reason", "Say why the prospect was not retained."))
    if errors:
        raise Invalid("The move is not valid.", fields=errors)
    with transaction.atomic():
        lead = _locked(actor, lead_id, Action.CHANGE)
        before = lead.stage
        if to == RETAINED and lead.matter_id is None:
            raise RuleViolation(
                Code.BAD_TRANSITION,
                "A lead is retained by converting it into a client and matter.",
                unblock="Use Convert on the lead's page (owners and attorneys).",
            )
        if to not in TRANSITIONS.get(before, frozenset()):
            allowed = ", ".join(str(LeadState(s).label) for s in allowed_moves(lead)) or "none"
            raise RuleViolation(
                Code.BAD_TRANSITION,
                f"A lead cannot move from {LeadState(before).label} to {LeadState(to).label}.",
                unblock=f"Allowed from here: {allowed}.",
            )
        lead.stage = to
        fields = ["stage"]
        if to == NOT_RETAINED:
            lead.not_retained_reason = reason
            fields.append("not_retained_reason")
        elif before == NOT_RETAINED:
            lead.not_retained_reason = ""
            fields.append("not_retained_reason")
        if to in CONTACT_STAGES and before == NEW:
            fields += _stamp_contact(lead, actor.user, now)
        lead.save(update_fields=fields)
        _event(
            lead,
            EventKind.STAGE,
            by=actor.user,
            note=reason if to == NOT_RETAINED and not note else note,
            from_stage=before,
            to_stage=to,
        )
        _log("leads.moved", actor, lead, request, **{"from": before, "to": to})
    return lead


def record_contact(
    actor: Actor,
    *,
    lead_id: int,
    channel: str,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Lead:
    """Someone reached (or tried to reach: a voicemail counts) the prospect. The first such
    contact is the response time; a lead still "new" moves to "contacted"."""
    now = now or timezone.now()
    errors: list[FieldError] = []
    if channel not in CONTACT_CHANNELS:
        errors.append(FieldError("channel", f"One of: {', '.join(CONTACT_CHANNELS)}."))
    note = _text(note, 2000, "note", errors)
    if errors:
        raise Invalid("The contact is not valid.", fields=errors)
    with transaction.atomic():
        lead = _locked(actor, lead_id, Action.CHANGE)
        before = lead.stage
        fields = _stamp_contact(lead, actor.user, now)
        if before == NEW:
            lead.stage = CONTACTED
            fields.append("stage")
        if fields:
            lead.save(update_fields=fields)
        _event(
            lead,
            EventKind.CONTACT,
            by=actor.user,
            note=f"{channel.replace('_', ' ')}{': ' + note if note else ''}",
            from_stage=before if before != lead.stage else "",
            to_stage=lead.stage if before != lead.stage else "",
        )
        _log("leads.contacted", actor, lead, request, channel=channel)
    return lead


def assign(
    actor: Actor,
    *,
    lead_id: int,
    user_id: int | None,
    request: HttpRequest | None = None,
) -> Lead:
    """Give the lead to a member of the firm's front desk (None: unassign)."""
    with transaction.atomic():
        lead = _locked(actor, lead_id, Action.CHANGE)
        user = None if user_id is None else _worker(lead.organization_id, user_id, "user_id")
        if lead.assigned_to_id == (user.pk if user else None):
            return lead
        lead.assigned_to = user
        lead.save(update_fields=["assigned_to"])
        _event(
            lead,
            EventKind.ASSIGNED,
            by=actor.user,
            note=f"to {user.display_name}" if user else "unassigned",
        )
        _log("leads.assigned", actor, lead, request, user_id=user.pk if user else None)
    return lead


def update(
    actor: Actor,
    *,
    lead_id: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Lead:
    """The API's PATCH: assignment and urgency."""
    from counselbench.intake.models import Urgency

    if "urgency" in changes and changes["urgency"] not in Urgency.values:
        raise Invalid.field("urgency", f"One of: {', '.join(Urgency.values)}.")
    if "assigned_to_id" in changes:
        try:
            assign(actor, lead_id=lead_id, user_id=changes["assigned_to_id"], request=request)
        except Invalid as exc:
            raise Invalid(
                exc.message, fields=[FieldError("assigned_to_id", f.message) for f in exc.fields]
            ) from exc
    with transaction.atomic():
        lead = _locked(actor, lead_id, Action.CHANGE)
        if "urgency" in changes and changes["urgency"] != lead.urgency:
            before = lead.urgency
            lead.urgency = changes["urgency"]
            lead.save(update_fields=["urgency"])
            _log("leads.changed", actor, lead, request, urgency=[before, lead.urgency])
    return lead


# --- Conflicts ------------------------------------------------------------------------------------


def may_see_conflict_hits(actor: Actor, lead: Lead) -> bool:
    """Conflict hits name the firm's clients and adverse parties: the firm's own members see
    them (they see the matters anyway); a contractor receptionist sees only that the lead is
    flagged for an attorney."""
    return (
        actor.organization is not None
        and actor.organization.pk == lead.organization_id
        and actor.role in FRONT_DESK_ROLES
    )


def conflict_open(lead: Lead) -> bool:
    return lead.conflict_flagged and lead.conflict_cleared_at is None


def clear_conflict(
    actor: Actor,
    *,
    lead_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Lead:
    """An owner or attorney looked at the hits and found no conflict (or a waivable one)."""
    errors: list[FieldError] = []
    reason = _text(reason, 2000, "reason", errors, required=True)
    fetch(actor, Lead, Action.CLEAR, pk=lead_id)
    if errors:
        raise Invalid("Give the reason the conflict flag can be cleared.", fields=errors)
    with transaction.atomic():
        lead = _locked(actor, lead_id, Action.CLEAR)
        if not lead.conflict_flagged:
            raise RuleViolation(Code.NOT_FLAGGED, "This lead has no conflict flag to clear.")
        if lead.conflict_cleared_at is not None:
            raise RuleViolation(
                Code.NOT_FLAGGED,
                f"The conflict flag was already cleared on {lead.conflict_cleared_at:%Y-%m-%d}.",
            )
        lead.conflict_cleared_by = actor.user
        lead.conflict_cleared_at = timezone.now()
        lead.conflict_clear_reason = reason
        lead.save(
            update_fields=["conflict_cleared_by", "conflict_cleared_at", "conflict_clear_reason"]
        )
        _event(lead, EventKind.CONFLICT_CLEARED, by=actor.user, note=reason)
        _log("leads.conflict_cleared", actor, lead, request, hits=len(lead.conflict_hits or []))
    return lead


# --- Conversion -----------------------------------------------------------------------------------


def default_jurisdiction(lead: Lead) -> str:
    """Where the matter is: the prospect's state if given, else the first state the firm serves."""
    if lead.state and lead.state.upper() in US_STATES:
        return lead.state.upper()
    served = (
        IntakeProfile.objects.filter(organization_id=lead.organization_id)
        .values_list("jurisdictions", flat=True)
        .first()
    ) or []
    return str(served[0]).upper() if served else ""


def default_attorney_id(lead: Lead) -> int | None:
    if lead.assigned_to_id is None:
        return None
    attorney = Membership.objects.filter(
        organization_id=lead.organization_id, user_id=lead.assigned_to_id, role__in=ATTORNEY_ROLES
    ).exists()
    return lead.assigned_to_id if attorney else None


def default_title(lead: Lead) -> str:
    return f"{lead.name} — {lead.get_practice_area_display()}"[:200]


def convert(
    actor: Actor,
    *,
    lead_id: int,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Lead:
    """Turn the lead into a client (the prospect, a person), a matter (its practice area; the
    jurisdiction and responsible attorney given or defaulted) and the matter's parties (the
    prospect as client, the other parties named as adverse), once. `data` may hold `title`,
    `jurisdiction`, `responsible_attorney_id` and `description`."""
    from counselbench.matters.services import matters as matter_services

    data = data or {}
    fetch(actor, Lead, Action.CONVERT, pk=lead_id)
    with transaction.atomic():
        lead = _locked(actor, lead_id, Action.CONVERT)
        if lead.matter_id is not None or lead.converted_at is not None:
            raise RuleViolation(
                Code.ALREADY_CONVERTED,
                f"This lead was already converted on {lead.converted_at:%Y-%m-%d}."
                if lead.converted_at
                else "This lead was already converted.",
                unblock="Open the matter it became.",
            )
        if lead.stage == NOT_RETAINED:
            raise RuleViolation(
                Code.BAD_TRANSITION,
                "This lead was marked not retained.",
                unblock="Reopen it (move it to Contacted) before converting.",
            )
        if conflict_open(lead):
            raise RuleViolation(
                Code.CONFLICT_UNCLEARED,
                "The conflict pre-check flagged this lead and no attorney has cleared it.",
                unblock="Review the conflict hits and clear the flag with a reason first.",
            )
        attorney_id = data.get("responsible_attorney_id") or default_attorney_id(lead)
        client = matter_services.create_client(
            actor,
            data={
                "kind": "person",
                "name": lead.name,
                "email": lead.email,
                "phone": lead.phone,
                "notes": f"From lead #{lead.pk} ({lead.get_source_display()}).",
            },
            request=request,
        )
        parties = [
            {"name": str(name).strip()[:200], "role": "adverse"}
            for name in (lead.other_parties or [])
            if str(name).strip()
        ]
        matter = matter_services.open_matter(
            actor,
            data={
                "client_id": client.pk,
                "title": data.get("title") or default_title(lead),
                "description": data.get("description") or lead.summary,
                "jurisdiction": data.get("jurisdiction") or default_jurisdiction(lead),
                "practice_area": lead.practice_area,
                "responsible_attorney_id": attorney_id,
            },
            parties=parties,
            request=request,
        )
        before = lead.stage
        lead.client = client
        lead.matter = matter
        lead.converted_at = timezone.now()
        lead.stage = RETAINED
        # Converting is the firm talking to the prospect: the first contact, if none was logged.
        contact = _stamp_contact(lead, actor.user, lead.converted_at)
        lead.save(update_fields=["client", "matter", "converted_at", "stage", *contact])
        _event(
            lead,
            EventKind.CONVERTED,
            by=actor.user,
            note=f"Client {client.name}, matter {matter.number}",
            from_stage=before,
            to_stage=RETAINED,
        )
        _log("leads.converted", actor, lead, request, client=client.pk, matter=matter.pk)
    return lead


# --- Hooks for the other intake parts -------------------------------------------------------------


def note_booked(lead: Lead, *, note: str = "", by: User | None = None) -> Lead:
    """A consultation was booked for the lead (by the prospect on the booking page, or by the
    front desk): an open lead before that stage moves to "consult booked". A prospect booking
    alone is not the firm's first contact; a firm member booking it is."""
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.stage not in (NEW, CONTACTED):
            return locked
        before = locked.stage
        locked.stage = BOOKED
        fields = ["stage"]
        if by is not None:
            fields += _stamp_contact(locked, by, timezone.now())
        locked.save(update_fields=fields)
        _event(
            locked,
            EventKind.STAGE,
            by=by,
            note=note or "Consultation booked.",
            from_stage=before,
            to_stage=BOOKED,
        )
    return locked


def note_reception_contact(lead: Lead, *, at: datetime, by: User | None, note: str = "") -> Lead:
    """Reception spoke with the prospect (a logged call or chat linked to the lead): the first
    contact if none is stamped yet (the call's start is the response time), and a lead still
    "new" moves to "contacted". Nothing changes, and nothing is recorded, when both are done."""
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        before = locked.stage
        fields = _stamp_contact(locked, by, at)
        if before == NEW:
            locked.stage = CONTACTED
            fields.append("stage")
        if not fields:
            return locked
        locked.save(update_fields=fields)
        _event(
            locked,
            EventKind.CONTACT,
            by=by,
            note=note or "Reception spoke with the prospect.",
            from_stage=before if before != locked.stage else "",
            to_stage=locked.stage if before != locked.stage else "",
        )
    return locked


# --- The response-time alert --------------------------------------------------------------------


def overdue_leads(now: datetime | None = None) -> list[Lead]:
    """Leads still new past their firm's response target, not alerted yet. A lead the spam
    heuristics marked waits for review, not for a call back: no alert (the board shows it with
    its spam flag)."""
    now = now or timezone.now()
    waiting = Lead.objects.filter(
        stage=NEW,
        first_contact_at__isnull=True,
        response_alerted_at__isnull=True,
        suspected_spam=False,
    )
    firms = set(waiting.values_list("organization_id", flat=True).distinct())
    targets = dict(
        IntakeProfile.objects.filter(organization_id__in=firms).values_list(
            "organization_id", "response_target_minutes"
        )
    )
    found: list[Lead] = []
    for firm_id in sorted(firms):
        limit = now - timedelta(minutes=targets.get(firm_id) or DEFAULT_TARGET_MINUTES)
        found += list(
            waiting.filter(organization_id=firm_id, created_at__lte=limit).select_related(
                "assigned_to", "organization"
            )
        )
    return found


def _alert_recipients(lead: Lead) -> list[str]:
    if lead.assigned_to is not None and lead.assigned_to.is_active:
        return [lead.assigned_to.email]
    return sorted(
        Membership.objects.filter(
            organization_id=lead.organization_id, role=Role.OWNER, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def alert_overdue(now: datetime | None = None) -> int:
    """Email the assignee (or the firm's owners) once per lead that waits past the target.
    Each lead is claimed with a conditional update, so two workers never both alert."""
    now = now or timezone.now()
    sent = 0
    for lead in overdue_leads(now):
        with transaction.atomic():
            claimed = Lead.objects.filter(
                pk=lead.pk, stage=NEW, response_alerted_at__isnull=True
            ).update(response_alerted_at=now)
            if not claimed:
                continue
            waited = int((now - lead.created_at).total_seconds() // 60)
            target = target_minutes(lead.organization_id)
            _event(
                lead, EventKind.ALERTED, by=None, note=f"Waiting {waited} min (target {target})."
            )
            recipients = _alert_recipients(lead)
            link = settings.SITE_URL + reverse("intake:lead", args=[lead.pk])
            subject = f"Lead waiting {waited} min: {lead.name} ({lead.get_practice_area_display()})"
            body = (
                f"{lead.name} asked about {lead.get_practice_area_display().lower()} "
                f"{waited} minutes ago and nobody has contacted them yet; the firm's target is "
                f"{target} minutes.\n\nOpen the lead: {link}"
            )
            if recipients:
                transaction.on_commit(partial(send_mail, subject, body, None, recipients))
            sent += 1
    return sent


def require_front_desk(actor: Actor) -> None:
    """Pages of the pipeline: the firm's members and its engaged receptionists."""
    if not actor.reception_firm_ids():
        raise NotFound("Leads belong to a firm's front desk.")


def require_convert(actor: Actor, lead: Lead) -> None:
    require(actor, Action.CONVERT, lead, "Owners and attorneys convert leads.")

"""Onboarding (PRODUCT §2.4): the firm's How We Work guide, acknowledged before the first task;
a 30-day plan in three tracks generated when the trial starts; the kickoff, confirmed in writing
to the professional; a small pilot task suggested first."""

from __future__ import annotations

from datetime import date, timedelta

import markdown
import nh3
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch, require
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    LIVE_STATES,
    Engagement,
    GuideAcknowledgement,
    HowWeWorkGuide,
    ItemOwner,
    Kickoff,
    OnboardingItem,
    Track,
)
from counselbench.organizations.models import Organization

F, P = ItemOwner.FIRM, ItemOwner.PROFESSIONAL
# (track, day, owner, title): the shipped 30-day plan (PRODUCT §2.4's three tracks).
PLAN = [
    (Track.SYSTEMS, 0, F, "Create their accounts with the least access the work needs"),
    (Track.SYSTEMS, 1, P, "Turn on multi-factor authentication on every account"),
    (Track.SYSTEMS, 1, P, "Read and acknowledge the How We Work guide"),
    (Track.SYSTEMS, 2, F, "Walk through where client documents live and what is off limits"),
    (Track.COMMUNICATION, 0, F, "Hold the kickoff and send the written confirmation"),
    (Track.COMMUNICATION, 1, P, "Agree the channels and hours you are reachable"),
    (Track.COMMUNICATION, 14, F, "First check-in: what's working, roadblocks, one improvement"),
    (Track.COMMUNICATION, 28, F, "Second check-in, and plan the first monthly review"),
    (Track.SUCCESS, 2, F, "Share formatting, tone and turnaround expectations with examples"),
    (Track.SUCCESS, 3, P, "Deliver the pilot task"),
    (Track.SUCCESS, 5, F, "Review the pilot together and note what to change"),
    (Track.SUCCESS, 30, F, "Agree what success looks like for the next 60 days"),
]
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}


def rendered(text: str) -> SafeString:
    """Markdown to HTML, then sanitized (nh3) to a small set of tags: safe to show."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer"))  # noqa: S308


def guide_of(organization: Organization) -> HowWeWorkGuide | None:
    return HowWeWorkGuide.objects.filter(organization=organization).first()


def save_guide(
    actor: Actor, *, sections: dict[str, str], request: HttpRequest | None = None
) -> HowWeWorkGuide:
    """An owner writes the guide; every change is a new version to acknowledge."""
    organization = actor.current_organization
    if organization.is_provider:
        from counselbench.core.errors import NotFound

        raise NotFound("How We Work belongs to a firm.")
    require(actor, Action.MANAGE, organization, "Only the firm's owners edit How We Work.")
    names = ("key_contacts", "style_guide", "feedback_loop")
    errors = [
        FieldError(name, "Required, at most 20,000 characters.")
        for name in names
        if not (sections.get(name) or "").strip() or len(sections.get(name) or "") > 20_000
    ]
    if errors:
        raise Invalid("Fill in every part of the guide.", fields=errors)
    with transaction.atomic():
        guide = guide_of(organization)
        values = {name: sections[name].strip() for name in names}
        if guide is None:
            guide = HowWeWorkGuide.objects.create(
                organization=organization, updated_by=actor.user, **values
            )
        else:
            for name, value in values.items():
                setattr(guide, name, value)
            guide.version += 1
            guide.updated_by = actor.user
            guide.save()
        log.record(
            "engagements.guide_saved",
            actor=actor,
            obj=organization,
            request=request,
            detail={"version": guide.version},
        )
    return guide


def acknowledged(engagement: Engagement) -> bool:
    """Has the professional acknowledged the current guide? (The matters capability refuses a
    first task until they have.) A firm without a guide has nothing to acknowledge."""
    guide = guide_of(engagement.organization)
    return guide is None or engagement.guide_acknowledgements.filter(version=guide.version).exists()


def acknowledge_guide(
    actor: Actor, *, engagement_id: int, version: int, request: HttpRequest | None = None
) -> GuideAcknowledgement:
    engagement = fetch(actor, Engagement, pk=engagement_id)
    require(actor, Action.SIGN, engagement, "The professional acknowledges the guide.")
    guide = guide_of(engagement.organization)
    if guide is None or guide.version != version:
        raise RuleViolation(
            Code.GUIDE_OUTDATED,
            "That is not the current guide.",
            unblock="Read the current version and acknowledge it.",
        )
    try:
        with transaction.atomic():
            ack = GuideAcknowledgement.objects.create(
                engagement=engagement, version=version, user=actor.authenticated_user
            )
            firm = engagement.organization
            log.record(
                "engagements.guide_acknowledged",
                actor=actor,
                organization=firm,
                obj=engagement,
                request=request,
            )
    except IntegrityError:
        raise RuleViolation(Code.GUIDE_OUTDATED, "Already acknowledged.") from None
    _tick_guide_item(engagement, actor)
    return ack


def _tick_guide_item(engagement: Engagement, actor: Actor) -> None:
    engagement.onboarding_items.filter(
        title__startswith="Read and acknowledge", done_at__isnull=True
    ).update(done_at=timezone.now(), done_by=actor.user)


def pilot_task(engagement: Engagement) -> str:
    category = engagement.posting.category if engagement.posting else None
    what = category.name.lower() if category else "task from the scope"
    return f"Pilot: one small {what}, due in three days, reviewed together before more work."


def generate_plan(engagement: Engagement, *, starts: date | None = None) -> list[OnboardingItem]:
    """The 30-day plan, dated from the start (run when the trial starts; idempotent)."""
    if engagement.onboarding_items.exists():
        return list(engagement.onboarding_items.all())
    start = starts or engagement.start_date
    items = [
        OnboardingItem(
            engagement=engagement,
            track=track,
            owner=owner,
            due_on=start + timedelta(days=day),
            title=pilot_task(engagement) if title == "Deliver the pilot task" else title,
        )
        for track, day, owner, title in PLAN
    ]
    return OnboardingItem.objects.bulk_create(items)


def progress(engagement: Engagement) -> tuple[int, int]:
    items = list(engagement.onboarding_items.values_list("done_at", flat=True))
    return sum(1 for d in items if d is not None), len(items)


def set_item_done(
    actor: Actor,
    *,
    engagement_id: int,
    item_id: int,
    done: bool,
    request: HttpRequest | None = None,
) -> OnboardingItem:
    """The firm ticks the firm's items, the professional their own."""
    engagement = fetch(actor, Engagement, pk=engagement_id)
    item = engagement.onboarding_items.filter(pk=item_id).first()
    if item is None:
        from counselbench.core.errors import NotFound

        raise NotFound("Onboarding item not found.")
    side = (
        ItemOwner.FIRM
        if can(actor, Action.CHANGE, engagement)
        else (ItemOwner.PROFESSIONAL if can(actor, Action.SIGN, engagement) else None)
    )
    if side != item.owner:
        raise PermissionDenied(f"This item is the {item.get_owner_display().lower()}'s to tick.")
    if engagement.state not in LIVE_STATES:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED, "Onboarding runs while the engagement is live."
        )
    item.done_at, item.done_by = (timezone.now(), actor.user) if done else (None, None)
    item.save(update_fields=["done_at", "done_by"])
    log.record(
        "engagements.onboarding_item",
        actor=actor,
        organization=engagement.organization,
        obj=engagement,
        request=request,
        detail={"item": item.pk, "done": done},
    )
    return item


def record_kickoff(
    actor: Actor,
    *,
    engagement_id: int,
    held_on: date,
    notes: str,
    request: HttpRequest | None = None,
) -> Kickoff:
    """Record the kickoff and email the professional its written confirmation."""
    engagement = fetch(actor, Engagement, Action.CHANGE, pk=engagement_id)
    if engagement.state not in LIVE_STATES:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            "The kickoff is held once the trial has started.",
            unblock="Start the trial first.",
        )
    notes = (notes or "").strip()
    if not notes or len(notes) > 10_000:
        raise Invalid.field("notes", "What was agreed: between 1 and 10,000 characters.")
    with transaction.atomic():
        kickoff, _ = Kickoff.objects.update_or_create(
            engagement=engagement,
            defaults={
                "held_on": held_on,
                "notes": notes,
                "recorded_by": actor.user,
                "confirmation_sent_at": None,
            },
        )
        engagement.onboarding_items.filter(title__startswith="Hold the kickoff").update(
            done_at=timezone.now(), done_by=actor.user
        )
        log.record("engagements.kickoff", actor=actor, obj=engagement, request=request)
        from counselbench.engagements.tasks import send_kickoff_confirmation

        transaction.on_commit(lambda: send_kickoff_confirmation.enqueue(kickoff.pk))
    return kickoff


def deliver_kickoff_confirmation(*, kickoff_id: int) -> bool:
    """Email the written confirmation (run by the task queue; sends once)."""
    kickoff = (
        Kickoff.objects.select_related(
            "engagement__organization",
            "engagement__professional__user",
            "engagement__supervising_attorney",
        )
        .filter(pk=kickoff_id, confirmation_sent_at__isnull=True)
        .first()
    )
    if kickoff is None:
        return False
    engagement = kickoff.engagement
    send_mail(
        subject=f"Kickoff confirmed: {engagement.title} (E-{engagement.pk})",
        message=render_to_string(
            "engagements/email/kickoff.txt",
            {"e": engagement, "kickoff": kickoff, "pilot": pilot_task(engagement)},
        ),
        from_email=None,
        recipient_list=[engagement.professional.user.email],
    )
    Kickoff.objects.filter(pk=kickoff.pk).update(confirmation_sent_at=timezone.now())
    return True

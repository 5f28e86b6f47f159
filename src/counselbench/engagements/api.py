"""API: engagements, their state machine, worker classification and the NDA."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from counselbench.access import log
from counselbench.access.policy import Action, Actor, ActorRequest, fetch
from counselbench.core.errors import NotFound, RuleViolation
from counselbench.core.pdf import pdf_response
from counselbench.engagements import classification as questionnaire
from counselbench.engagements import selectors, services
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import AbcTestState, Engagement, EngagementState
from counselbench.engagements.schemas import (
    AcceptIn,
    AcknowledgeIn,
    AgreementIn,
    AgreementOut,
    AgreementTemplateIn,
    AgreementTemplateOut,
    CertificateIn,
    CertificateOut,
    CheckInIn,
    CheckInOut,
    CheckInsOut,
    ClassificationFormOut,
    ClassificationIn,
    ClassificationOut,
    EngagementIn,
    EngagementOut,
    EngagementTransitionIn,
    GuideIn,
    GuideOut,
    ItemDoneIn,
    KickoffIn,
    NdaOut,
    NdaSignIn,
    OnboardingOut,
    RatingIn,
    RatingOut,
    TermsPatch,
)
from counselbench.engagements.services import checkins as meetings
from counselbench.engagements.services import ending, onboarding
from counselbench.engagements.services.nda import revealed_engagement, text_sha256

router = Router(tags=["engagements"])


def _assessment_out(engagement: Engagement, assessment) -> dict | None:
    if assessment is None:
        return None
    return {
        "risk": assessment.risk,
        "reasons": assessment.reasons,
        "work_state": assessment.work_state,
        "abc_test_applies": assessment.abc_test_applies,
        "assessed_at": assessment.assessed_at,
        "current": assessment.terms_hash == engagement.terms_hash(),
    }


def engagement_out(actor: Actor, engagement: Engagement, *, detail: bool = False) -> dict:
    firm_side = selectors.is_firm_side(actor, engagement)
    signed = services.nda_signature(engagement) is not None
    shown = services.offer(engagement, revealed=firm_side or signed, nda_signed=signed)
    shown["moves"] = [
        {"to": to, "label": move.label, "needs_reason": move.needs_reason}
        for to, move in services.moves_for(actor, engagement)
    ]
    if not firm_side:
        return shown
    shown |= {
        "professional_id": engagement.professional_id,
        "professional": engagement.professional.user.display_name,
        "agency": engagement.agency.name if engagement.agency else None,
        "markup_percent": engagement.markup_percent,
        "posting_id": engagement.posting_id,
        "candidate_id": engagement.candidate_id,
        "classification": _assessment_out(engagement, engagement.classifications.first()),
    }
    if detail:
        shown["events"] = [
            {
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor.display_name if e.actor else None,
                "at": e.at,
                "reason": e.reason,
            }
            for e in engagement.events.select_related("actor")
        ]
    return shown


@router.get("/engagements", response=list[EngagementOut], summary="Engagements you can see")
@paginate
def list_engagements(request: ActorRequest, state: EngagementState | None = None):
    found = selectors.engagements(request.actor, state=state or "")
    return [engagement_out(request.actor, e) for e in found]


@router.post(
    "/engagements",
    response={201: EngagementOut},
    summary="Propose an engagement (from a selected candidate, or directly)",
)
def create_engagement(request: ActorRequest, payload: EngagementIn):
    data = payload.model_dump(exclude_unset=True)
    candidate_id, professional_id = (
        data.pop("candidate_id", None),
        data.pop("professional_id", None),
    )
    engagement = services.create_engagement(
        request.actor,
        candidate_id=candidate_id,
        professional_id=professional_id,
        data=data,
        request=request,
    )
    return Status(201, engagement_out(request.actor, engagement, detail=True))


@router.get("/engagements/{int:engagement_id}", response=EngagementOut)
def get_engagement(request: ActorRequest, engagement_id: int):
    engagement = fetch(request.actor, Engagement, pk=engagement_id)
    return engagement_out(request.actor, engagement, detail=True)


@router.patch(
    "/engagements/{int:engagement_id}",
    response=EngagementOut,
    summary="Change the terms of a proposal (the classification is asked again)",
)
def update_engagement(request: ActorRequest, engagement_id: int, payload: TermsPatch):
    engagement = services.update_terms(
        request.actor,
        engagement_id=engagement_id,
        changes=payload.model_dump(exclude_unset=True),
        request=request,
    )
    return engagement_out(request.actor, engagement, detail=True)


@router.delete(
    "/engagements/{int:engagement_id}",
    response={204: None},
    summary="Delete a proposal made by mistake (later, withdraw or end it instead)",
)
def delete_engagement(request: ActorRequest, engagement_id: int):
    engagement = fetch(request.actor, Engagement, Action.CHANGE, pk=engagement_id)
    if engagement.state != EngagementState.PROPOSED:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            "Only a proposal that was never sent can be deleted.",
            unblock="Withdraw it (or end it) instead; its history stays on record.",
        )
    with transaction.atomic():
        log.record(
            "engagements.deleted",
            actor=request.actor,
            obj=engagement,
            request=request,
            detail={"title": engagement.title},
        )
        engagement.delete()
    return Status(204, None)


@router.post(
    "/engagements/{int:engagement_id}/transition",
    response=EngagementOut,
    summary="Move the engagement to another state (409 names the rule that blocks it)",
)
def transition(request: ActorRequest, engagement_id: int, payload: EngagementTransitionIn):
    engagement = services.transition(
        request.actor,
        engagement_id=engagement_id,
        to=payload.to,
        reason=payload.reason,
        request=request,
    )
    return engagement_out(request.actor, engagement, detail=True)


def _classification_form(engagement: Engagement) -> dict:
    return {
        "questions": [
            {"key": q.key, "group": q.group, "text": q.text} for q in questionnaire.QUESTIONS
        ],
        "abc_test_states": list(AbcTestState.objects.values_list("state", flat=True)),
        "assessment": _assessment_out(engagement, engagement.classifications.first()),
    }


@router.get(
    "/engagements/{int:engagement_id}/classification",
    response=ClassificationFormOut,
    summary="The worker-classification questions and the latest answers' risk",
)
def get_classification(request: ActorRequest, engagement_id: int):
    engagement = fetch(request.actor, Engagement, Action.CHANGE, pk=engagement_id)
    return _classification_form(engagement)


@router.put(
    "/engagements/{int:engagement_id}/classification",
    response=ClassificationOut,
    summary="Answer every classification question; returns the risk and its reasons",
)
def put_classification(request: ActorRequest, engagement_id: int, payload: ClassificationIn):
    assessment = services.assess(
        request.actor, engagement_id=engagement_id, answers=payload.answers, request=request
    )
    return _assessment_out(assessment.engagement, assessment)


def _nda_out(engagement: Engagement) -> dict:
    text = services.nda_text(engagement)
    signature = services.nda_signature(engagement)
    return {
        "text": text,
        "text_sha256": text_sha256(text),
        "signed_at": signature.signed_at if signature else None,
        "signed_by": signature.signed_by.display_name if signature else None,
    }


@router.get(
    "/engagements/{int:engagement_id}/nda",
    response=NdaOut,
    summary="The NDA's exact text and its SHA-256 (sign by posting that hash back)",
)
def get_nda(request: ActorRequest, engagement_id: int):
    return _nda_out(fetch(request.actor, Engagement, pk=engagement_id))


@router.post(
    "/engagements/{int:engagement_id}/nda",
    response={201: NdaOut},
    summary="Click-sign the NDA (the professional); reveals the firm",
)
def sign_nda(request: ActorRequest, engagement_id: int, payload: NdaSignIn):
    services.sign_nda(
        request.actor,
        engagement_id=engagement_id,
        shown_sha256=payload.text_sha256,
        request=request,
    )
    return Status(201, _nda_out(fetch(request.actor, Engagement, pk=engagement_id)))


# --- The agreement -------------------------------------------------------------------------------


def readable_agreement(actor: Actor, engagement_id: int):
    """The engagement and its latest agreement, if the actor may read it: the text names the
    firm, so the professional reads it only after signing the NDA."""
    engagement = revealed_engagement(actor, engagement_id)
    agreement = services.latest_agreement(engagement)
    if agreement is None:
        raise NotFound("No agreement has been issued for this engagement yet.")
    return engagement, agreement


def _acceptance(signature) -> dict | None:
    if signature is None:
        return None
    return {"by": signature.signed_by.display_name, "at": signature.signed_at}


def agreement_out(engagement: Engagement, agreement) -> dict:
    signed = services.acceptances(engagement, agreement)
    return {
        "version": agreement.version,
        "text": agreement.text,
        "text_sha256": agreement.text_sha256,
        "deliverables": agreement.deliverables,
        "milestones": [
            {"title": m.title, "due_on": m.due_on, "acceptance": m.acceptance}
            for m in engagement.milestones.all()
        ],
        "accepted_by_firm": _acceptance(signed.get("agreement_firm")),
        "accepted_by_professional": _acceptance(signed.get("agreement_professional")),
        "pdf_url": f"/api/v1/engagements/{engagement.pk}/agreement/pdf",
    }


@router.get(
    "/engagements/{int:engagement_id}/agreement",
    response=AgreementOut,
    summary="The latest agreement: exact text, its SHA-256, milestones and who accepted",
)
def get_agreement(request: ActorRequest, engagement_id: int):
    return agreement_out(*readable_agreement(request.actor, engagement_id))


@router.get(
    "/engagements/{int:engagement_id}/agreement/pdf",
    summary="The latest agreement as a PDF (US Letter)",
    response={200: None},
)
def get_agreement_pdf(request: ActorRequest, engagement_id: int) -> HttpResponse:
    engagement, agreement = readable_agreement(request.actor, engagement_id)
    return agreement_pdf(request, engagement, agreement)


def agreement_pdf(request, engagement: Engagement, agreement) -> HttpResponse:
    signed = services.acceptances(engagement, agreement)
    return pdf_response(
        request,
        "engagements/agreement_pdf.html",
        {
            "e": engagement,
            "agreement": agreement,
            "accepted": [
                ("The Firm", signed.get("agreement_firm")),
                ("The Professional", signed.get("agreement_professional")),
            ],
        },
        filename=f"E-{engagement.pk} agreement v{agreement.version}",
    )


@router.put(
    "/engagements/{int:engagement_id}/agreement",
    response={201: AgreementOut},
    summary="Issue the next version from the firm's template (before the trial starts)",
)
def put_agreement(request: ActorRequest, engagement_id: int, payload: AgreementIn):
    agreement = services.issue_agreement(
        request.actor,
        engagement_id=engagement_id,
        deliverables=payload.deliverables,
        milestones=[m.model_dump() for m in payload.milestones],
        request=request,
    )
    return Status(201, agreement_out(agreement.engagement, agreement))


@router.post(
    "/engagements/{int:engagement_id}/agreement/accept",
    response={201: AgreementOut},
    summary="Accept the version shown (the firm's side, or the professional's after the NDA)",
)
def accept_agreement(request: ActorRequest, engagement_id: int, payload: AcceptIn):
    services.accept_agreement(
        request.actor,
        engagement_id=engagement_id,
        version=payload.version,
        shown_sha256=payload.text_sha256,
        request=request,
    )
    return Status(201, agreement_out(*readable_agreement(request.actor, engagement_id)))


# --- Onboarding and the How We Work guide --------------------------------------------------------


def guide_out(guide) -> dict | None:
    if guide is None:
        return None
    sections = ("key_contacts", "style_guide", "feedback_loop")
    html = "".join(
        f"<h3>{title}</h3>{onboarding.rendered(getattr(guide, name))}"
        for name, title in zip(
            sections, ("Key contacts", "Style guide", "Feedback loop"), strict=True
        )
    )
    return {"version": guide.version, **{n: getattr(guide, n) for n in sections}, "html": html}


def onboarding_out(engagement: Engagement) -> dict:
    done, total = onboarding.progress(engagement)
    kickoff = getattr(engagement, "kickoff", None)
    return {
        "items": [
            {
                "id": i.pk,
                "track": i.track,
                "title": i.title,
                "due_on": i.due_on,
                "owner": i.owner,
                "done": i.done_at is not None,
                "done_at": i.done_at,
            }
            for i in engagement.onboarding_items.all()
        ],
        "done": done,
        "total": total,
        "pilot_task": onboarding.pilot_task(engagement),
        "kickoff": (
            {
                "held_on": kickoff.held_on,
                "notes": kickoff.notes,
                "confirmation_sent_at": kickoff.confirmation_sent_at,
            }
            if kickoff
            else None
        ),
        "guide": guide_out(onboarding.guide_of(engagement.organization)),
        "guide_acknowledged": onboarding.acknowledged(engagement),
    }


@router.get(
    "/engagements/{int:engagement_id}/onboarding",
    response=OnboardingOut,
    summary="The 30-day plan, its progress, the kickoff and the How We Work guide",
)
def get_onboarding(request: ActorRequest, engagement_id: int):
    return onboarding_out(revealed_engagement(request.actor, engagement_id))


@router.patch(
    "/engagements/{int:engagement_id}/onboarding/items/{int:item_id}",
    response=OnboardingOut,
    summary="Tick (or untick) a checklist item: the firm its items, the professional theirs",
)
def patch_onboarding_item(
    request: ActorRequest, engagement_id: int, item_id: int, payload: ItemDoneIn
):
    onboarding.set_item_done(
        request.actor,
        engagement_id=engagement_id,
        item_id=item_id,
        done=payload.done,
        request=request,
    )
    return onboarding_out(revealed_engagement(request.actor, engagement_id))


@router.put(
    "/engagements/{int:engagement_id}/onboarding/kickoff",
    response=OnboardingOut,
    summary="Record the kickoff; the professional gets the written confirmation by email",
)
def put_kickoff(request: ActorRequest, engagement_id: int, payload: KickoffIn):
    onboarding.record_kickoff(
        request.actor,
        engagement_id=engagement_id,
        held_on=payload.held_on,
        notes=payload.notes,
        request=request,
    )
    return onboarding_out(revealed_engagement(request.actor, engagement_id))


@router.post(
    "/engagements/{int:engagement_id}/onboarding/guide",
    response={201: OnboardingOut},
    summary="The professional acknowledges the current How We Work guide",
)
def acknowledge_guide(request: ActorRequest, engagement_id: int, payload: AcknowledgeIn):
    onboarding.acknowledge_guide(
        request.actor, engagement_id=engagement_id, version=payload.version, request=request
    )
    return Status(201, onboarding_out(revealed_engagement(request.actor, engagement_id)))


@router.get("/how-we-work", response=GuideOut | None, summary="The firm's How We Work guide")
def get_guide(request: ActorRequest):
    if request.actor.organization is None or request.actor.organization.is_provider:
        raise NotFound("How We Work belongs to a firm.")
    return guide_out(onboarding.guide_of(request.actor.organization))


@router.put("/how-we-work", response=GuideOut, summary="Write the guide (owners); a new version")
def put_guide(request: ActorRequest, payload: GuideIn):
    guide = onboarding.save_guide(request.actor, sections=payload.model_dump(), request=request)
    return guide_out(guide)


# --- Check-ins -----------------------------------------------------------------------------------


def checkin_out(checkin) -> dict:
    return {
        "id": checkin.pk,
        "kind": checkin.kind,
        "scheduled_at": checkin.scheduled_at,
        "duration_minutes": checkin.duration_minutes,
        "held": checkin.held_at is not None,
        "working": checkin.working,
        "roadblocks": checkin.roadblocks,
        "improvement": checkin.improvement,
        "notes": checkin.notes,
        "evaluation": checkin.evaluation,
        "ics_url": f"/api/v1/engagements/{checkin.engagement_id}/checkins/{checkin.pk}/ics",
    }


def checkins_out(engagement: Engagement) -> dict:
    return {
        "checkins": [checkin_out(c) for c in engagement.checkins.all()],
        "open_items": [
            {
                "id": i.pk,
                "text": i.text,
                "owner": i.owner,
                "raised_on": i.raised_at.scheduled_at.date(),
                "done": False,
            }
            for i in meetings.open_items(engagement)
        ],
    }


@router.get(
    "/engagements/{int:engagement_id}/checkins",
    response=CheckInsOut,
    summary="Scheduled and held check-ins, reviews and the evaluation, with open action items",
)
def list_checkins(request: ActorRequest, engagement_id: int):
    return checkins_out(revealed_engagement(request.actor, engagement_id))


@router.put(
    "/engagements/{int:engagement_id}/checkins/{int:checkin_id}",
    response=CheckInOut,
    summary="Record a held check-in (owner or supervising attorney)",
)
def record_checkin(request: ActorRequest, engagement_id: int, checkin_id: int, payload: CheckInIn):
    data = payload.model_dump()
    checkin = meetings.record_checkin(
        request.actor,
        engagement_id=engagement_id,
        checkin_id=checkin_id,
        data=data,
        request=request,
    )
    return checkin_out(checkin)


@router.get(
    "/engagements/{int:engagement_id}/checkins/{int:checkin_id}/ics",
    summary="The check-in as an iCalendar (.ics) invite",
    response={200: None},
)
def checkin_ics(request: ActorRequest, engagement_id: int, checkin_id: int) -> HttpResponse:
    return ics_response(request.actor, engagement_id, checkin_id)


def ics_response(actor: Actor, engagement_id: int, checkin_id: int) -> HttpResponse:
    engagement = revealed_engagement(actor, engagement_id)
    checkin = engagement.checkins.filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFound("Check-in not found.")
    response = HttpResponse(
        meetings.ics(checkin, site_url=settings.SITE_URL),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="checkin-{checkin.pk}.ics"'
    return response


# --- The end -------------------------------------------------------------------------------------


def rating_out(rating) -> dict:
    return {
        "scores": rating.scores,
        "overall": rating.overall,
        "comment": rating.comment,
        "rated_by": rating.rated_by.display_name if rating.rated_by else None,
        "rated_at": rating.rated_at,
    }


@router.get("/engagements/{int:engagement_id}/rating", response=RatingOut)
def get_rating(request: ActorRequest, engagement_id: int):
    engagement = fetch(request.actor, Engagement, pk=engagement_id)
    if not selectors.is_firm_side(request.actor, engagement):
        raise NotFound("Ratings are the firm's.")
    rating = getattr(engagement, "rating", None)
    if rating is None:
        raise NotFound("Not rated yet.")
    return rating_out(rating)


@router.post(
    "/engagements/{int:engagement_id}/rating",
    response={201: RatingOut},
    summary="Rate an ended engagement, 1–5 per factor (feeds matching's past ratings)",
)
def post_rating(request: ActorRequest, engagement_id: int, payload: RatingIn):
    rating = ending.rate(
        request.actor,
        engagement_id=engagement_id,
        scores=payload.scores,
        comment=payload.comment,
        request=request,
    )
    return Status(201, rating_out(rating))


@router.post(
    "/engagements/{int:engagement_id}/data-certificate",
    response={201: CertificateOut},
    summary="The professional certifies client data returned or destroyed",
)
def certify_data(request: ActorRequest, engagement_id: int, payload: CertificateIn):
    certificate = ending.certify_data(
        request.actor,
        engagement_id=engagement_id,
        disposition=payload.disposition,
        statement=payload.statement,
        request=request,
    )
    return Status(
        201,
        {
            "requested_at": certificate.requested_at,
            "disposition": certificate.disposition,
            "statement": certificate.statement,
            "certified_at": certificate.certified_at,
        },
    )


def template_out(organization) -> dict:
    from counselbench.engagements.services.agreement import DEFAULT_TEMPLATE, PLACEHOLDERS

    body = services.template_body(organization)
    return {
        "body": body,
        "placeholders": sorted(PLACEHOLDERS),
        "is_default": body == DEFAULT_TEMPLATE,
    }


@router.get(
    "/agreement-template", response=AgreementTemplateOut, summary="The firm's agreement template"
)
def get_agreement_template(request: ActorRequest):
    if request.actor.organization is None or request.actor.organization.is_provider:
        raise NotFound("The agreement template belongs to a firm.")
    return template_out(request.actor.organization)


@router.put(
    "/agreement-template",
    response=AgreementTemplateOut,
    summary="Edit the agreement template (owners); later agreements use it",
)
def put_agreement_template(request: ActorRequest, payload: AgreementTemplateIn):
    if request.actor.organization is None or request.actor.organization.is_provider:
        raise NotFound("The agreement template belongs to a firm.")
    services.update_template(request.actor, body=payload.body, request=request)
    return template_out(request.actor.organization)

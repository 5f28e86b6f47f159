"""Engagement pages: a firm proposes, classifies, sends and moves an engagement through its
states; the professional reads the offer without the firm's name, signs the NDA, and sees it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch, require
from counselbench.core.errors import DomainError, Invalid, NotFound
from counselbench.core.forms import add_domain_error
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.engagements import selectors, services
from counselbench.engagements.forms import ClassificationForm, EngagementForm, GuideForm
from counselbench.engagements.models import (
    LIVE_STATES,
    AbcTestState,
    DataDisposition,
    Engagement,
    EngagementState,
    Signature,
    SignatureKind,
    Track,
)
from counselbench.engagements.services import checkins, ending, onboarding
from counselbench.engagements.services.nda import text_sha256
from counselbench.organizations.models import Membership, Organization, OrganizationKind, Role
from counselbench.talent.models import Candidate


@login_required
@require_GET
def engagement_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if actor.organization is None and not actor.is_professional:
        raise NotFound("Engagements belong to firms and the professionals they engage.")
    state = request.GET.get("state", "")
    found = selectors.engagements(actor, state=state if state in EngagementState.values else "")
    firm_side = actor.organization is not None
    page = page_of(request, found)
    signed = set(
        Signature.objects.filter(
            engagement__in=page.object_list, kind=SignatureKind.NDA
        ).values_list("engagement_id", flat=True)
    )
    rows = [
        (e, services.offer(e, revealed=firm_side or e.pk in signed, nda_signed=e.pk in signed))
        for e in page.object_list
    ]
    return render(
        request,
        "engagements/list.html",
        {
            "rows": rows,
            "page": page,
            "firm_side": firm_side,
            "states": EngagementState.choices,
            "state": state,
            "may_propose": can(actor, Action.CREATE, Engagement),
        },
    )


def _form_choices(request: ActorRequest) -> dict:
    firm = request.actor.current_organization
    attorneys = [
        m.user
        for m in Membership.objects.filter(organization=firm, role__in=(Role.OWNER, Role.ATTORNEY))
        .select_related("user")
        .order_by("user__full_name")
    ]
    agencies = Organization.objects.filter(kind=OrganizationKind.PROVIDER).order_by("name")
    return {"attorneys": attorneys, "agencies": agencies}


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: ActorRequest) -> HttpResponse:
    """A new proposal: from a selected candidate (?candidate=) or for a professional
    (?professional=)."""
    require(request.actor, Action.CREATE, Engagement, "Owners and attorneys open engagements.")
    candidate = professional = None
    if request.GET.get("candidate", "").isdigit():
        candidate = fetch(request.actor, Candidate, Action.CHANGE, pk=int(request.GET["candidate"]))
        professional = candidate.professional
    elif request.GET.get("professional", "").isdigit():
        from counselbench.talent.models import ProfessionalProfile

        professional = fetch(
            request.actor, ProfessionalProfile, pk=int(request.GET["professional"])
        )
    if professional is None:
        raise NotFound("Choose a selected candidate or a professional to engage.")
    posting = candidate.posting if candidate else None
    initial = {
        "title": posting.title if posting else "",
        "scope": posting.responsibilities if posting else "",
        "jurisdiction": posting.jurisdiction if posting else professional.state or "TX",
        "engagement_model": "agency" if professional.provider_id else "direct",
        "agency_id": professional.provider_id,
        "billing_model": "hourly",
        "rate": (
            (candidate.agreed_rate_cents if candidate else None) or professional.hourly_rate_cents
        )
        / 100,
        "hours_per_week": posting.hours_per_week if posting else 20,
        "supervising_attorney_id": request.actor.authenticated_user.pk,
        "start_date": timezone.localdate() + timezone.timedelta(days=7),
    }
    form = EngagementForm(request.POST or None, initial=initial, **_form_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.create_engagement(
                request.actor,
                candidate_id=candidate.pk if candidate else None,
                professional_id=None if candidate else professional.pk,
                data=form.data_for_service(),
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"E-{engagement.pk} proposed. Answer the classification questions, then send it.",
            )
            return redirect("engagements:detail", engagement_id=engagement.pk)
    return render(
        request,
        "engagements/propose.html",
        {"form": form, "professional": professional, "candidate": candidate},
        status=422 if form.errors else 200,
    )


def _answers(assessment) -> dict[str, str]:
    answers = assessment.answers if assessment else {}
    return {key: "yes" if value else "no" for key, value in answers.items()}


@login_required
@require_GET
def detail(request: ActorRequest, engagement_id: int) -> HttpResponse:
    engagement = fetch(request.actor, Engagement, pk=engagement_id)
    actor = request.actor
    firm_side = selectors.is_firm_side(actor, engagement)
    signature = services.nda_signature(engagement)
    context = {
        "e": engagement,
        "firm_side": firm_side,
        "shown": services.offer(
            engagement,
            revealed=firm_side or signature is not None,
            nda_signed=signature is not None,
        ),
        "signature": signature,
        "moves": services.moves_for(actor, engagement),
        "rate": format_usd(engagement.rate_cents),
    }
    agreement = services.latest_agreement(engagement)
    if firm_side or signature is not None:
        signed = services.acceptances(engagement, agreement)
        mine = "agreement_firm" if firm_side else "agreement_professional"
        context |= {
            "agreement": agreement,
            "accepted_firm": signed.get("agreement_firm"),
            "accepted_professional": signed.get("agreement_professional"),
            "may_accept": agreement is not None
            and mine not in signed
            and (can(actor, Action.CHANGE, engagement) or can(actor, Action.SIGN, engagement)),
            "milestones": engagement.milestones.all(),
            "may_issue": firm_side
            and can(actor, Action.CHANGE, engagement)
            and engagement.state in ("proposed", "nda_pending"),
            "milestone_rows": range(1, 4),
        }
        if engagement.state == EngagementState.ENDED:
            context |= {
                "certificate": getattr(engagement, "data_certificate", None),
                "rating": getattr(engagement, "rating", None),
                "rating_factors": _rating_rows(actor, engagement),
                "may_rate": can(actor, Action.CHANGE, engagement),
                "may_certify": can(actor, Action.SIGN, engagement),
                "dispositions": DataDisposition.choices,
            }
        if engagement.checkins.exists():
            due = engagement.checkins.filter(held_at__isnull=True).first()
            context |= {
                "checkins": engagement.checkins.all(),
                "open_items": checkins.open_items(engagement),
                "due_checkin": due,
                "may_record": can(actor, Action.CHANGE, engagement)
                and engagement.state in LIVE_STATES,
                "evaluation_factors": checkins.EVALUATION_FACTORS.items(),
                "recommendations": checkins.RECOMMENDATIONS,
            }
        if engagement.onboarding_items.exists():  # from the start of the trial
            from counselbench.engagements.api import onboarding_out

            plan = onboarding_out(engagement)
            plan["by_track"] = [
                (label, [item for item in plan["items"] if item["track"] == track])
                for track, label in Track.choices
            ]
            side = (
                "firm"
                if can(actor, Action.CHANGE, engagement)
                else ("professional" if can(actor, Action.SIGN, engagement) else "")
            )
            live = engagement.state in LIVE_STATES
            context |= {
                "plan": plan,
                "tick_side": side,
                "live": live,
                "may_kickoff": side == "firm" and live,
                "percent": round(100 * plan["done"] / plan["total"]) if plan["total"] else 0,
            }
    if firm_side:
        assessment = engagement.classifications.first()
        context |= {
            "assessment": assessment,
            "assessment_current": assessment is not None
            and assessment.terms_hash == engagement.terms_hash(),
            "classification_form": ClassificationForm(initial=_answers(assessment)),
            "abc_states": AbcTestState.objects.all(),
            "may_change": can(actor, Action.CHANGE, engagement),
            "markup_rule": services.markup_rule(engagement.jurisdiction),
            "events": engagement.events.select_related("actor"),
        }
    elif engagement.state == EngagementState.NDA_PENDING and signature is None:
        text = services.nda_text(engagement)
        context |= {"nda_text": text, "nda_sha256": text_sha256(text)}
    return render(request, "engagements/detail.html", context)


@login_required
@require_POST
def classify(request: ActorRequest, engagement_id: int) -> HttpResponse:
    engagement = fetch(request.actor, Engagement, Action.CHANGE, pk=engagement_id)
    form = ClassificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Answer every classification question (yes or no).")
    else:
        try:
            assessment = services.assess(
                request.actor,
                engagement_id=engagement.pk,
                answers=form.cleaned_data,
                request=request,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            level = messages.warning if assessment.risk == "high" else messages.success
            level(request, f"Classification risk: {assessment.get_risk_display().lower()}.")
    return redirect("engagements:detail", engagement_id=engagement.pk)


@login_required
@require_POST
def move(request: ActorRequest, engagement_id: int) -> HttpResponse:
    try:
        engagement = services.transition(
            request.actor,
            engagement_id=engagement_id,
            to=request.POST.get("to", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, f"{error.message} {error.unblock}".strip())
    else:
        messages.success(
            request, f"E-{engagement.pk} is now {engagement.get_state_display().lower()}."
        )
    return redirect("engagements:detail", engagement_id=engagement_id)


@login_required
@require_POST
def sign_nda(request: ActorRequest, engagement_id: int) -> HttpResponse:
    try:
        services.sign_nda(
            request.actor,
            engagement_id=engagement_id,
            shown_sha256=request.POST.get("text_sha256", ""),
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, f"{error.message} {error.unblock}".strip())
    else:
        messages.success(request, "NDA signed. Here is who the engagement is with.")
    return redirect("engagements:detail", engagement_id=engagement_id)


@login_required
@require_POST
def issue_agreement(request: ActorRequest, engagement_id: int) -> HttpResponse:
    """Issue the next version; milestones come as numbered rows (empty rows are skipped)."""
    milestones = []
    for i in range(1, 6):
        title = request.POST.get(f"milestone_{i}_title", "").strip()
        if not title:
            continue
        try:
            due = parse_date(request.POST.get(f"milestone_{i}_due", ""))
        except ValueError:  # well formed but no such day
            due = None
        acceptance = request.POST.get(f"milestone_{i}_acceptance", "")
        milestones.append({"title": title, "due_on": due, "acceptance": acceptance})
    try:
        agreement = services.issue_agreement(
            request.actor,
            engagement_id=engagement_id,
            deliverables=request.POST.get("deliverables", ""),
            milestones=milestones,
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        details = "; ".join(f"{f.path}: {f.message}" for f in error.fields)
        messages.error(request, f"{error.message} {details or error.unblock}".strip())
    else:
        messages.success(request, f"Agreement version {agreement.version} issued.")
    return redirect("engagements:detail", engagement_id=engagement_id)


@login_required
@require_POST
def accept_agreement(request: ActorRequest, engagement_id: int) -> HttpResponse:
    version = request.POST.get("version", "")
    try:
        services.accept_agreement(
            request.actor,
            engagement_id=engagement_id,
            version=int(version) if version.isdigit() else 0,
            shown_sha256=request.POST.get("text_sha256", ""),
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, f"{error.message} {error.unblock}".strip())
    else:
        messages.success(request, "Agreement accepted.")
    return redirect("engagements:detail", engagement_id=engagement_id)


@login_required
@require_GET
def agreement_pdf(request: ActorRequest, engagement_id: int) -> HttpResponse:
    from counselbench.engagements.api import agreement_pdf as render_pdf
    from counselbench.engagements.api import readable_agreement

    engagement, agreement = readable_agreement(request.actor, engagement_id)
    return render_pdf(request, engagement, agreement)


def _back(request: ActorRequest, engagement_id: int, action) -> HttpResponse:
    """Run a page action; domain refusals become a message on the engagement's page."""
    try:
        done = action()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        details = "; ".join(f.message for f in error.fields)
        messages.error(request, f"{error.message} {details or error.unblock}".strip())
    else:
        messages.success(request, done)
    return redirect("engagements:detail", engagement_id=engagement_id)


@login_required
@require_POST
def tick_item(request: ActorRequest, engagement_id: int, item_id: int) -> HttpResponse:
    done = request.POST.get("done") == "1"

    def act() -> str:
        item = onboarding.set_item_done(
            request.actor, engagement_id=engagement_id, item_id=item_id, done=done, request=request
        )
        return f"“{item.title}” {'done' if done else 'reopened'}."

    return _back(request, engagement_id, act)


@login_required
@require_POST
def kickoff(request: ActorRequest, engagement_id: int) -> HttpResponse:
    def act() -> str:
        try:
            held_on = parse_date(request.POST.get("held_on", ""))
        except ValueError:  # well formed but no such day
            held_on = None
        if held_on is None:
            raise Invalid.field("held_on", "The date the kickoff was held.")
        onboarding.record_kickoff(
            request.actor,
            engagement_id=engagement_id,
            held_on=held_on,
            notes=request.POST.get("notes", ""),
            request=request,
        )
        return "Kickoff recorded; the written confirmation is on its way to the professional."

    return _back(request, engagement_id, act)


@login_required
@require_POST
def acknowledge_guide(request: ActorRequest, engagement_id: int) -> HttpResponse:
    version = request.POST.get("version", "")

    def act() -> str:
        onboarding.acknowledge_guide(
            request.actor,
            engagement_id=engagement_id,
            version=int(version) if version.isdigit() else 0,
            request=request,
        )
        return "Thank you: How We Work acknowledged."

    return _back(request, engagement_id, act)


@login_required
@require_http_methods(["GET", "POST"])
def how_we_work(request: ActorRequest) -> HttpResponse:
    """The firm's guide: everyone in the firm reads it; owners write it."""
    firm = request.actor.current_organization
    if request.actor.role not in (Role.OWNER, Role.ATTORNEY, Role.STAFF):
        raise NotFound("How We Work belongs to a firm.")
    guide = onboarding.guide_of(firm)
    may_edit = can(request.actor, Action.MANAGE, firm)
    form = GuideForm(
        request.POST or None,
        initial={n: getattr(guide, n) for n in ("key_contacts", "style_guide", "feedback_loop")}
        if guide
        else {},
    )
    if request.method == "POST":
        require(request.actor, Action.MANAGE, firm, "Only the firm's owners edit How We Work.")
        if form.is_valid():
            try:
                guide = onboarding.save_guide(
                    request.actor, sections=form.cleaned_data, request=request
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"How We Work saved as version {guide.version}.")
                return redirect("engagements:how_we_work")
    from counselbench.engagements.api import guide_out

    return render(
        request,
        "engagements/how_we_work.html",
        {"form": form, "guide": guide_out(guide), "may_edit": may_edit},
    )


@login_required
@require_POST
def record_checkin(request: ActorRequest, engagement_id: int, checkin_id: int) -> HttpResponse:
    post = request.POST
    data = {name: post.get(name, "") for name in ("working", "roadblocks", "improvement", "notes")}
    data["close_items"] = [int(v) for v in post.getlist("close") if v.isdigit()]
    data["action_items"] = [
        {"text": post.get(f"item_{i}_text", ""), "owner": post.get(f"item_{i}_owner", "")}
        for i in (1, 2, 3)
        if post.get(f"item_{i}_text", "").strip()
    ]
    if "recommendation" in post:
        data["evaluation"] = {
            factor: int(post[factor]) if post.get(factor, "").isdigit() else None
            for factor in checkins.EVALUATION_FACTORS
        } | {"recommendation": post.get("recommendation")}

    def act() -> str:
        checkin = checkins.record_checkin(
            request.actor,
            engagement_id=engagement_id,
            checkin_id=checkin_id,
            data=data,
            request=request,
        )
        return f"{checkin.get_kind_display()} recorded."

    return _back(request, engagement_id, act)


@login_required
@require_GET
def checkin_ics(request: ActorRequest, engagement_id: int, checkin_id: int) -> HttpResponse:
    from counselbench.engagements.api import ics_response

    return ics_response(request.actor, engagement_id, checkin_id)


def _rating_rows(actor: Actor, engagement: Engagement) -> list[tuple[str, str, int, str]]:
    """The rating form's factors, each starting from what the scorecard measured where it can
    (quality, timeliness), else from 4."""
    from counselbench.insights.services.metrics import rating_suggestion

    suggested = {}
    if engagement.state == EngagementState.ENDED and not hasattr(engagement, "rating"):
        try:
            suggested = rating_suggestion(actor, engagement)
        except DomainError:
            suggested = {}
    return [
        (
            key,
            label,
            suggested.get(key, {}).get("score", 4),
            suggested.get(key, {}).get("because", ""),
        )
        for key, label in ending.RATING_FACTORS.items()
    ]


@login_required
@require_POST
def rate(request: ActorRequest, engagement_id: int) -> HttpResponse:
    scores = {
        f: int(request.POST[f]) if request.POST.get(f, "").isdigit() else None
        for f in ending.RATING_FACTORS
    }

    def act() -> str:
        rating = ending.rate(
            request.actor,
            engagement_id=engagement_id,
            scores=scores,
            comment=request.POST.get("comment", ""),
            request=request,
        )
        return f"Rated {rating.overall} of 5; matching uses it from now on."

    return _back(request, engagement_id, act)


@login_required
@require_POST
def certify(request: ActorRequest, engagement_id: int) -> HttpResponse:
    def act() -> str:
        ending.certify_data(
            request.actor,
            engagement_id=engagement_id,
            disposition=request.POST.get("disposition", ""),
            statement=request.POST.get("statement", ""),
            request=request,
        )
        return "Certificate recorded. Thank you."

    return _back(request, engagement_id, act)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_template(request: ActorRequest) -> HttpResponse:
    """The firm's agreement template: everyone in the firm reads it; owners edit it."""
    from counselbench.engagements.services.agreement import DEFAULT_TEMPLATE, PLACEHOLDERS

    firm = request.actor.current_organization
    if request.actor.role not in (Role.OWNER, Role.ATTORNEY, Role.STAFF):
        raise NotFound("The agreement template belongs to a firm.")
    body = services.template_body(firm)
    error = ""
    if request.method == "POST":
        require(request.actor, Action.MANAGE, firm, "Only the firm's owners edit the template.")
        body = request.POST.get("body", "")
        if "reset" in request.POST:
            body = DEFAULT_TEMPLATE
        try:
            services.update_template(request.actor, body=body, request=request)
        except DomainError as failure:
            error = failure.fields[0].message if failure.fields else failure.message
        else:
            messages.success(request, "Agreement template saved; the next agreement uses it.")
            return redirect("engagements:agreement_template")
    context = {
        "body": body,
        "error": error,
        "placeholders": sorted(PLACEHOLDERS),
        "may_edit": can(request.actor, Action.MANAGE, firm),
        "is_default": body == DEFAULT_TEMPLATE,
    }
    status = 422 if error else 200
    return render(request, "engagements/agreement_template.html", context, status=status)

"""Professionals' pages: a profile with its vetting record (provider staff record decisions
there), the provider's network, and for a professional, their own profile and the job board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch
from counselbench.core.errors import DomainError
from counselbench.core.forms import add_domain_error
from counselbench.core.money import format_usd
from counselbench.engagements.models import Engagement
from counselbench.talent import selectors, services
from counselbench.talent.forms import ProfileForm, VettingStepForm
from counselbench.talent.models import (
    BarAdmission,
    BarStatus,
    PracticeArea,
    ProfessionalProfile,
    ProfessionalRole,
    SoftSkill,
    TagKind,
)


def _tags(profile: ProfessionalProfile) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {kind: [] for kind in TagKind.values}
    for tag in profile.tags.all():
        out[tag.kind].append(tag.value)
    out["practice_area_labels"] = [PracticeArea(a).label for a in out[TagKind.PRACTICE_AREA]]
    return out


@login_required
@require_GET
def network(request: ActorRequest) -> HttpResponse:
    """Provider staff: the professionals of their network, filterable, with vetting state."""
    role = request.GET.get("role") or None
    vetted = {"yes": True, "no": False}.get(request.GET.get("vetted", ""))
    people = selectors.professionals(
        request.actor,
        role=role if role in ProfessionalRole.values else None,
        vetted=vetted,
        q=request.GET.get("q") or None,
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/network.html",
        {"page": page, "roles": ProfessionalRole.choices, "filters": request.GET},
    )


@login_required
@require_GET
def professional_detail(request: ActorRequest, professional_id: int) -> HttpResponse:
    fetch(request.actor, ProfessionalProfile, pk=professional_id)
    profile = (
        selectors.professionals(request.actor)
        .prefetch_related("bar_admissions__verified_by", "vetting_steps__reviewer")
        .get(pk=professional_id)
    )
    may_vet = can(request.actor, Action.VET, profile)
    vetted_for_firm = request.actor.organization is not None and services.is_vetted(profile)
    latest_soft = profile.soft_skill_assessments.order_by("-recorded_at").first()
    return render(
        request,
        "talent/professional_detail.html",
        {
            "p": profile,
            "tags": _tags(profile),
            "rate": format_usd(profile.hourly_rate_cents),
            "vetted": services.is_vetted(profile),
            "pipeline": services.pipeline(profile),
            "history": profile.vetting_steps.order_by("-recorded_at"),
            "contact": can(request.actor, Action.SEE_CONTACT, profile),
            "may_vet": may_vet,
            "step_form": VettingStepForm(),
            "soft_skills": SoftSkill.choices,
            "rubric": services.SOFT_SKILL_RUBRIC,
            "latest_soft": latest_soft,
            "bar_statuses": BarStatus.choices,
            "may_engage": vetted_for_firm and can(request.actor, Action.CREATE, Engagement),
        },
    )


@login_required
@require_POST
def record_step(request: ActorRequest, professional_id: int) -> HttpResponse:
    form = VettingStepForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            step = services.record_step(
                request.actor,
                profile_id=professional_id,
                evidence=form.cleaned_data.pop("evidence") or None,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
        else:
            messages.success(request, f"{step.get_kind_display()}: {step.outcome} recorded.")
            return redirect("talent:professional_detail", professional_id=professional_id)
    fetch(request.actor, ProfessionalProfile, Action.VET, pk=professional_id)
    problems = "; ".join(" ".join(errors) for errors in [*form.errors.values()])
    messages.error(request, f"The decision was not recorded: {problems}")
    return redirect("talent:professional_detail", professional_id=professional_id)


@login_required
@require_POST
def assess_soft_skills(request: ActorRequest, professional_id: int) -> HttpResponse:
    ratings = {
        skill: int(request.POST[skill]) for skill in SoftSkill.values
        if request.POST.get(skill, "").isdigit()
    }  # fmt: skip
    try:
        assessment = services.assess_soft_skills(
            request.actor,
            profile_id=professional_id,
            ratings=ratings,
            notes=request.POST.get("notes", ""),
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, f"{error.message} Rate every skill from 1 to 5.")
    else:
        messages.success(request, f"Soft skills: {assessment.score}/100.")
    return redirect("talent:professional_detail", professional_id=professional_id)


@login_required
@require_POST
def verify_bar(request: ActorRequest, admission_id: int) -> HttpResponse:
    admission = fetch(request.actor, BarAdmission, pk=admission_id)
    try:
        services.verify_bar_admission(
            request.actor,
            admission_id=admission.pk,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"Bar admission in {admission.state} recorded.")
    return redirect("talent:professional_detail", professional_id=admission.profile_id)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: ActorRequest) -> HttpResponse:
    """A professional edits their own profile (works on a phone)."""
    profile = services.my_profile(request.actor)
    tags = _tags(profile)
    rate = profile.hourly_rate_cents
    initial = {
        **{f: getattr(profile, f) for f in (
            "headline", "bio", "years_experience", "state", "time_zone", "work_start",
            "work_end", "hours_available", "classification", "phone")},
        "hourly_rate": f"{rate / 100:.2f}" if rate else "",
        "practice_areas": tags[TagKind.PRACTICE_AREA],
        "languages": ", ".join(tags[TagKind.LANGUAGE]),
        "skills": ", ".join(tags[TagKind.SKILL]),
        "software": ", ".join(tags[TagKind.SOFTWARE]),
    }  # fmt: skip
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.actor, changes=form.changes(), request=request)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("talent:my_profile")
    return render(
        request,
        "talent/my_profile.html",
        {"form": form, "p": profile, "vetted": services.is_vetted(profile)},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def job_board(request: ActorRequest) -> HttpResponse:
    """Open postings as a professional sees them: no firm, no names, until an NDA."""
    services.my_profile(request.actor)  # professionals only
    postings = [services.anonymized(p) for p in selectors.postings(request.actor)]
    return render(request, "talent/job_board.html", {"postings": postings})

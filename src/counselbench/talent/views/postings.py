"""Firm pages: postings with a suggested rate, ranked matches that explain themselves, the
shortlist, and the structured interview side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch, require
from counselbench.core.errors import DomainError, NotFound
from counselbench.core.forms import add_domain_error
from counselbench.core.money import cents_from_dollars, format_usd
from counselbench.selfaudit.selectors import task_categories
from counselbench.talent import matching, rates, selectors, services
from counselbench.talent.forms import PostingForm, RateForm
from counselbench.talent.models import Candidate, CandidateState, JobPosting


def _firm_posting(request: ActorRequest, posting_id: int, action=Action.VIEW) -> JobPosting:
    posting = fetch(request.actor, JobPosting, action, pk=posting_id)
    if not selectors.is_firm_side(request.actor, posting):
        raise NotFound("Posting not found.")
    return posting


@login_required
@require_GET
def posting_list(request: ActorRequest) -> HttpResponse:
    request.actor.current_organization  # noqa: B018 (404 without one)
    if request.actor.role not in ("owner", "attorney", "staff"):
        raise NotFound("Postings belong to law firms and legal departments.")
    postings = selectors.postings(request.actor)
    return render(
        request,
        "talent/posting_list.html",
        {
            "postings": postings,
            "may_post": can(request.actor, Action.CREATE, JobPosting),
        },
    )


def _rate_context(data) -> dict:
    form = RateForm(data)
    if not form.is_valid():
        return {"rate_form": form, "suggestion": None}
    return {
        "rate_form": form,
        "suggestion": rates.suggest(
            role=form.cleaned_data["role"],
            years=form.cleaned_data["years"],
            practice_area=form.cleaned_data["practice_area"],
            state=form.cleaned_data["state"],
            work_type=form.cleaned_data["work_type"],
        ),
    }


@login_required
@require_GET
def rate_suggestion(request: ActorRequest) -> HttpResponse:
    """The suggested range for the posting form (htmx partial) or on its own."""
    request.actor.authenticated_user  # noqa: B018
    data = {"years": 5, "work_type": "ongoing", **request.GET.dict()}
    if "state" not in request.GET and "jurisdiction" in request.GET:
        data["state"] = request.GET["jurisdiction"]
    if request.headers.get("HX-Request"):
        return render(request, "talent/_rate_suggestion.html", _rate_context(data))
    data.setdefault("role", "paralegal")
    data.setdefault("practice_area", "litigation")
    return render(request, "talent/rates.html", _rate_context(data))


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request: ActorRequest, posting_id: int | None = None) -> HttpResponse:
    posting = _firm_posting(request, posting_id, Action.CHANGE) if posting_id else None
    if posting is None:
        require(request.actor, Action.CREATE, JobPosting, "Only owners and attorneys post roles.")
    categories = task_categories(request.actor)
    initial = PostingForm.initial_from(posting) if posting else {}
    if posting is None and request.GET.get("category"):
        category = (
            categories.filter(pk=request.GET["category"]).first()
            if request.GET["category"].isdigit()
            else None
        )
        if category:
            initial = {"category_id": category.pk, "title": f"{category.name}: remote help",
                       "responsibilities": category.description}  # fmt: skip
    form = PostingForm(request.POST or None, initial=initial, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            if posting:
                posting = services.update_posting(
                    request.actor, posting_id=posting.pk, changes=form.data_for_service(),
                    request=request,
                )  # fmt: skip
            else:
                posting = services.create_posting(
                    request.actor, data=form.data_for_service(), request=request
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"“{posting.title}” saved.")
            return redirect("talent:posting_detail", posting_id=posting.pk)
    rate_data = {
        "role": form["role"].value() or "paralegal",
        "practice_area": form["practice_area"].value() or "litigation",
        "state": form["jurisdiction"].value() or "TX",
        "years": 5,
        "work_type": "ongoing",
    }
    return render(
        request,
        "talent/posting_form.html",
        {"form": form, "posting": posting, **_rate_context(rate_data)},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def posting_detail(request: ActorRequest, posting_id: int) -> HttpResponse:
    posting = _firm_posting(request, posting_id)
    may_edit = can(request.actor, Action.CHANGE, posting)
    today = timezone.localdate()
    matches = matching.top(posting, today=today) if may_edit else []
    shortlisted = set(posting.candidates.values_list("professional_id", flat=True))
    why_not = None
    name = request.GET.get("why_not", "").strip()
    if may_edit and name:
        people = list(selectors.professionals(request.actor, q=name)[:5])
        why_not = {
            "query": name,
            "people": [(p, matching.exclusion_reasons(posting, p, today=today)) for p in people],
        }
    return render(
        request,
        "talent/posting_detail.html",
        {
            "posting": posting,
            "may_edit": may_edit,
            "matches": [
                {
                    "m": m,
                    "rate": format_usd(m.profile.hourly_rate_cents),
                    "listed": m.profile.pk in shortlisted,
                }
                for m in matches
            ],
            "candidates": posting.candidates.select_related("professional__user"),
            "why_not": why_not,
            "budget": format_usd(posting.budget_high_cents),
            "max_score": sum(matching.weights_for(posting.organization_id).values()),
        },
    )


@login_required
@require_POST
def shortlist(request: ActorRequest, posting_id: int) -> HttpResponse:
    profile_id = request.POST.get("professional_id", "")
    try:
        candidate = services.shortlist(
            request.actor,
            posting_id=posting_id,
            profile_id=int(profile_id) if profile_id.isdigit() else 0,
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"{candidate.professional.user.display_name} shortlisted.")
    return redirect("talent:posting_detail", posting_id=posting_id)


@login_required
@require_GET
def interviews(request: ActorRequest, posting_id: int) -> HttpResponse:
    posting = _firm_posting(request, posting_id, Action.CHANGE)
    services.ensure_questions(posting)
    table = services.comparison(posting)
    return render(
        request,
        "talent/interviews.html",
        {"posting": posting, **table, "states": CandidateState},
    )


@login_required
@require_POST
def score_interview(request: ActorRequest, candidate_id: int) -> HttpResponse:
    candidate = fetch(request.actor, Candidate, Action.CHANGE, pk=candidate_id)
    scores = {}
    for question in candidate.posting.interview_questions.all():
        value = request.POST.get(f"q{question.pk}", "")
        if value.isdigit():
            scores[question.pk] = (int(value), request.POST.get(f"n{question.pk}", ""))
    try:
        services.score_interview(
            request.actor, candidate_id=candidate.pk, scores=scores, request=request
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"Scores saved for {candidate.professional.user.display_name}.")
    return redirect("talent:interviews", posting_id=candidate.posting_id)


@login_required
@require_POST
def move_candidate(request: ActorRequest, candidate_id: int) -> HttpResponse:
    candidate = fetch(request.actor, Candidate, Action.CHANGE, pk=candidate_id)
    rate = None
    if request.POST.get("agreed_rate"):
        try:
            rate = cents_from_dollars(request.POST["agreed_rate"])
        except ValueError:
            rate = None
    try:
        candidate = services.move(
            request.actor,
            candidate_id=candidate.pk,
            state=request.POST.get("state", ""),
            agreed_rate_cents=rate,
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message + (f" {error.unblock}" if error.unblock else ""))
    else:
        messages.success(
            request,
            f"{candidate.professional.user.display_name}: {candidate.get_state_display().lower()}.",
        )
    return redirect("talent:interviews", posting_id=candidate.posting_id)

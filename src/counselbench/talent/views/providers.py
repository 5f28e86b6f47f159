"""Firm pages: the provider directory, a scorecard per provider, and two providers side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from counselbench.access.policy import Action, ActorRequest, can, fetch
from counselbench.core.errors import DomainError, NotFound
from counselbench.talent import providers as rubric
from counselbench.talent import selectors
from counselbench.talent.api import provider_out
from counselbench.talent.models import Provider, ProviderScorecard


def _directory(request: ActorRequest):
    if request.actor.role not in ("owner", "attorney", "staff"):
        raise NotFound("The provider directory is for law firms and legal departments.")
    return selectors.providers(request.actor)


@login_required
@require_GET
def provider_list(request: ActorRequest) -> HttpResponse:
    providers = [provider_out(p) for p in _directory(request)]
    return render(request, "talent/provider_list.html", {"providers": providers})


@login_required
@require_http_methods(["GET", "POST"])
def provider_scorecard(request: ActorRequest, provider_id: int) -> HttpResponse:
    _directory(request)  # firms only
    fetch(request.actor, Provider, pk=provider_id)
    may_score = can(request.actor, Action.CREATE, ProviderScorecard)
    if request.method == "POST":
        answers = {
            q.key: {
                "answer": request.POST.get(f"answer_{q.key}", ""),
                "rating": int(r)
                if (r := request.POST.get(f"rating_{q.key}", "")).isdigit()
                else None,
            }
            for q in rubric.QUESTIONS
        }
        traits = {
            key: side for key in rubric.TRAITS if (side := request.POST.get(f"trait_{key}", ""))
        }
        try:
            rubric.save_scorecard(
                request.actor, provider_id=provider_id, answers=answers, traits=traits,
                notes=request.POST.get("notes", ""), request=request,
            )  # fmt: skip
        except DomainError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, "Scorecard saved.")
            return redirect("talent:provider_scorecard", provider_id=provider_id)
    provider = provider_out(_directory(request).get(pk=provider_id), detail=True)
    return render(
        request,
        "talent/provider_scorecard.html",
        {"p": provider, "may_score": may_score, "ratings": rubric.RATINGS, "traits": rubric.TRAITS},
    )


@login_required
@require_GET
def provider_compare(request: ActorRequest) -> HttpResponse:
    everyone = {p.pk: p for p in _directory(request)}
    chosen = [
        provider_out(everyone[int(i)], detail=True)
        for i in request.GET.getlist("p")[:2]
        if i.isdigit() and int(i) in everyone
    ]
    rows = [
        (q, [next(x for x in c["questions"] if x["key"] == q.key) for c in chosen])
        for q in rubric.QUESTIONS
    ]
    trait_rows = [
        (label, platform, lpo, [c["traits"].get(key) for c in chosen])
        for key, (label, platform, lpo) in rubric.TRAITS.items()
    ]
    return render(
        request,
        "talent/provider_compare.html",
        {
            "chosen": chosen,
            "rows": rows,
            "trait_rows": trait_rows,
            "everyone": everyone.values(),
            "ratings": rubric.RATINGS,
        },
    )

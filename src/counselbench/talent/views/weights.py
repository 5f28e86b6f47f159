"""The firm's match weights: what each factor of a ranked score is worth. Owners tune them;
everyone in the firm can read them, since they explain every ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from counselbench.access.policy import Action, ActorRequest, can, require
from counselbench.core.errors import DomainError, NotFound
from counselbench.core.forms import add_domain_error
from counselbench.talent import matching, services
from counselbench.talent.forms import MatchWeightsForm
from counselbench.talent.models import MatchWeights


@login_required
@require_http_methods(["GET", "POST"])
def match_weights(request: ActorRequest) -> HttpResponse:
    if not can(request.actor, Action.VIEW, MatchWeights):
        raise NotFound("Match weights belong to law firms and legal departments.")
    may_change = can(request.actor, Action.CHANGE, MatchWeights)
    current = matching.weights_for(request.actor.current_organization.pk)
    form = MatchWeightsForm(initial=current, factors=matching.FACTOR_LABELS)
    if request.method == "POST":
        require(
            request.actor, Action.CHANGE, MatchWeights, "Only the firm's owners tune match weights."
        )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=False):
            back = request.path
        try:
            if "reset" in request.POST:
                services.reset_weights(request.actor, request=request)
                messages.success(request, "Match weights are back to the defaults.")
                return redirect(back)
            form = MatchWeightsForm(request.POST, factors=matching.FACTOR_LABELS)
            if form.is_valid():
                services.set_weights(request.actor, form.cleaned_data, request=request)
                messages.success(request, "Match weights saved; rankings use them from now on.")
                return redirect(back)
        except DomainError as error:
            add_domain_error(form, error)
    defaults = matching.default_weights()
    total = sum(current.values())
    rows = [
        {
            "field": form[name],
            "weight": current[name],
            "default": defaults[name],
            "share": matching.share_percent(current[name], total),
            "help": matching.FACTOR_HELP[name],
        }
        for name in matching.FACTORS
    ]
    return render(
        request,
        "talent/match_weights.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "may_change": may_change,
            "is_default": current == defaults,
            "next": request.GET.get("next", ""),
        },
    )

"""Evergreen retainers: each matter's target and floor, its trust balance now, and the open
replenishment request sent to the client when the balance fell below the floor; setting or
changing one (billing people) through trust.services.retainers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, visible
from counselbench.core.errors import DomainError
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.matters.models import Matter
from counselbench.trust.forms import RetainerForm, place_refusal
from counselbench.trust.models import Replenishment, Retainer, TrustAccount
from counselbench.trust.services import retainers as retainers_service
from counselbench.trust.views.accounts import require_trust


def _form(actor: Actor, data=None, initial=None) -> RetainerForm:
    return RetainerForm(
        data,
        initial=initial,
        matters=visible(actor, Matter).select_related("client").order_by("number"),
        accounts=list(visible(actor, TrustAccount).order_by("name", "pk")),
    )


def _initial(request: ActorRequest) -> dict:
    """?matter=<id> opens the form on that matter's retainer, to change it."""
    raw = request.GET.get("matter", "")
    if not raw.isdigit() or len(raw) > 18:
        return {}
    retainer = visible(request.actor, Retainer).filter(matter_id=int(raw)).first()
    if retainer is None:
        return {"matter": int(raw)}
    return {
        "matter": retainer.matter_id,
        "target": f"{retainer.target_cents // 100}.{retainer.target_cents % 100:02d}",
        "floor": f"{retainer.floor_cents // 100}.{retainer.floor_cents % 100:02d}",
        "account": retainer.ledger.account_id,
    }


def _page(request: ActorRequest, *, form: RetainerForm | None = None, status: int = 200):
    actor = request.actor
    rows = (
        visible(actor, Retainer)
        .select_related("matter__client", "ledger")
        .prefetch_related(
            Prefetch(
                "requests",
                queryset=Replenishment.objects.filter(satisfied_at__isnull=True),
                to_attr="open_requests",
            )
        )
        .order_by("matter__number", "pk")
    )
    page = page_of(request, rows)
    for retainer in page:
        retainer.below_floor = retainer.ledger.balance_cents < retainer.floor_cents  # type: ignore[attr-defined]
        retainer.open_request = (retainer.open_requests or [None])[0]  # type: ignore[attr-defined]
    may_set = can(actor, Action.CREATE, Retainer)
    context = {
        "page": page,
        "may_set": may_set,
        "form": (form or _form(actor, initial=_initial(request))) if may_set else None,
        "has_account": visible(actor, TrustAccount).exists(),
    }
    return render(request, "trust/retainers.html", context, status=status)


@login_required
@require_GET
def retainers(request: ActorRequest) -> HttpResponse:
    require_trust(request.actor)
    return _page(request)


@login_required
@require_POST
def set_retainer(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    form = _form(actor, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            retainer = retainers_service.set_retainer(
                actor,
                matter_id=data["matter"],
                target_cents=data["target"],
                floor_cents=data["floor"],
                account_id=data.get("account"),
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            place_refusal(form, error)
            status = error.status
        else:
            ledger = retainer.ledger
            text = (
                f"Retainer on {retainer.matter.number}: target "
                f"{format_usd(retainer.target_cents, exact=True)}, floor "
                f"{format_usd(retainer.floor_cents, exact=True)}."
            )
            if ledger.balance_cents < retainer.floor_cents:
                text += " The balance is below the floor: the client is asked to replenish it."
            messages.success(request, text)
            return redirect("trust:retainers")
    return _page(request, form=form, status=status)

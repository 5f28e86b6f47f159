"""The firm's task taxonomy and market rates: everyone in the firm reads them, the owner edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch, require
from counselbench.core.errors import DomainError
from counselbench.core.forms import add_domain_error
from counselbench.core.money import cents_from_dollars, format_usd
from counselbench.selfaudit import selectors, services
from counselbench.selfaudit.forms import CategoryForm, MarketRateForm
from counselbench.selfaudit.models import LicenseLevel, MarketRate, TaskCategory, TaskEntry


def _entry_counts(actor) -> dict[int, int]:
    """How many task-log entries use each category, across the firm's audits (one query)."""
    rows = (
        TaskEntry.objects.filter(audit__in=selectors.audits(actor).values("pk"))
        .values("category_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["category_id"]: row["n"] for row in rows if row["category_id"]}


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy(request: ActorRequest) -> HttpResponse:
    """Categories by license level with their use, the market rates, and (owner) an add form."""
    actor = request.actor
    actor.current_organization  # noqa: B018 (404 without one)
    add_form = CategoryForm(request.POST or None, prefix="add")
    if request.method == "POST":
        require(actor, Action.CREATE, TaskCategory, "Only the firm's owner edits the taxonomy.")
        if add_form.is_valid():
            try:
                category = services.add_category(actor, request=request, **add_form.cleaned_data)
            except DomainError as error:
                add_domain_error(add_form, error)
            else:
                messages.success(request, f"“{category.name}” added.")
                return redirect("selfaudit:taxonomy")
    return _page(request, add_form=add_form)


def _page(
    request: ActorRequest, *, add_form: CategoryForm, bound_rate: MarketRateForm | None = None
) -> HttpResponse:
    actor = request.actor
    counts = _entry_counts(actor)
    categories = list(selectors.task_categories(actor, include_retired=True))
    levels = [
        {
            "value": value,
            "label": label,
            "categories": [
                (c, counts.get(c.pk, 0))
                for c in categories
                if c.level == value and c.retired_at is None
            ],
        }
        for value, label in LicenseLevel.choices
    ]
    rates = []
    for rate in selectors.market_rates(actor):
        form = MarketRateForm(
            prefix=f"rate{rate.pk}",
            initial={"rate": f"{rate.hourly_rate_cents / 100:.2f}", "source": rate.source},
        )
        if bound_rate is not None and bound_rate.prefix == form.prefix:
            form = bound_rate
        rates.append({"rate": rate, "shown": format_usd(rate.hourly_rate_cents), "form": form})
    invalid = bool(add_form.errors) or (bound_rate is not None and bool(bound_rate.errors))
    return render(
        request,
        "selfaudit/taxonomy.html",
        {
            "levels": levels,
            "retired": [(c, counts.get(c.pk, 0)) for c in categories if c.retired_at],
            "rates": rates,
            "may_edit": can(actor, Action.CREATE, TaskCategory),
            "add_form": add_form,
        },
        status=422 if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: ActorRequest, category_id: int) -> HttpResponse:
    """Rename, re-level, re-describe (owner). Entries keep their category whatever changes."""
    category = fetch(request.actor, TaskCategory, Action.CHANGE, pk=category_id)
    form = CategoryForm(request.POST or None, initial=CategoryForm.initial_from(category))
    if request.method == "POST" and form.is_valid():
        try:
            category = services.change_category(
                request.actor, category_id=category.pk, changes=form.cleaned_data, request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"“{category.name}” saved.")
            return redirect("selfaudit:taxonomy")
    return render(
        request,
        "selfaudit/category_edit.html",
        {
            "category": category,
            "form": form,
            "entries": _entry_counts(request.actor).get(category.pk, 0),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def category_retire(request: ActorRequest, category_id: int) -> HttpResponse:
    """Retire (no longer offered for new entries or suggestions) or restore a category."""
    retire = request.POST.get("retired") == "1"
    try:
        category = services.change_category(
            request.actor, category_id=category_id, changes={"retired": retire}, request=request
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"“{category.name}” retired: past entries keep it; it is no longer offered."
            if retire
            else f"“{category.name}” restored.",
        )
    return redirect("selfaudit:taxonomy")


@login_required
@require_POST
def market_rate_edit(request: ActorRequest, rate_id: int) -> HttpResponse:
    rate = fetch(request.actor, MarketRate, Action.CHANGE, pk=rate_id)
    form = MarketRateForm(request.POST, prefix=f"rate{rate.pk}")
    if form.is_valid():
        try:
            rate = services.change_market_rate(
                request.actor,
                rate_id=rate.pk,
                hourly_rate_cents=cents_from_dollars(form.cleaned_data["rate"]),
                source=form.cleaned_data["source"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{rate.get_level_display()} market rate is now "
                f"{format_usd(rate.hourly_rate_cents)}/h; hit lists use it from now on.",
            )
            return redirect("selfaudit:taxonomy")
    return _page(request, add_form=CategoryForm(prefix="add"), bound_rate=form)

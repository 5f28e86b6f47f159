"""Accounts receivable and billing rates: what clients owed on a day, by client and by the age of
each invoice (0–30, 31–60, 61–90, 90+ days since it was issued), on the page and as CSV; and the
owner's billing rates per timekeeper, with their history. Reads through billing.selectors, rates
through billing.services.rates."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from counselbench.access.policy import Action, ActorRequest, require, visible
from counselbench.billing import selectors
from counselbench.billing.forms import AsOfForm, RateForm
from counselbench.billing.models import BillingRate
from counselbench.billing.services import rates as rate_services
from counselbench.billing.views.invoices import require_invoice_reader
from counselbench.core.errors import DomainError
from counselbench.core.forms import add_domain_error
from counselbench.core.money import format_usd
from counselbench.core.templatetags.money import dollars
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.organizations.models import Membership

BUCKET_LABELS = [label for label, _, _ in selectors.BUCKETS]


def _as_of(request: ActorRequest) -> tuple[AsOfForm, date]:
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["as_of"]
    return form, timezone.localdate()


@login_required
@require_GET
def ar_aging(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_invoice_reader(actor)
    form, as_of = _as_of(request)
    aging = selectors.ar_aging(actor, as_of=as_of)
    rows = [
        {
            "client_id": row.client_id,
            "client": row.client,
            "cells": [(label, row.buckets[label]) for label in BUCKET_LABELS],
            "total_cents": row.total_cents,
            "invoices": row.invoices,
        }
        for row in aging.rows
    ]
    return render(
        request,
        "billing/receivables.html",
        {
            "form": form,
            "as_of": as_of,
            "today": timezone.localdate(),
            "buckets": BUCKET_LABELS,
            "rows": rows,
            "totals": [(label, aging.totals[label]) for label in BUCKET_LABELS],
            "total_cents": aging.total_cents,
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


def _cell(text: str) -> str:
    """No spreadsheet formulas from client names (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _amount(cents: int) -> str:
    return dollars(cents) if cents else ""


@login_required
@require_GET
def ar_aging_csv(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_invoice_reader(actor)
    form, as_of = _as_of(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            " ".join(form.errors["as_of"]), status=422, content_type="text/plain; charset=utf-8"
        )
    aging = selectors.ar_aging(actor, as_of=as_of)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["client", "invoice", "issued_on", "due_on", "age_days", *BUCKET_LABELS, "balance"]
    )
    for row in aging.rows:
        for inv in row.invoices:
            cells = [inv["balance_cents"] if inv["bucket"] == b else 0 for b in BUCKET_LABELS]
            writer.writerow(
                [
                    _cell(row.client),
                    inv["number"],
                    inv["issued_on"].isoformat(),
                    inv["due_on"].isoformat() if inv["due_on"] else "",
                    inv["age_days"],
                    *map(_amount, cells),
                    _amount(inv["balance_cents"]),
                ]
            )
    writer.writerow(
        [
            "Total",
            "",
            "",
            "",
            "",
            *(dollars(aging.totals[b]) for b in BUCKET_LABELS),
            dollars(aging.total_cents),
        ]
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ar-aging-{as_of.isoformat()}.csv"'
    return response


# --- Billing rates -----------------------------------------------------------------------------


def _rates_page(request: ActorRequest, *, status: int = 200, form: RateForm | None = None):
    actor = request.actor
    require(actor, Action.CREATE, BillingRate, "The owner sets billing rates.")
    organization = actor.current_organization
    today = timezone.localdate()
    people = rate_services.timekeepers(organization.pk)
    history: dict[int, list[BillingRate]] = defaultdict(list)
    for rate in visible(actor, BillingRate).order_by("-effective_from", "-pk"):
        history[rate.user_id].append(rate)
    roles = dict(
        Membership.objects.filter(organization=organization).values_list("user_id", "role")
    )
    costs: dict[int, list[Engagement]] = defaultdict(list)
    for engagement in Engagement.objects.filter(
        organization=organization, state__in=LIVE_STATES
    ).select_related("professional"):
        costs[engagement.professional.user_id].append(engagement)
    rows = []
    for person in people:
        rates = history.get(person.pk, [])
        current = next((r for r in rates if r.effective_from <= today), None)
        rows.append(
            {
                "person": person,
                "role": roles.get(person.pk),
                "engagements": costs.get(person.pk, []),
                "current": current,
                "upcoming": [r for r in rates if r.effective_from > today],
                "history": rates,
            }
        )
    return render(
        request,
        "billing/rates.html",
        {
            "rows": rows,
            "form": form
            or RateForm(timekeepers=people, initial={"effective_from": today}, auto_id="rate-%s"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rates(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if request.method == "GET":
        return _rates_page(request)
    require(actor, Action.CREATE, BillingRate, "The owner sets billing rates.")
    people = rate_services.timekeepers(actor.current_organization.pk)
    form = RateForm(request.POST, timekeepers=people, auto_id="rate-%s")
    status = 422
    if form.is_valid():
        try:
            rate = rate_services.set_billing_rate(actor, **form.cleaned_data, request=request)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
            status = error.status
        else:
            person = next(p for p in people if p.pk == rate.user_id)
            day = rate.effective_from
            messages.success(
                request,
                f"{person.display_name} bills {format_usd(rate.rate_cents, exact=True)} an hour "
                f"from {day:%b} {day.day}, {day.year}.",
            )
            return redirect("billing:rates")
    return _rates_page(request, status=status, form=form)

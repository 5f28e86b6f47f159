"""Authorization-matrix rows for the money pages (issue 7): contractor statements, invoices, the
client's link, AR aging and billing rates, on the money world (tests/billing/money_world.py).
Imported by tests/test_authorization_matrix.py.

In that world the staff member has the billing permission, the attorney supervises the
contractor's engagement and is responsible for the matter, and the outsider owns another firm (so
they reach their own firm's empty lists, and a form naming our objects is not valid for them).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.billing.money_world import money_world

LOGIN = "login"
# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
# Pages of the firm's money: billing people and attorneys; provider staff and contractors are
# refused (a contractor has their own statements page).
MONEY_READERS = (LOGIN, 200, 200, 200, 403, 403, 403, 200)
BILLING_PAGE = (LOGIN, 200, 403, 200, 403, 403, 403, 200)
# A form that names our objects: billing people act; the outsider's own firm has no such choice.
BILLING_FORM = (LOGIN, 302, 403, 302, 403, 403, 403, 422)
# One of our firm's invoices or statements: billing people change it, the attorney reads it.
OUR_INVOICE = (LOGIN, 200, 200, 200, 404, 404, 404, 404)
CHANGE_INVOICE = (LOGIN, 302, 403, 302, 404, 404, 404, 404)
# The client's link needs no sign-in: the key is the capability.
PUBLIC = (200,) * 8


def _url(template: str, **keys: str):
    """A URL from the money world's ids (building the world, billing permission included)."""
    return lambda c: template.format(**{k: money_world(c)[v] for k, v in keys.items()})


def _fixed(url: str):
    def built(cast):
        money_world(cast)
        return url

    return built


def _today() -> str:
    return timezone.localdate().isoformat()


def page_routes(Route):  # noqa: N803 - the matrix's Route class
    def page(method, pattern, url, expect, data=None):
        return Route(f"billing/{pattern}", method, url, expect, data=data or {})

    invoice = lambda key, tail="": _url(f"/billing/invoices/{{i}}/{tail}", i=key)  # noqa: E731
    statement = lambda tail="": _url(f"/billing/statements/{{s}}/{tail}", s="statement")  # noqa: E731
    return [
        # --- Contractor statements: billing people issue and pay them; the supervising attorney
        # reads them; a contractor sees their own (and nothing to pay).
        page("GET", "statements/", _fixed("/billing/statements/"),
             (LOGIN, 200, 200, 200, 403, 403, 200, 200)),
        page("POST", "statements/issue/", _fixed("/billing/statements/issue/"), BILLING_FORM,
             lambda c: {"engagement_id": money_world(c)["engagement"],
                        "on": (timezone.localdate() - timedelta(days=40)).isoformat()}),
        page("GET", "statements/payout-batch.csv", _fixed("/billing/statements/payout-batch.csv"),
             BILLING_PAGE),
        page("GET", "statements/<int:statement_id>/", statement(),
             (LOGIN, 200, 200, 200, 404, 404, 200, 404)),
        page("POST", "statements/<int:statement_id>/pay/", statement("pay/"),
             (LOGIN, 302, 403, 302, 404, 404, 403, 404),
             lambda c: {"paid_on": _today(), "method": "ach", "reference": "TRACE 0913"}),
        # --- Invoices.
        page("GET", "invoices/", _fixed("/billing/invoices/"), MONEY_READERS),
        page("GET", "invoices/new/", _fixed("/billing/invoices/new/"), BILLING_PAGE),
        page("POST", "invoices/new/", _fixed("/billing/invoices/new/"), BILLING_FORM,
             lambda c: {"matter_id": money_world(c)["matter"], "through": _today()}),
        page("GET", "invoices/<int:invoice_id>/", invoice("sent"), OUR_INVOICE),
        page("GET", "invoices/<int:invoice_id>.pdf",
             _url("/billing/invoices/{i}.pdf", i="sent"), OUR_INVOICE),
        page("POST", "invoices/<int:invoice_id>/update/", invoice("draft", "update/"),
             CHANGE_INVOICE,
             {"discount_percent": "5", "tax_percent": "0", "payment_terms_days": "30"}),
        page("POST", "invoices/<int:invoice_id>/expenses/", invoice("draft", "expenses/"),
             CHANGE_INVOICE,
             lambda c: {"date": _today(), "description": "Filing fee", "amount_cents": "350.00"}),
        page("POST", "invoices/<int:invoice_id>/lines/<int:line_id>/remove/",
             _url("/billing/invoices/{i}/lines/{line}/remove/", i="draft", line="line"),
             CHANGE_INVOICE),
        page("POST", "invoices/<int:invoice_id>/delete/", invoice("draft", "delete/"),
             CHANGE_INVOICE),
        page("POST", "invoices/<int:invoice_id>/send/", invoice("draft", "send/"),
             CHANGE_INVOICE, lambda c: {"issued_on": _today()}),
        page("POST", "invoices/<int:invoice_id>/payments/", invoice("sent", "payments/"),
             CHANGE_INVOICE,
             lambda c: {"amount_cents": "1.00", "received_on": _today(), "method": "check"}),
        page("POST", "invoices/<int:invoice_id>/credit/", invoice("sent", "credit/"),
             CHANGE_INVOICE, {"amount_cents": "1.00", "reason": "Courtesy discount"}),
        # The owner's click posts the transfer; billing staff's asks an attorney (both 302).
        page("POST", "invoices/<int:invoice_id>/pay-from-trust/",
             invoice("sent", "pay-from-trust/"), CHANGE_INVOICE),
        # --- The client's view of the sent invoice, by its secret link.
        page("GET", "i/<str:key>/", _url("/billing/i/{k}/", k="invoice_key"), PUBLIC),
        page("GET", "i/<str:key>.pdf", _url("/billing/i/{k}.pdf", k="invoice_key"), PUBLIC),
        # --- Receivables and rates.
        page("GET", "receivables/", _fixed("/billing/receivables/"), MONEY_READERS),
        page("GET", "receivables.csv", _fixed("/billing/receivables.csv"), MONEY_READERS),
        # Billing rates are the owner's (the outsider owns their own firm).
        page("GET", "rates/", _fixed("/billing/rates/"),
             (LOGIN, 200, 403, 403, 403, 403, 403, 200)),
        page("POST", "rates/", _fixed("/billing/rates/"),
             (LOGIN, 302, 403, 403, 403, 403, 403, 422),
             lambda c: {"user_id": c.attorney.pk, "rate_cents": "375", "effective_from": _today()}),
    ]  # fmt: skip

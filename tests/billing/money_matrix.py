"""Authorization-matrix rows for the money API (issue 7): billing rates, statements, invoices, AR
aging, trust and retainers, on the money world (tests/billing/money_world.py). In that world the
staff member has the billing permission and the attorney supervises the contractor's engagement
and is responsible for the matter.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.billing.money_world import M, money_world

# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
LISTS = (401, 200, 200, 200, 200, 200, 200, 200)
# Our firm's money object: billing people change it; the attorney reads it.
READ = (401, 200, 200, 200, 404, 404, 404, 404)
CHANGE = (401, 200, 403, 200, 404, 404, 404, 404)
ADD = (401, 201, 403, 201, 404, 404, 404, 404)
REMOVE = (401, 204, 403, 204, 404, 404, 404, 404)
# Something only an owner or attorney authorizes (trust money out, reversals, sign-off).
AUTHORIZE = (401, 201, 201, 403, 404, 404, 404, 404)


def _path(template: str, **keys: str):
    return lambda c: template.format(**{k: money_world(c)[v] for k, v in keys.items()})


def _today() -> str:
    return timezone.localdate().isoformat()


def _day_in_month(days: int):
    return lambda c: (money_world(c)["month"] + timedelta(days=days)).isoformat()


def routes(Route):  # noqa: N803 - the matrix's Route class
    def api(method, path, url, expect, data=None):
        def built(cast):  # every row meets the whole world (the billing permission included)
            money_world(cast)
            return url(cast)

        return Route(f"{method} {path}", method, built, expect, data=data or {}, json=True)

    invoice = lambda key, tail="": _path(f"/api/v1/invoices/{{i}}{tail}", i=key)  # noqa: E731
    recon = lambda tail="": _path(f"/api/v1/trust/reconciliations/{{r}}{tail}", r="reconciliation")  # noqa: E731
    deposit = lambda c: {  # noqa: E731
        "kind": "deposit",
        "ledger_id": money_world(c)["ledger"],
        "amount_cents": 10_000,
        "date": _today(),
        "payee_payor": "Harbor Logistics LLC",
        "purpose": "Advance for costs",
        "method": "ach",
    }
    return [
        # --- Billing rates: the owner's.
        api("GET", "/api/v1/billing-rates", lambda c: "/api/v1/billing-rates", LISTS),
        api(
            "POST",
            "/api/v1/billing-rates",
            lambda c: "/api/v1/billing-rates",
            # The outsider sets rates for their own firm, not for our attorney (422).
            (401, 201, 403, 403, 403, 403, 403, 422),
            lambda c: {"user_id": c.attorney.pk, "rate_cents": 37_500, "effective_from": _today()},
        ),
        # --- Statements: billing people issue and pay; the supervising attorney and the
        # professional read theirs.
        api("GET", "/api/v1/statements", lambda c: "/api/v1/statements", LISTS),
        api(
            "POST",
            "/api/v1/statements",
            lambda c: "/api/v1/statements",
            (401, 201, 403, 201, 403, 403, 403, 404),
            lambda c: {
                "engagement_id": money_world(c)["engagement"],
                "on": (timezone.localdate() - timedelta(days=40)).isoformat(),
            },
        ),
        api(
            "GET",
            "/api/v1/statements/payout-batch.csv",
            lambda c: "/api/v1/statements/payout-batch.csv",
            (401, 200, 403, 200, 403, 403, 403, 200),
        ),
        api(
            "GET",
            "/api/v1/statements/{statement_id}",
            _path("/api/v1/statements/{s}", s="statement"),
            (401, 200, 200, 200, 404, 404, 200, 404),
        ),
        api(
            "POST",
            "/api/v1/statements/{statement_id}/pay",
            _path("/api/v1/statements/{s}/pay", s="statement"),
            (401, 200, 403, 200, 404, 404, 403, 404),
            lambda c: {"paid_on": _today(), "method": "ach", "reference": "ACH 77812"},
        ),
        # --- Invoices.
        api("GET", "/api/v1/invoices", lambda c: "/api/v1/invoices", LISTS),
        api(
            "POST",
            "/api/v1/invoices",
            lambda c: "/api/v1/invoices",
            (401, 201, 403, 201, 403, 403, 403, 404),
            lambda c: {"matter_id": money_world(c)["matter"], "entry_ids": [M("unbilled")(c)]},
        ),
        api("GET", "/api/v1/invoices/{invoice_id}", invoice("sent"), READ),
        api(
            "PATCH",
            "/api/v1/invoices/{invoice_id}",
            invoice("draft"),
            CHANGE,
            {"discount_percent": "10", "notes": "Courtesy discount"},
        ),
        api("DELETE", "/api/v1/invoices/{invoice_id}", invoice("draft"), REMOVE),
        api(
            "POST",
            "/api/v1/invoices/{invoice_id}/expenses",
            invoice("draft", "/expenses"),
            ADD,
            lambda c: {"date": _today(), "description": "Filing fee", "amount_cents": 35_000},
        ),
        api(
            "DELETE",
            "/api/v1/invoices/{invoice_id}/lines/{line_id}",
            _path("/api/v1/invoices/{i}/lines/{l}", i="draft", l="line"),
            CHANGE,
        ),
        api("POST", "/api/v1/invoices/{invoice_id}/send", invoice("draft", "/send"), CHANGE),
        api("GET", "/api/v1/invoices/{invoice_id}/pdf", invoice("sent", "/pdf"), READ),
        api("GET", "/api/v1/invoices/{invoice_id}/payments", invoice("sent", "/payments"), READ),
        api(
            "POST",
            "/api/v1/invoices/{invoice_id}/payments",
            invoice("sent", "/payments"),
            ADD,
            lambda c: {"amount_cents": 500, "received_on": _today(), "method": "check"},
        ),
        api(
            "POST",
            "/api/v1/invoices/{invoice_id}/credit-notes",
            invoice("sent", "/credit-notes"),
            ADD,
            {"amount_cents": 500, "reason": "Courtesy credit"},
        ),
        # The owner's click posts the transfer; the billing staff's asks an attorney (both 201).
        api(
            "POST",
            "/api/v1/invoices/{invoice_id}/pay-from-trust",
            invoice("sent", "/pay-from-trust"),
            ADD,
        ),
        api("GET", "/api/v1/ar-aging", lambda c: "/api/v1/ar-aging", LISTS),
        # --- Trust accounts and ledgers.
        api("GET", "/api/v1/trust/accounts", lambda c: "/api/v1/trust/accounts", LISTS),
        api(
            "POST",
            "/api/v1/trust/accounts",
            lambda c: "/api/v1/trust/accounts",
            (401, 201, 403, 403, 403, 403, 403, 201),
            {"name": "IOLTA (settlements)", "bank_name": "Frost Bank", "account_last4": "8765"},
        ),
        api(
            "GET",
            "/api/v1/trust/accounts/{account_id}",
            _path("/api/v1/trust/accounts/{a}", a="account"),
            READ,
        ),
        api("GET", "/api/v1/trust/ledgers", lambda c: "/api/v1/trust/ledgers", LISTS),
        api(
            "POST",
            "/api/v1/trust/ledgers",
            lambda c: "/api/v1/trust/ledgers",
            ADD,
            lambda c: {"account_id": money_world(c)["account"], "client_id": M("client")(c)},
        ),
        api(
            "GET",
            "/api/v1/trust/ledgers/{ledger_id}",
            _path("/api/v1/trust/ledgers/{l}", l="ledger"),
            READ,
        ),
        # --- The journal.
        api("GET", "/api/v1/trust/transactions", lambda c: "/api/v1/trust/transactions", LISTS),
        api(
            "POST",
            "/api/v1/trust/transactions",
            lambda c: "/api/v1/trust/transactions",
            ADD,
            deposit,
        ),
        api(
            "GET",
            "/api/v1/trust/transactions/{entry_id}",
            _path("/api/v1/trust/transactions/{e}", e="entry"),
            READ,
        ),
        api(
            "POST",
            "/api/v1/trust/transactions/{entry_id}/reverse",
            _path("/api/v1/trust/transactions/{e}/reverse", e="entry"),
            AUTHORIZE,
            {"reason": "Deposited to the wrong ledger"},
        ),
        # --- Requests: the billing staff member asked; an owner or attorney decides.
        api("GET", "/api/v1/trust/requests", lambda c: "/api/v1/trust/requests", LISTS),
        api(
            "POST",
            "/api/v1/trust/requests",
            lambda c: "/api/v1/trust/requests",
            ADD,
            lambda c: {
                "kind": "disbursement",
                "ledger_id": money_world(c)["ledger"],
                "amount_cents": 12_500,
                "payee_payor": "Travis County District Clerk",
                "purpose": "Filing fee",
                "method": "check",
            },
        ),
        # Staff asked: nobody approves their own request (403).
        api(
            "POST",
            "/api/v1/trust/requests/{request_id}/approve",
            _path("/api/v1/trust/requests/{r}/approve", r="request"),
            AUTHORIZE,
        ),
        api(
            "POST",
            "/api/v1/trust/requests/{request_id}/reject",
            _path("/api/v1/trust/requests/{r}/reject", r="request"),
            (401, 200, 200, 403, 404, 404, 404, 404),
            {"note": "Pay it from operating"},
        ),
        api(
            "POST",
            "/api/v1/trust/requests/{request_id}/cancel",
            _path("/api/v1/trust/requests/{r}/cancel", r="request"),
            (401, 403, 403, 200, 404, 404, 404, 404),
        ),
        # --- Reconciliations: billing people prepare; an owner or attorney signs off.
        api(
            "GET",
            "/api/v1/trust/reconciliations",
            lambda c: "/api/v1/trust/reconciliations",
            LISTS,
        ),
        api(
            "POST",
            "/api/v1/trust/reconciliations",
            lambda c: "/api/v1/trust/reconciliations",
            ADD,
            lambda c: {
                "account_id": money_world(c)["account"],
                "month": (money_world(c)["month"] - timedelta(days=1)).isoformat(),
            },
        ),
        api("GET", "/api/v1/trust/reconciliations/{reconciliation_id}", recon(), READ),
        api(
            "PATCH",
            "/api/v1/trust/reconciliations/{reconciliation_id}",
            recon(),
            CHANGE,
            {"statement_balance_cents": 498_500},
        ),
        api(
            "GET",
            "/api/v1/trust/reconciliations/{reconciliation_id}/bank-lines",
            recon("/bank-lines"),
            READ,
        ),
        api(
            "POST",
            "/api/v1/trust/reconciliations/{reconciliation_id}/bank-lines",
            recon("/bank-lines"),
            ADD,
            lambda c: {"lines": [{"date": _day_in_month(5)(c), "amount_cents": 500_000}]},
        ),
        api(
            "POST",
            "/api/v1/trust/reconciliations/{reconciliation_id}/bank-lines/import",
            recon("/bank-lines/import"),
            ADD,
            lambda c: {"csv": f"Date,Description,Amount\n{_day_in_month(5)(c)},Deposit,5000.00\n"},
        ),
        api(
            "DELETE",
            "/api/v1/trust/reconciliations/{reconciliation_id}/bank-lines/{line_id}",
            _path(
                "/api/v1/trust/reconciliations/{r}/bank-lines/{b}",
                r="reconciliation",
                b="bank_line",
            ),
            REMOVE,
        ),
        api(
            "POST",
            "/api/v1/trust/reconciliations/{reconciliation_id}/clear",
            recon("/clear"),
            ADD,
            lambda c: {"entry_ids": [money_world(c)["entry"]]},
        ),
        # The world's month does not balance (the bank's service charge is not in the journal).
        api(
            "POST",
            "/api/v1/trust/reconciliations/{reconciliation_id}/sign-off",
            recon("/sign-off"),
            (401, 409, 409, 403, 404, 404, 404, 404),
        ),
        api(
            "GET",
            "/api/v1/trust/reconciliations/{reconciliation_id}/pdf",
            recon("/pdf"),
            READ,
        ),
        # --- Retainers.
        api("GET", "/api/v1/retainers", lambda c: "/api/v1/retainers", LISTS),
        api(
            "POST",
            "/api/v1/retainers",
            lambda c: "/api/v1/retainers",
            (401, 201, 403, 201, 403, 403, 403, 404),
            lambda c: {
                "matter_id": money_world(c)["matter"],
                "target_cents": 750_000,
                "floor_cents": 200_000,
            },
        ),
        api(
            "GET",
            "/api/v1/retainers/{retainer_id}",
            _path("/api/v1/retainers/{r}", r="retainer"),
            READ,
        ),
    ]

"""Authorization-matrix rows for the trust pages (issue 7), imported by
tests/test_authorization_matrix.py, on the money world (tests/billing/money_world.py): the staff
member has the billing permission and asked for the pending disbursement; the attorney is
responsible for the matter; last month's reconciliation is open and does not balance (the
bank's service charge is not in the journal).

Who sees trust at all (owners, attorneys, billing staff) gets our objects; anyone else is
refused the trust pages (403) — the outsider, an owner of another firm, sees their own firm's
(empty) lists, and our objects are a 404 to them and to everyone outside our firm.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.billing.money_world import M, money_world

LOGIN = "login"
# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
LISTS = (LOGIN, 200, 200, 200, 403, 403, 403, 200)
READ = (LOGIN, 200, 200, 200, 404, 404, 404, 404)
# Billing people (the owner, billing staff) post; the attorney may not; others are refused the
# trust pages before any object is looked up, the outsider meets a 404.
BILLING = (LOGIN, 302, 403, 302, 403, 403, 403, 404)
# Owners and attorneys authorize (money out, reversals); billing staff ask instead.
AUTHORIZE = (LOGIN, 302, 302, 403, 403, 403, 403, 404)


def _csv(cast) -> SimpleUploadedFile:
    day = money_world(cast)["month"] + timedelta(days=20)
    text = f"Date,Description,Amount\n{day.isoformat()},Interest,1.25\n"
    return SimpleUploadedFile("statement.csv", text.encode(), content_type="text/csv")


def page_routes(Route):  # noqa: N803 - the matrix's Route class
    def page(method, pattern, url, expect, data=None):
        def built(cast):  # every row meets the whole world (the billing permission included)
            money_world(cast)
            return url(cast)

        return Route(f"trust/{pattern}", method, built, expect, data=data or {})

    def at(template: str, **keys: str):
        return lambda c: "/trust/" + template.format(**{k: M(v)(c) for k, v in keys.items()})

    today = lambda: timezone.localdate().isoformat()  # noqa: E731
    money_out = {
        "amount": "100",
        "payee_payor": "Lone Star Court Reporting",
        "purpose": "Deposition transcript",
        "method": "check",
        "currency": "USD",
    }
    ledger = at("ledgers/{l}/", l="ledger")
    recon = lambda tail="": at(f"reconciliations/{{r}}/{tail}", r="reconciliation")  # noqa: E731
    return [
        page("GET", "", lambda c: "/trust/", LISTS),
        page("GET", "accounts/new/", lambda c: "/trust/accounts/new/",
             (LOGIN, 200, 403, 403, 403, 403, 403, 200)),
        page("POST", "accounts/new/", lambda c: "/trust/accounts/new/",
             (LOGIN, 302, 403, 403, 403, 403, 403, 302),
             lambda c: {"name": "Settlement trust", "bank_name": "Frost Bank",
                        "account_last4": "9876", "opened_on": today()}),
        page("GET", "accounts/<int:account_id>/ledgers/new/",
             at("accounts/{a}/ledgers/new/", a="account"),
             (LOGIN, 200, 403, 200, 403, 403, 403, 404)),
        # The matter has its ledger; the client as a whole has none yet.
        page("POST", "accounts/<int:account_id>/ledgers/new/",
             at("accounts/{a}/ledgers/new/", a="account"), BILLING,
             lambda c: {"client": M("client")(c)}),
        page("GET", "ledgers/<int:ledger_id>/", ledger, READ),
        page("POST", "ledgers/<int:ledger_id>/deposit/", at("ledgers/{l}/deposit/", l="ledger"),
             BILLING,
             lambda c: {f"deposit-{k}": v for k, v in {
                 **money_out, "payee_payor": "Harbor Logistics LLC", "purpose": "Advance for costs",
                 "date": today()}.items()}),
        page("POST", "ledgers/<int:ledger_id>/withdraw/", at("ledgers/{l}/withdraw/", l="ledger"),
             AUTHORIZE,
             lambda c: {f"out-{k}": v for k, v in {
                 **money_out, "kind": "disbursement", "date": today()}.items()}),
        # The owner may ask too (a billing person); the attorney authorizes instead of asking.
        page("POST", "ledgers/<int:ledger_id>/ask/", at("ledgers/{l}/ask/", l="ledger"),
             BILLING,
             lambda c: {f"ask-{k}": v for k, v in {**money_out, "kind": "disbursement"}.items()}),
        page("POST", "entries/<int:entry_id>/reverse/", at("entries/{e}/reverse/", e="entry"),
             AUTHORIZE, {"reason": "Entered on the wrong ledger"}),
        page("GET", "requests/", lambda c: "/trust/requests/", LISTS),
        # The staff member asked: their own request is not theirs to approve or reject.
        page("POST", "requests/<int:request_id>/approve/", at("requests/{r}/approve/", r="request"),
             AUTHORIZE, {"note": "Per the court reporter's invoice"}),
        page("POST", "requests/<int:request_id>/reject/", at("requests/{r}/reject/", r="request"),
             AUTHORIZE, {"note": "Wrong payee"}),
        page("POST", "requests/<int:request_id>/cancel/", at("requests/{r}/cancel/", r="request"),
             (LOGIN, 403, 403, 302, 403, 403, 403, 404)),
        page("GET", "accounts/<int:account_id>/reconciliations/",
             at("accounts/{a}/reconciliations/", a="account"), READ),
        page("POST", "accounts/<int:account_id>/reconciliations/new/",
             at("accounts/{a}/reconciliations/new/", a="account"), BILLING,
             lambda c: {"month": f"{timezone.localdate():%Y-%m}"}),
        page("GET", "reconciliations/<int:reconciliation_id>/", recon(), READ),
        page("POST", "reconciliations/<int:reconciliation_id>/balance/", recon("balance/"),
             BILLING, {"statement_balance": "4,985.00"}),
        page("POST", "reconciliations/<int:reconciliation_id>/import/", recon("import/"),
             BILLING, lambda c: {"file": _csv(c)}),
        page("POST", "reconciliations/<int:reconciliation_id>/clear/", recon("clear/"),
             BILLING, lambda c: {"entry_ids": [M("entry")(c)]}),
        page("POST", "reconciliations/<int:reconciliation_id>/lines/<int:line_id>/remove/",
             at("reconciliations/{r}/lines/{b}/remove/", r="reconciliation", b="bank_line"),
             BILLING),
        # The world's month does not reconcile: refused (409) with the differences shown.
        page("POST", "reconciliations/<int:reconciliation_id>/sign-off/", recon("sign-off/"),
             (LOGIN, 409, 409, 403, 403, 403, 403, 404)),
        page("GET", "reconciliations/<int:reconciliation_id>/report/", recon("report/"), READ),
        page("GET", "reconciliations/<int:reconciliation_id>.pdf",
             at("reconciliations/{r}.pdf", r="reconciliation"), READ),
        page("GET", "retainers/", lambda c: "/trust/retainers/", LISTS),
        # The outsider's form offers their own firm's matters: ours is not a choice (422).
        page("POST", "retainers/set/", lambda c: "/trust/retainers/set/",
             (LOGIN, 302, 403, 302, 403, 403, 403, 422),
             lambda c: {"matter": M("matter")(c), "target": "7500", "floor": "2000"}),
    ]  # fmt: skip

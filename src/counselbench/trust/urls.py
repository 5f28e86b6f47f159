from django.urls import path

from counselbench.trust.views import accounts, ledgers, reconciliations, requests, retainers

app_name = "trust"
urlpatterns = [
    path("", accounts.overview, name="overview"),
    path("accounts/new/", accounts.open_account, name="open_account"),
    path("accounts/<int:account_id>/ledgers/new/", accounts.open_ledger, name="open_ledger"),
    path("ledgers/<int:ledger_id>/", ledgers.ledger, name="ledger"),
    path("ledgers/<int:ledger_id>/deposit/", ledgers.deposit, name="deposit"),
    path("ledgers/<int:ledger_id>/withdraw/", ledgers.withdraw, name="withdraw"),
    path("ledgers/<int:ledger_id>/ask/", ledgers.ask, name="ask"),
    path("entries/<int:entry_id>/reverse/", ledgers.reverse, name="reverse"),
    path("requests/", requests.requests_page, name="requests"),
    path("requests/<int:request_id>/approve/", requests.approve, name="approve"),
    path("requests/<int:request_id>/reject/", requests.reject, name="reject"),
    path("requests/<int:request_id>/cancel/", requests.cancel, name="cancel"),
    path(
        "accounts/<int:account_id>/reconciliations/",
        reconciliations.reconciliations,
        name="reconciliations",
    ),
    path(
        "accounts/<int:account_id>/reconciliations/new/",
        reconciliations.start_reconciliation,
        name="start_reconciliation",
    ),
    path(
        "reconciliations/<int:reconciliation_id>/",
        reconciliations.reconciliation,
        name="reconciliation",
    ),
    path(
        "reconciliations/<int:reconciliation_id>/balance/",
        reconciliations.statement_balance,
        name="statement_balance",
    ),
    path(
        "reconciliations/<int:reconciliation_id>/import/",
        reconciliations.import_bank_csv,
        name="import_bank_csv",
    ),
    path("reconciliations/<int:reconciliation_id>/clear/", reconciliations.clear, name="clear"),
    path(
        "reconciliations/<int:reconciliation_id>/lines/<int:line_id>/remove/",
        reconciliations.remove_bank_line,
        name="remove_bank_line",
    ),
    path(
        "reconciliations/<int:reconciliation_id>/sign-off/",
        reconciliations.sign_off,
        name="sign_off",
    ),
    path(
        "reconciliations/<int:reconciliation_id>/report/",
        reconciliations.report,
        name="reconciliation_report",
    ),
    path(
        "reconciliations/<int:reconciliation_id>.pdf",
        reconciliations.report_pdf,
        name="reconciliation_pdf",
    ),
    path("retainers/", retainers.retainers, name="retainers"),
    path("retainers/set/", retainers.set_retainer, name="set_retainer"),
]

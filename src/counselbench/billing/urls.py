from django.urls import path

from counselbench.billing.views import approvals, invoices, receivables, statements, timesheet

app_name = "billing"
urlpatterns = [
    path("time/", timesheet.timesheet, name="timesheet"),
    path("time/entries/", timesheet.log_entry, name="log_entry"),
    path("time/entries/<int:entry_id>/edit/", timesheet.edit_entry, name="edit_entry"),
    path("time/entries/<int:entry_id>/delete/", timesheet.delete_entry, name="delete_entry"),
    path("time/entries/<int:entry_id>/correct/", timesheet.correct_entry, name="correct_entry"),
    path("time/submit/", timesheet.submit_week, name="submit_week"),
    path("time/timer/start/", timesheet.start_timer, name="start_timer"),
    path("time/timer/stop/", timesheet.stop_timer, name="stop_timer"),
    path("time/timer/discard/", timesheet.discard_timer, name="discard_timer"),
    path("time/approvals/", approvals.approvals, name="approvals"),
    path("time/approvals/decide/", approvals.decide, name="decide"),
    # Money: contractor statements, client invoices, receivables, billing rates.
    path("billing/statements/", statements.statement_list, name="statements"),
    path("billing/statements/issue/", statements.issue_statement, name="issue_statement"),
    path("billing/statements/payout-batch.csv", statements.payout_batch, name="payout_batch"),
    path(
        "billing/statements/<int:statement_id>/",
        statements.statement_detail,
        name="statement",
    ),
    path(
        "billing/statements/<int:statement_id>/pay/",
        statements.pay_statement,
        name="pay_statement",
    ),
    path("billing/invoices/", invoices.invoice_list, name="invoices"),
    path("billing/invoices/new/", invoices.new_invoice, name="new_invoice"),
    path("billing/invoices/<int:invoice_id>/", invoices.invoice_detail, name="invoice"),
    path("billing/invoices/<int:invoice_id>.pdf", invoices.invoice_pdf, name="invoice_pdf"),
    path(
        "billing/invoices/<int:invoice_id>/update/",
        invoices.update_invoice,
        name="update_invoice",
    ),
    path("billing/invoices/<int:invoice_id>/expenses/", invoices.add_expense, name="add_expense"),
    path(
        "billing/invoices/<int:invoice_id>/lines/<int:line_id>/remove/",
        invoices.remove_line,
        name="remove_line",
    ),
    path(
        "billing/invoices/<int:invoice_id>/delete/",
        invoices.delete_invoice,
        name="delete_invoice",
    ),
    path("billing/invoices/<int:invoice_id>/send/", invoices.send_invoice, name="send_invoice"),
    path(
        "billing/invoices/<int:invoice_id>/payments/",
        invoices.record_payment,
        name="record_payment",
    ),
    path(
        "billing/invoices/<int:invoice_id>/credit/",
        invoices.credit_invoice,
        name="credit_invoice",
    ),
    path(
        "billing/invoices/<int:invoice_id>/pay-from-trust/",
        invoices.pay_from_trust,
        name="pay_from_trust",
    ),
    # The client's view of a sent invoice, by its secret link: no sign-in.
    path("billing/i/<str:key>/", invoices.client_invoice, name="client_invoice"),
    path("billing/i/<str:key>.pdf", invoices.client_invoice_pdf, name="client_invoice_pdf"),
    path("billing/receivables/", receivables.ar_aging, name="ar_aging"),
    path("billing/receivables.csv", receivables.ar_aging_csv, name="ar_aging_csv"),
    path("billing/rates/", receivables.rates, name="rates"),
]

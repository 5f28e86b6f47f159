"""Money (PRODUCT §2.6): time entries, contractor statements, client invoices and their payments.
One module per kind of record; everything is importable from `counselbench.billing.models`."""

from counselbench.billing.models.invoices import (
    OPEN_INVOICE_STATES,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceReminder,
    InvoiceState,
    LineKind,
    NumberSequence,
    Payment,
    PaymentMethod,
)
from counselbench.billing.models.statements import (
    ContractorStatement,
    PayoutMethod,
    StatementLine,
    StatementState,
)
from counselbench.billing.models.time import (
    LOCKED_STATES,
    BillingRate,
    EntryState,
    RunningTimer,
    TimeEntry,
)

__all__ = [
    "LOCKED_STATES",
    "OPEN_INVOICE_STATES",
    "BillingRate",
    "ContractorStatement",
    "CreditNote",
    "EntryState",
    "Invoice",
    "InvoiceLine",
    "InvoiceReminder",
    "InvoiceState",
    "LineKind",
    "NumberSequence",
    "Payment",
    "PaymentMethod",
    "PayoutMethod",
    "RunningTimer",
    "StatementLine",
    "StatementState",
    "TimeEntry",
]

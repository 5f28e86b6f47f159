from enum import StrEnum


class BillingErrorCode(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    ENTRY_LOCKED = "entry_locked"  # approved or billed: corrections are new entries
    REASON_REQUIRED = "reason_required"
    NOT_YOUR_TASK = "not_your_task"
    ENGAGEMENT_NOT_LIVE = "engagement_not_live"
    CORRECTION_EXCEEDS = "correction_exceeds_original"
    TIMER_RUNNING = "timer_running"  # one timer per person
    NO_TIMER = "no_timer"
    TIMER_TOO_LONG = "timer_too_long"  # over a day: discarded, log the real time by hand
    # Statements (contractor pay).
    PERIOD_NOT_OVER = "period_not_over"
    NOTHING_TO_PAY = "nothing_to_pay"
    STATEMENT_EXISTS = "statement_exists"
    STATEMENT_PAID = "statement_paid"
    # Invoices.
    NO_BILLING_RATE = "no_billing_rate"
    INVOICE_SENT = "invoice_sent"  # immutable once sent: credit notes instead of edits
    INVOICE_EMPTY = "invoice_empty"
    INVOICE_NOT_OPEN = "invoice_not_open"
    OVERPAYMENT = "overpayment"

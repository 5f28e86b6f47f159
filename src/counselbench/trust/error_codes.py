from enum import StrEnum


class TrustErrorCode(StrEnum):
    OVERDRAFT = "trust_overdraft"  # a client ledger never goes below zero
    PERIOD_LOCKED = "period_locked"  # a signed-off reconciliation locks its month
    BACKDATED = "backdated_withdrawal"  # money out dated before the ledger's newest entry
    CURRENCY_MISMATCH = "currency_mismatch"
    ATTORNEY_REQUIRED = "attorney_authorization_required"
    BANK_FEE_FROM_CLIENT_FUNDS = "bank_fee_from_client_funds"
    CARD_FEE_FROM_TRUST = "card_fee_from_trust"
    FIRM_FUNDS_LIMIT = "firm_funds_limit"
    INVOICE_MISMATCH = "invoice_not_this_client"
    MATTER_MISMATCH = "matter_not_this_ledger"  # an entry's matter is the ledger client's
    EXCEEDS_INVOICE = "exceeds_invoice_balance"  # an earned fee takes no more than is billed
    ALREADY_REVERSED = "already_reversed"
    NOT_REVERSIBLE = "not_reversible"
    REQUEST_DECIDED = "request_decided"
    OWN_REQUEST = "own_request"
    LEDGER_EXISTS = "ledger_exists"
    RECONCILIATION_EXISTS = "reconciliation_exists"
    RECONCILIATION_LOCKED = "reconciliation_locked"
    NOT_BALANCED = "reconciliation_not_balanced"
    MONTH_NOT_OVER = "month_not_over"
    EARLIER_MONTH_OPEN = "earlier_month_open"  # reconciliations are signed off in month order
    BAD_CSV = "bad_csv"
    NO_TRUST_FUNDS = "no_trust_funds"
    REQUEST_PENDING = "trust_request_pending"  # one pay-from-trust request per invoice at a time

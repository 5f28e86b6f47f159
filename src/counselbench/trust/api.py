"""API: trust accounts, ledgers, journal entries (deposits, money out, reversals), staff requests
and their approval, three-way reconciliations, and evergreen retainers. Every rule is in
trust.services; this parses, calls and serializes. Every write takes an Idempotency-Key."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch, visible
from counselbench.core.money import MAX_AMOUNT_CENTS
from counselbench.core.pdf import pdf_response
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId
from counselbench.trust.models import (
    EntryKind,
    EntryMethod,
    Reconciliation,
    RequestState,
    Retainer,
    TrustAccount,
    TrustLedger,
    TrustRequest,
    TrustTransaction,
)
from counselbench.trust.services import accounts, journal, reconciliation, requests, retainers

router = Router(tags=["trust"])

Amount = Field(..., ge=1, le=MAX_AMOUNT_CENTS, description="Cents, always positive")


# --- Accounts and ledgers -------------------------------------------------------------------


class AccountIn(InputSchema):
    name: str = Field(..., max_length=120)
    bank_name: str = Field(..., max_length=120)
    account_last4: str = Field(..., pattern=r"^\d{4}$")
    opened_on: IsoDate | None = None
    currency: str = Field("USD", min_length=3, max_length=3)


class AccountOut(Schema):
    id: int
    name: str
    bank_name: str
    account_last4: str
    currency: str
    balance_cents: int
    opened_on: dt.date
    locked_through: dt.date | None
    firm_funds_limit_cents: int


class LedgerIn(InputSchema):
    account_id: ObjectId
    client_id: ObjectId
    matter_id: ObjectId | None = None


class LedgerOut(Schema):
    id: int
    account_id: int
    kind: str
    name: str
    client_id: int | None
    matter_id: int | None
    balance_cents: int
    last_entry_on: dt.date | None
    records_kept_until: dt.date | None = Field(
        description="The ledger's records are kept until this day (TRUST_RETENTION_YEARS after "
        "the matter closes, or after the last entry if later); null while the matter (for a "
        "client-wide ledger, any of the client's matters) is open"
    )

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_records_kept_until(obj) -> dt.date | None:
        return accounts.records_kept_until(obj)


class LedgerFilters(Schema):
    account_id: QueryId | None = None
    client_id: QueryId | None = None
    matter_id: QueryId | None = None


@router.get("/trust/accounts", response=list[AccountOut], summary="The firm's trust accounts")
def list_accounts(request: ActorRequest):
    return list(visible(request.auth, TrustAccount))


@router.post("/trust/accounts", response={201: AccountOut}, summary="Open a trust account (owner)")
def open_account(request: ActorRequest, payload: AccountIn):
    account = accounts.open_account(request.auth, **payload.dict(), request=request)
    return Status(201, account)


@router.get("/trust/accounts/{int:account_id}", response=AccountOut)
def get_account(request: ActorRequest, account_id: int):
    return fetch(request.auth, TrustAccount, pk=account_id)


@router.get("/trust/ledgers", response=list[LedgerOut], summary="Client and matter ledgers")
@paginate
def list_ledgers(request: ActorRequest, filters: Query[LedgerFilters]):
    rows = accounts.with_retention(
        visible(request.auth, TrustLedger).select_related("client", "matter")
    )
    for name in ("account_id", "client_id", "matter_id"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    return rows


@router.post(
    "/trust/ledgers", response={201: LedgerOut}, summary="Open a client (or matter) ledger"
)
def open_ledger(request: ActorRequest, payload: LedgerIn):
    ledger = accounts.open_ledger(request.auth, **payload.dict(), request=request)
    return Status(201, TrustLedger.objects.select_related("client", "matter").get(pk=ledger.pk))


@router.get("/trust/ledgers/{int:ledger_id}", response=LedgerOut)
def get_ledger(request: ActorRequest, ledger_id: int):
    return fetch(request.auth, TrustLedger, pk=ledger_id, related=("client", "matter"))


# --- Journal entries ------------------------------------------------------------------------


class TrustEntryIn(InputSchema):
    kind: EntryKind = Field(..., description="deposit, disbursement, earned_fee or bank_fee")
    ledger_id: ObjectId
    amount_cents: int = Amount
    date: IsoDate
    payee_payor: str = Field(..., max_length=200)
    purpose: str = Field(..., max_length=500)
    method: EntryMethod
    reference: str = Field("", max_length=100)
    invoice_id: ObjectId | None = Field(None, description="Required for an earned fee")
    matter_id: ObjectId | None = Field(
        None,
        description="The client's matter the money is for: on a client-wide ledger, one of the "
        "client's matters; on a matter ledger, that matter (the default)",
    )
    currency: str = Field("USD", min_length=3, max_length=3)
    processor_fee_cents: int = Field(
        0, ge=0, le=MAX_AMOUNT_CENTS, description="Refused unless 0: card fees never from trust"
    )


class TrustEntryOut(Schema):
    id: int
    account_id: int
    ledger_id: int
    sequence: int
    kind: str
    amount_cents: int = Field(description="Into the ledger positive, out of it negative")
    date: dt.date
    payee_payor: str
    purpose: str
    method: str
    reference: str
    matter_id: int | None
    invoice_id: int | None
    reverses_id: int | None
    reversed: bool
    posted_by_id: int
    posted_at: dt.datetime
    authorized_by_id: int | None
    ledger_balance_after_cents: int
    account_balance_after_cents: int


class ReverseIn(InputSchema):
    reason: str = Field(..., max_length=500)
    date: IsoDate | None = None


class EntryFilters(Schema):
    account_id: QueryId | None = None
    ledger_id: QueryId | None = None
    kind: EntryKind | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


def _entries(request: ActorRequest):
    reversal = TrustTransaction.objects.filter(reverses=OuterRef("pk"))
    return visible(request.auth, TrustTransaction).annotate(reversed=Exists(reversal))


@router.get("/trust/transactions", response=list[TrustEntryOut], summary="The trust journal")
@paginate
def list_entries(request: ActorRequest, filters: Query[EntryFilters]):
    rows = _entries(request).order_by("-sequence")
    for name in ("account_id", "ledger_id", "kind"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    return rows


@router.post(
    "/trust/transactions",
    response={201: TrustEntryOut},
    summary="Post a deposit (billing) or money out (an owner or attorney authorizes)",
)
def post_entry(request: ActorRequest, payload: TrustEntryIn):
    fields = payload.dict()
    kind = fields.pop("kind")
    data = journal.EntryInput(**fields)
    if kind == EntryKind.DEPOSIT:
        entry = journal.deposit(request.auth, data=data, request=request)
    else:
        entry = journal.withdraw(request.auth, kind=kind, data=data, request=request)
    return Status(201, _entries(request).get(pk=entry.pk))


@router.get("/trust/transactions/{int:entry_id}", response=TrustEntryOut)
def get_entry(request: ActorRequest, entry_id: int):
    fetch(request.auth, TrustTransaction, pk=entry_id)
    return _entries(request).get(pk=entry_id)


@router.post(
    "/trust/transactions/{int:entry_id}/reverse",
    response={201: TrustEntryOut},
    summary="Correct an entry with a reversing entry (an owner or attorney)",
)
def reverse(request: ActorRequest, entry_id: int, payload: ReverseIn):
    entry = journal.reverse(
        request.auth, entry_id=entry_id, reason=payload.reason, on=payload.date, request=request
    )
    return Status(201, _entries(request).get(pk=entry.pk))


# --- Requests (staff ask, an attorney approves) ---------------------------------------------


class RequestIn(InputSchema):
    kind: EntryKind = Field(..., description="disbursement or earned_fee")
    ledger_id: ObjectId
    amount_cents: int = Amount
    payee_payor: str = Field(..., max_length=200)
    purpose: str = Field(..., max_length=500)
    method: EntryMethod
    reference: str = Field("", max_length=100)
    invoice_id: ObjectId | None = None
    matter_id: ObjectId | None = Field(
        None, description="The client's matter the money is for (as for an entry)"
    )
    currency: str = Field("USD", min_length=3, max_length=3)


class DecisionIn(InputSchema):
    note: str = Field("", max_length=500)


class RequestOut(Schema):
    id: int
    ledger_id: int
    kind: str
    amount_cents: int
    payee_payor: str
    purpose: str
    method: str
    reference: str
    invoice_id: int | None
    matter_id: int | None
    state: str
    requested_by_id: int
    requested_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str
    transaction_id: int | None


class RequestFilters(Schema):
    state: RequestState | None = None


@router.get("/trust/requests", response=list[RequestOut], summary="Requests for money out")
@paginate
def list_requests(request: ActorRequest, filters: Query[RequestFilters]):
    rows = visible(request.auth, TrustRequest)
    if filters.state:
        rows = rows.filter(state=filters.state)
    return rows


@router.post("/trust/requests", response={201: RequestOut}, summary="Ask for money out (billing)")
def ask(request: ActorRequest, payload: RequestIn):
    fields = payload.dict()
    kind = fields.pop("kind")
    # Checked as of today; the entry is dated the day an attorney approves it.
    data = journal.EntryInput(date=timezone.localdate(), **fields)
    asked = requests.ask(request.auth, kind=kind, data=data, request=request)
    return Status(201, asked)


@router.post(
    "/trust/requests/{int:request_id}/approve",
    response={201: TrustEntryOut},
    summary="Approve a request: the entry is posted now (an owner or attorney)",
)
def approve(request: ActorRequest, request_id: int, payload: DecisionIn):
    entry = requests.approve(
        request.auth, request_id=request_id, note=payload.note, request=request
    )
    return Status(201, _entries(request).get(pk=entry.pk))


@router.post("/trust/requests/{int:request_id}/reject", response=RequestOut)
def reject(request: ActorRequest, request_id: int, payload: DecisionIn):
    return requests.reject(request.auth, request_id=request_id, note=payload.note, request=request)


@router.post("/trust/requests/{int:request_id}/cancel", response=RequestOut)
def cancel(request: ActorRequest, request_id: int):
    return requests.cancel(request.auth, request_id=request_id, request=request)


# --- Reconciliations ------------------------------------------------------------------------


class ReconciliationIn(InputSchema):
    account_id: ObjectId
    month: IsoDate = Field(..., description="Any day of the month; the first is stored")
    statement_balance_cents: int | None = Field(None, ge=0, le=MAX_AMOUNT_CENTS)


class ReconciliationPatch(InputSchema):
    statement_balance_cents: int = Field(..., ge=0, le=MAX_AMOUNT_CENTS)


class BankLineIn(InputSchema):
    date: IsoDate
    description: str = Field("", max_length=300)
    amount_cents: int = Field(..., ge=-MAX_AMOUNT_CENTS, le=MAX_AMOUNT_CENTS)
    reference: str = Field("", max_length=100)


class BankLinesIn(InputSchema):
    lines: list[BankLineIn] = Field(..., min_length=1, max_length=10_000)


class BankCsvIn(InputSchema):
    csv: str = Field(..., max_length=5 * 1024 * 1024, description="The bank's CSV export")


class ReconciliationClearIn(InputSchema):
    entry_ids: list[ObjectId] = Field(..., min_length=1, max_length=10_000)


class ReconciliationOut(Schema):
    id: int
    account_id: int
    month: dt.date
    state: str
    statement_balance_cents: int | None
    signed_off_by_id: int | None
    signed_off_at: dt.datetime | None
    figures: dict = Field(
        description="journal_cents, ledgers_total_cents, adjusted_bank_cents, the differences, "
        "outstanding deposits and checks, unmatched bank lines, each ledger's balance"
    )

    @staticmethod
    def resolve_figures(obj) -> dict:
        return reconciliation.figures(obj)


class ReconciliationListOut(Schema):
    id: int
    account_id: int
    month: dt.date
    state: str
    statement_balance_cents: int | None
    signed_off_at: dt.datetime | None


class BankLineOut(Schema):
    id: int
    date: dt.date
    description: str
    amount_cents: int
    reference: str
    entry_id: int | None


@router.get("/trust/reconciliations", response=list[ReconciliationListOut])
@paginate
def list_reconciliations(request: ActorRequest):
    return visible(request.auth, Reconciliation)


@router.post("/trust/reconciliations", response={201: ReconciliationOut}, summary="Start a month")
def start(request: ActorRequest, payload: ReconciliationIn):
    made = reconciliation.start(request.auth, **payload.dict(), request=request)
    return Status(201, made)


@router.get("/trust/reconciliations/{int:reconciliation_id}", response=ReconciliationOut)
def get_reconciliation(request: ActorRequest, reconciliation_id: int):
    return fetch(request.auth, Reconciliation, pk=reconciliation_id)


@router.patch(
    "/trust/reconciliations/{int:reconciliation_id}",
    response=ReconciliationOut,
    summary="Enter the bank statement's closing balance",
)
def set_balance(request: ActorRequest, reconciliation_id: int, payload: ReconciliationPatch):
    return reconciliation.set_statement_balance(
        request.auth,
        reconciliation_id=reconciliation_id,
        statement_balance_cents=payload.statement_balance_cents,
        request=request,
    )


@router.get("/trust/reconciliations/{int:reconciliation_id}/bank-lines", response=list[BankLineOut])
@paginate
def list_bank_lines(request: ActorRequest, reconciliation_id: int):
    made = fetch(request.auth, Reconciliation, pk=reconciliation_id)
    return made.bank_lines.all()


@router.post(
    "/trust/reconciliations/{int:reconciliation_id}/bank-lines",
    response={201: list[BankLineOut]},
    summary="Add the statement's lines; each clears the journal entry it matches",
)
def add_bank_lines(request: ActorRequest, reconciliation_id: int, payload: BankLinesIn):
    lines = [reconciliation.BankLineInput(**line.dict()) for line in payload.lines]
    made = reconciliation.add_bank_lines(
        request.auth, reconciliation_id=reconciliation_id, lines=lines, request=request
    )
    return Status(201, made)


@router.post(
    "/trust/reconciliations/{int:reconciliation_id}/bank-lines/import",
    response={201: list[BankLineOut]},
    summary="Import the bank's CSV export (all rows or none)",
)
def import_bank_csv(request: ActorRequest, reconciliation_id: int, payload: BankCsvIn):
    made = reconciliation.import_bank_csv(
        request.auth, reconciliation_id=reconciliation_id, text=payload.csv, request=request
    )
    return Status(201, made)


@router.delete(
    "/trust/reconciliations/{int:reconciliation_id}/bank-lines/{int:line_id}",
    response={204: None},
)
def remove_bank_line(request: ActorRequest, reconciliation_id: int, line_id: int):
    reconciliation.remove_bank_line(
        request.auth, reconciliation_id=reconciliation_id, line_id=line_id, request=request
    )
    return Status(204, None)


@router.post(
    "/trust/reconciliations/{int:reconciliation_id}/clear",
    response={201: list[BankLineOut]},
    summary="Mark journal entries as on the statement (read from paper)",
)
def clear(request: ActorRequest, reconciliation_id: int, payload: ReconciliationClearIn):
    made = reconciliation.clear_entries(
        request.auth,
        reconciliation_id=reconciliation_id,
        entry_ids=payload.entry_ids,
        request=request,
    )
    return Status(201, made)


@router.post(
    "/trust/reconciliations/{int:reconciliation_id}/sign-off",
    response=ReconciliationOut,
    summary="Sign the balanced month off and lock it (an owner or attorney)",
)
def sign_off(request: ActorRequest, reconciliation_id: int):
    return reconciliation.sign_off(
        request.auth, reconciliation_id=reconciliation_id, request=request
    )


@router.get(
    "/trust/reconciliations/{int:reconciliation_id}/pdf",
    response={200: None},
    summary="The reconciliation report as a PDF",
)
def reconciliation_pdf(request: ActorRequest, reconciliation_id: int):
    made = fetch(request.auth, Reconciliation, pk=reconciliation_id, related=("account",))
    return pdf_response(
        request,
        "trust/reconciliation_report.html",
        {"reconciliation": made, "figures": reconciliation.figures(made), "paper": True},
        filename=f"trust-reconciliation-{made.month:%Y-%m}",
    )


# --- Retainers ------------------------------------------------------------------------------


class RetainerIn(InputSchema):
    matter_id: ObjectId
    target_cents: int = Amount
    floor_cents: int = Field(..., ge=0, le=MAX_AMOUNT_CENTS)
    account_id: ObjectId | None = None
    active: bool = True


class ReplenishmentOut(Schema):
    id: int
    amount_cents: int
    balance_cents: int
    requested_at: dt.datetime
    sent_at: dt.datetime | None
    recipient: str
    satisfied_at: dt.datetime | None


class RetainerOut(Schema):
    id: int
    matter_id: int
    ledger_id: int
    target_cents: int
    floor_cents: int
    active: bool
    balance_cents: int
    below_floor: bool
    open_request: ReplenishmentOut | None

    @staticmethod
    def resolve_balance_cents(obj) -> int:
        return obj.ledger.balance_cents

    @staticmethod
    def resolve_below_floor(obj) -> bool:
        return obj.ledger.balance_cents < obj.floor_cents

    @staticmethod
    def resolve_open_request(obj):
        return obj.requests.filter(satisfied_at__isnull=True).first()


@router.get("/retainers", response=list[RetainerOut], summary="Evergreen retainers")
@paginate
def list_retainers(request: ActorRequest):
    return visible(request.auth, Retainer).select_related("ledger")


@router.post(
    "/retainers",
    response={201: RetainerOut},
    summary="Set a matter's evergreen retainer (target and floor); below the floor, the client "
    "is asked to replenish",
)
def set_retainer(request: ActorRequest, payload: RetainerIn):
    retainer = retainers.set_retainer(request.auth, **payload.dict(), request=request)
    return Status(201, Retainer.objects.select_related("ledger").get(pk=retainer.pk))


@router.get("/retainers/{int:retainer_id}", response=RetainerOut)
def get_retainer(request: ActorRequest, retainer_id: int):
    return fetch(request.auth, Retainer, pk=retainer_id, related=("ledger",))

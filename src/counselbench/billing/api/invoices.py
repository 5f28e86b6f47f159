"""API: client invoices — draft from approved time, expenses, send (numbered), PDF, payments,
credit notes, pay from trust — and accounts-receivable aging."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch, visible
from counselbench.billing import selectors
from counselbench.billing.models import Invoice, InvoiceState, Payment, PaymentMethod
from counselbench.billing.services import invoices as services
from counselbench.core.money import MAX_AMOUNT_CENTS
from counselbench.core.pdf import pdf_response
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId

router = Router(tags=["invoices"])


class LineOut(Schema):
    id: int
    kind: str = Field(description="fee (contractor work included) or expense")
    date: dt.date
    timekeeper: str
    description: str
    minutes: int | None
    rate_cents: int | None
    amount_cents: int
    time_entry_id: int | None
    contractor_work: bool
    cost_rate_cents: int | None
    markup_percent: Decimal
    pricing_note: str


class PaymentOut(Schema):
    id: int
    amount_cents: int
    received_on: dt.date
    method: str
    reference: str
    trust_transaction_id: int | None


class CreditNoteOut(Schema):
    id: int
    number: str
    amount_cents: int
    reason: str
    issued_on: dt.date


class InvoiceOut(Schema):
    id: int
    number: str
    state: str
    client_id: int
    client: str
    matter_id: int
    matter_number: str
    issued_on: dt.date | None
    due_on: dt.date | None
    payment_terms_days: int
    currency: str
    subtotal_cents: int
    discount_percent: Decimal
    discount_cents: int
    tax_percent: Decimal
    tax_cents: int
    total_cents: int
    paid_cents: int
    credited_cents: int
    balance_cents: int
    notes: str
    sent_at: dt.datetime | None
    viewed_at: dt.datetime | None
    lines: list[LineOut]
    payments: list[PaymentOut]
    credit_notes: list[CreditNoteOut]

    @staticmethod
    def resolve_client(obj) -> str:
        return obj.client.name

    @staticmethod
    def resolve_matter_number(obj) -> str:
        return obj.matter.number

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_payments(obj) -> list:
        return list(obj.payments.all())

    @staticmethod
    def resolve_credit_notes(obj) -> list:
        return list(obj.credit_notes.all())


class InvoiceListOut(Schema):
    id: int
    number: str
    state: str
    client_id: int
    client: str
    matter_id: int
    issued_on: dt.date | None
    due_on: dt.date | None
    total_cents: int
    balance_cents: int

    @staticmethod
    def resolve_client(obj) -> str:
        return obj.client.name


class DraftIn(InputSchema):
    matter_id: ObjectId
    through: IsoDate | None = Field(
        None, description="Approved time up to this day (default today)"
    )
    entry_ids: list[ObjectId] | None = Field(None, max_length=2000)


class DraftPatch(InputSchema):
    discount_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=3)
    tax_percent: Decimal | None = Field(None, ge=0, le=30, decimal_places=3)
    payment_terms_days: int | None = Field(None, ge=0, le=services.MAX_TERMS_DAYS)
    notes: str | None = Field(None, max_length=2000)


class ExpenseIn(InputSchema):
    date: IsoDate
    description: str = Field(..., max_length=1000)
    amount_cents: int = Field(..., ge=1, le=MAX_AMOUNT_CENTS)
    currency: str = Field("USD", min_length=3, max_length=3)


class SendIn(InputSchema):
    issued_on: IsoDate | None = None


class PaymentIn(InputSchema):
    amount_cents: int = Field(..., ge=1, le=MAX_AMOUNT_CENTS)
    received_on: IsoDate
    method: PaymentMethod
    reference: str = Field("", max_length=100)
    currency: str = Field("USD", min_length=3, max_length=3)


class CreditNoteIn(InputSchema):
    amount_cents: int = Field(..., ge=1, le=MAX_AMOUNT_CENTS)
    reason: str = Field(..., max_length=2000)


class InvoiceFilters(Schema):
    state: InvoiceState | None = None
    client_id: QueryId | None = None
    matter_id: QueryId | None = None


class AgingInvoiceOut(Schema):
    id: int
    number: str
    issued_on: dt.date
    due_on: dt.date | None
    age_days: int
    bucket: str
    balance_cents: int


class AgingRowOut(Schema):
    client_id: int
    client: str
    buckets: dict[str, int]
    total_cents: int
    invoices: list[AgingInvoiceOut]


class AgingOut(Schema):
    as_of: dt.date
    buckets: list[str] = Field(description="By days since the invoice was issued")
    rows: list[AgingRowOut]
    totals: dict[str, int]
    total_cents: int


def _rows(request: ActorRequest):
    return (
        visible(request.auth, Invoice)
        .select_related("client", "matter")
        .prefetch_related("lines", "payments", "credit_notes")
    )


def _one(request: ActorRequest, invoice_id: int) -> Invoice:
    return _rows(request).get(pk=invoice_id)


@router.get("/invoices", response=list[InvoiceListOut], summary="Invoices you can see")
@paginate
def list_invoices(request: ActorRequest, filters: Query[InvoiceFilters]):
    rows = visible(request.auth, Invoice).select_related("client")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.client_id:
        rows = rows.filter(client_id=filters.client_id)
    if filters.matter_id:
        rows = rows.filter(matter_id=filters.matter_id)
    return rows


@router.post("/invoices", response={201: InvoiceOut}, summary="Draft an invoice from approved time")
def draft(request: ActorRequest, payload: DraftIn):
    invoice = services.draft_invoice(request.auth, **payload.dict(), request=request)
    return Status(201, _one(request, invoice.pk))


@router.get("/invoices/{int:invoice_id}", response=InvoiceOut)
def get_invoice(request: ActorRequest, invoice_id: int):
    fetch(request.auth, Invoice, pk=invoice_id)
    return _one(request, invoice_id)


@router.patch("/invoices/{int:invoice_id}", response=InvoiceOut, summary="Change a draft")
def update_draft(request: ActorRequest, invoice_id: int, payload: DraftPatch):
    services.update_draft(
        request.auth,
        invoice_id=invoice_id,
        changes=payload.dict(exclude_unset=True),
        request=request,
    )
    return _one(request, invoice_id)


@router.delete("/invoices/{int:invoice_id}", response={204: None}, summary="Delete a draft")
def delete_draft(request: ActorRequest, invoice_id: int):
    services.delete_draft(request.auth, invoice_id=invoice_id, request=request)
    return Status(204, None)


@router.post("/invoices/{int:invoice_id}/expenses", response={201: InvoiceOut})
def add_expense(request: ActorRequest, invoice_id: int, payload: ExpenseIn):
    services.add_expense(
        request.auth,
        invoice_id=invoice_id,
        data=services.ExpenseInput(**payload.dict()),
        request=request,
    )
    return Status(201, _one(request, invoice_id))


@router.delete(
    "/invoices/{int:invoice_id}/lines/{int:line_id}",
    response=InvoiceOut,
    summary="Take a line off a draft (its time can go on a later invoice)",
)
def remove_line(request: ActorRequest, invoice_id: int, line_id: int):
    services.remove_line(request.auth, invoice_id=invoice_id, line_id=line_id, request=request)
    return _one(request, invoice_id)


@router.post(
    "/invoices/{int:invoice_id}/send",
    response=InvoiceOut,
    summary="Number the invoice, fix it, and email the client a link",
)
def send(request: ActorRequest, invoice_id: int, payload: SendIn):
    services.send_invoice(
        request.auth, invoice_id=invoice_id, issued_on=payload.issued_on, request=request
    )
    return _one(request, invoice_id)


@router.get("/invoices/{int:invoice_id}/pdf", response={200: None}, summary="The invoice as a PDF")
def invoice_pdf(request: ActorRequest, invoice_id: int):
    fetch(request.auth, Invoice, pk=invoice_id)
    invoice = _one(request, invoice_id)
    return pdf_response(
        request, "billing/invoice_pdf.html", {"invoice": invoice}, filename=invoice.label
    )


@router.get("/invoices/{int:invoice_id}/payments", response=list[PaymentOut])
def list_payments(request: ActorRequest, invoice_id: int):
    invoice = fetch(request.auth, Invoice, pk=invoice_id)
    return list(Payment.objects.filter(invoice=invoice))


@router.post("/invoices/{int:invoice_id}/payments", response={201: PaymentOut})
def record_payment(request: ActorRequest, invoice_id: int, payload: PaymentIn):
    payment = services.record_payment(
        request.auth,
        invoice_id=invoice_id,
        data=services.PaymentInput(**payload.dict()),
        request=request,
    )
    return Status(201, payment)


@router.post("/invoices/{int:invoice_id}/credit-notes", response={201: CreditNoteOut})
def credit(request: ActorRequest, invoice_id: int, payload: CreditNoteIn):
    note = services.issue_credit_note(
        request.auth, invoice_id=invoice_id, **payload.dict(), request=request
    )
    return Status(201, note)


class TrustPaymentOut(Schema):
    posted: bool = Field(description="True when paid now; False when it waits for an attorney")
    transaction_id: int | None
    request_id: int | None
    amount_cents: int


@router.post(
    "/invoices/{int:invoice_id}/pay-from-trust",
    response={201: TrustPaymentOut},
    summary="Apply the client's trust money (an owner's click posts; staff's asks an attorney)",
)
def pay_from_trust(request: ActorRequest, invoice_id: int):
    from counselbench.trust.models import TrustRequest
    from counselbench.trust.services.requests import pay_from_trust as pay

    result = pay(request.auth, invoice_id=invoice_id, request=request)
    if isinstance(result, TrustRequest):
        return Status(
            201,
            {
                "posted": False,
                "transaction_id": None,
                "request_id": result.pk,
                "amount_cents": result.amount_cents,
            },
        )
    return Status(
        201,
        {
            "posted": True,
            "transaction_id": result.pk,
            "request_id": None,
            "amount_cents": -result.amount_cents,
        },
    )


class AgingFilters(Schema):
    as_of: IsoDate | None = None


@router.get(
    "/ar-aging",
    response=AgingOut,
    summary="What clients owe, by days since each invoice was issued (of the invoices you see)",
)
def ar_aging(request: ActorRequest, filters: Query[AgingFilters]):
    aging = selectors.ar_aging(request.auth, as_of=filters.as_of or timezone.localdate())
    return {
        "as_of": aging.as_of,
        "buckets": [b[0] for b in selectors.BUCKETS],
        "rows": [
            {
                "client_id": r.client_id,
                "client": r.client,
                "buckets": r.buckets,
                "total_cents": r.total_cents,
                "invoices": r.invoices,
            }
            for r in aging.rows
        ],
        "totals": aging.totals,
        "total_cents": aging.total_cents,
    }

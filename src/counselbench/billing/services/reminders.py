"""Invoice emails: the invoice itself when sent, then the reminder schedule around its due date
(INVOICE_REMINDER_DAYS, days from the due date: before it, on it, and after). A daily job claims
each reminder once (a unique row) and the email goes through the task queue after commit."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from counselbench.billing.models import Invoice, InvoiceReminder
from counselbench.billing.models.invoices import OPEN_INVOICE_STATES
from counselbench.core.money import format_usd


def schedule() -> tuple[int, ...]:
    return tuple(sorted(settings.INVOICE_REMINDER_DAYS))


def client_url(invoice: Invoice) -> str:
    return f"{settings.SITE_URL}{reverse('billing:client_invoice', args=[invoice.view_key])}"


def deliver_invoice(*, invoice_id: int) -> bool:
    invoice = Invoice.objects.select_related("client", "organization", "matter").get(pk=invoice_id)
    if invoice.is_draft or not invoice.client.email or invoice.due_on is None:
        return False
    send_mail(
        subject=f"{invoice.organization.name}: invoice {invoice.number} for {invoice.matter.title}",
        message=(
            f"Dear {invoice.client.name},\n\n"
            f"Invoice {invoice.number} for {format_usd(invoice.total_cents, exact=True)} is due "
            f"on {invoice.due_on:%B} {invoice.due_on.day}, {invoice.due_on.year}. View or "
            f"download it here:\n{client_url(invoice)}\n\n{invoice.organization.name}"
        ),
        from_email=None,
        recipient_list=[invoice.client.email],
    )
    return True


def _due_offset(invoice: Invoice, today: date, sent: set[int]) -> int | None:
    """The latest scheduled reminder that has come due and has not gone yet (one at a time:
    an invoice that missed several steps gets the latest, not a burst)."""
    assert invoice.due_on is not None
    elapsed = (today - invoice.due_on).days
    due = [offset for offset in schedule() if offset <= elapsed]
    if not due or due[-1] in sent or (sent and due[-1] < max(sent)):
        return None
    return due[-1]


def claim_due_reminders(today: date | None = None) -> list[InvoiceReminder]:
    """The daily job: claim each reminder that is due and queue its email."""
    from counselbench.billing.tasks import send_invoice_reminder

    today = today or timezone.localdate()
    claimed = []
    invoices = (
        Invoice.objects.filter(state__in=OPEN_INVOICE_STATES, due_on__isnull=False)
        .exclude(client__email="")
        .select_related("client")
        .prefetch_related("reminders")
    )
    for invoice in invoices:
        offset = _due_offset(invoice, today, {r.offset_days for r in invoice.reminders.all()})
        if offset is None:
            continue
        try:
            with transaction.atomic():
                reminder = InvoiceReminder.objects.create(
                    invoice=invoice, offset_days=offset, recipient=invoice.client.email
                )
                transaction.on_commit(
                    lambda pk=reminder.pk: send_invoice_reminder.enqueue(pk)  # type: ignore[misc]
                )
        except IntegrityError:
            continue  # another worker claimed it
        claimed.append(reminder)
    return claimed


def deliver_reminder(*, reminder_id: int) -> bool:
    reminder = InvoiceReminder.objects.select_related(
        "invoice__client", "invoice__organization"
    ).get(pk=reminder_id)
    invoice = reminder.invoice
    if invoice.state not in OPEN_INVOICE_STATES:
        return False  # paid meanwhile
    assert invoice.due_on is not None
    due = f"{invoice.due_on:%B} {invoice.due_on.day}"
    if reminder.offset_days < 0:
        opening = f"a reminder that invoice {invoice.number} is due on {due}"
    elif reminder.offset_days == 0:
        opening = f"a reminder that invoice {invoice.number} is due today"
    else:
        opening = (
            f"invoice {invoice.number} was due on {due} and is {reminder.offset_days} days past due"
        )
    send_mail(
        subject=f"{invoice.organization.name}: invoice {invoice.number}, "
        f"{format_usd(invoice.balance_cents, exact=True)} due",
        message=(
            f"Dear {invoice.client.name},\n\nThis is {opening}. The balance is "
            f"{format_usd(invoice.balance_cents, exact=True)}.\n{client_url(invoice)}\n\n"
            "If you have paid already, thank you, and please disregard this message.\n\n"
            f"{invoice.organization.name}"
        ),
        from_email=None,
        recipient_list=[reminder.recipient],
    )
    return True

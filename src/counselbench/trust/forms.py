"""Forms of the trust pages: they parse what a person types (amounts in dollars, a month as
YYYY-MM); every rule about money is the services' (trust.services), shown back on the field."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone

from counselbench.core.errors import DomainError
from counselbench.core.money import MAX_AMOUNT_CENTS, cents_from_dollars, format_usd
from counselbench.trust.models import EntryKind, EntryMethod

AMOUNT_HELP = "In dollars, e.g. 1250 or 1,250.50."
# The service's field paths → the names of these forms' fields.
ALIASES = {
    "amount_cents": "amount",
    "invoice_id": "invoice",
    "processor_fee_cents": "processor_fee",
    "ledger_id": "kind",  # "bank charges never from a client's ledger": said on the kind
    "statement_balance_cents": "statement_balance",
    "target_cents": "target",
    "floor_cents": "floor",
    "matter_id": "matter",
    "client_id": "client",
    "account_id": "account",
}


def place_refusal(form: forms.Form, error: DomainError) -> None:
    """Each field error of a service's refusal on the field it names (see ALIASES), the rest
    (and a refusal naming no field) on the form as a whole, with what would unblock it."""
    placed = False
    for field_error in error.fields:
        name = field_error.path.split(".")[-1]
        name = ALIASES.get(name, name)
        if name in form.fields:
            form.add_error(name, field_error.message)
            placed = True
    if not placed:
        form.add_error(None, error.message + (f" {error.unblock}" if error.unblock else ""))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DollarsField(forms.CharField):
    """Dollars typed by a person ("1,250.50", "$80") → integer cents; fractions of a cent are an
    error, never rounded away."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", AMOUNT_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            cents = cents_from_dollars(text)
        except ValueError as error:
            if "fractions of a cent" in str(error):
                raise forms.ValidationError(
                    "Whole cents only: at most two digits after the point."
                ) from None
            raise forms.ValidationError(f"Not an amount of dollars. {AMOUNT_HELP}") from None
        lowest = 0 if self.allow_zero else 1
        if not lowest <= cents <= MAX_AMOUNT_CENTS:
            raise forms.ValidationError(
                f"From {format_usd(lowest, exact=True)} to {format_usd(MAX_AMOUNT_CENTS)}."
            )
        return cents


def _text(
    label: str, max_length: int, *, required: bool = True, help_text: str = ""
) -> forms.Field:
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text
    )


METHODS = [(m.value, m.label) for m in EntryMethod]


class EntryFields(forms.Form):
    """What every journal entry records (ABA Model Rules for Client Trust Account Records,
    Rule 1(b)): the amount, date, the other party, the purpose, how it moved."""

    amount = DollarsField(label="Amount ($)")
    date = forms.DateField(widget=DateInput())
    payee_payor = _text("Payee", 200)
    purpose = _text("Purpose", 500)
    method = forms.ChoiceField(choices=METHODS, initial=EntryMethod.CHECK)
    reference = _text("Check number or reference", 100, required=False)
    matter = forms.TypedChoiceField(
        label="Matter",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Which of the client's matters the money is for.",
    )
    currency = forms.CharField(
        max_length=3,
        initial="USD",
        help_text="The currency the money moved in.",
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )

    def __init__(self, *args, matters=None, **kwargs):
        """`matters`: the client's matters, on the client's ledger as a whole; a matter
        ledger's entries (and the firm's own funds') need no choice, so None hides it."""
        super().__init__(*args, **kwargs)
        if matters is None:
            del self.fields["matter"]
        else:
            self.fields["matter"].choices = [("", "— the client as a whole —")] + [
                (m.pk, f"{m.number} · {m.title}") for m in matters
            ]

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "amount_cents": data["amount"],
            "date": data["date"],
            "payee_payor": data["payee_payor"],
            "purpose": data["purpose"],
            "method": data["method"],
            "reference": data.get("reference") or "",
            "currency": data["currency"],
            "matter_id": data.get("matter"),
        }


class DepositForm(EntryFields):
    processor_fee = DollarsField(
        label="Card processor's fee withheld ($)",
        required=False,
        allow_zero=True,
        help_text="Leave empty unless a card processor kept part of the payment.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "deposit")
        super().__init__(*args, **kwargs)
        self.fields["payee_payor"].label = "Received from"
        self.fields["purpose"].help_text = "E.g. retainer, settlement proceeds, advance for costs."
        self.fields["date"].initial = timezone.localdate()

    def entry_fields(self) -> dict:
        return {
            **super().entry_fields(),
            "processor_fee_cents": self.cleaned_data["processor_fee"] or 0,
        }


def _invoice_choices(invoices) -> list[tuple]:
    return [("", "— choose the invoice paid —")] + [
        (i.pk, f"{i.label} · {i.matter.number} · {format_usd(i.balance_cents, exact=True)} due")
        for i in invoices
    ]


class MoneyOutForm(EntryFields):
    """An owner or attorney takes money out: a disbursement, an earned fee to operating against
    one of the client's invoices, or (from the firm-funds ledger) a bank charge."""

    kind = forms.ChoiceField(label="Kind")
    invoice = forms.TypedChoiceField(
        label="Invoice (for an earned fee)", coerce=int, required=False, empty_value=None
    )

    field_order = [
        "kind",
        "amount",
        "date",
        "payee_payor",
        "purpose",
        "matter",
        "invoice",
        "method",
    ]

    def __init__(self, *args, firm_funds: bool = False, invoices=(), **kwargs):
        kwargs.setdefault("prefix", "out")
        super().__init__(*args, **kwargs)
        kinds = [EntryKind.DISBURSEMENT, EntryKind.EARNED_FEE, EntryKind.BANK_FEE]
        if firm_funds:
            kinds = [EntryKind.BANK_FEE, EntryKind.DISBURSEMENT]
            del self.fields["invoice"]
        else:
            self.fields["invoice"].choices = _invoice_choices(invoices)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["date"].initial = timezone.localdate()
        self.fields[
            "payee_payor"
        ].help_text = "Who is paid: a vendor, the client, the firm's operating account."

    def entry_fields(self) -> dict:
        return {**super().entry_fields(), "invoice_id": self.cleaned_data.get("invoice")}


class AskForm(MoneyOutForm):
    """Billing staff ask for money out; it is dated the day an attorney approves it."""

    def __init__(self, *args, invoices=(), **kwargs):
        kwargs.setdefault("prefix", "ask")
        super().__init__(*args, invoices=invoices, **kwargs)
        del self.fields["date"]
        self.fields["kind"].choices = [
            (k.value, k.label) for k in (EntryKind.DISBURSEMENT, EntryKind.EARNED_FEE)
        ]

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "amount_cents": data["amount"],
            "date": timezone.localdate(),
            "payee_payor": data["payee_payor"],
            "purpose": data["purpose"],
            "method": data["method"],
            "reference": data.get("reference") or "",
            "currency": data["currency"],
            "invoice_id": data.get("invoice"),
            "matter_id": data.get("matter"),
        }


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label="Why it is reversed",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )


class OpenAccountForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="How the firm refers to it, e.g. “IOLTA”.")
    bank_name = forms.CharField(label="Bank", max_length=120)
    account_last4 = forms.CharField(
        label="Last four digits of the account number",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "pattern": r"\d{4}"}),
    )
    opened_on = forms.DateField(label="Opened on", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = timezone.localdate()


class OpenLedgerForm(forms.Form):
    client = forms.TypedChoiceField(coerce=int)
    matter = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave empty for one ledger for the client as a whole.",
    )

    def __init__(self, *args, clients=(), matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "— choose a client —")] + [
            (c.pk, c.name) for c in clients
        ]
        self.fields["matter"].choices = [("", "— the client as a whole —")] + [
            (m.pk, f"{m.number} · {m.title} ({m.client.name})") for m in matters
        ]


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what a browser's month picker sends) → its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def clean(self, value):
        text = super().clean(value)
        match = _MONTH.match(text or "")
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError("A month as YYYY-MM, e.g. 2025-03.")
        return date(int(match[1]), int(match[2]), 1)


class StartReconciliationForm(forms.Form):
    month = MonthField()
    statement_balance = DollarsField(
        label="Bank statement's closing balance ($)",
        required=False,
        allow_zero=True,
        help_text="Optional now: enter it when the statement is in.",
    )


class StatementBalanceForm(forms.Form):
    statement_balance = DollarsField(
        label="Closing balance on the bank statement ($)", allow_zero=True
    )


MAX_CSV_BYTES = 5 * 1024 * 1024


class BankCsvForm(forms.Form):
    file = forms.FileField(
        label="The bank's CSV export",
        help_text="A header row naming Date, Description and Amount (or Debit and Credit), "
        "optionally Reference (or Check number) and Balance, which gives the closing balance "
        "if none is entered. Every row must read, or nothing is imported.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("At most 5 MB; split the month into several files.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "Not a text CSV file: save the export as CSV (UTF-8)."
            ) from None


class DecisionForm(forms.Form):
    note = forms.CharField(label="Note", max_length=500, required=False)


class RejectRequestForm(DecisionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = "Why (billing sees it)"
        self.fields["note"].widget = forms.Textarea(attrs={"rows": 2, "maxlength": 500})


class RetainerForm(forms.Form):
    matter = forms.TypedChoiceField(coerce=int)
    target = DollarsField(label="Target balance ($)", help_text="What the client keeps in trust.")
    floor = DollarsField(
        label="Floor ($)",
        allow_zero=True,
        help_text="Below it, the client is asked to top the retainer back up to the target.",
    )
    account = forms.TypedChoiceField(
        label="Trust account", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, matters=(), accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [("", "— choose a matter —")] + [
            (m.pk, f"{m.number} · {m.title} ({m.client.name})") for m in matters
        ]
        if len(accounts) > 1:
            self.fields["account"].choices = [(a.pk, str(a)) for a in accounts]
        else:
            del self.fields["account"]

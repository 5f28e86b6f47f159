"""Forms of the billing pages: parse what a person types (\"1:30\" or \"90\" for time, \"1,250.50\"
for money), the services decide. Field names are the services' field paths, so a refusal lands
next to the field that caused it."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from counselbench.billing.models import PaymentMethod, PayoutMethod
from counselbench.core.money import cents_from_dollars

DURATION_HELP = "Hours:minutes (1:30) or minutes (90)."
_DURATION = re.compile(r"^\s*(?:(?P<h>\d{1,2}):(?P<m>[0-5]?\d)|(?P<only>\d{1,4}))\s*$")


def parse_duration(value: str, *, signed: bool = False) -> int:
    """Minutes from "1:30" or "90" (with a leading minus when `signed`, for corrections)."""
    text = (value or "").strip()
    sign = 1
    if signed and text and text[0] in "+-":
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    match = _DURATION.match(text)
    if not match:
        raise forms.ValidationError(DURATION_HELP)
    if match["only"] is not None:
        return sign * int(match["only"])
    return sign * (int(match["h"]) * 60 + int(match["m"]))


class DurationField(forms.CharField):
    def __init__(self, *, signed: bool = False, **kwargs):
        self.signed = signed
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("help_text", DURATION_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "text", "placeholder": "1:30", "size": 6})

    def clean(self, value):
        return parse_duration(super().clean(value), signed=self.signed)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EntryForm(forms.Form):
    """A new entry, or changes to a draft or rejected one (then without the task)."""

    task_id = forms.TypedChoiceField(label="Task", coerce=int)
    date = forms.DateField(widget=DateInput())
    minutes = DurationField(label="Time")
    description = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000})
    )
    billable = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, tasks=None, with_task: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_task:
            del self.fields["task_id"]
        else:
            self.fields["task_id"].choices = [("", "Choose a task")] + [
                (t.pk, f"{t.title} · {t.matter.number}") for t in tasks or []
            ]


class CorrectionForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    minutes = DurationField(
        label="Minutes to add or take back",
        signed=True,
        help_text="-0:30 takes half an hour back; 15 adds a quarter hour.",
    )
    description = forms.CharField(max_length=1000, label="Why")


class RejectForm(forms.Form):
    # It shares a form with "Approve selected": a browser-required reason would block approving.
    use_required_attribute = False

    reason = forms.CharField(
        max_length=2000,
        label="Reason (the author sees it)",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )


# --- Money: statements, invoices, rates ---------------------------------------------------------


class CentsField(forms.CharField):
    """Dollars as typed ("1,250.50", "$80") → integer cents; the services judge the amount."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 10})

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            return cents_from_dollars(text)
        except ValueError:
            raise forms.ValidationError(
                "An amount in dollars and cents, such as 1250.50."
            ) from None


class IssueStatementForm(forms.Form):
    engagement_id = forms.TypedChoiceField(label="Engagement", coerce=int)
    on = forms.DateField(
        label="A day in the pay period",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for the last pay period that has ended.",
    )

    def __init__(self, *args, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement_id"].choices = [("", "Choose an engagement")] + [
            (e.pk, f"{e.professional.user.display_name} · {e.title} ({e.get_pay_period_display()})")
            for e in engagements
        ]


class PayoutForm(forms.Form):
    paid_on = forms.DateField(label="Paid on", widget=DateInput())
    method = forms.ChoiceField(choices=PayoutMethod.choices)
    reference = forms.CharField(
        label="Bank reference",
        max_length=100,
        required=False,
        help_text="ACH trace, wire or check number.",
    )


class NewInvoiceForm(forms.Form):
    matter_id = forms.TypedChoiceField(label="Matter", coerce=int)
    through = forms.DateField(
        label="Time up to",
        required=False,
        widget=DateInput(),
        help_text="Approved time dated up to this day goes on the invoice (default today).",
    )

    def __init__(self, *args, matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter_id"].choices = [("", "Choose a matter")] + [
            (m.pk, f"{m.number} · {m.title} ({m.client.name}){_waiting(m)}") for m in matters
        ]


def _waiting(matter) -> str:
    minutes = getattr(matter, "waiting_minutes", None)
    return f" · {Decimal(minutes) / 60:.2f} h waiting" if minutes else ""


class DraftForm(forms.Form):
    discount_percent = forms.DecimalField(
        label="Discount (%)", min_value=0, max_value=100, decimal_places=2
    )
    tax_percent = forms.DecimalField(label="Tax (%)", min_value=0, max_value=30, decimal_places=3)
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)", min_value=0, max_value=120
    )
    notes = forms.CharField(
        label="Note to the client",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class ExpenseForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    description = forms.CharField(max_length=1000, help_text="Filing fee, transcript, courier…")
    amount_cents = CentsField(label="Amount ($)")


class SendForm(forms.Form):
    issued_on = forms.DateField(
        label="Invoice date",
        required=False,
        widget=DateInput(),
        help_text="Today, or up to 31 days back. The due date follows from the payment terms.",
    )


class PaymentForm(forms.Form):
    amount_cents = CentsField(label="Amount ($)")
    received_on = forms.DateField(label="Received on", widget=DateInput())
    # From trust is an earned-fee transfer an attorney authorizes: "Pay from trust", not this form.
    method = forms.ChoiceField(
        choices=[c for c in PaymentMethod.choices if c[0] != PaymentMethod.TRUST]
    )
    reference = forms.CharField(
        max_length=100, required=False, help_text="Check number or the bank's reference."
    )


class CreditNoteForm(forms.Form):
    amount_cents = CentsField(label="Amount to credit ($)")
    reason = forms.CharField(
        max_length=2000,
        help_text="The client sees it on the credit note.",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )


class RateForm(forms.Form):
    user_id = forms.TypedChoiceField(label="Timekeeper", coerce=int)
    rate_cents = CentsField(label="Rate ($ an hour)")
    effective_from = forms.DateField(
        label="From",
        widget=DateInput(),
        help_text="Time from this day on is billed at the new rate; earlier time keeps its rate.",
    )

    def __init__(self, *args, timekeepers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = [("", "Choose a timekeeper")] + [
            (u.pk, u.display_name) for u in timekeepers
        ]


class AsOfForm(forms.Form):
    as_of = forms.DateField(label="As of", required=False, widget=DateInput())

    def clean_as_of(self):
        day = self.cleaned_data["as_of"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("A day up to today: aging counts what was owed then.")
        return day

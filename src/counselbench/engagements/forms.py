"""Page forms for engagements: dollars in, cents out; yes/no answers for classification."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from counselbench.core.money import cents_from_dollars
from counselbench.engagements import classification
from counselbench.engagements.models import BillingModel, EngagementModel, PayPeriod
from counselbench.talent.forms import STATE_CHOICES


class EngagementForm(forms.Form):
    title = forms.CharField(max_length=200)
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    jurisdiction = forms.ChoiceField(choices=STATE_CHOICES, label="Jurisdiction of the work")
    engagement_model = forms.ChoiceField(choices=EngagementModel.choices, label="Engaged as")
    agency_id = forms.TypedChoiceField(
        label="Agency or marketplace on record", required=False, coerce=int, empty_value=None
    )
    billing_model = forms.ChoiceField(choices=BillingModel.choices)
    rate = forms.DecimalField(
        label="Rate ($ per hour, per project or per month)",
        min_value=Decimal("0.01"),
        max_value=Decimal(100_000),
        decimal_places=2,
    )
    markup_percent = forms.DecimalField(
        label="Markup billed to clients (%)",
        min_value=Decimal(0),
        max_value=Decimal(300),
        decimal_places=2,
        initial=Decimal(0),
    )
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, initial=20)
    pay_period = forms.ChoiceField(
        choices=PayPeriod.choices, initial=PayPeriod.SEMIMONTHLY, label="Paid"
    )
    payment_terms_days = forms.IntegerField(
        min_value=0, max_value=90, initial=10, label="Statement due (days after the period)"
    )
    supervising_attorney_id = forms.TypedChoiceField(label="Supervising attorney", coerce=int)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    trial_days = forms.IntegerField(min_value=1, max_value=90, initial=7, label="Trial (days)")

    def __init__(self, *args, agencies=(), attorneys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [("", "—")] + [(a.pk, a.name) for a in agencies]
        self.fields["supervising_attorney_id"].choices = [(u.pk, u.display_name) for u in attorneys]

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["rate_cents"] = cents_from_dollars(data.pop("rate"))
        return data


class ClassificationForm(forms.Form):
    """One yes/no per question, grouped as the IRS groups them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in classification.QUESTIONS:
            self.fields[q.key] = forms.TypedChoiceField(
                label=q.text,
                choices=[("yes", "Yes"), ("no", "No")],
                coerce=lambda v: v == "yes",
                widget=forms.RadioSelect,
            )
            self.fields[q.key].group = q.group  # type: ignore[attr-defined]

    def groups(self) -> list[tuple[str, list]]:
        grouped: dict[str, list] = {}
        for q in classification.QUESTIONS:
            grouped.setdefault(q.group, []).append(self[q.key])
        return list(grouped.items())


MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists with -, links."


def _section(rows: int, what: str) -> forms.CharField:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=20_000,
        help_text=f"{what} {MARKDOWN_HELP}",
    )


class GuideForm(forms.Form):
    key_contacts = _section(5, "Who to ask about what, and how.")
    style_guide = _section(8, "Formatting, tone, citations, file naming.")
    feedback_loop = _section(5, "How work is reviewed and how feedback flows.")

"""Page forms for the talent bench: dollars and comma lists in, cents and tag lists out."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from counselbench.core.money import cents_from_dollars
from counselbench.core.usps import US_STATES
from counselbench.talent.models import (
    CheckInFrequency,
    Classification,
    JobPosting,
    Outcome,
    PracticeArea,
    ProfessionalRole,
    VettingStepKind,
)
from counselbench.talent.rates import WORK_TYPES

STATE_CHOICES = sorted(US_STATES.items(), key=lambda kv: kv[1])


def _dollars(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal("0.01"), max_value=Decimal(1000),
        decimal_places=2,
    )  # fmt: skip


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class PostingForm(forms.Form):
    title = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=ProfessionalRole.choices, initial=ProfessionalRole.PARALEGAL)
    practice_area = forms.ChoiceField(choices=PracticeArea.choices, initial=PracticeArea.LITIGATION)
    category_id = forms.TypedChoiceField(
        label="Process being outsourced", required=False, coerce=int, empty_value=None,
        help_text="From your self-audit's task categories.",
    )  # fmt: skip
    attorney_work = forms.BooleanField(
        label="Includes attorney-level work (needs a bar admission in the jurisdiction)",
        required=False,
    )
    jurisdiction = forms.ChoiceField(choices=STATE_CHOICES, initial="TX")
    responsibilities = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Describe the work, not the client: do not name clients or parties.",
    )
    secondary_tasks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    performance_metrics = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Targets for turnaround and accuracy, e.g. first drafts within 2 business days.",
    )  # fmt: skip
    qualifications = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    communication_channels = forms.CharField(max_length=200, required=False)
    check_in_frequency = forms.ChoiceField(choices=CheckInFrequency.choices, initial="weekly")
    time_zone = forms.CharField(max_length=64, initial="America/Chicago")
    core_start = forms.TimeField(initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    core_end = forms.TimeField(initial="17:00", widget=forms.TimeInput(attrs={"type": "time"}))
    overlap_hours = forms.IntegerField(min_value=0, max_value=12, initial=4,
                                       label="Hours of overlap with core hours")  # fmt: skip
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, initial=20)
    duration_weeks = forms.IntegerField(min_value=1, max_value=260, required=False)
    budget_low = _dollars("Budget from ($/h)", required=False)
    budget_high = _dollars("Budget up to ($/h)")
    languages = forms.CharField(required=False, help_text="Required languages: en, es, …")
    skills = forms.CharField(
        required=False, help_text="Wanted skills and software, comma separated."
    )
    status = forms.ChoiceField(
        choices=[("open", "Open: match now"), ("draft", "Draft")], initial="open"
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", "—")] + [(c.pk, c.name) for c in categories]

    def data_for_service(self) -> dict:
        d = dict(self.cleaned_data)
        low, high = d.pop("budget_low"), d.pop("budget_high")
        d["budget_low_cents"] = cents_from_dollars(low) if low is not None else None
        d["budget_high_cents"] = cents_from_dollars(high)
        d["languages"], d["skills"] = _list(d["languages"]), _list(d["skills"])
        return d

    @staticmethod
    def initial_from(posting: JobPosting) -> dict:
        tags = posting.tags.all()
        return {
            **{f: getattr(posting, f) for f in (
                "title", "role", "practice_area", "attorney_work", "jurisdiction",
                "responsibilities", "secondary_tasks", "performance_metrics", "qualifications",
                "communication_channels", "check_in_frequency", "time_zone", "core_start",
                "core_end", "overlap_hours", "hours_per_week", "duration_weeks", "status")},
            "category_id": posting.category_id,
            "budget_low": posting.budget_low_cents / 100 if posting.budget_low_cents else None,
            "budget_high": posting.budget_high_cents / 100,
            "languages": ", ".join(t.value for t in tags if t.kind == "language"),
            "skills": ", ".join(t.value for t in tags if t.kind == "skill"),
        }  # fmt: skip


class RateForm(forms.Form):
    role = forms.ChoiceField(choices=ProfessionalRole.choices)
    practice_area = forms.ChoiceField(choices=PracticeArea.choices)
    years = forms.IntegerField(min_value=0, max_value=70, initial=5, label="Years of experience")
    state = forms.ChoiceField(choices=[("", "—"), *STATE_CHOICES], required=False)
    work_type = forms.ChoiceField(choices=[(k, label) for k, (_, label) in WORK_TYPES.items()])


class ProfileForm(forms.Form):
    headline = forms.CharField(max_length=200, required=False)
    bio = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    years_experience = forms.IntegerField(min_value=0, max_value=70)
    state = forms.ChoiceField(choices=[("", "—"), *STATE_CHOICES], required=False)
    time_zone = forms.CharField(max_length=64)
    work_start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    work_end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    hourly_rate = _dollars("Hourly rate ($)")
    hours_available = forms.IntegerField(min_value=0, max_value=80, label="Hours a week available")
    classification = forms.ChoiceField(choices=Classification.choices)
    phone = forms.CharField(max_length=30, required=False)
    practice_areas = forms.MultipleChoiceField(
        choices=PracticeArea.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.CharField(required=False, help_text="Two-letter codes: en, es, vi, …")
    skills = forms.CharField(required=False, help_text="Comma separated.")
    software = forms.CharField(required=False, help_text="Comma separated: Clio, Westlaw, …")

    def changes(self) -> dict:
        d = dict(self.cleaned_data)
        d["hourly_rate_cents"] = cents_from_dollars(d.pop("hourly_rate"))
        for name in ("languages", "skills", "software"):
            d[name] = _list(d[name])
        return d


class VettingStepForm(forms.Form):
    kind = forms.ChoiceField(choices=VettingStepKind.choices, label="Step")
    outcome = forms.ChoiceField(choices=Outcome.choices)
    score = forms.IntegerField(min_value=0, max_value=100, label="Rubric score (0–100)")
    reviewed_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(required=False, help_text="Up to 10 MB.")


class MatchWeightsForm(forms.Form):
    """One whole number of points per factor (the service checks the set as a whole)."""

    def __init__(self, *args, factors: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in factors.items():
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=100)

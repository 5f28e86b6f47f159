from decimal import Decimal

from django import forms

from counselbench.selfaudit import csv_import
from counselbench.selfaudit.models import FitAnswer, LicenseLevel

_YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]
_LABELS = {
    "attorneys_doing_it": "Attorneys doing non-JD work?",
    "team_falling_behind": "Team falling behind?",
    "losing_billable_time": "Losing billable time or turning work away?",
    "others_could_do_it": "Could someone else do it with clear instructions?",
    "core_practice": "Part of your core practice?",
    "sensitive": "Touches revenue or needs close supervision?",
}


def _to_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class FitAnswerForm(forms.Form):
    def __init__(self, *args, answer: FitAnswer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in _LABELS.items():
            current = getattr(answer, name, None) if answer else None
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=_YES_NO,
                coerce=_to_bool,
                empty_value=None,
                required=False,
                initial={True: "yes", False: "no"}.get(current, ""),
            )


class ChoiceForm(forms.Form):
    category_id = forms.IntegerField(required=False)


# The ROI page speaks dollars; the model speaks cents.
_MONEY = {
    "contractor_rate": "contractor_rate_cents",
    "salary": "salary_cents",
    "recruiting": "recruiting_cents",
    "provider_monthly": "provider_monthly_cents",
    "interrupted_hourly_value": "interrupted_hourly_value_cents",
    "current_hourly_value": "current_hourly_value_cents",
}


class RoiForm(forms.Form):
    hours_per_week = forms.DecimalField(
        label="Hours a week of this work",
        min_value=0,
        max_value=168,
        decimal_places=2,
        required=False,
    )
    contractor_rate = forms.DecimalField(
        label="Contractor rate ($/h)",
        min_value=0,
        max_value=100_000,
        decimal_places=2,
        required=False,
    )
    current_hourly_value = forms.DecimalField(
        label="Hourly value of who does it now ($/h)",
        min_value=0,
        max_value=100_000,
        decimal_places=2,
        required=False,
    )
    salary = forms.DecimalField(
        label="In-house salary ($/yr)",
        min_value=0,
        max_value=10_000_000,
        decimal_places=2,
        required=False,
    )
    benefits_percent = forms.DecimalField(
        label="Benefits (% of salary)", min_value=0, max_value=200, required=False
    )
    overhead_percent = forms.DecimalField(
        label="Overhead (% of salary)", min_value=0, max_value=200, required=False
    )
    recruiting = forms.DecimalField(
        label="Recruiting, one-off ($)",
        min_value=0,
        max_value=1_000_000,
        decimal_places=2,
        required=False,
    )
    provider_monthly = forms.DecimalField(
        label="Provider plan ($/month)",
        min_value=0,
        max_value=1_000_000,
        decimal_places=2,
        required=False,
    )
    calls_per_day = forms.DecimalField(
        label="Interrupting calls a day", min_value=0, max_value=500, required=False
    )
    refocus_minutes = forms.DecimalField(
        label="Minutes to refocus after each", min_value=0, max_value=480, required=False
    )
    interrupted_hourly_value = forms.DecimalField(
        label="Hourly value of who is interrupted ($/h)",
        min_value=0,
        max_value=100_000,
        decimal_places=2,
        required=False,
    )
    working_days = forms.IntegerField(
        label="Working days a year", min_value=1, max_value=366, required=False
    )
    billable_target_hours = forms.IntegerField(
        label="Billable-hour target a year", min_value=1, max_value=8784, required=False
    )

    def overrides(self) -> dict:
        """The filled-in fields as model assumptions (dollars → cents)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if value is None:
                continue
            if name in _MONEY:
                out[_MONEY[name]] = int(value * 100)
            else:
                out[name] = value
        return out

    @classmethod
    def initial_from(cls, assumptions) -> dict:
        values = assumptions.as_dict()
        initial = {name: values[name] for name in cls.base_fields if name in values}
        for name, cents_name in _MONEY.items():
            initial[name] = f"{values[cents_name] / 100:.2f}"
        return initial


class AuditForm(forms.Form):
    name = forms.CharField(max_length=200, initial="This week")
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text="Leave empty for one week.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A CSV export of your time entries.")
    csv = forms.CharField(widget=forms.HiddenInput, required=False)
    skip_invalid = forms.BooleanField(required=False, label="Skip the rows with errors")

    def text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > csv_import.MAX_BYTES:
                raise forms.ValidationError("The file is larger than 5 MB; split it.")
            raw = upload.read()
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    return raw.decode(encoding)
                except UnicodeDecodeError:
                    continue
            raise forms.ValidationError("The file is not text (CSV) in UTF-8 or Windows-1252.")
        return self.cleaned_data.get("csv") or ""


# --- The task log grid and entry edits ------------------------------------------------------

# Where the service names a field of an entry and where the grid shows it.
ENTRY_FIELD_FOR = {"user_id": "person", "minutes": "duration", "category_id": "category"}


class DurationField(forms.Field):
    """Minutes from what people type: 1.5 (hours), 1:30, 90m, 1h 30m (as in time exports)."""

    widget = forms.TextInput(attrs={"maxlength": 20, "inputmode": "decimal"})

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        try:
            return csv_import.parse_duration(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class EntryRowForm(forms.Form):
    """One row of the task-log grid. A row with neither a duration nor a description is blank
    and ignored, so the grid can keep spare rows and pre-filled people and dates."""

    person = forms.TypedChoiceField(coerce=int, label="Person")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    duration = DurationField(label="Time")
    description = forms.CharField(label="Description", max_length=500)
    category = forms.TypedChoiceField(
        coerce=int, label="Category", required=False, empty_value=None
    )

    def __init__(self, *args, people=(), categories=(), period=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = list(people)
        self.fields["category"].choices = [("", "Suggest later"), *categories]
        for field in self.fields.values():  # the grid shows labels only in its header
            field.widget.attrs["aria-label"] = field.label
        if period is not None:
            self.fields["date"].widget.attrs.update(
                {"min": period[0].isoformat(), "max": period[1].isoformat()}
            )

    def has_changed(self) -> bool:
        return any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("duration", "description")
        )


# A fresh grid offers GRID_ROWS blank rows; the keyboard adds more, up to max_num.
GRID_ROWS = 8
EntryRowFormSet = forms.formset_factory(
    EntryRowForm, extra=GRID_ROWS, max_num=200, validate_max=True
)


class EntryEditForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    duration = DurationField(label="Time")
    description = forms.CharField(label="Description", max_length=500)
    category = forms.TypedChoiceField(
        coerce=int, label="Category", required=False, empty_value=None
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Uncategorized"), *categories]


class CategoryForm(forms.Form):
    """Add or edit a task category; examples one per line."""

    name = forms.CharField(max_length=100)
    level = forms.ChoiceField(choices=LicenseLevel.choices)
    description = forms.CharField(
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    examples = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, written the way people log this work.",
    )

    def clean_examples(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["examples"].splitlines() if line.strip()]

    @staticmethod
    def initial_from(category) -> dict:
        return {
            "name": category.name,
            "level": category.level,
            "description": category.description,
            "examples": "\n".join(category.examples),
        }


class MarketRateForm(forms.Form):
    """A level's market rate in dollars (stored as cents) and where the figure comes from."""

    rate = forms.DecimalField(
        label="Hourly rate ($)", min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    source = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

"""Forms of the time pages: parse what a person types (\"1:30\" or \"90\"), the services decide."""

from __future__ import annotations

import re

from django import forms

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

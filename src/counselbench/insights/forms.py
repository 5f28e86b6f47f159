"""Forms of the insights pages: the dashboard's date range, and the client's survey answer."""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"})


class RangeForm(forms.Form):
    from_ = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, **kwargs):
        if data is not None and "from" in data:  # the URL says ?from=, Python cannot
            data = data.copy()
            data["from_"] = data.get("from")
        super().__init__(data, **kwargs)


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How satisfied are you with our work?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

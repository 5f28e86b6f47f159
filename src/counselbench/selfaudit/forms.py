from django import forms

from counselbench.selfaudit.models import FitAnswer

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

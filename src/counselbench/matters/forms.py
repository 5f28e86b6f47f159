"""Page forms for matters and delegation: they parse what a person typed into the shapes the
services take; every rule (consent, conflicts, the UPL guard, screens) stays in the services."""

from __future__ import annotations

from django import forms

from counselbench.matters.models import ClientKind, ConsentMethod, MatterStatus
from counselbench.talent.forms import STATE_CHOICES
from counselbench.talent.models import PracticeArea

PARTY_ROWS = 4
DATE = forms.DateInput(attrs={"type": "date"})


class OnAPage(forms.Form):
    """One of several forms on a page: its own id prefix, so every label finds its input."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _choices(rows, empty: str | None = None) -> list[tuple]:
    return ([("", empty)] if empty is not None else []) + list(rows)


class MatterForm(forms.Form):
    """A new matter: for an existing client, or one created inline (kind and name)."""

    client_id = forms.TypedChoiceField(label="Client", required=False, coerce=int, empty_value=None)
    new_client_name = forms.CharField(
        label="…or a new client", max_length=200, required=False, help_text="Its full name."
    )
    new_client_kind = forms.ChoiceField(
        label="New client is", choices=ClientKind.choices, initial=ClientKind.ORGANIZATION
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000, required=False
    )
    jurisdiction = forms.ChoiceField(choices=STATE_CHOICES, initial="TX")
    practice_area = forms.ChoiceField(choices=PracticeArea.choices)
    responsible_attorney_id = forms.TypedChoiceField(label="Responsible attorney", coerce=int)
    opened_on = forms.DateField(widget=DATE, required=False, help_text="Today if left empty.")
    number = forms.CharField(
        max_length=40, required=False, help_text="Left empty: the next number of the year."
    )

    def __init__(self, *args, clients=(), attorneys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].choices = _choices(((c.pk, c.name) for c in clients), "—")
        self.fields["responsible_attorney_id"].choices = [(u.pk, u.display_name) for u in attorneys]

    def clean(self):
        data = super().clean()
        if not data.get("client_id") and not (data.get("new_client_name") or "").strip():
            self.add_error("client_id", "Choose a client, or name a new one.")
        return data


def party_rows(post) -> list[dict[str, str]]:
    """The filled party rows of a form (`party_<n>_name`, `party_<n>_role`); empty rows skipped."""
    return [
        {"name": post.get(f"party_{i}_name", "").strip(), "role": post.get(f"party_{i}_role", "")}
        for i in range(1, PARTY_ROWS + 1)
        if post.get(f"party_{i}_name", "").strip()
    ]


class MatterEditForm(OnAPage):
    id_prefix = "edit"

    title = forms.CharField(max_length=200)
    status = forms.ChoiceField(choices=MatterStatus.choices)
    practice_area = forms.ChoiceField(choices=PracticeArea.choices)
    responsible_attorney_id = forms.TypedChoiceField(label="Responsible attorney", coerce=int)

    def __init__(self, *args, attorneys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_attorney_id"].choices = [(u.pk, u.display_name) for u in attorneys]


class ConsentForm(OnAPage):
    """The client's informed consent (ABA Formal Opinion 08-451)."""

    id_prefix = "consent"

    consented_by = forms.CharField(
        label="Consented for the client by", max_length=200, help_text="Name and position."
    )
    consented_on = forms.DateField(label="On", widget=DATE)
    method = forms.ChoiceField(label="How", choices=ConsentMethod.choices)
    scope = forms.CharField(
        label="Scope of the consent",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text="What outside help the client agreed to.",
    )
    markup_disclosed = forms.TypedChoiceField(
        label="Was the markup on the professional's cost disclosed?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class ConflictCheckForm(OnAPage):
    id_prefix = "check"

    professional_id = forms.TypedChoiceField(
        label="Check for", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional_id"].choices = _choices(
            (
                (e.professional_id, f"{e.professional.user.display_name} (E-{e.pk})")
                for e in engagements
            ),
            "Intake: the firm's other matters",
        )


class ReasonForm(OnAPage):
    id_prefix = "reason"

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ScreenForm(OnAPage):
    id_prefix = "screen"

    user_id = forms.TypedChoiceField(label="Person", coerce=int)
    reason = forms.CharField(max_length=300)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = _choices(people, "—")


class DocumentForm(OnAPage):
    id_prefix = "document"

    title = forms.CharField(max_length=200, required=False, help_text="The file's name if empty.")
    file = forms.FileField()


class VersionForm(OnAPage):
    id_prefix = "version"

    file = forms.FileField(label="New version")


class TaskForm(forms.Form):
    """A new task, optionally assigned at once (through the same guard as the assign form)."""

    matter_id = forms.TypedChoiceField(label="Matter", coerce=int)
    title = forms.CharField(max_length=200)
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, required=False
    )
    category_id = forms.TypedChoiceField(
        label="Category", coerce=int, help_text="Its license level decides who may do the work."
    )
    due_on = forms.DateField(label="Due", widget=DATE, required=False)
    estimate_minutes = forms.IntegerField(
        label="Estimate (minutes)", min_value=1, max_value=100_000, required=False
    )
    attorney_review_required = forms.BooleanField(
        label="Attorney review required before it is done", required=False
    )
    assign_to = forms.ChoiceField(label="Assign to", required=False)
    supervising_attorney_id = forms.TypedChoiceField(
        label="Supervising attorney",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Required for a contractor's task.",
    )

    def __init__(
        self, *args, matters=(), categories=(), assignees=(), attorneys=(), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["matter_id"].choices = [(m.pk, f"{m.number} {m.title}") for m in matters]
        self.fields["category_id"].choices = [
            (c.pk, f"{c.name} ({c.get_level_display().lower()})") for c in categories
        ]
        self.fields["assign_to"].choices = _choices(assignees, "Nobody yet")
        self.fields["supervising_attorney_id"].choices = _choices(
            ((u.pk, u.display_name) for u in attorneys), "—"
        )

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("matter_id")
        data.update(assignee_fields(data.pop("assign_to")))
        if data["supervising_attorney_id"] is None:
            data.pop("supervising_attorney_id")
        return data


def assignee_choices(members, engagements) -> list[tuple[str, list[tuple[str, str]]]]:
    """Firm members as `member:<user id>`, contractors as `engagement:<engagement id>`."""
    return [
        (
            "Firm members",
            [(f"member:{m.user_id}", f"{m.user.display_name} ({m.get_role_display()})")
             for m in members],
        ),
        (
            "Engaged professionals",
            [(f"engagement:{e.pk}",
              f"{e.professional.user.display_name} ({e.professional.get_role_display()}, E-{e.pk})")
             for e in engagements],
        ),
    ]  # fmt: skip


def assignee_fields(value: str) -> dict[str, int]:
    kind, _, pk = (value or "").partition(":")
    if not pk.isdigit():
        return {}
    return {"assignee_id" if kind == "member" else "engagement_id": int(pk)}


class AssignForm(OnAPage):
    id_prefix = "assign"

    assign_to = forms.ChoiceField(label="Assign to")
    supervising_attorney_id = forms.TypedChoiceField(
        label="Supervising attorney", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, assignees=(), attorneys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].choices = _choices(assignees, "—")
        self.fields["supervising_attorney_id"].choices = _choices(
            ((u.pk, u.display_name) for u in attorneys), "Keep the current one"
        )


class AttachForm(OnAPage):
    id_prefix = "attach"

    document_id = forms.TypedChoiceField(label="Document", coerce=int)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_id"].choices = [(d.pk, d.title) for d in documents]


class WorkProductForm(OnAPage):
    id_prefix = "work"

    title = forms.CharField(max_length=200)
    file = forms.FileField()


class CommentForm(OnAPage):
    id_prefix = "comment"

    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000
    )


class PriorPartyForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="A client or opponent you worked with.")
    note = forms.CharField(
        max_length=300, required=False, help_text="Only you see this note; firms never do."
    )

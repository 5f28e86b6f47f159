from django import forms

from counselbench.accounts.services import MAX_TOKEN_DAYS


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, required=False)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “Clio sync”.")
    organization = forms.ChoiceField(help_text="The token acts in this organization only.")
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        help_text="Leave empty for a token that lasts until revoked.",
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.slug, o.name) for o in organizations]

import zoneinfo

from django import forms

from counselbench.organizations.models import Organization, OrganizationKind, roles_for_kind

_TIME_ZONES = sorted(
    z
    for z in zoneinfo.available_timezones()
    if z.startswith(("America/", "Pacific/", "US/", "UTC"))
)


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=OrganizationKind.choices)
    time_zone = forms.ChoiceField(choices=[(z, z) for z in _TIME_ZONES], initial="America/New_York")


class SettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    time_zone = forms.ChoiceField(choices=[(z, z) for z in _TIME_ZONES])
    require_mfa = forms.BooleanField(
        label="Require two-factor authentication for every member",
        required=False,
        help_text="Members without it are sent to set it up before they can do anything else.",
    )


def role_choices(organization: Organization) -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in roles_for_kind(organization.kind)]


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField()

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(organization)

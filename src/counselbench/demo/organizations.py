"""The demo firm (Whitfield & Moreno LLP, a 4-person litigation and estate-planning firm in Austin)
and the provider it works with (Keystone Legal Talent)."""

from counselbench.demo.people import person
from counselbench.organizations.models import Membership, Organization, OrganizationKind, Role

FIRM_SLUG = "whitfield-moreno"
PROVIDER_SLUG = "keystone-legal-talent"

FIRM_PEOPLE = [
    ("dana.whitfield@whitfieldmoreno.example", "Dana Whitfield", Role.OWNER, "Managing partner"),
    ("luis.moreno@whitfieldmoreno.example", "Luis Moreno", Role.ATTORNEY, "Partner, litigation"),
    (
        "priya.shah@whitfieldmoreno.example",
        "Priya Shah",
        Role.ATTORNEY,
        "Associate, estate planning",
    ),
    (
        "grace.okafor@whitfieldmoreno.example",
        "Grace Okafor",
        Role.STAFF,
        "Office and billing manager",
    ),
]
PROVIDER_PEOPLE = [
    ("sam.reyes@keystonetalent.example", "Sam Reyes", Role.PROVIDER_ADMIN, "Provider admin"),
    ("jordan.lee@keystonetalent.example", "Jordan Lee", Role.VETTING_STAFF, "Vetting staff"),
]


def firm() -> Organization:
    return Organization.objects.get(slug=FIRM_SLUG)


def provider() -> Organization:
    return Organization.objects.get(slug=PROVIDER_SLUG)


def _organization(slug: str, name: str, kind: str, time_zone: str) -> Organization:
    org, _ = Organization.objects.update_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "time_zone": time_zone}
    )
    return org


def build(*, password: str) -> list[tuple[str, str, str]]:
    accounts = []
    groups = [
        (
            _organization(
                FIRM_SLUG, "Whitfield & Moreno LLP", OrganizationKind.LAW_FIRM, "America/Chicago"
            ),
            FIRM_PEOPLE,
        ),
        (
            _organization(
                PROVIDER_SLUG,
                "Keystone Legal Talent",
                OrganizationKind.PROVIDER,
                "America/New_York",
            ),
            PROVIDER_PEOPLE,
        ),
    ]
    for org, people in groups:
        for email, name, role, title in people:
            user = person(email, name, password)
            Membership.objects.update_or_create(
                organization=org, user=user, defaults={"role": role}
            )
            accounts.append((title, email, org.name))
    return accounts

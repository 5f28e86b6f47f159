"""Demo contract professionals: users with a professional profile and no firm membership."""

from counselbench.demo.people import person
from counselbench.organizations.models import Organization
from counselbench.talent.models import ProfessionalProfile, ProfessionalRole

PROFESSIONALS = [
    (
        "maria.alvarez@contractors.example",
        "Maria Alvarez",
        ProfessionalRole.CONTRACT_ATTORNEY,
        "Texas-licensed litigator, 9 years, discovery and motion practice",
        True,
    ),
    (
        "kevin.brooks@contractors.example",
        "Kevin Brooks",
        ProfessionalRole.PARALEGAL,
        "Certified paralegal, estate planning and probate, Clio power user",
        True,
    ),
    (
        "aisha.karimi@contractors.example",
        "Aisha Karimi",
        ProfessionalRole.VIRTUAL_RECEPTIONIST,
        "Bilingual (English/Spanish) legal receptionist and intake",
        False,
    ),
    (
        "tom.nguyen@contractors.example",
        "Tom Nguyen",
        ProfessionalRole.LEGAL_ASSISTANT,
        "Legal assistant: e-filing, calendaring, trial binders",
        False,
    ),
]


def build(*, password: str, provider: Organization) -> list[tuple[str, str, str]]:
    accounts = []
    for email, name, role, headline, via_provider in PROFESSIONALS:
        user = person(email, name, password)
        ProfessionalProfile.objects.update_or_create(
            user=user,
            defaults={
                "role": role,
                "headline": headline,
                "provider": provider if via_provider else None,
            },
        )
        where = provider.name if via_provider else "independent"
        accounts.append((ProfessionalRole(role).label, email, where))
    return accounts

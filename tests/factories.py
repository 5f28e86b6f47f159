"""factory-boy factories for every model the tests build."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from counselbench.accounts.models import User
from counselbench.organizations.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)
from counselbench.talent.models import ProfessionalProfile, ProfessionalRole

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@firm.example")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Firm {n} LLP")
    slug = factory.Sequence(lambda n: f"firm-{n}")
    kind = OrganizationKind.LAW_FIRM


class ProviderFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")
    kind = OrganizationKind.PROVIDER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ATTORNEY


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@elsewhere.example")
    role = Role.ATTORNEY
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalProfile

    user = factory.SubFactory(UserFactory)
    role = ProfessionalRole.PARALEGAL


# --- Matters and delegation (issue 6) ------------------------------------------------------------


def category(organization, key: str = "deposition-summaries"):
    """One of the firm's taxonomy categories (the shipped taxonomy, copied on first use)."""
    from counselbench.selfaudit.models import TaskCategory
    from counselbench.selfaudit.services.categories import ensure_firm_setup

    ensure_firm_setup(organization)
    return TaskCategory.objects.get(organization=organization, key=key)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matters.Client"

    organization = factory.SubFactory(OrganizationFactory)
    kind = "organization"
    name = factory.Sequence(lambda n: f"Client {n} Inc.")


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matters.Matter"

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    number = factory.Sequence(lambda n: f"2026-{n:04d}")
    title = factory.Sequence(lambda n: f"Matter {n}")
    jurisdiction = "TX"
    practice_area = "litigation"
    responsible_attorney = factory.SubFactory(UserFactory)
    opened_on = factory.LazyFunction(timezone.localdate)


class EngagementFactory(factory.django.DjangoModelFactory):
    """An engagement straight in a state (default active), without walking the state machine."""

    class Meta:
        model = "engagements.Engagement"

    organization = factory.SubFactory(OrganizationFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    title = "Litigation support"
    scope = "Paralegal support on litigation matters."
    jurisdiction = "TX"
    engagement_model = "direct"
    billing_model = "hourly"
    rate_cents = 4000
    supervising_attorney = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    state = "active"
    sent_at = factory.LazyFunction(timezone.now)

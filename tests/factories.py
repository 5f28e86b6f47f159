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

"""Tenants (organizations), who belongs to them (memberships) and how people are invited."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class OrganizationKind(models.TextChoices):
    LAW_FIRM = "law_firm", "Law firm"
    LEGAL_DEPARTMENT = "legal_department", "Legal department"
    PROVIDER = "provider", "Provider (agency / LPO)"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ATTORNEY = "attorney", "Attorney"
    STAFF = "staff", "Staff"
    PROVIDER_ADMIN = "provider_admin", "Provider admin"
    VETTING_STAFF = "vetting_staff", "Vetting staff"


FIRM_ROLES = (Role.OWNER, Role.ATTORNEY, Role.STAFF)
PROVIDER_ROLES = (Role.PROVIDER_ADMIN, Role.VETTING_STAFF)
# The role that administers an organization of each kind (members, settings, activity log).
ADMIN_ROLES = frozenset({Role.OWNER, Role.PROVIDER_ADMIN})


def roles_for_kind(kind: str) -> tuple[Role, ...]:
    return PROVIDER_ROLES if kind == OrganizationKind.PROVIDER else FIRM_ROLES


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    # A firm owner may require every member to have two-factor authentication (issue 2, §6).
    require_mfa = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganizationKind.PROVIDER

    @property
    def admin_role(self) -> Role:
        return Role.PROVIDER_ADMIN if self.is_provider else Role.OWNER


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # Staff with the billing permission handle invoices and trust (owners always may).
    billing = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"


class Invitation(models.Model):
    """An email invitation to join an organization with a role; the link is signed and expires."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address per organization; a re-invite replaces it.
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired() else "pending"

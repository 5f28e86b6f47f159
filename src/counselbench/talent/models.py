"""Contract professionals. This issue ships only what tells a professional apart from a firm member;
the talent-bench issue adds the full profile, vetting and matching (PRODUCT §2.2)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ProfessionalRole(models.TextChoices):
    CONTRACT_ATTORNEY = "contract_attorney", "Contract attorney"
    PARALEGAL = "paralegal", "Paralegal"
    LEGAL_ASSISTANT = "legal_assistant", "Legal assistant"
    INTAKE_SPECIALIST = "intake_specialist", "Intake specialist"
    VIRTUAL_RECEPTIONIST = "virtual_receptionist", "Virtual receptionist"


class ProfessionalProfile(models.Model):
    """A contract professional. Never a firm member: firm access arrives only with an engagement."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional_profile"
    )
    role = models.CharField(max_length=30, choices=ProfessionalRole.choices)
    headline = models.CharField(max_length=200, blank=True)
    provider = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="professionals",
        limit_choices_to={"kind": "provider"},
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=ProfessionalRole.values), name="professional_role_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

"""Engagements (PRODUCT §2.3–2.4): the one record that binds a firm to a professional. Every
right the professional gets at the firm flows from an engagement and ends with it."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class EngagementState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    NDA_PENDING = "nda_pending", "NDA pending"
    TRIAL = "trial", "Trial"
    ACTIVE = "active", "Active"
    ENDING = "ending", "Ending"
    ENDED = "ended", "Ended"
    DECLINED = "declined", "Declined"
    REPLACED = "replaced", "Replaced"


# While an engagement is in one of these, the professional works for the firm.
LIVE_STATES = (EngagementState.TRIAL, EngagementState.ACTIVE, EngagementState.ENDING)
# Until it reaches one of these, the professional may not be engaged twice on it.
OPEN_STATES = (EngagementState.PROPOSED, EngagementState.NDA_PENDING, *LIVE_STATES)


class EngagementModel(models.TextChoices):
    """Who the professional works through (the source material's fee-sharing warning)."""

    DIRECT = "direct", "Direct contractor (1099)"
    AGENCY = "agency", "Staffing and placement agency of record (W-2 through the agency)"
    MARKETPLACE = "marketplace", "Marketplace that disclaims being a staffing agency"


class BillingModel(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    FLAT = "flat", "Flat fee"
    MONTHLY = "monthly", "Monthly retainer"


class PayPeriod(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    SEMIMONTHLY = "semimonthly", "Twice a month (1st–15th, 16th–end)"
    MONTHLY = "monthly", "Monthly"


class Engagement(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="engagements"
    )
    professional = models.ForeignKey(
        "talent.ProfessionalProfile", on_delete=models.PROTECT, related_name="engagements"
    )
    # The provider the professional is engaged through, if any (agency of record or marketplace).
    agency = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_engagements",
    )
    posting = models.ForeignKey(
        "talent.JobPosting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
    )
    candidate = models.OneToOneField(
        "talent.Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagement",
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    title = models.CharField(max_length=200)
    scope = models.TextField()
    jurisdiction = models.CharField(max_length=2, help_text="Where the work is for (USPS code)")
    engagement_model = models.CharField(max_length=12, choices=EngagementModel.choices)
    billing_model = models.CharField(max_length=8, choices=BillingModel.choices)
    # Hourly rate, flat fee or monthly fee, by the billing model; what the professional is paid.
    rate_cents = models.PositiveIntegerField()
    markup_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(300))],
    )
    hours_per_week = models.PositiveSmallIntegerField(default=20)
    # How the professional is paid: statements per period, due this many days after it ends.
    pay_period = models.CharField(
        max_length=12, choices=PayPeriod.choices, default=PayPeriod.SEMIMONTHLY
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(90)]
    )
    supervising_attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_engagements"
    )
    start_date = models.DateField()
    trial_days = models.PositiveSmallIntegerField(default=7)
    state = models.CharField(
        max_length=12, choices=EngagementState.choices, default=EngagementState.PROPOSED
    )
    state_changed_at = models.DateTimeField(auto_now_add=True)
    # When the firm sent the offer: the professional sees the engagement from then on.
    sent_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    trial_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Set by the end: access revoked, the final statement due (the money capability bills it).
    access_revoked_at = models.DateTimeField(null=True, blank=True)
    final_statement_requested_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="engagements_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "state"], name="engagement_firm_state"),
            models.Index(fields=["professional", "state"], name="engagement_pro_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=EngagementState.values), name="engagement_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(engagement_model__in=EngagementModel.values),
                name="engagement_model_valid",
            ),
            models.CheckConstraint(
                condition=Q(billing_model__in=BillingModel.values), name="engagement_billing_valid"
            ),
            models.CheckConstraint(condition=Q(rate_cents__gt=0), name="engagement_rate_positive"),
            models.CheckConstraint(
                condition=Q(pay_period__in=PayPeriod.values), name="engagement_pay_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_terms_days__lte=90), name="engagement_payment_terms"
            ),
            models.CheckConstraint(
                condition=Q(trial_days__gte=1, trial_days__lte=90), name="engagement_trial_days"
            ),
            models.CheckConstraint(
                condition=Q(markup_percent__gte=0, markup_percent__lte=300),
                name="engagement_markup_range",
            ),
            # Through an agency or marketplace, the agency is on record.
            models.CheckConstraint(
                condition=Q(engagement_model="direct") | Q(agency__isnull=False),
                name="engagement_agency_on_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def trial_ends_on(self) -> date:
        return self.start_date + timedelta(days=self.trial_days)

    def terms(self) -> dict[str, str]:
        """The terms a classification was answered for: change one and it is asked again."""
        return {
            "engagement_model": self.engagement_model,
            "billing_model": self.billing_model,
            "rate_cents": str(self.rate_cents),
            "hours_per_week": str(self.hours_per_week),
            "agency": str(self.agency_id or ""),
            "work_state": self.professional.state,
        }

    def terms_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.terms(), sort_keys=True).encode()).hexdigest()


class EngagementEvent(models.Model):
    """One transition: who moved the engagement from which state to which, when and why."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=EngagementState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=EngagementState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


# --- Worker classification (IRS common-law factors; the ABC test where a state uses it) ---------


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class AbcTestState(models.Model):
    """A state whose law presumes employment unless all three ABC prongs hold. Editable: the
    shipped rows cite their statutes; add your state's if its law says so."""

    state = models.CharField(max_length=2, unique=True)
    law = models.CharField(max_length=300)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return self.state


class ClassificationAssessment(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="classifications"
    )
    work_state = models.CharField(max_length=2)
    answers = models.JSONField()
    abc_test_applies = models.BooleanField(default=False)
    risk = models.CharField(max_length=6, choices=Risk.choices)
    reasons = models.JSONField(default=list)
    terms_hash = models.CharField(max_length=64)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk__in=Risk.values), name="classification_risk_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_risk_display()} risk in {self.work_state}"


# --- Fee-sharing: markup rules per jurisdiction --------------------------------------------------


class MarkupPolicy(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DISCLOSURE_REQUIRED = "disclosure_required", "Allowed with disclosure to the client"
    NOT_ALLOWED = "not_allowed", "Not allowed"


class MarkupRule(models.Model):
    """Whether a firm may bill a contractor's work at a markup, per jurisdiction ("*" is the
    default for any jurisdiction without its own row). Editable; each row cites its source."""

    jurisdiction = models.CharField(max_length=2, unique=True)
    policy = models.CharField(max_length=20, choices=MarkupPolicy.choices)
    source = models.CharField(max_length=300)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["jurisdiction"]
        constraints = [
            models.CheckConstraint(
                condition=Q(policy__in=MarkupPolicy.values), name="markup_policy_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.get_policy_display()}"


# --- Click-signatures (NDA; the agreement adds its own kinds) --------------------------------


class SignatureKind(models.TextChoices):
    NDA = "nda", "Non-disclosure agreement"
    AGREEMENT_FIRM = "agreement_firm", "Engagement agreement (firm)"
    AGREEMENT_PROFESSIONAL = "agreement_professional", "Engagement agreement (professional)"


class Signature(models.Model):
    """A click-signature: who accepted which exact text (its SHA-256), when, from where."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="signatures")
    kind = models.CharField(max_length=24, choices=SignatureKind.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    text_sha256 = models.CharField(max_length=64)
    # Which version of the document (the NDA has one; agreements are re-issued).
    document_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "kind", "document_version"], name="one_signature_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} signed {self.signed_at:%Y-%m-%d}"


# --- The engagement agreement ---------------------------------------------------------------


class AgreementTemplate(models.Model):
    """A firm's agreement text with $placeholders; the shipped default until the firm edits it."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="agreement_template"
    )
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Agreement template of {self.organization_id}"


class Milestone(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    acceptance = models.CharField(max_length=500, help_text="How the firm accepts it")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Agreement(models.Model):
    """One issued version of an engagement's agreement: the exact text both sides accept."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    deliverables = models.TextField()
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "version"], name="one_agreement_version"),
        ]

    def __str__(self) -> str:
        return f"E-{self.engagement_id} agreement v{self.version}"


# --- Onboarding: the How We Work guide, the 30-day plan, the kickoff ----------------------------


class HowWeWorkGuide(models.Model):
    """The firm's guide every new professional acknowledges before their first task. Markdown,
    shown sanitized; each edit is a new version that must be acknowledged again."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="how_we_work"
    )
    key_contacts = models.TextField()
    style_guide = models.TextField()
    feedback_loop = models.TextField()
    version = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"How We Work v{self.version}"


class GuideAcknowledgement(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="guide_acknowledgements"
    )
    version = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "version"], name="one_ack_per_version"),
        ]

    def __str__(self) -> str:
        return f"E-{self.engagement_id} acknowledged v{self.version}"


class Track(models.TextChoices):
    SYSTEMS = "systems", "Systems & security"
    COMMUNICATION = "communication", "Communication cadence"
    SUCCESS = "success", "Defining success"


class ItemOwner(models.TextChoices):
    FIRM = "firm", "Firm"
    PROFESSIONAL = "professional", "Professional"


class OnboardingItem(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="onboarding_items"
    )
    track = models.CharField(max_length=16, choices=Track.choices)
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    owner = models.CharField(max_length=12, choices=ItemOwner.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(track__in=Track.values), name="onboarding_track"),
            models.CheckConstraint(
                condition=Q(owner__in=ItemOwner.values), name="onboarding_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Kickoff(models.Model):
    """The kickoff meeting, with the written confirmation sent to the professional."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="kickoff")
    held_on = models.DateField()
    notes = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Kickoff of E-{self.engagement_id}"


# --- Check-ins, reviews and the 60–90 day evaluation ----------------------------------------


class CheckInKind(models.TextChoices):
    CHECK_IN = "check_in", "Check-in"
    MONTHLY_REVIEW = "monthly_review", "Monthly review"
    EVALUATION = "evaluation", "60–90 day evaluation"


class CheckIn(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="checkins")
    kind = models.CharField(max_length=16, choices=CheckInKind.choices)
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=15)
    held_at = models.DateTimeField(null=True, blank=True)
    # The agenda: what's working / roadblocks / one improvement for next week.
    working = models.TextField(blank=True)
    roadblocks = models.TextField(blank=True)
    improvement = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    # The evaluation form's answers (kind "evaluation"): {factor: 1–5, "recommendation": ...}.
    evaluation = models.JSONField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Review cadence (insights): the supervising attorney is reminded before a monthly review or
    # the evaluation, and once more if it is overdue.
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CheckInKind.values), name="checkin_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_at:%Y-%m-%d}"


class ActionItem(models.Model):
    """Agreed at a check-in; open items carry to the next one until done."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="action_items"
    )
    raised_at = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=500)
    owner = models.CharField(max_length=12, choices=ItemOwner.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="closed_items"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


# --- The end: data certificate and rating -------------------------------------------------------


class DataDisposition(models.TextChoices):
    RETURNED = "returned", "Returned to the firm"
    DESTROYED = "destroyed", "Destroyed"


class DataCertificate(models.Model):
    """Asked for when the engagement ends; the professional certifies return or destruction."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="data_certificate"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    disposition = models.CharField(max_length=10, choices=DataDisposition.choices, blank=True)
    statement = models.TextField(blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    certified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Data certificate of E-{self.engagement_id}"


class EngagementRating(models.Model):
    """The firm's rating at the end (1–5 per factor and a comment); feeds matching."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="rating")
    scores = models.JSONField()
    overall = models.DecimalField(max_digits=3, decimal_places=2)
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"E-{self.engagement_id} rated {self.overall}"

"""The talent bench (PRODUCT §2.2): professionals' profiles and bar admissions, the four-step
vetting pipeline with a soft-skills assessment, job postings, matching weights, the candidates
of a posting with their structured interviews, and rate benchmarks.

Multi-valued profile facts (practice areas, languages, skills, software) are rows of `ProfileTag`
rather than lists in a JSON column, so matching filters and scores them in SQL on SQLite and
PostgreSQL alike.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from counselbench.organizations.models import Organization

# --- Vocabularies ------------------------------------------------------------------------------


class ProfessionalRole(models.TextChoices):
    CONTRACT_ATTORNEY = "contract_attorney", "Contract attorney"
    PARALEGAL = "paralegal", "Paralegal"
    LEGAL_ASSISTANT = "legal_assistant", "Legal assistant"
    INTAKE_SPECIALIST = "intake_specialist", "Intake specialist"
    VIRTUAL_RECEPTIONIST = "virtual_receptionist", "Virtual receptionist"


class PracticeArea(models.TextChoices):
    LITIGATION = "litigation", "Civil litigation"
    FAMILY = "family", "Family law"
    ESTATE_PLANNING = "estate_planning", "Estate planning and probate"
    REAL_ESTATE = "real_estate", "Real estate"
    CORPORATE = "corporate", "Corporate and transactional"
    EMPLOYMENT = "employment", "Employment"
    IMMIGRATION = "immigration", "Immigration"
    PERSONAL_INJURY = "personal_injury", "Personal injury"
    CRIMINAL = "criminal", "Criminal defense"
    BANKRUPTCY = "bankruptcy", "Bankruptcy"
    INTELLECTUAL_PROPERTY = "intellectual_property", "Intellectual property"
    TAX = "tax", "Tax"
    INSURANCE_DEFENSE = "insurance_defense", "Insurance defense"
    GENERAL = "general", "General practice"


class TagKind(models.TextChoices):
    PRACTICE_AREA = "practice_area", "Practice area"
    LANGUAGE = "language", "Language"
    SKILL = "skill", "Skill"
    SOFTWARE = "software", "Software"


class Classification(models.TextChoices):
    CONTRACTOR_1099 = "1099", "Independent contractor (1099)"
    W2_AGENCY = "w2_agency", "W-2 through an agency"
    EITHER = "either", "Either"


# --- Profiles ----------------------------------------------------------------------------------


class ProfessionalProfile(models.Model):
    """A contract professional. Never a firm member: firm access arrives only with an engagement.

    `vetted_at` is the date the professional's current vetting began to count (the oldest of the
    latest passing steps); it is None until every step passed. Whether that is still fresh depends
    on the re-verification interval, so "vetted" is decided at query time (see selectors)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional_profile"
    )
    role = models.CharField(max_length=30, choices=ProfessionalRole.choices)
    headline = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    provider = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="professionals",
        limit_choices_to={"kind": "provider"},
    )
    years_experience = models.PositiveSmallIntegerField(default=0)
    country = models.CharField(max_length=2, default="US")
    state = models.CharField(max_length=2, blank=True)  # USPS code, for US residents
    time_zone = models.CharField(max_length=64, default="America/New_York")
    work_start = models.TimeField(default=time(9))  # local to time_zone
    work_end = models.TimeField(default=time(17))
    # The working hours in minutes after 00:00 UTC on a standard-time day, end > start (it may
    # pass 1440): what matching compares with a posting's core hours in SQL.
    work_start_utc = models.PositiveSmallIntegerField(default=14 * 60)
    work_end_utc = models.PositiveSmallIntegerField(default=22 * 60)
    hourly_rate_cents = models.PositiveIntegerField(default=0)
    hours_available = models.PositiveSmallIntegerField(default=0)  # a week
    classification = models.CharField(
        max_length=10, choices=Classification.choices, default=Classification.EITHER
    )
    phone = models.CharField(max_length=30, blank=True)
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    soft_skills_score = models.PositiveSmallIntegerField(null=True, blank=True)  # 0–100
    vetted_at = models.DateField(null=True, blank=True)
    # Denormalized for matching (see talent/indexing.py): "|kind:value|…|" of the profile's tags,
    # and "|TX|CA|" of its active, verified bar admissions. Tests check them against the rows.
    tag_index = models.TextField(default="|", editable=False)
    bar_states = models.CharField(max_length=200, default="|", editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__email"]
        indexes = [models.Index(fields=["role", "vetted_at"], name="talent_role_vetted")]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=ProfessionalRole.values), name="professional_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(soft_skills_score__isnull=True) | Q(soft_skills_score__lte=100),
                name="professional_soft_skills_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_attorney(self) -> bool:
        return self.role == ProfessionalRole.CONTRACT_ATTORNEY


class ProfileTag(models.Model):
    """One practice area, language (ISO 639-1), skill or software of a profile, normalized."""

    profile = models.ForeignKey(ProfessionalProfile, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20, choices=TagKind.choices)
    value = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "value"]
        indexes = [models.Index(fields=["kind", "value", "profile"], name="talent_tag_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "value"], name="profile_tag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class BarStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    SUSPENDED = "suspended", "Suspended"
    DISBARRED = "disbarred", "Disbarred"


class BarAdmission(models.Model):
    """An attorney's admission in one state. Counts for matching only when active and verified."""

    profile = models.ForeignKey(
        ProfessionalProfile, on_delete=models.CASCADE, related_name="bar_admissions"
    )
    state = models.CharField(max_length=2)
    number = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=BarStatus.choices, default=BarStatus.ACTIVE)
    admitted_on = models.DateField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verification_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["state"]
        indexes = [models.Index(fields=["state", "status", "profile"], name="talent_bar_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["profile", "state"], name="bar_admission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.state} #{self.number} ({self.status})"


# --- Vetting -----------------------------------------------------------------------------------


class VettingStepKind(models.TextChoices):
    RESUME = "resume", "Resume screen"
    VIDEO = "video", "Video interview"
    SKILLS = "skills", "Skills test"
    BACKGROUND = "background", "Background and reference checks"


VETTING_ORDER = [k.value for k in VettingStepKind]


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"


class VettingStep(models.Model):
    """One decision in the pipeline. Decisions are never edited: a new one supersedes the last."""

    profile = models.ForeignKey(
        ProfessionalProfile, on_delete=models.CASCADE, related_name="vetting_steps"
    )
    kind = models.CharField(max_length=12, choices=VettingStepKind.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    score = models.PositiveSmallIntegerField()  # rubric score, 0–100
    notes = models.TextField(blank=True)
    evidence = models.FileField(upload_to="vetting/%Y/%m/", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["profile", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="vetting_score_range"),
            models.CheckConstraint(
                condition=Q(kind__in=VettingStepKind.values), name="vetting_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.outcome}"


class SoftSkill(models.TextChoices):
    ACCOUNTABILITY = "accountability", "Accountability"
    PROACTIVITY = "proactivity", "Proactivity"
    COLLABORATION = "collaboration", "Collaboration"
    ATTENTION_TO_DETAIL = "attention_to_detail", "Attention to detail"
    COMMUNICATION = "communication", "Communication"


class SoftSkillAssessment(models.Model):
    """The published rubric's ratings (1–5 per skill); the score is their mean as 0–100."""

    profile = models.ForeignKey(
        ProfessionalProfile, on_delete=models.CASCADE, related_name="soft_skill_assessments"
    )
    ratings = models.JSONField()  # {skill: 1..5}
    notes = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["profile", "recorded_at"]

    def __str__(self) -> str:
        return f"Soft skills {self.score}/100"


# --- Postings ----------------------------------------------------------------------------------


class PostingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"


class CheckInFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    TWICE_WEEKLY = "twice_weekly", "Twice a week"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"


class JobPosting(models.Model):
    """What a firm needs, with the fields the source material asks for. Professionals see it
    without the firm's identity (see `anonymized`)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="postings"
    )
    title = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=ProfessionalRole.choices)
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices)
    category = models.ForeignKey(
        "selfaudit.TaskCategory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postings",
        help_text="The process being outsourced, from the self-audit's taxonomy.",
    )
    attorney_work = models.BooleanField(
        default=False, help_text="Includes attorney-level work: needs a bar admission."
    )
    jurisdiction = models.CharField(max_length=2, help_text="USPS state code of the matters.")
    responsibilities = models.TextField()
    secondary_tasks = models.TextField(blank=True)
    performance_metrics = models.TextField(blank=True)
    qualifications = models.TextField(blank=True)
    communication_channels = models.CharField(max_length=200, blank=True)
    check_in_frequency = models.CharField(
        max_length=15, choices=CheckInFrequency.choices, default=CheckInFrequency.WEEKLY
    )
    time_zone = models.CharField(max_length=64, default="America/New_York")
    core_start = models.TimeField(default=time(9))
    core_end = models.TimeField(default=time(17))
    core_start_utc = models.PositiveSmallIntegerField(default=14 * 60)
    core_end_utc = models.PositiveSmallIntegerField(default=22 * 60)
    overlap_hours = models.PositiveSmallIntegerField(default=4)
    hours_per_week = models.PositiveSmallIntegerField()
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    budget_low_cents = models.PositiveIntegerField(null=True, blank=True)
    budget_high_cents = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_low_cents__isnull=True)
                | Q(budget_low_cents__lte=models.F("budget_high_cents")),
                name="posting_budget_order",
            ),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="posting_hours"),
        ]

    def __str__(self) -> str:
        return self.title


class PostingTag(models.Model):
    """A language the work needs (required) or a skill/software wanted (scored)."""

    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20, choices=TagKind.choices)
    value = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "kind", "value"], name="posting_tag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class MatchWeights(models.Model):
    """A firm's weights for the ranked score (points out of their sum)."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="match_weights"
    )
    practice_area = models.PositiveSmallIntegerField(default=25)
    skills = models.PositiveSmallIntegerField(default=20)
    experience = models.PositiveSmallIntegerField(default=15)
    time_zone = models.PositiveSmallIntegerField(default=15)
    rate = models.PositiveSmallIntegerField(default=10)
    soft_skills = models.PositiveSmallIntegerField(default=10)
    ratings = models.PositiveSmallIntegerField(default=5)

    def __str__(self) -> str:
        return f"Match weights of {self.organization_id}"


# --- Candidates and structured interviews -------------------------------------------------------


class CandidateState(models.TextChoices):
    SHORTLISTED = "shortlisted", "Shortlisted"
    INVITED = "invited", "Invited to interview"
    INTERVIEWED = "interviewed", "Interviewed"
    SELECTED = "selected", "Selected"
    REJECTED = "rejected", "Not selected"
    REPLACED = "replaced", "Replaced"


class Candidate(models.Model):
    """A professional on a posting's shortlist, with the score and reasons they had then."""

    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="candidates")
    professional = models.ForeignKey(
        ProfessionalProfile, on_delete=models.CASCADE, related_name="candidacies"
    )
    state = models.CharField(
        max_length=12, choices=CandidateState.choices, default=CandidateState.SHORTLISTED
    )
    score = models.DecimalField(max_digits=5, decimal_places=1)
    explanation = models.JSONField(default=list)
    agreed_rate_cents = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "professional"], name="candidate_once_per_posting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} on {self.posting_id}: {self.state}"


class InterviewQuestion(models.Model):
    """The same questions for every candidate of a posting, each scored 1–5 on its rubric."""

    posting = models.ForeignKey(
        JobPosting, on_delete=models.CASCADE, related_name="interview_questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    rubric = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["posting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "position"], name="question_position")
        ]

    def __str__(self) -> str:
        return self.text


class InterviewScore(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(InterviewQuestion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "question"], name="one_score_a_question"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="interview_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


# --- Rates -------------------------------------------------------------------------------------


class AcceptedRate(models.Model):
    """A rate a firm agreed with a professional (at selection): the installation's own data,
    blended into rate suggestions once a segment has enough of them."""

    role = models.CharField(max_length=30, choices=ProfessionalRole.choices)
    years_experience = models.PositiveSmallIntegerField()
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices)
    state = models.CharField(max_length=2, blank=True)
    hourly_rate_cents = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)
    candidate = models.OneToOneField(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="accepted_rate"
    )

    class Meta:
        indexes = [models.Index(fields=["role", "years_experience"], name="talent_accepted_seg")]

    def __str__(self) -> str:
        return f"{self.role}: {self.hourly_rate_cents / 100:.2f}/h"


# --- Provider directory and scorecards -----------------------------------------------------------


class Provider(Organization):
    """Agencies, LPOs and talent platforms as a directory firms browse (a view of Organization)."""

    class Meta:
        proxy = True
        ordering = ["name"]


class ProviderScorecard(models.Model):
    """A firm's evaluation of a provider: an answer and a weak / adequate / strong rating for each
    question (talent/providers.py), and which side of "talent platform vs traditional LPO" each
    trait falls on."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="provider_scorecards"
    )
    provider = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="scorecards"
    )
    answers = models.JSONField(default=dict)  # {question: {"answer": str, "rating": 0|1|2}}
    traits = models.JSONField(default=dict)  # {trait: "platform" | "lpo"}
    notes = models.TextField(blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "provider"], name="one_scorecard_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} on {self.provider_id}"

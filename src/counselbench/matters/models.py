"""Matters and secure delegation (PRODUCT §2.3, §2.5): clients, matters and their parties, the
client's consent to outside help, conflict checks, tasks, encrypted documents, need-to-know grants,
ethical walls and access alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from counselbench.talent.models import PracticeArea


class ClientKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


class Client(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="clients"
    )
    kind = models.CharField(max_length=12, choices=ClientKind.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organization", "name"], name="client_firm_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClientKind.values), name="client_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClientContact(models.Model):
    """A person at an organizational client (general counsel, claims manager...)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class MatterStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class Matter(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="matters"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="matters")
    number = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    jurisdiction = models.CharField(max_length=2, help_text="USPS code of the governing state")
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices)
    responsible_attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsible_matters"
    )
    status = models.CharField(
        max_length=10, choices=MatterStatus.choices, default=MatterStatus.OPEN
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"], name="matter_firm_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="matter_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=MatterStatus.values), name="matter_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="matter_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PartyRole(models.TextChoices):
    CLIENT = "client", "Client"
    ADVERSE = "adverse", "Adverse party"
    COUNSEL = "counsel", "Opposing counsel"
    WITNESS = "witness", "Witness"


class Party(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    # The name as the conflict matcher compares it (matters.conflicts.normalize).
    normalized = models.CharField(max_length=200, editable=False, db_index=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "name", "pk"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=PartyRole.values), name="party_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class PriorParty(models.Model):
    """A party the professional worked for or against before, declared for conflict checks."""

    profile = models.ForeignKey(
        "talent.ProfessionalProfile", on_delete=models.CASCADE, related_name="prior_parties"
    )
    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, editable=False)
    note = models.CharField(max_length=300, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "prior parties"

    def __str__(self) -> str:
        return self.name


class ConsentMethod(models.TextChoices):
    ENGAGEMENT_LETTER = "engagement_letter", "Engagement letter"
    WRITTEN = "written", "Signed writing"
    EMAIL = "email", "Email"
    VERBAL = "verbal", "Verbal, confirmed in the file"


class Consent(models.Model):
    """The client's informed consent to outside help on this matter (ABA Formal Opinion 08-451).
    No contractor gets any access to the matter while none is in force."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="consents")
    consented_by = models.CharField(max_length=200, help_text="Who gave consent for the client")
    consented_on = models.DateField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    scope = models.TextField()
    markup_disclosed = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"], condition=Q(withdrawn_at__isnull=True), name="consent_one_live"
            ),
            models.CheckConstraint(
                condition=Q(method__in=ConsentMethod.values), name="consent_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent by {self.consented_by} on {self.consented_on}"


class ConflictStatus(models.TextChoices):
    CLEAR = "clear", "No conflict found"
    HITS = "hits", "Possible conflict: an attorney must clear it"
    CLEARED = "cleared", "Cleared by an attorney"


class ConflictCheck(models.Model):
    """One run of the conflict check on a matter: at intake (no professional) or before a
    professional's access. `hits` never holds another firm's names (cross-firm privacy)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="conflict_checks")
    professional = models.ForeignKey(
        "talent.ProfessionalProfile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflict_checks",
    )
    status = models.CharField(max_length=8, choices=ConflictStatus.choices)
    hits = models.JSONField(default=list)
    threshold = models.PositiveSmallIntegerField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    run_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clearance_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-run_at", "-pk"]
        indexes = [models.Index(fields=["matter", "professional"], name="conflict_matter_pro")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConflictStatus.values), name="conflict_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="cleared") | Q(cleared_at__isnull=False),
                name="conflict_cleared_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Conflict check on {self.matter_id}: {self.status}"

    @property
    def passed(self) -> bool:
        return self.status in (ConflictStatus.CLEAR, ConflictStatus.CLEARED)


# --- Tasks --------------------------------------------------------------------------------------


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    NEEDS_REWORK = "needs_rework", "Needs rework"
    DONE = "done", "Done"


OPEN_TASK_STATES = (
    TaskStatus.TODO,
    TaskStatus.IN_PROGRESS,
    TaskStatus.SUBMITTED,
    TaskStatus.NEEDS_REWORK,
)


class Task(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="matter_tasks"
    )
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    # The audit taxonomy's category, so the task carries a license level (the UPL guard).
    category = models.ForeignKey(
        "selfaudit.TaskCategory", on_delete=models.PROTECT, related_name="matter_tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    # Set when the assignee is a contractor: the engagement they do this work under.
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    supervising_attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_tasks",
    )
    due_on = models.DateField(null=True, blank=True)
    estimate_minutes = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO)
    rework_count = models.PositiveSmallIntegerField(default=0)
    attorney_review_required = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The first time each state was reached (turnaround is measured from them); the full history
    # is in TaskEvent.
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["matter", "status"], name="task_matter_status"),
            models.Index(fields=["engagement", "status"], name="task_engagement_status"),
            models.Index(fields=["organization", "status"], name="task_firm_status"),
            models.Index(fields=["assignee", "status"], name="task_assignee_status"),
            # Insights: tasks finished in a date range, and the backlog on a past day.
            models.Index(fields=["organization", "done_at"], name="task_firm_done"),
            models.Index(fields=["organization", "created_at"], name="task_firm_created"),
            # A time entry's task category read from the index alone, when entries are joined
            # to their tasks by the thousand (insights: attorney time on outsourceable work).
            models.Index(fields=["id", "category"], name="task_category_lookup"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            # A contractor's task names the contractor and their supervising attorney.
            models.CheckConstraint(
                condition=Q(engagement__isnull=True)
                | Q(assignee__isnull=False, supervising_attorney__isnull=False),
                name="task_contractor_supervised",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.DONE


class TaskEvent(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class TaskReview(models.Model):
    """The supervising attorney's review of submitted work (PRODUCT §2.3: work flagged "attorney
    review required" reaches done only with this recorded)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REWORK = "rework", "Sent back for rework"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return self.get_outcome_display()


# --- Documents and grants ------------------------------------------------------------------------


class Document(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="documents"
    )
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["matter", "title"], name="document_matter_title")]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded version. The stored bytes are encrypted (matters.crypto): `wrapped_key` is the
    file's own data key, encrypted under the master key named by `key_id`."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # of the plaintext, to verify a download
    storage_name = models.CharField(max_length=300, unique=True)
    key_id = models.CharField(max_length=40)
    wrapped_key = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        indexes = [models.Index(fields=["key_id"], name="docversion_key")]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="docversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} v{self.number}"


class TaskDocument(models.Model):
    """A document attached to a task: what the task's assignee needs to know."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attached_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "document"], name="task_document_unique"),
        ]

    def __str__(self) -> str:
        return f"Document {self.document_id} on task {self.task_id}"


class Grant(models.Model):
    """A contractor's need-to-know access to one document, for one task. In effect only while
    it is not revoked, the task is open and the engagement live (access.policy checks all three
    on every read, so closing the task or ending the engagement cuts access at once; the
    services also stamp `revoked_at` then, for the record)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="grants")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="grants")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_grants"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        indexes = [
            models.Index(fields=["grantee", "document"], name="grant_grantee_document"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "document", "grantee"],
                condition=Q(revoked_at__isnull=True),
                name="grant_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"Grant {self.document_id} → {self.grantee_id} for task {self.task_id}"


class Screen(models.Model):
    """An ethical wall: this person is screened from this matter. An explicit deny that
    overrides every grant and role (ABA Model Rule 1.10(a)(2))."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="screens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "matter"], name="screen_user_matter")]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "user"], condition=Q(removed_at__isnull=True), name="screen_live"
            ),
        ]

    def __str__(self) -> str:
        return f"User {self.user_id} screened from matter {self.matter_id}"


class AlertRule(models.TextChoices):
    DOWNLOAD_VOLUME = "download_volume", "Many downloads in an hour"
    OFF_HOURS = "off_hours", "Access outside declared working hours"
    DENIED_BURST = "denied_burst", "A burst of denied requests"


class AccessAlert(models.Model):
    """Unusual access, raised by the anomaly job (matters.services.alerts) for the firm's owner."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="access_alerts"
    )
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rule = models.CharField(max_length=20, choices=AlertRule.choices)
    summary = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    # The hour the unusual access happened in: one alert per rule, person and hour.
    window_start = models.DateTimeField()
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "rule", "subject", "window_start"],
                name="alert_once_per_window",
            ),
            models.CheckConstraint(condition=Q(rule__in=AlertRule.values), name="alert_rule_valid"),
        ]

    def __str__(self) -> str:
        return self.summary

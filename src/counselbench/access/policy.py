"""THE access policy: who may do what to which object, and which objects each actor may see.

Two questions, answered here and nowhere else:
- `can(actor, action, obj)` — may this actor do this to that object (or, given a model class,
  to that kind of object)?
- `visible(actor, Model)` — the queryset of objects of this kind the actor may see.

Selectors start from `visible`; objects named in a URL are fetched with `fetch`, which answers 404
across tenants and 403 for an object the actor may see but not change. Deny by default: a model
without a rule here is visible to nobody. Later capabilities add their rules to the tables below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from allauth.mfa.models import Authenticator
from django.db import models
from django.http import HttpRequest

from counselbench.access.models import AccessLogEntry
from counselbench.accounts.models import ApiToken, User
from counselbench.billing.models import (
    BillingRate,
    ContractorStatement,
    CreditNote,
    Invoice,
    Payment,
    TimeEntry,
)
from counselbench.core.errors import CoreErrorCode, NotFound, PermissionDenied
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.insights.models import SatisfactionSurvey, ScalingSignal
from counselbench.intake.models import (
    Appointment,
    Availability,
    AvailabilityException,
    CalendarFeed,
    CallEvent,
    ConsultationType,
    IntakeForm,
    IntakeProfile,
    IntakeQuestion,
    IntakeRefusal,
    Lead,
    LeadEvent,
    Message,
    ReceptionEntry,
    RoutingRule,
    Shift,
)
from counselbench.matters.models import (
    OPEN_TASK_STATES,
    AccessAlert,
    Client,
    ConflictCheck,
    Consent,
    Document,
    DocumentVersion,
    Grant,
    Matter,
    Party,
    PriorParty,
    Screen,
    Task,
    TaskComment,
    TaskDocument,
)
from counselbench.organizations.models import (
    ADMIN_ROLES,
    Invitation,
    Membership,
    Organization,
    Role,
)
from counselbench.selfaudit.models import (
    AuditPeriod,
    MarketRate,
    Participant,
    TaskCategory,
    TaskEntry,
)
from counselbench.talent.models import (
    BarAdmission,
    Candidate,
    JobPosting,
    MatchWeights,
    ProfessionalProfile,
    ProfessionalRole,
    Provider,
    ProviderScorecard,
    VettingStep,
)
from counselbench.trust.models import (
    BankStatementLine,
    Reconciliation,
    Replenishment,
    Retainer,
    TrustAccount,
    TrustLedger,
    TrustRequest,
    TrustTransaction,
)

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    # Organization-level powers.
    MANAGE = "manage"  # settings, members, invitations, activity log
    INVITE = "invite"
    ACT_IN = "act_in"  # make this organization the current one
    # Self-audit: hourly values are visible to owners and attorneys only (issue 3).
    VIEW_HOURLY_VALUES = "view_hourly_values"
    LOG_TIME = "log_time"  # add task entries to an audit
    # Talent bench (issue 4).
    VET = "vet"  # record vetting decisions and verify bar admissions of a professional
    SEE_CONTACT = "see_contact"  # a professional's email and phone (engagements reveal them)
    # Engagements (issue 5).
    SIGN = "sign"  # the professional's own acts on their engagement: sign the NDA, decline
    # Matters and delegation (issue 6).
    ASSIGN = "assign"  # give a task to someone (the UPL guard runs in the service)
    WORK = "work"  # the assignee's own acts on a task: start, submit, attach work product
    REVIEW = "review"  # send submitted work back, or accept it as done
    CLEAR = "clear"  # clear a conflict-check hit, with a reason
    GRANT = "grant"  # grant or revoke a contractor's need-to-know access to a document
    # Money (issue 7).
    AUTHORIZE = "authorize"  # money out of trust, reversals, reconciliation sign-off: attorneys
    # Intake (issue 8).
    CONVERT = "convert"  # turn a lead into a client and matter: owners and attorneys
    # Insights (issue 9).
    VIEW_METRICS = "view_metrics"  # a firm's dashboard, or one engagement's scorecard
    VIEW_PAY = "view_pay"  # what an engagement costs: owners, its attorney, the professional


@dataclass(frozen=True)
class Actor:
    """Who is asking, resolved once per request: the user, the organization they act in and their
    role there. `engagements` is filled by the engagements capability (a contractor's firm
    access)."""

    user: User | None
    organization: Organization | None = None
    role: Role | None = None
    token: ApiToken | None = None
    engagements: tuple[Any, ...] = field(default_factory=tuple)
    # Facts about the user, when the authentication already learned them (None: look them up).
    two_factor: bool | None = None
    professional: bool | None = None
    # Facts looked up once per request, on first use (the actor itself is immutable).
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def authenticated_user(self) -> User:
        """The user, for code that runs only for signed-in actors; refuses otherwise."""
        if self.user is None:
            raise PermissionDenied("Sign in first.", code=CoreErrorCode.NOT_AUTHENTICATED)
        return self.user

    @property
    def current_organization(self) -> Organization:
        """The organization acted in, for code that needs one; 404 for an actor without one."""
        if self.organization is None:
            raise NotFound("You are not acting in an organization.")
        return self.organization

    @property
    def is_org_admin(self) -> bool:
        return self.organization is not None and self.role in ADMIN_ROLES

    def has_two_factor(self) -> bool:
        if self.two_factor is not None:
            return self.two_factor
        return Authenticator.objects.filter(
            user=self.authenticated_user, type=Authenticator.Type.TOTP
        ).exists()

    def engaged_professional_ids(self) -> frozenset[int]:
        """The professionals with a live engagement (trial to ending) at the acting firm."""
        if "engaged" not in self._memo:
            ids: frozenset[int] = frozenset()
            if self.organization is not None:
                ids = frozenset(
                    Engagement.objects.filter(
                        organization=self.organization, state__in=LIVE_STATES
                    ).values_list("professional_id", flat=True)
                )
            self._memo["engaged"] = ids
        return self._memo["engaged"]

    def screened_matter_ids(self) -> frozenset[int]:
        """The matters an ethical wall keeps this user out of (looked up once per request)."""
        if "screened" not in self._memo:
            self._memo["screened"] = frozenset(
                Screen.objects.filter(user=self.user, removed_at__isnull=True).values_list(
                    "matter_id", flat=True
                )
            )
        return self._memo["screened"]

    def may_bill(self) -> bool:
        """Owners, and staff given the billing permission, handle invoices, statements and trust
        (issue 7)."""
        if self.organization is None:
            return False
        if self.role == Role.OWNER:
            return True
        if self.role != Role.STAFF:
            return False
        if "billing" not in self._memo:
            self._memo["billing"] = Membership.objects.filter(
                user=self.user, organization=self.organization, billing=True
            ).exists()
        return self._memo["billing"]

    def reception_firm_ids(self) -> frozenset[int]:
        """The firms whose front desk this actor works: a firm member's own firm, or, for a
        contractor, each firm with a live engagement of theirs as receptionist or intake
        specialist (issue 8). They see leads and the reception log there, not matters or money."""
        if "reception" not in self._memo:
            ids: frozenset[int] = frozenset()
            if self.organization is not None:
                if self.role in (Role.OWNER, Role.ATTORNEY, Role.STAFF):
                    ids = frozenset({self.organization.pk})
            elif self.user is not None and self.is_professional:
                ids = frozenset(
                    Engagement.objects.filter(
                        professional__user=self.user,
                        professional__role__in=RECEPTION_ROLES,
                        state__in=LIVE_STATES,
                    ).values_list("organization_id", flat=True)
                )
            self._memo["reception"] = ids
        return self._memo["reception"]

    @property
    def is_professional(self) -> bool:
        if self.professional is not None:
            return self.professional
        return self.user is not None and hasattr(self.user, "professional_profile")


ANONYMOUS = Actor(user=None)

# The professionals who work a firm's front desk under an engagement.
RECEPTION_ROLES = (ProfessionalRole.VIRTUAL_RECEPTIONIST, ProfessionalRole.INTAKE_SPECIALIST)


class ActorRequest(HttpRequest):
    """A request after ActorMiddleware (or API authentication) has resolved its actor."""

    actor: Actor


def actor_for(
    user: User | None, organization: Organization | None = None, *, token: ApiToken | None = None
) -> Actor:
    """The actor for a user acting in an organization; no membership there means no organization."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    role = None
    if organization is not None:
        role = (
            Membership.objects.filter(user=user, organization=organization)
            .values_list("role", flat=True)
            .first()
        )
        if role is None:
            organization = None
    return Actor(
        user=user, organization=organization, role=Role(role) if role else None, token=token
    )


# --- Visibility: which rows of each model an actor may see -------------------------------------


def _organizations(actor: Actor) -> models.QuerySet:
    return Organization.objects.filter(memberships__user=actor.authenticated_user)


def _memberships(actor: Actor) -> models.QuerySet:
    if actor.organization is None:
        return Membership.objects.none()
    return Membership.objects.filter(organization=actor.organization)


def _invitations(actor: Actor) -> models.QuerySet:
    if not actor.is_org_admin:
        return Invitation.objects.none()
    return Invitation.objects.filter(organization=actor.organization)


def _tokens(actor: Actor) -> models.QuerySet:
    return ApiToken.objects.filter(user=actor.user)


def _users(actor: Actor) -> models.QuerySet:
    me = actor.authenticated_user
    if actor.organization is None:
        return User.objects.filter(pk=me.pk)
    return User.objects.filter(
        models.Q(pk=me.pk) | models.Q(memberships__organization=actor.organization)
    ).distinct()


def _access_log(actor: Actor) -> models.QuerySet:
    if not actor.is_org_admin:
        return AccessLogEntry.objects.none()
    return AccessLogEntry.objects.filter(organization_id=actor.current_organization.pk)


FIRM_ROLES_SEEING_VALUES = frozenset({Role.OWNER, Role.ATTORNEY})


def _in_firm(actor: Actor) -> bool:
    return actor.organization is not None and actor.role in (Role.OWNER, Role.ATTORNEY, Role.STAFF)


def _audits(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return AuditPeriod.objects.none()
    return AuditPeriod.objects.filter(organization=actor.organization)


def _participants(actor: Actor) -> models.QuerySet:
    return Participant.objects.filter(audit__in=_audits(actor))


def _entries(actor: Actor) -> models.QuerySet:
    entries = TaskEntry.objects.filter(audit__in=_audits(actor))
    if actor.role == Role.STAFF:  # staff see only their own entries
        entries = entries.filter(participant__user=actor.user)
    return entries


def _categories(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return TaskCategory.objects.none()
    return TaskCategory.objects.filter(organization=actor.organization)


def _market_rates(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return MarketRate.objects.none()
    return MarketRate.objects.filter(organization=actor.organization)


# --- Talent bench: a professional sees their own profile; their provider's admins and vetting
# staff see the provider's network; firms see vetted professionals and their own candidates.

PROVIDER_STAFF = (Role.PROVIDER_ADMIN, Role.VETTING_STAFF)


def _provider_staff(actor: Actor) -> bool:
    return (
        actor.organization is not None
        and actor.organization.is_provider
        and actor.role in PROVIDER_STAFF
    )


def _profiles(actor: Actor) -> models.QuerySet:
    profiles = ProfessionalProfile.objects.all()
    if _provider_staff(actor):
        return profiles.filter(provider=actor.organization)
    if _in_firm(actor):
        ours = Candidate.objects.filter(
            professional=models.OuterRef("pk"), posting__organization=actor.organization
        )
        engaged = Engagement.objects.filter(
            professional=models.OuterRef("pk"), organization=actor.organization
        )
        return profiles.filter(
            models.Q(vetted_at__isnull=False) | models.Exists(ours) | models.Exists(engaged)
        )
    return profiles.filter(user=actor.user)


def _bar_admissions(actor: Actor) -> models.QuerySet:
    return BarAdmission.objects.filter(profile__in=_profiles(actor))


def _vetting_steps(actor: Actor) -> models.QuerySet:
    return VettingStep.objects.filter(profile__in=_profiles(actor))


def _postings(actor: Actor) -> models.QuerySet:
    if _in_firm(actor):
        return JobPosting.objects.filter(organization=actor.organization)
    if actor.is_professional and actor.organization is None:
        return JobPosting.objects.filter(status="open")  # shown anonymized
    return JobPosting.objects.none()


def _candidates(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return Candidate.objects.none()
    return Candidate.objects.filter(posting__organization=actor.organization)


def _providers(actor: Actor) -> models.QuerySet:
    """The directory: firms see every provider; a provider's staff see their own."""
    providers = Provider.objects.filter(kind="provider")
    if _in_firm(actor):
        return providers
    if _provider_staff(actor):
        return providers.filter(pk=actor.current_organization.pk)
    return providers.none()


def _scorecards(actor: Actor) -> models.QuerySet:
    """A firm's evaluations are its own."""
    if not _in_firm(actor):
        return ProviderScorecard.objects.none()
    return ProviderScorecard.objects.filter(organization=actor.organization)


def _match_weights(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return MatchWeights.objects.none()
    return MatchWeights.objects.filter(organization=actor.organization)


def _engagements(actor: Actor) -> models.QuerySet:
    """A firm sees its engagements; a professional their own; a provider's staff those it is
    the agency of record for."""
    if _in_firm(actor):
        return Engagement.objects.filter(organization=actor.organization)
    if _provider_staff(actor):
        return Engagement.objects.filter(agency=actor.organization)
    if actor.organization is None and actor.is_professional:
        # From the moment the firm sends the offer; a proposal is the firm's draft.
        return Engagement.objects.filter(professional__user=actor.user, sent_at__isnull=False)
    return Engagement.objects.none()


# --- Matters and secure delegation (issue 6). A screened person sees nothing of the matter,
# whatever their role or grants. A contractor (a professional acting outside any organization)
# sees the tasks of their live engagements, and a document only through a grant in effect.

MATTER_EDITORS = (Role.OWNER, Role.ATTORNEY)


def _screened_matters(actor: Actor) -> models.QuerySet:
    return Screen.objects.filter(user=actor.user, removed_at__isnull=True).values("matter_id")


def _contractor(actor: Actor) -> bool:
    return actor.organization is None and actor.is_professional


def _clients(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return Client.objects.none()
    return Client.objects.filter(organization=actor.organization)


def _matters(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return Matter.objects.none()
    return Matter.objects.filter(organization=actor.organization).exclude(
        pk__in=_screened_matters(actor)
    )


def _parties(actor: Actor) -> models.QuerySet:
    return Party.objects.filter(matter__in=_matters(actor))


def _consents(actor: Actor) -> models.QuerySet:
    return Consent.objects.filter(matter__in=_matters(actor))


def _conflict_checks(actor: Actor) -> models.QuerySet:
    return ConflictCheck.objects.filter(matter__in=_matters(actor))


def _tasks(actor: Actor) -> models.QuerySet:
    if _in_firm(actor):
        tasks = Task.objects.filter(organization=actor.organization)
    elif _contractor(actor):
        # Through the ids of their live engagements: two joins fewer to plan (bench/delegation.py).
        live = Engagement.objects.filter(professional__user=actor.user, state__in=LIVE_STATES)
        tasks = Task.objects.filter(engagement_id__in=live.values("pk"))
    else:
        return Task.objects.none()
    return tasks.exclude(matter_id__in=_screened_matters(actor))


def live_grants(actor: Actor) -> models.QuerySet:
    """The grants in effect for a contractor: not revoked, the task open, the engagement live,
    the client's consent in force, and no screen between them and the matter."""
    consent = Consent.objects.filter(
        matter_id=models.OuterRef("task__matter_id"), withdrawn_at__isnull=True
    )
    return (
        Grant.objects.filter(
            grantee=actor.user,
            revoked_at__isnull=True,
            task__status__in=OPEN_TASK_STATES,
            engagement__state__in=LIVE_STATES,
            engagement__professional__user=actor.user,
        )
        .filter(models.Exists(consent))
        .exclude(task__matter_id__in=_screened_matters(actor))
    )


def _documents(actor: Actor) -> models.QuerySet:
    if _in_firm(actor):
        return Document.objects.filter(organization=actor.organization).exclude(
            matter_id__in=_screened_matters(actor)
        )
    if _contractor(actor):
        granted = live_grants(actor).filter(document_id=models.OuterRef("pk"))
        return Document.objects.filter(models.Exists(granted))
    return Document.objects.none()


def _versions(actor: Actor) -> models.QuerySet:
    return DocumentVersion.objects.filter(document__in=_documents(actor))


def _attachments(actor: Actor) -> models.QuerySet:
    return TaskDocument.objects.filter(task__in=_tasks(actor), document__in=_documents(actor))


def _comments(actor: Actor) -> models.QuerySet:
    return TaskComment.objects.filter(task__in=_tasks(actor))


def _grants(actor: Actor) -> models.QuerySet:
    if _in_firm(actor):
        return Grant.objects.filter(task__organization=actor.organization).exclude(
            task__matter_id__in=_screened_matters(actor)
        )
    if _contractor(actor):
        return Grant.objects.filter(grantee=actor.user)  # their own, revoked ones included
    return Grant.objects.none()


def _screens(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return Screen.objects.none()
    return Screen.objects.filter(matter__in=_matters(actor))


def _alerts(actor: Actor) -> models.QuerySet:
    if actor.role != Role.OWNER or actor.organization is None:
        return AccessAlert.objects.none()
    # An owner screened from a matter does not see its alerts either (the wall overrides roles).
    return AccessAlert.objects.filter(organization=actor.organization).exclude(
        matter_id__in=_screened_matters(actor)
    )


def _prior_parties(actor: Actor) -> models.QuerySet:
    """A professional's declarations are theirs: a firm sees a declared name only inside a
    conflict-check hit, where it matched a party of the firm's own matter."""
    if actor.organization is not None:
        return PriorParty.objects.none()
    return PriorParty.objects.filter(profile__user=actor.user)


# --- Time (issue 7). Everyone sees their own entries; owners the firm's; attorneys also those
# they approve (tasks they supervise, matters they are responsible for).


def _time_entries(actor: Actor) -> models.QuerySet:
    mine = models.Q(author=actor.user)
    if _in_firm(actor):
        entries = TimeEntry.objects.filter(organization=actor.organization).exclude(
            matter_id__in=_screened_matters(actor)
        )
        if actor.role == Role.OWNER:
            return entries
        if actor.role == Role.ATTORNEY:
            return entries.filter(
                mine
                | models.Q(task__supervising_attorney=actor.user)
                | models.Q(matter__responsible_attorney=actor.user)
            )
        return entries.filter(mine)
    if _contractor(actor):
        return TimeEntry.objects.filter(mine, engagement__isnull=False)
    return TimeEntry.objects.none()


def _billing_rates(actor: Actor) -> models.QuerySet:
    if actor.role != Role.OWNER or actor.organization is None:
        return BillingRate.objects.none()
    return BillingRate.objects.filter(organization=actor.organization)


# --- Money (issue 7). Owners and staff with the billing permission handle statements, invoices
# and trust. Attorneys see the invoices of matters they are responsible for, the statements of
# engagements they supervise, and the trust records they authorize money out of. A contractor
# sees their own statements. Nothing of a matter the actor is screened from.

ATTORNEYS = (Role.OWNER, Role.ATTORNEY)


def _statements(actor: Actor) -> models.QuerySet:
    if actor.may_bill():
        return ContractorStatement.objects.filter(organization=actor.organization)
    if _in_firm(actor) and actor.role == Role.ATTORNEY:
        return ContractorStatement.objects.filter(
            organization=actor.organization, engagement__supervising_attorney=actor.user
        )
    if _contractor(actor):
        return ContractorStatement.objects.filter(engagement__professional__user=actor.user)
    return ContractorStatement.objects.none()


def _invoices(actor: Actor) -> models.QuerySet:
    if actor.may_bill():
        invoices = Invoice.objects.filter(organization=actor.organization)
    elif _in_firm(actor) and actor.role == Role.ATTORNEY:
        invoices = Invoice.objects.filter(
            organization=actor.organization, matter__responsible_attorney=actor.user
        )
    else:
        return Invoice.objects.none()
    return invoices.exclude(matter_id__in=_screened_matters(actor))


def _payments(actor: Actor) -> models.QuerySet:
    return Payment.objects.filter(invoice__in=_invoices(actor))


def _credit_notes(actor: Actor) -> models.QuerySet:
    return CreditNote.objects.filter(invoice__in=_invoices(actor))


def _sees_trust(actor: Actor) -> bool:
    return actor.may_bill() or (_in_firm(actor) and actor.role in ATTORNEYS)


def _trust_accounts(actor: Actor) -> models.QuerySet:
    if not _sees_trust(actor):
        return TrustAccount.objects.none()
    return TrustAccount.objects.filter(organization=actor.organization)


def _trust_ledgers(actor: Actor) -> models.QuerySet:
    if not _sees_trust(actor):
        return TrustLedger.objects.none()
    return TrustLedger.objects.filter(organization=actor.organization).exclude(
        matter_id__in=_screened_matters(actor)
    )


def _trust_entries(actor: Actor) -> models.QuerySet:
    if not _sees_trust(actor):
        return TrustTransaction.objects.none()
    screened = _screened_matters(actor)
    # A wall hides an entry on the matter's own ledger, and one that names the matter on the
    # client's general ledger.
    return (
        TrustTransaction.objects.filter(organization=actor.organization)
        .exclude(ledger__matter_id__in=screened)
        .exclude(matter_id__in=screened)
    )


def _trust_requests(actor: Actor) -> models.QuerySet:
    return TrustRequest.objects.filter(ledger__in=_trust_ledgers(actor))


def _reconciliations(actor: Actor) -> models.QuerySet:
    if not _sees_trust(actor):
        return Reconciliation.objects.none()
    return Reconciliation.objects.filter(organization=actor.organization)


def _bank_lines(actor: Actor) -> models.QuerySet:
    return BankStatementLine.objects.filter(reconciliation__in=_reconciliations(actor))


def _retainers(actor: Actor) -> models.QuerySet:
    return Retainer.objects.filter(ledger__in=_trust_ledgers(actor))


def _replenishments(actor: Actor) -> models.QuerySet:
    return Replenishment.objects.filter(retainer__in=_retainers(actor))


# --- Intake and reception (issue 8). The front desk (firm members, and contractors engaged as
# receptionists) sees leads, the reception log, shifts and appointments; only firm members see
# the firm's intake settings; a message is its recipient's (and its sender's); raw call events
# are the owner's. Nothing here reaches matters or money: a converted lead's matter is seen
# through the matter's own rule.


def _front_desk(actor: Actor) -> frozenset[int]:
    return actor.reception_firm_ids()


def _intake_profiles(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return IntakeProfile.objects.none()
    return IntakeProfile.objects.filter(organization=actor.organization)


def _intake_forms(actor: Actor) -> models.QuerySet:
    return IntakeForm.objects.filter(organization_id__in=_front_desk(actor))


def _intake_questions(actor: Actor) -> models.QuerySet:
    return IntakeQuestion.objects.filter(form__organization_id__in=_front_desk(actor))


def _leads(actor: Actor) -> models.QuerySet:
    return Lead.objects.filter(organization_id__in=_front_desk(actor))


def _lead_events(actor: Actor) -> models.QuerySet:
    return LeadEvent.objects.filter(lead__organization_id__in=_front_desk(actor))


def _routing_rules(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return RoutingRule.objects.none()
    return RoutingRule.objects.filter(organization=actor.organization)


def _refusals(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return IntakeRefusal.objects.none()
    return IntakeRefusal.objects.filter(organization=actor.organization)


def _reception_entries(actor: Actor) -> models.QuerySet:
    return ReceptionEntry.objects.filter(organization_id__in=_front_desk(actor))


def _messages(actor: Actor) -> models.QuerySet:
    mine = models.Q(recipient=actor.user) | models.Q(created_by=actor.user)
    return Message.objects.filter(mine, organization_id__in=_front_desk(actor))


def _call_events(actor: Actor) -> models.QuerySet:
    if actor.role != Role.OWNER or actor.organization is None:
        return CallEvent.objects.none()
    return CallEvent.objects.filter(organization=actor.organization)


def _shifts(actor: Actor) -> models.QuerySet:
    return Shift.objects.filter(organization_id__in=_front_desk(actor))


def _consultation_types(actor: Actor) -> models.QuerySet:
    return ConsultationType.objects.filter(organization_id__in=_front_desk(actor))


def _availability(actor: Actor) -> models.QuerySet:
    return Availability.objects.filter(organization_id__in=_front_desk(actor))


def _availability_exceptions(actor: Actor) -> models.QuerySet:
    return AvailabilityException.objects.filter(organization_id__in=_front_desk(actor))


def _appointments(actor: Actor) -> models.QuerySet:
    return Appointment.objects.filter(organization_id__in=_front_desk(actor))


def _calendar_feeds(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return CalendarFeed.objects.none()
    feeds = CalendarFeed.objects.filter(organization=actor.organization)
    return feeds if actor.role == Role.OWNER else feeds.filter(attorney=actor.user)


# --- Insights (issue 9). Owners see every engagement's metrics; attorneys those of the
# engagements they supervise; staff the operational metrics without individual pay; a contractor
# only their own scorecard. Firm-wide figures (intake, case velocity, satisfaction, recovered
# hours) are for the firm's owners, attorneys and staff.


def metrics_engagements(actor: Actor) -> models.QuerySet:
    """The engagements whose metrics this actor sees."""
    if _in_firm(actor):
        rows = Engagement.objects.filter(organization=actor.organization)
        if actor.role == Role.ATTORNEY:
            rows = rows.filter(supervising_attorney=actor.user)
        return rows
    if _contractor(actor):
        return Engagement.objects.filter(professional__user=actor.user, sent_at__isnull=False)
    return Engagement.objects.none()


def _surveys(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return SatisfactionSurvey.objects.none()
    return SatisfactionSurvey.objects.filter(organization=actor.organization).exclude(
        matter_id__in=_screened_matters(actor)
    )


def _signals(actor: Actor) -> models.QuerySet:
    if not _in_firm(actor):
        return ScalingSignal.objects.none()
    rows = ScalingSignal.objects.filter(organization=actor.organization)
    if actor.role == Role.ATTORNEY:  # an engagement's signal only for its attorney
        supervised = models.Q(engagement__supervising_attorney=actor.user)
        return rows.filter(models.Q(engagement__isnull=True) | supervised)
    return rows


VISIBILITY: dict[type[models.Model], Callable[[Actor], models.QuerySet]] = {
    Organization: _organizations,
    Membership: _memberships,
    Invitation: _invitations,
    ApiToken: _tokens,
    User: _users,
    AccessLogEntry: _access_log,
    AuditPeriod: _audits,
    Participant: _participants,
    TaskEntry: _entries,
    TaskCategory: _categories,
    MarketRate: _market_rates,
    ProfessionalProfile: _profiles,
    BarAdmission: _bar_admissions,
    VettingStep: _vetting_steps,
    JobPosting: _postings,
    Candidate: _candidates,
    Provider: _providers,
    ProviderScorecard: _scorecards,
    MatchWeights: _match_weights,
    Engagement: _engagements,
    Client: _clients,
    Matter: _matters,
    Party: _parties,
    Consent: _consents,
    ConflictCheck: _conflict_checks,
    Task: _tasks,
    TaskComment: _comments,
    TaskDocument: _attachments,
    Document: _documents,
    DocumentVersion: _versions,
    Grant: _grants,
    Screen: _screens,
    AccessAlert: _alerts,
    PriorParty: _prior_parties,
    TimeEntry: _time_entries,
    BillingRate: _billing_rates,
    ContractorStatement: _statements,
    Invoice: _invoices,
    Payment: _payments,
    CreditNote: _credit_notes,
    TrustAccount: _trust_accounts,
    TrustLedger: _trust_ledgers,
    TrustTransaction: _trust_entries,
    TrustRequest: _trust_requests,
    Reconciliation: _reconciliations,
    BankStatementLine: _bank_lines,
    Retainer: _retainers,
    Replenishment: _replenishments,
    IntakeProfile: _intake_profiles,
    IntakeForm: _intake_forms,
    IntakeQuestion: _intake_questions,
    Lead: _leads,
    LeadEvent: _lead_events,
    RoutingRule: _routing_rules,
    IntakeRefusal: _refusals,
    ReceptionEntry: _reception_entries,
    Message: _messages,
    CallEvent: _call_events,
    Shift: _shifts,
    ConsultationType: _consultation_types,
    Availability: _availability,
    AvailabilityException: _availability_exceptions,
    Appointment: _appointments,
    CalendarFeed: _calendar_feeds,
    SatisfactionSurvey: _surveys,
    ScalingSignal: _signals,
}


def visible(actor: Actor, model: type[M]) -> models.QuerySet[M]:
    if not actor.is_authenticated:
        return model._default_manager.none()
    try:
        rule = VISIBILITY[model]
    except KeyError:
        raise LookupError(
            f"No visibility rule for {model.__name__}: add one to access.policy"
        ) from None
    return rule(actor)


# --- Permissions: may this actor do this to that object ---------------------------------------


def _admin_of(actor: Actor, organization_id: int | None) -> bool:
    return actor.is_org_admin and actor.current_organization.pk == organization_id


def _organization_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is Organization:  # creating a new organization: anyone signed in
        return action == Action.CREATE
    if action in (Action.VIEW, Action.ACT_IN):
        return Membership.objects.filter(user=actor.user, organization=obj).exists()
    if action in (Action.MANAGE, Action.INVITE, Action.CHANGE):
        return _admin_of(actor, obj.pk)
    if action == Action.VIEW_METRICS:  # the firm's dashboard
        return _in_firm(actor) and actor.current_organization.pk == obj.pk
    return False


def _membership_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return actor.organization is not None and obj.organization_id == actor.organization.pk
    if action in (Action.CHANGE, Action.DELETE):
        return _admin_of(actor, obj.organization_id)
    return False


def _invitation_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if action in (Action.VIEW, Action.DELETE):
        return _admin_of(actor, obj.organization_id)
    return False


def _token_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is ApiToken:
        # A token acts in an organization, so only members of one may create it.
        return action == Action.CREATE and actor.authenticated_user.memberships.exists()
    return action in (Action.VIEW, Action.DELETE) and obj.user_id == actor.authenticated_user.pk


def _user_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return _users(actor).filter(pk=obj.pk).exists()
    return action == Action.CHANGE and obj.pk == actor.authenticated_user.pk


def _access_log_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is AccessLogEntry:
        return action == Action.VIEW and actor.is_org_admin
    return action == Action.VIEW and _admin_of(actor, obj.organization_id)


def _owner_of(actor: Actor, organization_id: int | None) -> bool:
    return actor.role == Role.OWNER and actor.current_organization.pk == organization_id


def _audit_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is AuditPeriod:
        return action == Action.CREATE and actor.role == Role.OWNER
    if not _in_firm(actor) or obj.organization_id != actor.current_organization.pk:
        return False
    if action in (Action.VIEW, Action.LOG_TIME):
        return True
    if action == Action.VIEW_HOURLY_VALUES:
        return actor.role in FIRM_ROLES_SEEING_VALUES
    return action in (Action.CHANGE, Action.DELETE) and actor.role == Role.OWNER


def _participant_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if action == Action.LOG_TIME:  # log time as this participant: staff only as themselves
        return _audit_rule(actor, Action.LOG_TIME, obj.audit) and (
            actor.role != Role.STAFF or obj.user_id == actor.authenticated_user.pk
        )
    return _audit_rule(actor, Action.VIEW if action == Action.VIEW else Action.CHANGE, obj.audit)


def _entry_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if not _audit_rule(actor, Action.VIEW, obj.audit):
        return False
    if actor.role == Role.STAFF:
        return obj.participant.user_id == actor.authenticated_user.pk
    return action in (Action.VIEW, Action.CHANGE, Action.DELETE)


def _category_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is TaskCategory:
        return action == Action.CREATE and actor.role == Role.OWNER
    if action == Action.VIEW:
        return _in_firm(actor) and obj.organization_id == actor.current_organization.pk
    return action == Action.CHANGE and _owner_of(actor, obj.organization_id)


def _market_rate_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return _in_firm(actor) and obj.organization_id == actor.current_organization.pk
    return action == Action.CHANGE and _owner_of(actor, obj.organization_id)


def _profile_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is ProfessionalProfile:
        return False  # a profile comes with the professional's account
    mine = obj.user_id == actor.authenticated_user.pk
    if action == Action.VIEW:
        return _profiles(actor).filter(pk=obj.pk).exists()
    if action == Action.CHANGE:
        return mine
    if action == Action.VET:
        return _provider_staff(actor) and obj.provider_id == actor.current_organization.pk
    if action == Action.SEE_CONTACT:
        # The professional, their provider, and a firm they are engaged with (trial to ending).
        if mine or (_provider_staff(actor) and obj.provider_id == actor.current_organization.pk):
            return True
        return _in_firm(actor) and obj.pk in actor.engaged_professional_ids()
    return False


def _bar_admission_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return _profile_rule(actor, Action.VIEW, obj.profile)
    if action in (Action.CHANGE, Action.DELETE):  # the professional declares their admissions
        return _profile_rule(actor, Action.CHANGE, obj.profile)
    return action == Action.VET and _profile_rule(actor, Action.VET, obj.profile)


def _vetting_step_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _profile_rule(actor, Action.VIEW, obj.profile)


POSTING_EDITORS = (Role.OWNER, Role.ATTORNEY)


def _posting_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is JobPosting:
        return action == Action.CREATE and _in_firm(actor) and actor.role in POSTING_EDITORS
    if action == Action.VIEW:
        return _postings(actor).filter(pk=obj.pk).exists()
    ours = _in_firm(actor) and obj.organization_id == actor.current_organization.pk
    return ours and action in (Action.CHANGE, Action.DELETE) and actor.role in POSTING_EDITORS


def _candidate_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return _posting_rule(
        actor, Action.VIEW if action == Action.VIEW else Action.CHANGE, obj.posting
    )


def _provider_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _providers(actor).filter(pk=obj.pk).exists()


def _scorecard_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is ProviderScorecard:
        return action == Action.CREATE and _in_firm(actor) and actor.role in POSTING_EDITORS
    return action == Action.VIEW and _scorecards(actor).filter(pk=obj.pk).exists()


def _match_weights_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Firm members see the weights their rankings use; owners tune them (a row is created on
    the first change, so the kind-level CHANGE is the one asked)."""
    if not _in_firm(actor):
        return False
    if action == Action.VIEW:
        return True
    return action == Action.CHANGE and actor.role == Role.OWNER


ENGAGEMENT_OPENERS = (Role.OWNER, Role.ATTORNEY)


def _engagement_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Owners and attorneys propose; only owners and the engagement's supervising attorney
    change it (terms, classification, state); the professional signs and may decline."""
    if obj is Engagement:
        return action == Action.CREATE and _in_firm(actor) and actor.role in ENGAGEMENT_OPENERS
    if action == Action.VIEW:
        return _engagements(actor).filter(pk=obj.pk).exists()
    if action == Action.SIGN:
        mine = obj.professional.user_id == actor.authenticated_user.pk
        return mine and actor.organization is None
    ours = _in_firm(actor) and obj.organization_id == actor.current_organization.pk
    if action == Action.CHANGE:
        return ours and (
            actor.role == Role.OWNER or obj.supervising_attorney_id == actor.authenticated_user.pk
        )
    if action == Action.VIEW_METRICS:
        return metrics_engagements(actor).filter(pk=obj.pk).exists()
    if action == Action.VIEW_PAY:
        if actor.organization is None:
            return obj.professional.user_id == actor.authenticated_user.pk
        return ours and (
            actor.role == Role.OWNER or obj.supervising_attorney_id == actor.authenticated_user.pk
        )
    return False


def _ours(actor: Actor, organization_id: int | None) -> bool:
    return _in_firm(actor) and actor.current_organization.pk == organization_id


def _client_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is Client:
        return action == Action.CREATE and _in_firm(actor) and actor.role in MATTER_EDITORS
    if action == Action.VIEW:
        return _ours(actor, obj.organization_id)
    return (
        action == Action.CHANGE
        and _ours(actor, obj.organization_id)
        and (actor.role in MATTER_EDITORS)
    )


def _matter_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Firm members see unscreened matters; owners and attorneys change them, record consent,
    run and clear conflict checks, and screen people."""
    if obj is Matter:
        return action == Action.CREATE and _in_firm(actor) and actor.role in MATTER_EDITORS
    if not _matters(actor).filter(pk=obj.pk).exists():
        return False
    if action == Action.VIEW:
        return True
    return action in (Action.CHANGE, Action.CLEAR) and actor.role in MATTER_EDITORS


def _matter_part_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Parties, consents, conflict checks and screens follow their matter."""
    return _matter_rule(actor, Action.VIEW if action == Action.VIEW else Action.CHANGE, obj.matter)


def _task_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is Task:
        return action == Action.CREATE and _in_firm(actor)
    if not _tasks(actor).filter(pk=obj.pk).exists():
        return False
    me = actor.authenticated_user.pk
    if action == Action.VIEW:
        return True
    if action == Action.WORK:
        return obj.assignee_id == me
    if not _in_firm(actor):
        return False
    if action == Action.CHANGE:
        return actor.role in MATTER_EDITORS or obj.created_by_id == me
    if action in (Action.ASSIGN, Action.GRANT):
        return actor.role in MATTER_EDITORS
    if action == Action.REVIEW:
        # The supervising attorney reviews; without one, any owner or attorney. An owner may
        # accept work that does not require the attorney's own review.
        if obj.supervising_attorney_id is not None:
            return obj.supervising_attorney_id == me or (
                actor.role == Role.OWNER and not obj.attorney_review_required
            )
        return actor.role in MATTER_EDITORS
    return False


def _document_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is Document:
        return action == Action.CREATE and _in_firm(actor)
    if not _documents(actor).filter(pk=obj.pk).exists():
        return False
    return action == Action.VIEW or (action == Action.CHANGE and _in_firm(actor))


def _version_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _document_rule(actor, Action.VIEW, obj.document)


def _grant_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if not _grants(actor).filter(pk=obj.pk).exists():
        return False
    return action == Action.VIEW or (
        action == Action.CHANGE and _in_firm(actor) and actor.role in MATTER_EDITORS
    )


def _alert_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action in (Action.VIEW, Action.CHANGE) and _alerts(actor).filter(pk=obj.pk).exists()


def _prior_party_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is PriorParty:
        return action == Action.CREATE and _contractor(actor)
    return action in (Action.VIEW, Action.DELETE) and (
        _prior_parties(actor).filter(pk=obj.pk).exists()
    )


def _time_entry_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Firm members and contractors log time (on work they can see: the service checks); the
    author edits, submits and deletes their own; the task's supervising attorney (else the
    matter's responsible attorney) or an owner approves and rejects."""
    if obj is TimeEntry:
        return action == Action.CREATE and (_in_firm(actor) or _contractor(actor))
    if not _time_entries(actor).filter(pk=obj.pk).exists():
        return False
    me = actor.authenticated_user.pk
    if action == Action.VIEW:
        return True
    if action in (Action.CHANGE, Action.DELETE):
        return obj.author_id == me
    if action == Action.REVIEW:
        if not _in_firm(actor) or obj.author_id == me:
            return False  # nobody approves their own time
        if actor.role == Role.OWNER:
            return True
        approver = (
            obj.task.supervising_attorney_id
            if obj.task_id and obj.task.supervising_attorney_id
            else obj.matter.responsible_attorney_id
        )
        return approver == me
    return False


def _billing_rate_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is BillingRate:
        return action == Action.CREATE and actor.role == Role.OWNER
    return action in (Action.VIEW, Action.CHANGE) and _owner_of(actor, obj.organization_id)


def _billing_of(actor: Actor, organization_id: int | None) -> bool:
    return actor.may_bill() and actor.current_organization.pk == organization_id


def _statement_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Billing people issue statements and record their payment; the supervising attorney and
    the professional read them."""
    if obj is ContractorStatement:
        return action == Action.CREATE and actor.may_bill()
    if not _statements(actor).filter(pk=obj.pk).exists():
        return False
    return action == Action.VIEW or (
        action == Action.CHANGE and _billing_of(actor, obj.organization_id)
    )


def _invoice_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Billing people draft, send, credit and record payments; the responsible attorney reads."""
    if obj is Invoice:
        return action == Action.CREATE and actor.may_bill()
    if not _invoices(actor).filter(pk=obj.pk).exists():
        return False
    if action == Action.VIEW:
        return True
    return action in (Action.CHANGE, Action.DELETE) and _billing_of(actor, obj.organization_id)


def _invoice_part_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _invoice_rule(actor, Action.VIEW, obj.invoice)


def _trust_in_reach(actor: Actor, organization_id: int, matter_id: int | None = None) -> bool:
    """The trust visibility rule for one object, without a query per check (postings are hot):
    the actor sees the firm's trust records, and no wall stands between them and the matter."""
    return (
        _sees_trust(actor)
        and actor.current_organization.pk == organization_id
        and (matter_id is None or matter_id not in actor.screened_matter_ids())
    )


def _trust_account_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """The owner opens trust accounts; billing people post to them; owners and attorneys
    authorize money out and sign reconciliations off."""
    if obj is TrustAccount:  # kind level: see the firm's trust records at all, or open one
        if action == Action.VIEW:
            return _sees_trust(actor)
        return action == Action.CREATE and actor.role == Role.OWNER and _in_firm(actor)
    if not _trust_in_reach(actor, obj.organization_id):
        return False
    if action == Action.VIEW:
        return True
    if action == Action.CHANGE:
        return actor.may_bill()
    return action == Action.AUTHORIZE and actor.role in ATTORNEYS


def _trust_ledger_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if not _trust_in_reach(actor, obj.organization_id, obj.matter_id):
        return False
    if action == Action.VIEW:
        return True
    if action == Action.CHANGE:
        return actor.may_bill()
    return action == Action.AUTHORIZE and actor.role in ATTORNEYS


def _trust_entry_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if not _trust_in_reach(actor, obj.organization_id, obj.matter_id):
        return False
    return action == Action.VIEW or (action == Action.AUTHORIZE and actor.role in ATTORNEYS)


def _trust_request_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Billing staff ask; an owner or attorney approves (never their own request)."""
    if not _trust_in_reach(actor, obj.organization_id, obj.ledger.matter_id):
        return False
    if action == Action.VIEW:
        return True
    if action == Action.CHANGE:  # cancel
        return actor.may_bill() and obj.requested_by_id == actor.authenticated_user.pk
    return (
        action == Action.AUTHORIZE
        and actor.role in ATTORNEYS
        and obj.requested_by_id != actor.authenticated_user.pk
    )


def _reconciliation_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if not _trust_in_reach(actor, obj.organization_id):
        return False
    if action == Action.VIEW:
        return True
    if action == Action.CHANGE:
        return actor.may_bill()
    return action == Action.AUTHORIZE and actor.role in ATTORNEYS


def _bank_line_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return _reconciliation_rule(actor, action, obj.reconciliation)


def _retainer_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is Retainer:
        return action == Action.CREATE and actor.may_bill()
    if not _trust_in_reach(actor, obj.organization_id, obj.matter_id):
        return False
    return action == Action.VIEW or (action == Action.CHANGE and actor.may_bill())


def _replenishment_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _retainer_rule(actor, Action.VIEW, obj.retainer)


# --- Intake and reception (issue 8).

SHIFT_PLANNERS = (Role.OWNER, Role.STAFF)


def _at_front_desk(actor: Actor, organization_id: int | None) -> bool:
    return organization_id in actor.reception_firm_ids()


def _intake_settings_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Firm members read the intake page's settings, forms and routing; owners change them."""
    if isinstance(obj, type):
        return action == Action.CREATE and _in_firm(actor) and actor.role == Role.OWNER
    organization_id = (
        obj.form.organization_id if isinstance(obj, IntakeQuestion) else (obj.organization_id)
    )
    if action == Action.VIEW:
        return _at_front_desk(actor, organization_id)
    return action in (Action.CHANGE, Action.DELETE) and _owner_of(actor, organization_id)


def _lead_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """The front desk takes leads (also by phone), contacts them and moves them on the board;
    an owner or attorney clears a conflict flag and converts a lead into a client and matter."""
    if obj is Lead:
        return action == Action.CREATE and bool(actor.reception_firm_ids())
    if not _at_front_desk(actor, obj.organization_id):
        return False
    if action in (Action.VIEW, Action.CHANGE):
        return True
    return (
        action in (Action.CLEAR, Action.CONVERT)
        and _ours(actor, obj.organization_id)
        and (actor.role in MATTER_EDITORS)
    )


def _lead_event_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _lead_rule(actor, Action.VIEW, obj.lead)


def _reception_entry_rule(actor: Actor, action: Action, obj: Any) -> bool:
    if obj is ReceptionEntry:
        return action == Action.CREATE and bool(actor.reception_firm_ids())
    return action in (Action.VIEW, Action.CHANGE) and _at_front_desk(actor, obj.organization_id)


def _message_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """The front desk leaves messages; the recipient reads them and marks them read."""
    if obj is Message:
        return action == Action.CREATE and bool(actor.reception_firm_ids())
    if not _at_front_desk(actor, obj.organization_id):
        return False
    me = actor.authenticated_user.pk
    if action == Action.VIEW:
        return me in (obj.recipient_id, obj.created_by_id)
    return action == Action.CHANGE and obj.recipient_id == me


def _call_event_rule(actor: Actor, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and _call_events(actor).filter(pk=obj.pk).exists()


def _shift_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """Everyone at the front desk sees the rota; owners and staff plan it."""
    if obj is Shift:
        return action == Action.CREATE and _in_firm(actor) and actor.role in SHIFT_PLANNERS
    if action == Action.VIEW:
        return _at_front_desk(actor, obj.organization_id)
    return (
        action in (Action.CHANGE, Action.DELETE)
        and _ours(actor, obj.organization_id)
        and actor.role in SHIFT_PLANNERS
    )


def _availability_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """An attorney keeps their own hours and days away; an owner keeps everyone's."""
    if isinstance(obj, type):
        return action == Action.CREATE and _in_firm(actor) and actor.role in MATTER_EDITORS
    if action == Action.VIEW:
        return _at_front_desk(actor, obj.organization_id)
    return (
        action in (Action.CHANGE, Action.DELETE)
        and _ours(actor, obj.organization_id)
        and (actor.role == Role.OWNER or obj.attorney_id == actor.authenticated_user.pk)
    )


def _appointment_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """The front desk books and cancels consultations (prospects book on the public page)."""
    if obj is Appointment:
        return action == Action.CREATE and bool(actor.reception_firm_ids())
    return action in (Action.VIEW, Action.CHANGE) and _at_front_desk(actor, obj.organization_id)


def _calendar_feed_rule(actor: Actor, action: Action, obj: Any) -> bool:
    """An attorney's feed URL is theirs (an owner may see and reset any)."""
    if obj is CalendarFeed:
        return action == Action.CREATE and _in_firm(actor) and actor.role in MATTER_EDITORS
    return action in (Action.VIEW, Action.CHANGE) and (
        _calendar_feeds(actor).filter(pk=obj.pk).exists()
    )


RULES: dict[type[models.Model], Callable[[Actor, Action, Any], bool]] = {
    Organization: _organization_rule,
    Membership: _membership_rule,
    Invitation: _invitation_rule,
    ApiToken: _token_rule,
    User: _user_rule,
    AccessLogEntry: _access_log_rule,
    AuditPeriod: _audit_rule,
    Participant: _participant_rule,
    TaskEntry: _entry_rule,
    TaskCategory: _category_rule,
    MarketRate: _market_rate_rule,
    ProfessionalProfile: _profile_rule,
    BarAdmission: _bar_admission_rule,
    VettingStep: _vetting_step_rule,
    JobPosting: _posting_rule,
    Candidate: _candidate_rule,
    Provider: _provider_rule,
    ProviderScorecard: _scorecard_rule,
    MatchWeights: _match_weights_rule,
    Engagement: _engagement_rule,
    Client: _client_rule,
    Matter: _matter_rule,
    Party: _matter_part_rule,
    Consent: _matter_part_rule,
    ConflictCheck: _matter_part_rule,
    Screen: _matter_part_rule,
    Task: _task_rule,
    Document: _document_rule,
    DocumentVersion: _version_rule,
    Grant: _grant_rule,
    AccessAlert: _alert_rule,
    PriorParty: _prior_party_rule,
    TimeEntry: _time_entry_rule,
    BillingRate: _billing_rate_rule,
    ContractorStatement: _statement_rule,
    Invoice: _invoice_rule,
    Payment: _invoice_part_rule,
    CreditNote: _invoice_part_rule,
    TrustAccount: _trust_account_rule,
    TrustLedger: _trust_ledger_rule,
    TrustTransaction: _trust_entry_rule,
    TrustRequest: _trust_request_rule,
    Reconciliation: _reconciliation_rule,
    BankStatementLine: _bank_line_rule,
    Retainer: _retainer_rule,
    Replenishment: _replenishment_rule,
    IntakeProfile: _intake_settings_rule,
    IntakeForm: _intake_settings_rule,
    IntakeQuestion: _intake_settings_rule,
    RoutingRule: _intake_settings_rule,
    ConsultationType: _intake_settings_rule,
    IntakeRefusal: _intake_settings_rule,
    Lead: _lead_rule,
    LeadEvent: _lead_event_rule,
    ReceptionEntry: _reception_entry_rule,
    Message: _message_rule,
    CallEvent: _call_event_rule,
    Shift: _shift_rule,
    Availability: _availability_rule,
    AvailabilityException: _availability_rule,
    Appointment: _appointment_rule,
    CalendarFeed: _calendar_feed_rule,
}


def can(actor: Actor, action: Action, obj: Any) -> bool:
    """May `actor` do `action` to `obj` (an instance, or a model class for kind-level actions)."""
    if not actor.is_authenticated:
        return False
    model = obj if isinstance(obj, type) else type(obj)
    rule = RULES.get(model)
    return bool(rule and rule(actor, action, obj))


def require(actor: Actor, action: Action, obj: Any, message: str = "") -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(message or "You do not have permission to do that.")


def fetch(
    actor: Actor,
    model: type[M],
    action: Action = Action.VIEW,
    *,
    related: tuple[str, ...] = (),
    **lookup: Any,
) -> M:
    """The one way to load an object named by user input: 404 if the actor may not see it (so
    other tenants' ids reveal nothing), 403 if they may see it but not do `action` to it."""
    if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in lookup.values()):
        raise NotFound(f"{str(model._meta.verbose_name).capitalize()} not found.")  # no such id
    rows = visible(actor, model)
    if related:
        rows = rows.select_related(*related)
    obj = rows.filter(**lookup).first()
    if obj is None:
        raise NotFound(f"{str(model._meta.verbose_name).capitalize()} not found.")
    if action != Action.VIEW:
        require(actor, action, obj)
    return obj

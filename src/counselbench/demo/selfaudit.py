"""The demo firm's completed one-week audit: realistic entries for its attorneys and staff, so the
hit list and its figures show real content."""

import random
from datetime import date, timedelta

from counselbench.accounts.models import User
from counselbench.organizations.models import Organization
from counselbench.selfaudit.models import AuditPeriod, Participant, TaskCategory, TaskEntry
from counselbench.selfaudit.services import ensure_firm_setup, totals

AUDIT_NAME = "Week of November 9, 2026"
START = date(2026, 11, 9)  # a Monday; Monday to Friday are logged

# email, level, hourly value in dollars (billing rate for attorneys, loaded cost for staff)
PEOPLE = [
    ("dana.whitfield@whitfieldmoreno.example", "attorney", 450),
    ("luis.moreno@whitfieldmoreno.example", "attorney", 375),
    ("priya.shah@whitfieldmoreno.example", "attorney", 295),
    ("grace.okafor@whitfieldmoreno.example", "paralegal", 38),
]

# (category key, description, minutes options) per person: what each one really spent time on.
WORK = {
    "dana.whitfield@whitfieldmoreno.example": [
        ("legal-advice", "Strategy call with client on settlement posture", (30, 45, 60)),
        ("negotiations", "Negotiate settlement terms with opposing counsel", (45, 60, 90)),
        ("billing-support", "Review and fix pre-bills before invoices go out", (30, 45, 60)),
        ("calendar-scheduling", "Reschedule client meetings and hearings", (15, 20, 30)),
        ("marketing", "Edit firm newsletter and website bio", (30, 45)),
        ("case-intake", "Intake call with prospective client", (20, 30, 45)),
        ("crm-upkeep", "Update referral-source contacts", (15, 20)),
        ("drafting", "Draft engagement letter from template", (30, 45)),
    ],
    "luis.moreno@whitfieldmoreno.example": [
        ("court-appearances", "Attend hearing on motion to compel", (60, 90, 120)),
        ("legal-advice", "Advise client on discovery strategy", (30, 45)),
        ("drafting", "Draft motion for summary judgment", (60, 90, 120)),
        ("document-review", "Review opposing party's document production", (60, 90, 120)),
        ("deposition-summaries", "Summarize deposition transcript", (60, 90)),
        ("e-filing", "E-file motion and serve opposing counsel", (20, 30)),
        ("trial-exhibits", "Assemble trial exhibit binders", (45, 60, 90)),
        ("legal-research", "Research case law on spoliation sanctions", (45, 60, 90)),
    ],
    "priya.shah@whitfieldmoreno.example": [
        ("legal-advice", "Estate planning consultation with client", (45, 60)),
        ("drafting", "Draft revocable living trust", (60, 90, 120)),
        ("client-communication", "Call client to collect asset documents", (15, 20, 30)),
        ("data-entry", "Enter new estate matter and contacts in Clio", (15, 20, 30)),
        ("trust-accounting", "Record retainer deposit to trust ledger", (15, 20)),
        ("calendar-scheduling", "Schedule signing ceremony and witnesses", (15, 20)),
        ("legal-research", "Research Texas community property rules", (30, 45, 60)),
    ],
    "grace.okafor@whitfieldmoreno.example": [
        ("billing-support", "Prepare and send monthly invoices", (45, 60, 90)),
        ("bookkeeping", "Reconcile operating account", (30, 45, 60)),
        ("calendar-scheduling", "Docket deadlines from court notices", (20, 30, 45)),
        ("data-entry", "Enter time and expenses into billing system", (30, 45)),
        ("case-intake", "Answer intake calls and book consultations", (20, 30, 45)),
        ("e-filing", "E-file probate application", (20, 30)),
        ("trust-accounting", "Prepare trust disbursement request", (20, 30)),
    ],
}
ENTRIES_PER_PERSON_PER_DAY = 8


def build(*, firm: Organization) -> AuditPeriod:
    """Create (or rebuild) the demo audit. Deterministic, so every demo looks the same."""
    ensure_firm_setup(firm)
    AuditPeriod.objects.filter(organization=firm, name=AUDIT_NAME).delete()
    audit = AuditPeriod.objects.create(
        organization=firm, name=AUDIT_NAME, starts_on=START, ends_on=START + timedelta(days=6)
    )
    categories = {c.key: c for c in TaskCategory.objects.filter(organization=firm)}
    rng = random.Random(20261109)
    entries = []
    for email, level, dollars in PEOPLE:
        user = User.objects.get(email=email)
        participant = Participant.objects.create(
            audit=audit, user=user, level=level, hourly_value_cents=dollars * 100
        )
        for day in range(5):
            for _ in range(ENTRIES_PER_PERSON_PER_DAY):
                key, description, minutes = rng.choice(WORK[email])
                entries.append(
                    TaskEntry(
                        audit=audit,
                        participant=participant,
                        date=START + timedelta(days=day),
                        minutes=rng.choice(minutes),
                        description=description,
                        # A few left uncategorized, as in any real log.
                        category=None if rng.random() < 0.05 else categories[key],
                    )
                )
    TaskEntry.objects.bulk_create(entries)
    totals.rebuild(audit.pk)
    return audit

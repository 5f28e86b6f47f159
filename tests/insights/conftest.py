"""A hand-built firm history for the insights metrics, with every expected figure worked out by
hand in the tests (October 2026 in the firm's zone, America/New_York; "today" is 2026-11-15).

- E1: the cast's contractor, 20 h a week, hourly at $50, since 2026-09-01, supervised by the
  cast's attorney. E2: another professional, 10 h a week, $3,000 a month, from 2026-10-15,
  supervised by the owner.
- Approved contractor time in October: E1 600 + 480 min; E2 240 min. Outside the range or not
  approved: E1 300 min on 2026-09-30, a draft and a rejected entry.
- Contractor tasks done in October: T1 (48 h, on time), T2 (108 h, on time on the due day,
  reworked once), T3 (E2, 120 h, a day late), T4 (24 h, no due date, reworked twice); T5 done in
  November and T6 still open.
- The self-audit (2026-09-07 to 09-13): the attorney spent 600 minutes on paralegal work, the
  week's baseline. In October the attorney logged 180 minutes of approved time on paralegal
  tasks (plus work that does not count: attorney-level, no task, the staff member's).
- Leads in October: contacted after 30, 90 and 10 minutes, one never; conversions in October
  after 10 and 3 days, and 3 days for a lead that arrived in September. Matters closed in
  October after 40 and 20 days. Surveys answered 5, 4 and 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from counselbench.billing.models import TimeEntry
from counselbench.engagements.models import Engagement
from counselbench.insights.models import SatisfactionSurvey
from counselbench.intake.models import Lead
from counselbench.matters.models import Matter, Task
from counselbench.selfaudit.models import LoggedMinutes, TaskCategory
from counselbench.selfaudit.services import EntryInput, ParticipantInput, add_entries, create_audit
from tests.factories import (
    ClientFactory,
    EngagementFactory,
    MatterFactory,
    ProfessionalFactory,
    UserFactory,
    category,
)

ZONE = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 15)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@dataclass
class History:
    e1: Engagement
    e2: Engagement
    matter: Matter
    paralegal: TaskCategory  # deposition summaries
    other: TaskCategory  # another paralegal-level category
    attorney_work: TaskCategory


def task(cast, matter, *, category, engagement=None, created, done=None, due=None, rework=0):
    assignee = engagement.professional.user if engagement else cast.staff
    supervisor = engagement.supervising_attorney if engagement else None
    return Task.objects.create(
        organization=cast.firm,
        matter=matter,
        title=f"Task {created:%m-%d}",
        category=category,
        assignee=assignee,
        engagement=engagement,
        supervising_attorney=supervisor,
        due_on=due,
        status="done" if done else "in_progress",
        rework_count=rework,
        created_at=created,
        done_at=done,
    )


def time_entry(
    cast, author, matter, *, day, minutes, engagement=None, rate=None, task=None, state="approved"
):
    return TimeEntry.objects.create(
        organization=cast.firm,
        author=author,
        matter=matter,
        task=task,
        engagement=engagement,
        date=day,
        minutes=minutes,
        description="Work",
        rate_cents=rate,
        state=state,
        rejection_reason="Wrong matter" if state == "rejected" else "",
    )


def build_history(cast) -> History:
    firm = cast.firm
    firm.time_zone = "America/New_York"
    firm.save(update_fields=["time_zone"])
    paralegal = category(firm, "deposition-summaries")
    other = category(firm, "document-review")
    attorney_work = category(firm, "court-appearances")
    e1 = EngagementFactory(
        organization=firm,
        professional=cast.contractor.professional_profile,
        supervising_attorney=cast.attorney,
        hours_per_week=20,
        rate_cents=5000,
        start_date=d(9, 1),
    )
    e2 = EngagementFactory(
        organization=firm,
        professional=ProfessionalFactory(user=UserFactory(full_name="Noor Haddad")),
        supervising_attorney=cast.owner,
        hours_per_week=10,
        billing_model="monthly",
        rate_cents=300_000,
        start_date=d(10, 15),
    )
    matter = MatterFactory(organization=firm, responsible_attorney=cast.attorney, opened_on=d(8, 1))

    # Contractor time.
    time_entry(
        cast, e1.professional.user, matter, day=d(10, 5), minutes=600, engagement=e1, rate=5000
    )
    time_entry(
        cast, e1.professional.user, matter, day=d(10, 20), minutes=480, engagement=e1, rate=5000
    )
    time_entry(cast, e2.professional.user, matter, day=d(10, 20), minutes=240, engagement=e2)
    time_entry(
        cast, e1.professional.user, matter, day=d(9, 30), minutes=300, engagement=e1, rate=5000
    )
    time_entry(
        cast,
        e1.professional.user,
        matter,
        day=d(10, 22),
        minutes=120,
        engagement=e1,
        rate=5000,
        state="draft",
    )
    time_entry(
        cast,
        e1.professional.user,
        matter,
        day=d(10, 23),
        minutes=60,
        engagement=e1,
        rate=5000,
        state="rejected",
    )

    # Contractor tasks.
    task(
        cast,
        matter,
        category=paralegal,
        engagement=e1,
        created=at(d(10, 1)),
        done=at(d(10, 3)),
        due=d(10, 3),
    )
    task(
        cast,
        matter,
        category=paralegal,
        engagement=e1,
        created=at(d(10, 10)),
        done=at(d(10, 14), 21),
        due=d(10, 14),
        rework=1,
    )
    task(
        cast,
        matter,
        category=other,
        engagement=e2,
        created=at(d(10, 16)),
        done=at(d(10, 21)),
        due=d(10, 20),
    )
    task(
        cast,
        matter,
        category=other,
        engagement=e1,
        created=at(d(10, 24)),
        done=at(d(10, 25)),
        rework=2,
    )
    task(
        cast,
        matter,
        category=other,
        engagement=e1,
        created=at(d(10, 30)),
        done=at(d(11, 2)),
        due=d(11, 5),
    )
    task(cast, matter, category=other, engagement=e1, created=at(d(10, 30)), due=d(11, 30))

    # The audit baseline, and the attorney's own time now.
    audit = create_audit(
        cast.actor("owner"),
        name="Audit week",
        starts_on=d(9, 7),
        ends_on=d(9, 13),
        participants=[
            ParticipantInput(cast.attorney.pk, "attorney", 30000),
            ParticipantInput(cast.staff.pk, "paralegal", 4000),
        ],
    )
    add_entries(
        cast.actor("owner"),
        audit_id=audit.pk,
        entries=[
            EntryInput(cast.attorney.pk, d(9, 8), 600, "Deposition summary", paralegal.pk),
            EntryInput(cast.attorney.pk, d(9, 9), 120, "Hearing", attorney_work.pk),
            EntryInput(cast.staff.pk, d(9, 9), 240, "Summaries", paralegal.pk),
        ],
    )
    assert LoggedMinutes.objects.filter(audit=audit).count() == 3
    audit.chosen_category = paralegal
    audit.save(update_fields=["chosen_category"])
    mine = task(cast, matter, category=paralegal, created=at(d(10, 1)))
    hearing = task(cast, matter, category=attorney_work, created=at(d(10, 1)))
    time_entry(cast, cast.attorney, matter, day=d(10, 6), minutes=120, task=mine)
    time_entry(cast, cast.attorney, matter, day=d(10, 13), minutes=60, task=mine)
    time_entry(cast, cast.attorney, matter, day=d(10, 14), minutes=300, task=hearing)
    time_entry(cast, cast.attorney, matter, day=d(10, 15), minutes=90)  # no task
    time_entry(cast, cast.staff, matter, day=d(10, 15), minutes=200, task=mine)

    # Leads and case velocity.
    def lead(created, contacted_after=None, converted=None):
        return Lead.objects.create(
            organization=firm,
            practice_area="litigation",
            name=f"Prospect {created:%m%d}",
            created_at=created,
            first_contact_at=created + timedelta(minutes=contacted_after)
            if contacted_after is not None
            else None,
            stage="contacted" if contacted_after is not None else "new",
            converted_at=converted,
        )

    lead(at(d(10, 2), 10), 30, converted=at(d(10, 12), 10))
    lead(at(d(10, 5), 14), 90, converted=at(d(10, 8), 14))
    lead(at(d(10, 7), 11))
    lead(at(d(10, 9), 16), 10)
    lead(at(d(9, 30), 16), 5, converted=at(d(10, 3), 16))  # arrived in September
    client = ClientFactory(organization=firm, email="gc@harbor.example")
    closed = [
        MatterFactory(
            organization=firm,
            client=client,
            responsible_attorney=cast.attorney,
            status="closed",
            opened_on=opened,
            closed_on=shut,
        )
        for opened, shut in ((d(9, 1), d(10, 11)), (d(10, 1), d(10, 21)), (d(10, 2), d(11, 1)))
    ]
    for score, answered in ((5, d(10, 12)), (4, d(10, 22)), (2, d(10, 30)), (1, d(11, 1))):
        SatisfactionSurvey.objects.create(
            organization=firm,
            matter=closed[0],
            recipient=client.email,
            score=score,
            answered_at=at(answered, 12),
        )
    SatisfactionSurvey.objects.create(organization=firm, matter=closed[1], recipient=client.email)
    return History(e1, e2, matter, paralegal, other, attorney_work)


@pytest.fixture
def history(cast) -> History:
    return build_history(cast)

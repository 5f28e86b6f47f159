"""Demo history for insights (issue 9, PRODUCT §2.8): three months in which outsourcing pays off
and the firm outgrows what it has, so the dashboard tells a story.

- Contractor work: the discovery paralegal since their engagement began, Maria Alvarez since hers,
  the virtual receptionist since theirs; tasks created, worked, reviewed and done through the
  matters services, mostly on time; every other week one is a day late, and in the weeks between
  one is sent back once.
- Maria at capacity: after her first week her approved hours are over 90% of her contracted hours
  every week (the full-capacity signal).
- Document review backing up: the discovery paralegal's engagement is ending and Maria is full, so
  privilege-review boxes of the Brightline production pile up, unassigned, week after week (the
  bottleneck signal, whose "hire for this" link opens a posting pre-filled for it).
- Attorneys' own outsourceable work (pre-bills, client updates, data entry) falls from about 18 to
  about 6 hours a week, far below the self-audit's figure: the billable hours recovered.
- Leads converted to matters over the months, some of those matters closed, and their clients'
  satisfaction surveys answered.

Services only do things "now" (a task is done now, a lead converted now, a matter closed today):
those rows are re-dated to when they would have happened, by a plain update of their dates.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from counselbench.access.policy import Actor, actor_for
from counselbench.accounts.models import User
from counselbench.billing.models import LOCKED_STATES, TimeEntry
from counselbench.billing.services.time import EntryInput, approve, log_time, submit
from counselbench.core.errors import RuleViolation
from counselbench.engagements.models import LIVE_STATES, Engagement, EngagementState
from counselbench.insights.models import SatisfactionSurvey
from counselbench.insights.services import signals
from counselbench.insights.services.periods import firm_zone, previous_month, week_start
from counselbench.intake.models import Lead, LeadEvent
from counselbench.intake.services import leads as lead_services
from counselbench.intake.services.intake import LeadInput, create_lead
from counselbench.matters.models import Client, Matter, MatterStatus, Task, TaskEvent, TaskReview
from counselbench.matters.services import conflicts, tasks
from counselbench.matters.services import matters as matter_services
from counselbench.organizations.models import Organization
from counselbench.selfaudit.models import TaskCategory
from counselbench.talent.models import ProfessionalRole

MARIA = "maria.alvarez@contractors.example"
# The backlog's tasks: also how a re-run knows the history is there.
BACKLOG = "Privilege review of the Brightline production"
BACKLOG_CATEGORY = "document-review"
WEEKS = 13  # weeks of history before this one

# What each contractor does: (category key, matter key, title). Titles get a number or a week.
DISCOVERY_WORK = [
    ("document-review", "harbor", "Responsiveness review, Brightline production volume {n}"),
    ("document-review", "lone_star", "Review the Ruiz claim file production, part {n}"),
    ("ediscovery", "harbor", "Load and de-duplicate custodian email, set {n}"),
    ("document-review", "harbor", "Hot-document memo, Brightline production volume {n}"),
]
MARIA_WORK = [
    ("drafting", "harbor", "Draft the motion to compel Brightline's dispatch logs ({n})"),
    ("legal-research", "lone_star", "Research memo: Texas proportionate responsibility ({n})"),
    ("deposition-summaries", "lone_star", "Summarize the Ruiz treating-physician deposition ({n})"),
    ("drafting", "lone_star", "Draft the Ruiz mediation statement, section {n}"),
    ("legal-research", "harbor", "Research memo: spoliation sanctions in Texas ({n})"),
]
DESK_WORK = [
    ("calendar-scheduling", "lone_star", "Calendar the week's Ruiz deadlines ({n})"),
    ("data-entry", "harbor", "Enter the week's call notes into the Harbor file ({n})"),
]
WORDS = ["research", "drafting", "review", "revisions", "cite-check", "notes"]

# The attorneys' own outsourceable chores, each a long-running task they log time on:
# (who, category key, matter key, title, share of the attorneys' weekly minutes).
CHORES = [
    ("dana.whitfield", "billing-support", "harbor", "Pre-bills: review and fix them", 35),
    ("luis.moreno", "client-communication", "lone_star", "Status updates to the adjuster", 40),
    ("priya.shah", "data-entry", "estate", "Enter the estate's assets and contacts", 25),
]

# Leads that became matters: (months ago, day, practice area, name, other party, days to convert,
# closed (months ago, day) or None, survey score, comment).
CASES = [
    (3, 5, "family", "Renata Villalobos", "Arturo Villalobos", 4, (2, 20), 5,
     "Quick, clear, and kind through a hard time."),
    (3, 18, "personal_injury", "Desmond Achebe", "Capitol Rideshare LLC", 9, (1, 8), 4,
     "Good result; the paperwork took a while."),
    (2, 3, "family", "Hannah Lindqvist", "Erik Lindqvist", 3, (1, 21), 5,
     "They answered every call the same day."),
    (2, 15, "personal_injury", "Tomas Okonkwo", "Hill Country Grocers Inc.", 12, None, None, ""),
    (1, 2, "family", "Simone Baptiste", "Gerald Baptiste", 5, (1, 25), 3,
     "Fine outcome, but I had to chase for updates."),
    (1, 12, "personal_injury", "Kwame Mensah", "Lakeway Logistics LLC", 6, None, None, ""),
    (1, 20, "family", "Lucia Ferreira", "Paulo Ferreira", 2, None, None, ""),
]  # fmt: skip


@dataclass
class Crew:
    """One contractor's engagement, their work and how busy they were, by weeks ago."""

    engagement: Engagement
    work: list[tuple[str, str, str]]
    per_week: dict[int, int]  # weeks ago -> tasks done that week (default: the last value)
    utilization: dict[int, float]  # weeks ago -> share of contracted hours approved
    supervisor: User
    tasks: list[Task] = field(default_factory=list)

    def count(self, ago: int) -> int:
        return self.per_week.get(ago, self.per_week[max(self.per_week)])

    def target(self, ago: int) -> float:
        return self.utilization.get(ago, self.utilization[max(self.utilization)])


class History:
    def __init__(self, firm: Organization, today: date, zone: ZoneInfo):
        self.firm, self.today, self.zone = firm, today, zone
        self.now = timezone.now()
        self.monday = week_start(today)
        self.rng = random.Random(9)
        self.people = {
            m.user.email.split("@")[0]: m.user for m in firm.memberships.select_related("user")
        }
        self.luis = self.people["luis.moreno"]
        self.owner = actor_for(self.people["dana.whitfield"], firm)
        titles = {
            m.title.split()[0]: m
            for m in Matter.objects.filter(organization=firm, status=MatterStatus.OPEN)
        }
        self.matters = {
            "harbor": titles["Harbor"],
            "lone_star": titles["Lone"],
            "estate": titles["Estate"],
        }
        self.categories = {c.key: c.pk for c in TaskCategory.objects.filter(organization=firm)}
        self.numbers: dict[str, int] = defaultdict(int)
        self.in_week: dict[int, int] = defaultdict(int)

    # --- Time ----------------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def week(self, ago: int) -> date:
        return self.monday - timedelta(weeks=ago)

    def past(self, moment: datetime) -> datetime:
        return min(moment, self.now - timedelta(minutes=5))

    # --- Contractors -----------------------------------------------------------------------------

    def crews(self) -> list[Crew]:
        live = list(
            Engagement.objects.filter(organization=self.firm, state__in=LIVE_STATES)
            .select_related("professional__user", "supervising_attorney")
            .order_by("start_date", "pk")
        )
        crews = []
        maria = next((e for e in live if e.professional.user.email == MARIA), None)
        discovery = next(
            (
                e
                for e in live
                if e.professional.role == ProfessionalRole.PARALEGAL
                and e.state in (EngagementState.ACTIVE, EngagementState.ENDING)
            ),
            None,
        )
        desk = next(
            (
                e
                for e in live
                if e.professional.role
                in (ProfessionalRole.VIRTUAL_RECEPTIONIST, ProfessionalRole.INTAKE_SPECIALIST)
            ),
            None,
        )
        if discovery is not None:
            # Busy through the production surge, winding down since notice was given.
            crews.append(
                Crew(discovery, DISCOVERY_WORK, {1: 1, 2: 1, 3: 2},
                     {0: 0.2, 1: 0.25, 2: 0.3, 3: 0.35, 4: 0.6}, self.luis)
            )  # fmt: skip
        if maria is not None:
            # Ramping up in her first week, then full.
            crews.append(
                Crew(maria, MARIA_WORK, {1: 2},
                     {0: 0.96, 1: 0.97, 2: 0.95, 3: 0.96, 4: 0.94, 5: 0.93, 6: 0.85}, self.luis)
            )  # fmt: skip
        if desk is not None:
            crews.append(Crew(desk, DESK_WORK, {1: 1}, {1: 0.55}, self.luis))
        return [c for c in crews if self.cleared(c)]

    def cleared(self, crew: Crew) -> bool:
        """Each crew works only on matters with a passed conflict check for them."""
        professional = crew.engagement.professional
        usable = set()
        for key in {matter for _, matter, _ in crew.work}:
            matter = self.matters[key]
            try:
                conflicts.require_conflict_cleared(matter, professional)
            except RuleViolation:  # no check for them yet (or a stale one): run it now
                check = conflicts.check_matter(matter, run_by=self.luis, professional=professional)
                if not check.passed:
                    continue
            usable.add(key)
        crew.work = [w for w in crew.work if w[1] in usable]
        return bool(crew.work)

    def contractor_tasks(self, crew: Crew) -> None:
        engagement = crew.engagement
        pro = actor_for(engagement.professional.user)
        reviewer = actor_for(crew.supervisor, self.firm)
        for ago in range(WEEKS, 0, -1):
            monday, friday = self.week(ago), self.week(ago) + timedelta(days=4)
            first = max(monday, engagement.start_date)
            if first > friday:
                continue
            days = [first + timedelta(days=i) for i in range((friday - first).days + 1)]
            for _ in range(crew.count(ago)):
                created_on = self.rng.choice(days[:3])
                due_on = created_on + timedelta(days=self.rng.choice([2, 3, 3, 4]))
                last = min(due_on, friday)
                done_on = created_on + timedelta(days=self.rng.randint(0, (last - created_on).days))
                # Every other week one task finishes a day late; in the weeks between, one is
                # sent back once.
                nth = self.in_week[ago]
                self.in_week[ago] += 1
                if nth == 0 and ago % 2 == 1 and days[0] + timedelta(days=3) <= friday:
                    created_on, due_on = days[0], days[0] + timedelta(days=2)
                    done_on = due_on + timedelta(days=1)
                rework = nth == 1 and ago % 2 == 0
                created = self.at(created_on, self.rng.choice([8, 9, 10]), self.rng.choice([0, 30]))
                done = self.at(done_on, self.rng.choice([14, 15, 16, 17]), self.rng.choice([0, 30]))
                key, matter, title = self.rng.choice(crew.work)
                self.numbers[title] += 1
                task = tasks.create_task(
                    self.owner,
                    matter_id=self.matters[matter].pk,
                    data={
                        "title": title.format(n=self.numbers[title]),
                        "category_id": self.categories[key],
                        "due_on": due_on,
                        "estimate_minutes": self.rng.choice([120, 180, 240, 360]),
                        "engagement_id": engagement.pk,
                        "supervising_attorney_id": crew.supervisor.pk,
                    },
                )
                moves = [(pro, "in_progress", ""), (pro, "submitted", "")]
                if rework:
                    moves += [
                        (reviewer, "needs_rework", "Tighten the summary and add the Bates cites."),
                        (pro, "submitted", "Revised as asked."),
                    ]
                moves.append((reviewer, "done", ""))
                self.walk(task, moves, created, done)
                crew.tasks.append(Task.objects.get(pk=task.pk))

    def walk(
        self, task: Task, moves: list[tuple[Actor, str, str]], created: datetime, done: datetime
    ) -> None:
        """Move the task through the services, then date its history between created and done."""
        for actor, to, note in moves:
            tasks.transition(actor, task_id=task.pk, to=to, note=note)
        span = done - created
        started = created + min(timedelta(hours=1), span / 4)
        steps = len(moves) - 1
        times = [started + (done - started) * (i / steps) for i in range(steps)] + [done]
        events = list(TaskEvent.objects.filter(task=task).order_by("pk"))
        for event, moment in zip(events, [created, *times], strict=False):
            event.at = moment
        TaskEvent.objects.bulk_update(events, ["at"])
        reviewed = [
            m for (_, to, _), m in zip(moves, times, strict=True) if to in ("needs_rework", "done")
        ]
        reviews = list(TaskReview.objects.filter(task=task).order_by("pk"))
        for review, moment in zip(reviews, reviewed, strict=False):
            review.reviewed_at = moment
        TaskReview.objects.bulk_update(reviews, ["reviewed_at"])
        submitted = [m for (_, to, _), m in zip(moves, times, strict=True) if to == "submitted"]
        Task.objects.filter(pk=task.pk).update(
            created_at=created,
            started_at=started,
            submitted_at=submitted[-1] if submitted else None,
            done_at=done if moves[-1][1] == "done" else None,
            state_changed_at=times[-1],
        )

    def contractor_time(self, crew: Crew) -> None:
        """Approved hours each week up to the crew's target share of the contracted hours,
        counting what the billing demo already logged."""
        engagement = crew.engagement
        pro = actor_for(engagement.professional.user)
        logged: dict[date, int] = defaultdict(int)
        for day, minutes in TimeEntry.objects.filter(
            engagement=engagement, state__in=LOCKED_STATES
        ).values_list("date", "minutes"):
            logged[week_start(day)] += minutes
        mine = crew.tasks or list(Task.objects.filter(engagement=engagement))
        if not mine:
            return
        made: list[TimeEntry] = []
        for ago in range(WEEKS, -1, -1):
            monday = self.week(ago)
            first = max(monday, engagement.start_date)
            if first > monday + timedelta(days=6):
                continue
            live_days = (monday + timedelta(days=6) - first).days + 1
            target = crew.target(ago) * engagement.hours_per_week * 60 * live_days / 7
            days = [
                first + timedelta(days=i)
                for i in range((monday + timedelta(days=4) - first).days + 1)
                if first + timedelta(days=i) < self.today
            ]
            if ago == 0:  # this week so far
                elapsed = (self.today - first).days
                target = crew.target(0) * engagement.hours_per_week * 60 * elapsed / 7
            missing = int(target) - logged[monday]
            # A day's contracted hours, give or take, in an entry.
            day_minutes = engagement.hours_per_week * 60 // 5
            sizes = [day_minutes * k // 4 // 30 * 30 for k in (4, 5, 6)]
            turn = self.rng.randrange(5)
            while missing > 0 and days:
                day = days[turn % len(days)]
                turn += 1
                minutes = min(self.rng.choice(sizes), -(-missing // 30) * 30)
                task = self.task_on(mine, day)
                entry = log_time(
                    pro,
                    data=EntryInput(
                        minutes=minutes,
                        date=day,
                        description=f"{task.title}: {self.rng.choice(WORDS)}",
                        task_id=task.pk,
                    ),
                )
                made.append(entry)
                missing -= minutes
        self.submit_and_approve(pro, made, lambda entry: crew.supervisor)

    def task_on(self, candidates: list[Task], day: date) -> Task:
        """The task the contractor was working on that day (or the closest before it)."""
        started = [t for t in candidates if t.created_at.astimezone(self.zone).date() <= day]
        working = [
            t for t in started if t.done_at is None or t.done_at.astimezone(self.zone).date() >= day
        ]
        return self.rng.choice(working or started[-3:] or candidates)

    def submit_and_approve(self, author: Actor, entries: list[TimeEntry], approver_of) -> None:
        if not entries:
            return
        for i in range(0, len(entries), 400):
            submit(author, entry_ids=[e.pk for e in entries[i : i + 400]])
        by: dict[int, list[TimeEntry]] = defaultdict(list)
        approvers: dict[int, User] = {}
        for entry in entries:
            user = approver_of(entry)
            approvers[user.pk] = user
            by[user.pk].append(entry)
        for pk, group in by.items():
            for i in range(0, len(group), 400):
                approve(
                    actor_for(approvers[pk], self.firm),
                    entry_ids=[e.pk for e in group[i : i + 400]],
                )
        # Logged at the end of the day worked, approved the next morning.
        for entry in entries:
            entry.created_at = entry.submitted_at = self.past(self.at(entry.date, 18))
            entry.decided_at = self.past(self.at(entry.date + timedelta(days=1), 9))
        TimeEntry.objects.bulk_update(entries, ["created_at", "submitted_at", "decided_at"])

    # --- The bottleneck ------------------------------------------------------------------------

    def backlog(self, crews: list[Crew]) -> None:
        """Privilege-review boxes arrive faster than anyone takes them: two three weeks ago, two
        more the week after, three last week and more this week (open: 2, 4, 7 at the week-ends);
        the discovery paralegal has started the first."""
        harbor = self.matters["harbor"]
        plan = [(3, 1), (3, 3), (2, 0), (2, 2), (1, 0), (1, 1), (1, 3), (0, 0), (0, 1)]
        paralegal = next(
            (
                c
                for c in crews
                if c.engagement.professional.role == ProfessionalRole.PARALEGAL
                and any(matter == "harbor" for _, matter, _ in c.work)
            ),
            None,
        )
        for box, (ago, weekday) in enumerate(plan, start=1):
            created = self.at(self.week(ago) + timedelta(days=weekday), 11)
            if created > self.now - timedelta(hours=1):
                continue
            created_on = created.date()
            task = tasks.create_task(
                actor_for(self.luis, self.firm),
                matter_id=harbor.pk,
                data={
                    "title": f"{BACKLOG}, box {box}",
                    "instructions": "Second-level privilege review of the documents the first "
                    "pass flagged; log each withheld document for the privilege log.",
                    "category_id": self.categories[BACKLOG_CATEGORY],
                    "due_on": created_on + timedelta(days=5),
                    "estimate_minutes": 480,
                    "supervising_attorney_id": self.luis.pk,
                },
            )
            Task.objects.filter(pk=task.pk).update(created_at=created, state_changed_at=created)
            TaskEvent.objects.filter(task=task).update(at=created)
            if box == 1 and paralegal is not None:
                pro = actor_for(paralegal.engagement.professional.user)
                tasks.assign_task(
                    actor_for(self.luis, self.firm),
                    task_id=task.pk,
                    engagement_id=paralegal.engagement.pk,
                )
                started = created + timedelta(days=2)
                tasks.transition(pro, task_id=task.pk, to="in_progress")
                Task.objects.filter(pk=task.pk).update(started_at=started, state_changed_at=started)
                TaskEvent.objects.filter(task=task, to_status="in_progress").update(at=started)

    # --- The attorneys' own outsourceable work --------------------------------------------------

    def attorney_time(self) -> None:
        """From about 18 hours a week three months ago to about 6 now, never rising three weeks
        running (the self-audit counted far more)."""
        chores = []
        for who, key, matter, title, share in CHORES:
            user = self.people[who]
            opened = self.matters[matter].opened_on
            since = max(self.week(WEEKS), opened)
            task = tasks.create_task(
                actor_for(user, self.firm),
                matter_id=self.matters[matter].pk,
                data={"title": title, "category_id": self.categories[key], "assignee_id": user.pk},
            )
            tasks.transition(actor_for(user, self.firm), task_id=task.pk, to="in_progress")
            created = self.at(since, 9)
            Task.objects.filter(pk=task.pk).update(
                created_at=created, started_at=created, state_changed_at=created
            )
            TaskEvent.objects.filter(task=task).update(at=created)
            chores.append((user, task, since, share))
        hours = {3: 7.0, 2: 6.5, 1: 6.0, 0: 1.0}
        made: dict[int, list[TimeEntry]] = defaultdict(list)
        for ago in range(WEEKS, -1, -1):
            monday = self.week(ago)
            weekly = hours.get(ago, 7 + 11 * (ago - 3) / (WEEKS - 3) + self.rng.uniform(-0.5, 0.5))
            working = [c for c in chores if c[2] <= monday + timedelta(days=4)]
            total_share = sum(c[3] for c in working)
            for user, task, since, share in working:
                minutes = int(weekly * 60 * share / total_share / 15) * 15
                days = [
                    monday + timedelta(days=i)
                    for i in range(5)
                    if since <= monday + timedelta(days=i) < self.today
                ]
                while minutes > 0 and days:  # a few sittings a week
                    chunk = min(minutes, self.rng.choice([180, 240, 300]))
                    entry = log_time(
                        actor_for(user, self.firm),
                        data=EntryInput(
                            minutes=chunk,
                            date=self.rng.choice(days),
                            description=task.title,
                            task_id=task.pk,
                            billable=False,
                        ),
                    )
                    made[user.pk].append(entry)
                    minutes -= chunk
        owner = self.owner.user
        for user, task, _since, _share in chores:
            # Nobody approves their own time: the owner's goes to the responsible attorney.
            approver = task.matter.responsible_attorney if user == owner else owner
            self.submit_and_approve(
                actor_for(user, self.firm), made[user.pk], lambda entry, a=approver: a
            )

    # --- Case velocity and satisfaction ----------------------------------------------------------

    def month_day(self, months_ago: int, day: int) -> date:
        start = self.today
        for _ in range(months_ago):
            start = previous_month(start)[0]
        return start.replace(day=day)

    def cases(self) -> None:
        for index, case in enumerate(CASES):
            ago, day, area, name, other, to_convert, closed, score, comment = case
            created = self.at(self.month_day(ago, day), 10 + index % 6, 15)
            converted = created + timedelta(days=to_convert, hours=3)
            if converted > self.now - timedelta(hours=1):
                continue
            first = name.split()[0].lower()
            lead = create_lead(
                organization=self.firm,
                data=LeadInput(
                    name=name,
                    practice_area=area,
                    other_parties=[other],
                    email=f"{first}.{index}@mail.example",
                    phone=f"+1512555{2000 + index:04d}",
                    state="TX",
                    summary="Referred by a former client; called the office.",
                ),
                source="phone",
                by=self.people["grace.okafor"],
            )
            if lead.conflict_flagged:
                continue  # the names met a party of the firm's: no story to tell here
            attorney = self.people["priya.shah" if area == "family" else "luis.moreno"]
            lead = lead_services.convert(
                self.owner,
                lead_id=lead.pk,
                data={"responsible_attorney_id": attorney.pk, "jurisdiction": "TX"},
            )
            contacted = created + timedelta(minutes=15 + 10 * index)
            Lead.objects.filter(pk=lead.pk).update(
                created_at=created, first_contact_at=contacted, converted_at=converted
            )
            LeadEvent.objects.filter(lead=lead).update(at=converted)
            LeadEvent.objects.filter(lead=lead, kind__in=("created", "routed")).update(at=created)
            LeadEvent.objects.filter(lead=lead, kind="contacted").update(at=contacted)
            Matter.objects.filter(pk=lead.matter_id).update(
                opened_on=converted.date(), created_at=converted
            )
            Client.objects.filter(pk=lead.client_id).update(created_at=converted)
            if closed is None:
                continue
            closed_on = self.month_day(*closed)
            if closed_on >= self.today:
                continue
            matter_services.update_matter(
                self.owner, matter_id=lead.matter_id, changes={"status": MatterStatus.CLOSED}
            )
            Matter.objects.filter(pk=lead.matter_id).update(closed_on=closed_on)
            matter = Matter.objects.select_related("client").get(pk=lead.matter_id)
            survey = SatisfactionSurvey.objects.filter(matter=matter).first()
            if survey is None:  # the survey goes out when a matter closes
                survey = SatisfactionSurvey.objects.create(
                    organization=self.firm,
                    matter=matter,
                    recipient=matter.client.email,
                    sent_by=self.owner.user,
                )
            sent = self.at(closed_on, 17)
            answered = self.past(sent + timedelta(days=1 + index % 3, hours=2))
            SatisfactionSurvey.objects.filter(pk=survey.pk).update(
                created_at=sent, emailed_at=sent + timedelta(minutes=1), score=score,
                comment=comment, answered_at=answered,
            )  # fmt: skip

    def build(self) -> None:
        crews = self.crews()
        for crew in crews:
            self.contractor_tasks(crew)
        self.backlog(crews)
        for crew in crews:
            self.contractor_time(crew)
        self.attorney_time()
        self.cases()


def build(*, firm: Organization) -> None:
    zone = firm_zone(firm.time_zone)
    today = timezone.now().astimezone(zone).date()
    if not Task.objects.filter(organization=firm, title__startswith=BACKLOG).exists():
        History(firm, today, zone).build()
    # The daily job's evaluation, so the signals are there as soon as the demo is.
    signals.evaluate(firm, today=today)

"""Benchmark: the insights dashboard for a firm with three years of history (PostgreSQL).

Migrates a fresh database, loads the demo, then adds in bulk to the demo firm about three years
of history: 1,000,000 time entries (about 40 % by contractors under 20 engagements, at their pay
rate; the rest by the firm's members, a share of it on paralegal- and administrative-level
tasks), 100,000 tasks, 20,000 leads (contacted, some converted into a client and matter),
matters closed and a few thousand satisfaction surveys. Rows are written in date order, as a firm
writes them over the years (so a range's rows sit together on disk), and time is logged on tasks
created in the 30 days before; then VACUUM ANALYZE. Starts the real server (`counselbench serve`,
gunicorn, DEBUG off) and measures, from this process, the p50/p95 latency of
`GET /api/v1/insights/metrics` as the owner (token) for the default range (last month) and for
the last 90 days, each against the floor: the bare SQL aggregates the dashboard needs for
the same range (contractor minutes and minutes × rate per engagement and day, contractor tasks
done with their timestamps, attorney minutes on outsourceable categories per day, leads, their
first contacts and conversions, matters opened and closed, survey scores, the audit baseline),
run one after the other with psycopg and timed as one set.

A setup process also runs each range once through Django's test client and reports the number of
queries, the database time and the slowest statements (with `--explain`, their
`EXPLAIN (ANALYZE, BUFFERS)`), and the time of the dashboard computed in-process.

    createdb -h 127.0.0.1 -U postgres cb_insights_bench   # an empty database of your own
    python bench/insights.py --database-url postgres://postgres@127.0.0.1:5432/cb_insights_bench
                             [--entries 1000000] [--tasks 100000] [--leads 20000]
                             [--engagements 20] [--members 30] [--years 3] [--requests 60]
                             [--workers 2] [--explain] [--reuse]

`--reuse` measures a database an earlier run built (e.g. after adding an index) without
building again. Goal (issue 9): p95 ≤ 150 ms on PostgreSQL for the default range; the exit code
is 0 only if that holds and the endpoint's figures agree with the floor's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up
from delegation import run_django
from hit_list import summary, time_endpoint
from matching import time_floor

GOAL_P95_MS = 150.0
BENCH_MARK = "Bench task "  # the bulk tasks' titles: how --reuse knows the data is there

BUILD = """
import bisect, json, math, random, sys
from datetime import datetime, time, timedelta
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from counselbench.accounts.models import User
from counselbench.engagements.models import Engagement, EngagementState
from counselbench.insights.models import SatisfactionSurvey
from counselbench.insights.services.periods import firm_zone
from counselbench.intake.models import Lead, LeadSource, LeadState
from counselbench.matters.models import Client, Matter, Task, TaskStatus
from counselbench.organizations.models import Membership, Organization, Role
from counselbench.selfaudit.models import TaskCategory
from counselbench.talent.models import PracticeArea, ProfessionalProfile

n_entries, n_tasks, n_leads, n_engagements, n_members, years = (int(a) for a in sys.argv[1:7])
rng = random.Random(9)
BATCH = 5000
firm = Organization.objects.get(slug="whitfield-moreno")
zone = firm_zone(firm.time_zone)
now = timezone.now()
today = now.astimezone(zone).date()
first_day = today - timedelta(days=365 * years)
span = (today - first_day).days + 1
owner = User.objects.get(email="dana.whitfield@whitfieldmoreno.example")
categories = list(TaskCategory.objects.filter(organization=firm, retired_at__isnull=True))
outsourceable = [c for c in categories if c.level in ("paralegal", "administrative")]
attorney_level = [c for c in categories if c.level == "attorney"]
unusable = make_password(None)


def bulk(model, rows):
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i:i + BATCH])


def local(day, minutes):
    \"\"\"`minutes` after midnight of `day` in the firm's zone, as an aware datetime.\"\"\"
    return datetime.combine(day, time.min, tzinfo=zone) + timedelta(minutes=minutes)


def any_day():
    return first_day + timedelta(days=rng.randrange(span))


with transaction.atomic():
    # More timekeepers: a firm that logs a million entries in three years is not four people.
    users = [User(email=f"bench.member{i:02d}@whitfieldmoreno.example",
                  full_name=f"Bench Member {i:02d}", password=unusable)
             for i in range(n_members)]
    bulk(User, users)
    bulk(Membership, [Membership(organization=firm, user=u,
                                 role=Role.ATTORNEY if i < n_members * 2 // 3 else Role.STAFF)
                      for i, u in enumerate(users)])
    roles = dict(Membership.objects.filter(organization=firm).values_list("user_id", "role"))
    members = sorted(roles)
    lawyers = [u for u in members if roles[u] in (Role.OWNER, Role.ATTORNEY)]

    # Contractors: engagements started across the years, the early ones mostly ended.
    engaged = Engagement.objects.filter(organization=firm).values("professional_id")
    pros = list(ProfessionalProfile.objects.filter(user__email__endswith="@network.example")
                .exclude(pk__in=engaged).select_related("user").order_by("pk")[:n_engagements])
    engagements = []
    for i, pro in enumerate(pros):
        start = first_day + timedelta(days=int(i * span * 0.8 / max(1, len(pros))))
        ended_on = None
        if i < len(pros) // 2 and rng.random() < 0.7:
            ended_on = start + timedelta(days=rng.randrange(180, 540))
            if ended_on > today - timedelta(days=14):
                ended_on = None
        monthly = i % 10 == 3
        engagements.append(Engagement(
            organization=firm, professional=pro, title=f"Bench contractor {i:02d}",
            scope="Paralegal and administrative support.", jurisdiction="TX",
            engagement_model="direct", billing_model="monthly" if monthly else "hourly",
            rate_cents=rng.choice([300000, 450000]) if monthly else rng.randrange(2500, 9500, 250),
            hours_per_week=rng.choice([10, 15, 20, 20, 30, 40]),
            supervising_attorney_id=rng.choice(lawyers), start_date=start,
            state=EngagementState.ENDED if ended_on else EngagementState.ACTIVE,
            sent_at=local(start - timedelta(days=7), 600), ended_on=ended_on, created_by=owner))
    bulk(Engagement, engagements)
    windows = [(e, e.start_date, e.ended_on or today) for e in engagements]

    # Leads over the years; about one in six converted into a client and a matter. Every
    # table is written in the order a firm writes it (by date), so a range's rows sit together
    # on disk as they would after three years of use.
    leads, converted = [], []
    areas, sources = PracticeArea.values, LeadSource.values
    for created in sorted(local(any_day(), rng.randrange(7 * 60, 22 * 60))
                          for _ in range(n_leads)):
        i = len(leads)
        lead = Lead(organization=firm, practice_area=rng.choice(areas),
                    source=rng.choice(sources), name=f"Bench Lead {i:05d}",
                    email=f"lead{i:05d}@bench.example", created_at=created, stage=LeadState.NEW)
        if rng.random() < 0.88:
            lead.first_contact_at = created + timedelta(
                minutes=min(60 * 24 * 5, rng.lognormvariate(math.log(45), 1.3)))
            if lead.first_contact_at > now:
                lead.first_contact_at = None
        if lead.first_contact_at is not None:
            lead.first_contact_by_id = rng.choice(members)
            lead.stage = rng.choice([LeadState.CONTACTED, LeadState.CONSULT_BOOKED,
                                     LeadState.NOT_RETAINED])
            if lead.stage == LeadState.NOT_RETAINED:
                lead.not_retained_reason = "Declined the engagement."
            if rng.random() < 0.2:
                at = lead.first_contact_at + timedelta(hours=rng.randrange(24, 45 * 24))
                if at <= now:
                    lead.stage, lead.converted_at = LeadState.RETAINED, at
                    converted.append(lead)
        leads.append(lead)

    # Matters: one per converted lead (opened that day), and the firm's other matters.
    opening = [(l.converted_at.astimezone(zone).date(), i, l) for i, l in enumerate(converted)]
    opening += [(first_day - timedelta(days=365) + timedelta(days=rng.randrange(span + 365)),
                 len(converted) + i, None) for i in range(len(converted) // 2 + 500)]
    opening.sort(key=lambda o: o[:2])
    clients = [Client(organization=firm, kind=rng.choice(["person", "organization"]),
                      name=f"Bench Client {i:05d}", created_by=owner,
                      created_at=local(opened, 9 * 60))
               for i, (opened, _, _) in enumerate(opening)]
    bulk(Client, clients)
    matters = []
    for i, (opened, _, lead) in enumerate(opening):
        closed_on, status = None, rng.choices(["open", "on_hold"], [95, 5])[0]
        if rng.random() < 0.65:
            closed_on = opened + timedelta(days=rng.randrange(20, 700))
            if closed_on <= today:
                status = "closed"
            else:
                closed_on = None
        matters.append(Matter(
            organization=firm, client=clients[i], number=f"BENCH-{i:05d}",
            title=f"Bench matter {i}", jurisdiction=rng.choice(["TX", "CA", "NY", "IL", "FL"]),
            practice_area=rng.choice(areas), responsible_attorney_id=rng.choice(lawyers),
            status=status, opened_on=opened, closed_on=closed_on, created_by=owner,
            created_at=local(opened, 9 * 60)))
        if lead is not None:
            lead.client, lead.matter = clients[i], matters[-1]
    bulk(Matter, matters)
    bulk(Lead, leads)
    matter_opened = [m.opened_on for m in matters]


    def matter_on(day):
        \"\"\"A matter already open on `day`.\"\"\"
        return matters[rng.randrange(max(1, bisect.bisect_right(matter_opened, day)))]


    # Satisfaction surveys for most matters closed in the years, most answered.
    surveys = []
    for m in matters:
        if m.closed_on is None or m.closed_on < first_day or rng.random() < 0.3:
            continue
        sent = local(m.closed_on, 17 * 60)
        survey = SatisfactionSurvey(organization=firm, matter=m, recipient="client@bench.example",
                                    created_at=sent, emailed_at=sent, sent_by=owner)
        answered = sent + timedelta(hours=rng.randrange(1, 240))
        if rng.random() < 0.7 and answered <= now:
            survey.score = rng.choices([1, 2, 3, 4, 5], [3, 5, 12, 35, 45])[0]
            survey.answered_at = answered
        surveys.append(survey)
    surveys.sort(key=lambda s: s.created_at)
    bulk(SatisfactionSurvey, surveys)

    # Tasks: about 45 % contractors' (under an engagement live that day), the rest members'.
    tasks = []
    for created in sorted(local(any_day(), rng.randrange(8 * 60, 18 * 60))
                          for _ in range(n_tasks)):
        i, day = len(tasks), created.astimezone(zone).date()
        live = [w for w in windows if w[1] <= day <= w[2]]
        task = Task(organization=firm, matter=matter_on(day), title=f"Bench task {i}",
                    created_by=owner, created_at=created, due_on=None,
                    estimate_minutes=rng.choice([30, 60, 120, 240]))
        if live and rng.random() < 0.45:
            e = rng.choice(live)[0]
            task.engagement, task.assignee = e, e.professional.user
            task.supervising_attorney_id = e.supervising_attorney_id
            task.category = rng.choice(outsourceable)
        else:
            task.assignee_id = rng.choice(members)
            task.category = rng.choice(outsourceable if rng.random() < 0.6 else attorney_level)
        if rng.random() < 0.85:
            task.due_on = day + timedelta(days=rng.randrange(1, 11))
        task.rework_count = rng.choices([0, 1, 2], [88, 10, 2])[0]
        done_at = created + timedelta(hours=min(40 * 24, rng.lognormvariate(math.log(30), 1.0)))
        task.started_at = created + timedelta(minutes=rng.randrange(5, 240))
        if done_at <= now and (now - created).days >= 30 or rng.random() < 0.4 and done_at <= now:
            task.status, task.done_at = TaskStatus.DONE, done_at
            task.submitted_at = max(task.started_at, done_at - timedelta(minutes=30))
        else:
            task.status = rng.choice([TaskStatus.TODO, TaskStatus.IN_PROGRESS,
                                      TaskStatus.SUBMITTED] +
                                     ([TaskStatus.NEEDS_REWORK] if task.rework_count else []))
            if task.status == TaskStatus.TODO:
                task.started_at, task.rework_count = None, 0
            if task.status == TaskStatus.SUBMITTED:
                task.submitted_at = task.started_at
        task.state_changed_at = task.done_at or task.submitted_at or task.started_at or created
        tasks.append(task)
    bulk(Task, tasks)
    # Time is logged on tasks of the month before the entry's day (tasks are in date order).
    pools = {}
    for t in tasks:
        if t.engagement_id:
            key = t.engagement_id
        else:
            key = "attorney" if t.category.level == "attorney" else "outsourceable"
        pool = pools.setdefault(key, ([], []))
        pool[0].append(t.created_at.astimezone(zone).date())
        pool[1].append(t)


    def recent_task(key, day):
        \"\"\"One of the pool's tasks created in the 30 days up to `day`, or None.\"\"\"
        days, found = pools.get(key, ((), ()))
        last = bisect.bisect_right(days, day)
        first = bisect.bisect_left(days, day - timedelta(days=30), 0, last)
        return found[rng.randrange(first, last)] if first < last else None


    # Time entries, by COPY. Contractor minutes are sized so that utilization is about 85 %.
    n_contract = int(n_entries * 0.4)
    MEMBER = 1023
    assert len(windows) < MEMBER
    weights = [e.hours_per_week * ((last - first).days + 1) for e, first, last in windows]
    contracted = sum(weights) * 60 / 7
    per_entry = max(1, round(contracted * 0.85 / max(1, n_contract)))
    minute_choices = [max(1, min(600, round(per_entry * f))) for f in (0.5, 1, 1, 1.5)]
    late = today - timedelta(days=45)
    states_old = (["billed", "approved", "rejected", "submitted", "draft"], [60, 36, 2, 1, 1])
    states_new = (["approved", "submitted", "draft", "rejected"], [70, 18, 10, 2])
    columns = ("organization_id", "author_id", "matter_id", "task_id", "engagement_id", "date",
               "minutes", "description", "billable", "rate_cents", "currency", "state",
               "rejection_reason", "submitted_at", "decided_by_id", "decided_at", "created_at")
    member_rate = {u: (15000 if roles[u] == Role.STAFF else rng.choice([35000, 45000]))
                   for u in members}
    written = 0
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY billing_timeentry ({', '.join(columns)}) FROM STDIN") as copy:
            # Each entry's day and whose it is (an engagement's index, or MEMBER) as one
            # integer, sorted: entries are written in the order of their days.
            keys = []
            for w in rng.choices(range(len(windows)), weights, k=n_contract):
                e, first, last = windows[w]
                keys.append(((first - first_day).days + rng.randrange((last - first).days + 1))
                            * 1024 + w)
            keys += [rng.randrange(span) * 1024 + MEMBER for _ in range(n_entries - n_contract)]
            keys.sort()
            for key in keys:
                offset, w = divmod(key, 1024)
                day = first_day + timedelta(days=offset)
                if w != MEMBER:
                    e = windows[w][0]
                    task = recent_task(e.pk, day) if rng.random() < 0.9 else None
                    author, engagement = e.professional.user_id, e.pk
                    rate = e.rate_cents if e.billing_model == "hourly" else None
                    minutes = rng.choice(minute_choices)
                    approver = e.supervising_attorney_id
                else:
                    author, engagement = rng.choice(members), None
                    share = 0.7 if roles[author] == Role.STAFF else 0.15
                    kind = rng.random()
                    if kind < share:
                        task = recent_task("outsourceable", day)
                    elif kind < share + 0.3 and roles[author] != Role.STAFF:
                        task = recent_task("attorney", day)
                    else:
                        task = None
                    rate, minutes = member_rate[author], rng.choice((6, 12, 18, 24, 30, 36, 48))
                    approver = owner.pk
                state = rng.choices(*(states_old if day < late else states_new))[0]
                logged = local(day, 18 * 60)
                decided = state in ("approved", "billed", "rejected")
                copy.write_row((
                    firm.pk, author, task.matter_id if task else matter_on(day).pk,
                    task.pk if task else None, engagement, day, minutes, "Bench entry", True,
                    rate, "USD", state, "Not this matter's work." if state == "rejected" else "",
                    None if state == "draft" else logged,
                    approver if decided else None,
                    logged + timedelta(days=1) if decided else None, logged))
                written += 1

print(json.dumps({
    "first_day": first_day.isoformat(), "today": today.isoformat(), "members_added": len(users),
    "engagements_added": len(engagements), "clients": len(clients), "matters": len(matters),
    "matters_closed": sum(1 for m in matters if m.closed_on), "leads": len(leads),
    "leads_converted": len(converted), "surveys": len(surveys),
    "surveys_answered": sum(1 for s in surveys if s.score), "tasks": len(tasks),
    "contractor_tasks": sum(1 for t in tasks if t.engagement_id),
    "time_entries": written, "contractor_entries": n_contract,
    "contractor_minutes_per_entry": minute_choices,
}))
"""

SETUP = """
import json, statistics, sys, time
import django
django.setup()
from datetime import timedelta
from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from counselbench.access.policy import actor_for
from counselbench.accounts.models import User
from counselbench.accounts.services import create_token
from counselbench.insights.services import export, metrics
from counselbench.insights.services.periods import firm_zone, period
from counselbench.organizations.models import Organization

explain = sys.argv[1] == "1"
firm = Organization.objects.get(slug="whitfield-moreno")
owner = User.objects.get(email="dana.whitfield@whitfieldmoreno.example")
actor = actor_for(owner, firm)
_, token = create_token(actor, name="bench insights", organization_slug=firm.slug)
zone = firm_zone(firm.time_zone)
today = timezone.now().astimezone(zone).date()
browser = TestClient(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
browser.get("/api/v1/me")  # the token's first use ("last seen") is not part of a dashboard
scope = metrics.scope_for(actor)
out = {"token": token, "firm_id": firm.pk, "owner_id": owner.pk, "today": today.isoformat(),
       "engagement_ids": scope.engagement_ids,
       "attorney_ids": metrics.attorney_ids(firm), "ranges": {}}
baseline = metrics.audit_baseline(firm, today)
out["audit_id"] = baseline.audit.pk if baseline else None
for name, start in (("last_month", None), ("last_90_days", today - timedelta(days=89))):
    p = period(zone, start=start, end=today if start else None, today=today)
    path = "/api/v1/insights/metrics"
    if start:
        path += f"?from={p.start.isoformat()}&to={p.end.isoformat()}"
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    body = response.json()
    statements = sorted(({"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]}
                         for q in captured.captured_queries), key=lambda q: -q["ms"])
    # In-process: the service alone, then serializing what the API returns.
    service_ms, data_ms = [], []
    for _ in range(5):
        began = time.perf_counter()
        board = metrics.dashboard(actor, start=p.start if start else None,
                                  end=p.end if start else None, today=today)
        middle = time.perf_counter()
        export.as_data(board, reverse("api:insights_export"))
        service_ms.append((middle - began) * 1000)
        data_ms.append((time.perf_counter() - middle) * 1000)
    plans = []
    if explain:
        with connection.cursor() as cursor:
            for q in statements[:4]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                plans.append("\\n".join(r[0] for r in cursor.fetchall()))
    figures = {m["key"]: m for m in body["metrics"]}
    velocity = {r["stage"]: r["count"] for c in body["charts"] if c["key"] == "velocity"
                for r in c["rows"]}
    out["ranges"][name] = {
        "path": path, "start": p.start.isoformat(), "end": p.end.isoformat(),
        "since": p.since.isoformat(), "until": p.until.isoformat(),
        "queries": len(captured), "sql_ms": round(sum(q["ms"] for q in statements), 1),
        "slowest": [{"ms": q["ms"], "sql": q["sql"][:400]} for q in statements[:4]],
        "plans": plans,
        "in_process_ms": {"dashboard": round(statistics.median(service_ms), 1),
                          "as_data": round(statistics.median(data_ms), 1)},
        "response_bytes": len(response.content),
        "api": {
            "approved_contractor_hours": figures["utilization"]["numerator"],
            "contractor_tasks_done": figures["rework_rate"]["denominator"],
            "attorney_outsourceable_hours": figures["billable_hours_recovered"]["denominator"],
            "leads_arrived": velocity.get("Leads arrived"),
            "leads_converted": velocity.get("Leads converted to matters"),
            "matters_closed": velocity.get("Matters closed"),
            "surveys_answered": figures["client_satisfaction"]["count"],
        },
    }
print(json.dumps(out, default=str))
"""

# The aggregates the dashboard needs for a range, bare. Parameters: firm, engagements, attorneys,
# start, end (days in the firm's zone, both included), since, until (the same as instants), today.
FLOOR = {
    "contractor_time": """
        SELECT engagement_id, date, SUM(minutes), SUM(minutes * rate_cents)
        FROM billing_timeentry
        WHERE engagement_id = ANY(%(engagements)s) AND state IN ('approved', 'billed')
          AND date BETWEEN %(start)s AND %(end)s
        GROUP BY engagement_id, date""",
    "contractor_tasks_done": """
        SELECT engagement_id, category_id, created_at, done_at, due_on, rework_count
        FROM matters_task
        WHERE organization_id = %(firm)s AND engagement_id = ANY(%(engagements)s)
          AND done_at >= %(since)s AND done_at < %(until)s""",
    "attorney_outsourceable_minutes": """
        SELECT e.date, SUM(e.minutes)
        FROM billing_timeentry e
        JOIN matters_task t ON t.id = e.task_id
        JOIN selfaudit_taskcategory c ON c.id = t.category_id
        WHERE e.organization_id = %(firm)s AND e.engagement_id IS NULL
          AND e.author_id = ANY(%(attorneys)s) AND e.state IN ('approved', 'billed')
          AND e.date BETWEEN %(start)s AND %(end)s AND c.level IN ('paralegal', 'administrative')
        GROUP BY e.date""",
    "audit_baseline": """
        SELECT SUM(m.minutes)
        FROM selfaudit_loggedminutes m
        JOIN selfaudit_participant p ON p.id = m.participant_id
        JOIN selfaudit_taskcategory c ON c.id = m.category_id
        WHERE m.audit_id = %(audit)s AND p.level = 'attorney'
          AND c.level IN ('paralegal', 'administrative')""",
    "leads_arrived": """
        SELECT created_at, first_contact_at FROM intake_lead
        WHERE organization_id = %(firm)s AND created_at >= %(since)s AND created_at < %(until)s""",
    "leads_converted": """
        SELECT created_at, converted_at FROM intake_lead
        WHERE organization_id = %(firm)s
          AND converted_at >= %(since)s AND converted_at < %(until)s""",
    "matters_closed": """
        SELECT opened_on, closed_on FROM matters_matter
        WHERE organization_id = %(firm)s AND closed_on BETWEEN %(start)s AND %(end)s""",
    "matters_opened": """
        SELECT COUNT(*) FROM matters_matter
        WHERE organization_id = %(firm)s AND opened_on BETWEEN %(start)s AND %(end)s""",
    "survey_scores": """
        SELECT score FROM insights_satisfactionsurvey
        WHERE organization_id = %(firm)s AND answered_at >= %(since)s
          AND answered_at < %(until)s AND score IS NOT NULL""",
}


def floor_params(info: dict, r: dict) -> dict:
    return {
        "firm": info["firm_id"],
        "engagements": info["engagement_ids"],
        "attorneys": info["attorney_ids"],
        "audit": info["audit_id"],
        **{k: date.fromisoformat(r[k]) for k in ("start", "end")},
        **{k: datetime.fromisoformat(r[k]) for k in ("since", "until")},
    }


def run_floor(conn: psycopg.Connection, params: dict) -> dict[str, list]:
    return {name: conn.execute(sql, params).fetchall() for name, sql in FLOOR.items()}


def hours(minutes: int) -> str:
    """As the API writes hours: minutes ÷ 60 to one decimal, half up."""
    tenths, rest = divmod(minutes * 10, 60)
    return str((tenths + (rest * 2 >= 60)) / 10)


def check(api: dict, rows: dict[str, list]) -> dict:
    """The endpoint's figures against the same figures from the floor's rows."""
    expected = {
        "approved_contractor_hours": hours(sum(r[2] for r in rows["contractor_time"])),
        "contractor_tasks_done": len(rows["contractor_tasks_done"]),
        "attorney_outsourceable_hours": hours(
            sum(r[1] for r in rows["attorney_outsourceable_minutes"])
        ),
        "leads_arrived": len(rows["leads_arrived"]),
        "leads_converted": len(rows["leads_converted"]),
        "matters_closed": len(rows["matters_closed"]),
        "surveys_answered": len(rows["survey_scores"]),
    }
    found = {}
    for key, want in expected.items():
        got = api[key]
        same = got is not None and float(got) == float(want)
        found[key] = {"api": got, "floor": want, "same": same}
    return found


def database_is_empty(database_url: str) -> bool:
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    return tables == 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        required=True,
        help="an empty PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/cb_bench",
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--engagements", type=int, default=20)
    parser.add_argument("--members", type=int, default=30, help="timekeepers added to the firm")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--explain", action="store_true", help="plans of the slowest statements")
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database-url must be a PostgreSQL database")

    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-"))
    port = free_port()
    env = server_env(data_dir, port, args.database_url)
    data: dict = {}
    build_s = None
    try:
        if not args.reuse:
            if not database_is_empty(args.database_url):
                raise SystemExit("the database is not empty (use a fresh one, or --reuse)")
            began = time.perf_counter()
            cli(env, "migrate", "-v", "0")
            cli(env, "demo", "--professionals", str(max(200, args.engagements + 50)))
            data = run_django(
                env,
                BUILD,
                *map(str, (args.entries, args.tasks, args.leads, args.engagements)),
                *map(str, (args.members, args.years)),
                timeout=7200,
            )
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            build_s = round(time.perf_counter() - began, 1)
        else:
            with psycopg.connect(args.database_url) as conn:
                found = conn.execute(
                    "SELECT count(*) FROM matters_task WHERE title LIKE %s", [BENCH_MARK + "%"]
                ).fetchone()[0]
            if not found:
                raise SystemExit("--reuse: no benchmark data in this database")
            data = {"reused": True, "tasks": found}
        info = run_django(env, SETUP, "1" if args.explain else "0", timeout=600)

        server = subprocess.Popen(
            [sys.executable, "-m", "counselbench.cli", "serve", "--host", HOST, "--port",
             str(port), "--workers", str(args.workers), "--no-demo", "--no-access-log"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        results = {}
        try:
            wait_until_up(port, timeout=240)  # serve runs migrate and collectstatic first
            load_before = os.getloadavg()
            with psycopg.connect(args.database_url) as conn:
                for name, r in info["ranges"].items():
                    endpoint = summary(
                        time_endpoint(port, info["token"], args.requests, "GET", r["path"])
                    )
                    params = floor_params(info, r)
                    floor = summary(time_floor(lambda p=params: run_floor(conn, p), args.requests))
                    checks = check(r["api"], run_floor(conn, params))
                    results[name] = {
                        "path": r["path"],
                        "range": f"{r['start']} to {r['end']}",
                        "endpoint": endpoint,
                        "floor_sql": floor,
                        "ratio_p95": round(endpoint["p95_ms"] / floor["p95_ms"], 2),
                        "queries_per_request": r["queries"],
                        "sql_ms_in_one_request": r["sql_ms"],
                        "in_process_ms": r["in_process_ms"],
                        "response_bytes": r["response_bytes"],
                        "slowest_statements": r["slowest"],
                        **({"plans": r["plans"]} if r["plans"] else {}),
                        "checks": checks,
                        "figures_agree": all(c["same"] for c in checks.values()),
                    }
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    default = results["last_month"]
    agree = all(r["figures_agree"] for r in results.values())
    met = default["endpoint"]["p95_ms"] <= GOAL_P95_MS and agree
    print(
        json.dumps(
            {
                "benchmark": "GET /api/v1/insights/metrics (owner, token) vs the bare SQL "
                "aggregates it needs, PostgreSQL",
                "size": {
                    "entries": args.entries,
                    "tasks": args.tasks,
                    "leads": args.leads,
                    "engagements": args.engagements,
                    "members_added": args.members,
                    "years": args.years,
                },
                "data": data,
                "build_seconds": build_s,
                "today": info["today"],
                "engagements_in_scope": len(info["engagement_ids"]),
                "results": results,
                "goal": {"p95_ms": GOAL_P95_MS, "range": "last_month"},
                "meets_goal": met,
                "load_average": {
                    "before": [round(x, 2) for x in load_before],
                    "after": [round(x, 2) for x in load_after],
                },
                "cores": os.cpu_count(),
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
            },
            indent=2,
            default=str,
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

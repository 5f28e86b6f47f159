"""Access alerts (PRODUCT §2.5, issue 6 item 8): the anomaly job that reads the tamper-evident
access log for unusual document access and raises alerts to the firm's owners, who list and
acknowledge them.

Three rules, each over the log's "documents.*" entries (organization_id is the firm whose
document it is, actor_id the person):
- download_volume: more than ACCESS_ALERT_DOWNLOADS_PER_HOUR downloads in one clock hour;
- off_hours: a professional opening or downloading a document outside the working hours they
  declared (the firm's own members declare none and are not checked);
- denied_burst: ACCESS_ALERT_DENIED_PER_10_MINUTES or more refused requests within 10 minutes.

The job is idempotent: an alert is one row per (firm, rule, person, hour), guarded by the
`alert_once_per_window` constraint, so re-runs and concurrent workers never raise it twice.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import ExtractHour, ExtractMinute, Mod, TruncHour
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from counselbench.access import log
from counselbench.access.models import AccessLogEntry
from counselbench.access.policy import Action, Actor, fetch, visible
from counselbench.accounts.models import User
from counselbench.matters.models import AccessAlert, AlertRule, Matter
from counselbench.organizations.models import Membership, Organization, Role
from counselbench.talent.models import ProfessionalProfile

logger = logging.getLogger(__name__)

VIEW, DOWNLOAD, DENIED = "documents.view", "documents.download", "documents.denied"
HOUR = timedelta(hours=1)
BURST_SPAN = timedelta(minutes=10)
DAY_MINUTES = 24 * 60
# The job runs every 10 minutes; looking back two whole hours means a missed run or two (a
# worker restart) loses nothing, and every hour it counts is counted from its start.
DEFAULT_LOOKBACK = timedelta(hours=2)
# Evidence is for a person to read, not a copy of the log (the log has everything).
EVIDENCE_LIMIT = 50
SUMMARY_LENGTH = 300


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _clock(minutes: int) -> str:
    minutes %= DAY_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment:%Y}"


def _as_int(value: Any) -> int | None:
    """A log detail's id (JSON numbers come back as text from ->>); None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class _Finding:
    """An alert the rules want raised; `_raise` makes it a row (once)."""

    organization_id: int
    subject_id: int
    rule: AlertRule
    window_start: datetime
    evidence: dict[str, Any]
    # The summary after the person's name (names are loaded once, for all findings).
    what: str
    matter_counts: Counter[int] = field(default_factory=Counter)


# --- Rule 1: download volume -------------------------------------------------------------------


def _download_volume(entries: QuerySet[AccessLogEntry]) -> list[_Finding]:
    """Count downloads per person, firm and clock hour in the database; read details only for
    the groups over the limit."""
    limit: int = settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR
    groups = (
        entries.filter(action=DOWNLOAD)
        .annotate(hour=TruncHour("created_at", tzinfo=UTC))
        .values("actor_id", "organization_id", "hour")
        .annotate(n=Count("pk"))
        .filter(n__gt=limit)
        .order_by("hour", "organization_id", "actor_id")
    )
    findings = []
    for group in groups:
        start = _hour(group["hour"])
        these = entries.filter(
            action=DOWNLOAD,
            actor_id=group["actor_id"],
            organization_id=group["organization_id"],
            created_at__gte=start,
            created_at__lt=start + HOUR,
        )
        documents = _tally(these, "document_id")
        span = these.aggregate(first=Min("created_at"), last=Max("created_at"))
        n = group["n"]
        findings.append(
            _Finding(
                organization_id=group["organization_id"],
                subject_id=group["actor_id"],
                rule=AlertRule.DOWNLOAD_VOLUME,
                window_start=start,
                evidence={
                    "downloads": n,
                    "limit": limit,
                    "first_at": span["first"].isoformat(),
                    "last_at": span["last"].isoformat(),
                    "documents": [
                        {"document_id": doc, "downloads": times}
                        for doc, times in documents.most_common(EVIDENCE_LIMIT)
                    ],
                },
                what=(
                    f"downloaded {n} documents between {start:%H:%M} and "
                    f"{start + HOUR:%H:%M} UTC on {_day(start)} (limit {limit})"
                ),
                matter_counts=_tally(these, "matter_id"),
            )
        )
    return findings


def _tally(entries: QuerySet[AccessLogEntry], key: str) -> Counter[int]:
    """How many entries name each id under detail[key], counted in the database."""
    rows = (
        entries.annotate(value=KT(f"detail__{key}"))
        .values("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: Counter[int] = Counter()
    for row in rows:
        value = _as_int(row["value"])
        if value is not None:
            counts[value] += row["n"]
    return counts


# --- Rule 2: access outside declared working hours ---------------------------------------------


def _off_hours(entries: QuerySet[AccessLogEntry]) -> list[_Finding]:
    """The database keeps only the accesses outside the person's declared UTC window, so what
    comes back is the evidence itself (normally nothing).

    The window is minutes after 00:00 UTC. Talent stores a window that crosses midnight with
    end > 1440 (22:00–06:00 as 1320–1800); an end below the start (1320–360) means the same and
    is read the same way. start ≡ end (mod 1440) is a full day or nothing declared: unchecked."""
    profile = ProfessionalProfile.objects.filter(user_id=OuterRef("actor_id"))
    member = Membership.objects.filter(
        user_id=OuterRef("actor_id"), organization_id=OuterRef("organization_id")
    )
    minute = ExtractHour("created_at", tzinfo=UTC) * 60 + ExtractMinute("created_at", tzinfo=UTC)
    rows = (
        entries.filter(action__in=(VIEW, DOWNLOAD))
        .annotate(
            work_start=profile.values("work_start_utc")[:1],
            work_end=profile.values("work_end_utc")[:1],
        )
        .filter(work_start__isnull=False)
        .exclude(Exists(member))  # the firm's own people keep no declared hours there
        .annotate(
            minute=minute,
            opens=Mod(F("work_start"), DAY_MINUTES, output_field=IntegerField()),
            closes=Mod(F("work_end"), DAY_MINUTES, output_field=IntegerField()),
        )
        .filter(
            # Same-day window: before it opens or from when it closes.
            Q(opens__lt=F("closes")) & (Q(minute__lt=F("opens")) | Q(minute__gte=F("closes")))
            # Overnight window: between its close in the morning and its opening at night.
            | Q(opens__gt=F("closes")) & Q(minute__lt=F("opens")) & Q(minute__gte=F("closes"))
        )
        .values(
            "actor_id",
            "organization_id",
            "created_at",
            "action",
            "detail",
            "work_start",
            "work_end",
        )
        .order_by("created_at", "seq")
    )
    grouped: dict[tuple[int, int, datetime], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["actor_id"], row["organization_id"], _hour(row["created_at"]))].append(row)
    findings = []
    for (subject_id, organization_id, start), accesses in grouped.items():
        first, last = accesses[0]["created_at"], accesses[-1]["created_at"]
        hours = f"{_clock(accesses[0]['work_start'])}–{_clock(accesses[0]['work_end'])}"
        n = len(accesses)
        same_minute = f"{first:%H:%M}" == f"{last:%H:%M}"
        when = (
            f"at {first:%H:%M} UTC"
            if n == 1 or same_minute
            else f"between {first:%H:%M} and {last:%H:%M} UTC"
        )
        findings.append(
            _Finding(
                organization_id=organization_id,
                subject_id=subject_id,
                rule=AlertRule.OFF_HOURS,
                window_start=start,
                evidence={
                    "declared_hours_utc": hours,
                    "accesses": n,
                    "entries": [
                        {
                            "at": row["created_at"].isoformat(),
                            "action": row["action"].removeprefix("documents."),
                            "document_id": _as_int(row["detail"].get("document_id")),
                            "matter_id": _as_int(row["detail"].get("matter_id")),
                        }
                        for row in accesses[:EVIDENCE_LIMIT]
                    ],
                },
                what=(
                    f"opened {n} document{'s' if n != 1 else ''} {when} on {_day(start)}, "
                    f"outside their declared working hours ({hours} UTC)"
                ),
                matter_counts=Counter(
                    m for row in accesses if (m := _as_int(row["detail"].get("matter_id")))
                ),
            )
        )
    return findings


# --- Rule 3: a burst of denied requests --------------------------------------------------------


def _denied_burst(entries: QuerySet[AccessLogEntry]) -> list[_Finding]:
    """The database names the people refused at least N times in the lookback; only their
    refusals are read, to find N within any 10 minutes (a sliding span, so a burst across a
    clock boundary still counts). One finding per hour in which such a span starts."""
    threshold: int = settings.ACCESS_ALERT_DENIED_PER_10_MINUTES
    denied = entries.filter(action=DENIED)
    candidates = (
        denied.values("actor_id", "organization_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=threshold)
        .order_by("organization_id", "actor_id")
    )
    findings = []
    for candidate in candidates:
        rows = list(
            denied.filter(
                actor_id=candidate["actor_id"], organization_id=candidate["organization_id"]
            )
            .values("created_at", "detail")
            .order_by("created_at", "seq")
        )
        times = [row["created_at"] for row in rows]
        bursts: dict[datetime, set[int]] = defaultdict(set)
        for i in range(len(times) - threshold + 1):
            if times[i + threshold - 1] - times[i] > BURST_SPAN:
                continue
            # Everything refused within 10 minutes of this burst's start belongs to it.
            j = i
            while j < len(times) and times[j] - times[i] <= BURST_SPAN:
                bursts[_hour(times[i])].add(j)
                j += 1
        for start, members in bursts.items():
            burst = [rows[k] for k in sorted(members)]
            first = burst[0]["created_at"]
            n = len(burst)
            findings.append(
                _Finding(
                    organization_id=candidate["organization_id"],
                    subject_id=candidate["actor_id"],
                    rule=AlertRule.DENIED_BURST,
                    window_start=start,
                    evidence={
                        "denied": n,
                        "threshold": threshold,
                        "span_minutes": int(BURST_SPAN.total_seconds() // 60),
                        "entries": [
                            {
                                "at": row["created_at"].isoformat(),
                                "document_id": _as_int(row["detail"].get("document_id")),
                            }
                            for row in burst[:EVIDENCE_LIMIT]
                        ],
                    },
                    what=(
                        f"was refused {n} document requests within 10 minutes from "
                        f"{first:%H:%M} UTC on {_day(first)} (alert at {threshold})"
                    ),
                    matter_counts=Counter(
                        m for row in burst if (m := _as_int(row["detail"].get("matter_id")))
                    ),
                )
            )
    return findings


# --- The job ------------------------------------------------------------------------------------


def detect_anomalies(
    *, now: datetime | None = None, lookback: timedelta = DEFAULT_LOOKBACK
) -> list[AccessAlert]:
    """Scan the access log from the start of the hour `lookback` ago up to `now`, raise every
    alert the rules find that is not raised yet, and return the new ones.

    Safe to run again and on several workers at once: an alert already raised for the same firm,
    rule, person and hour is left as it was (the first run's evidence stands)."""
    now = now or timezone.now()
    since = _hour(now - lookback)
    entries = AccessLogEntry.objects.filter(
        seq__gt=_last_seq_before(since),
        created_at__gte=since,
        created_at__lte=now,
        actor_id__isnull=False,
        organization_id__isnull=False,
    )
    findings = [*_download_volume(entries), *_off_hours(entries), *_denied_burst(entries)]
    if not findings:
        return []
    # The log has no foreign keys: people and firms deleted since are skipped, not failed on.
    users = User.objects.in_bulk({f.subject_id for f in findings})
    firms = Organization.objects.in_bulk({f.organization_id for f in findings})
    matters = _matters_by_firm(findings)
    raised = []
    for finding in findings:
        user, firm = users.get(finding.subject_id), firms.get(finding.organization_id)
        if user is None or firm is None:
            continue
        alert = _raise(finding, user=user, firm=firm, matters=matters, now=now)
        if alert is not None:
            raised.append(alert)
    if raised:
        logger.info("access alerts raised: %d", len(raised), extra={"alerts": len(raised)})
    return raised


def _last_seq_before(since: datetime) -> int:
    """The log's position just before the window, so the scan starts there.

    The log has no index on created_at, but seq is unique and follows time: walking its index
    back from the newest entry to the first one older than the window reads only the window. A
    minute's margin covers entries whose time was taken just before another writer's."""
    seq = (
        AccessLogEntry.objects.filter(created_at__lt=since - timedelta(minutes=1))
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return seq or 0


def _matters_by_firm(findings: Iterable[_Finding]) -> dict[int, int]:
    """matter id -> firm id, for the matters the findings name: a log detail naming another
    firm's (or a deleted) matter must not attach the alert to it."""
    ids = {m for f in findings for m in f.matter_counts}
    return dict(Matter.objects.filter(pk__in=ids).values_list("pk", "organization_id"))


def _main_matter(finding: _Finding, matters: dict[int, int]) -> int | None:
    """The firm's matter most of the flagged accesses were on (the lowest id on a tie)."""
    ours = [
        (-n, matter_id)
        for matter_id, n in finding.matter_counts.items()
        if matters.get(matter_id) == finding.organization_id
    ]
    return min(ours)[1] if ours else None


def _raise(
    finding: _Finding,
    *,
    user: User,
    firm: Organization,
    matters: dict[int, int],
    now: datetime,
) -> AccessAlert | None:
    """Create the alert unless it exists; log it and email the owners once it is committed."""
    from counselbench.matters.tasks import send_access_alert

    try:
        with transaction.atomic():
            alert, created = AccessAlert.objects.get_or_create(
                organization=firm,
                rule=finding.rule,
                subject=user,
                window_start=finding.window_start,
                defaults={
                    "matter_id": _main_matter(finding, matters),
                    "summary": f"{user.display_name} {finding.what}"[:SUMMARY_LENGTH],
                    "evidence": finding.evidence,
                    "raised_at": now,
                },
            )
            if not created:
                return None
            log.record(
                "alerts.raised",
                organization=firm,
                obj=alert,
                detail={
                    "rule": str(finding.rule),
                    "subject_id": user.pk,
                    "window_start": finding.window_start.isoformat(),
                    "matter_id": alert.matter_id,
                },
            )
            transaction.on_commit(lambda: send_access_alert.enqueue(alert.pk))
    except IntegrityError:
        return None  # another worker raised it between our look and our insert
    return alert


def deliver_alert_email(*, alert_id: int) -> int:
    """Email the alert to every active owner of its firm (run by the task queue); returns how
    many were addressed. Owners only: the policy shows alerts to nobody else."""
    alert = (
        AccessAlert.objects.select_related("organization", "subject", "matter")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return 0
    owners = _owner_emails(alert.organization_id)
    if not owners:
        logger.warning("access alert %s: the firm has no owner to tell", alert.pk)
        return 0
    send_mail(
        subject=f"Access alert: {alert.get_rule_display()} ({alert.organization.name})",
        message=render_to_string("matters/email/access_alert.txt", {"alert": alert}),
        from_email=None,
        recipient_list=owners,
    )
    return len(owners)


def _owner_emails(organization_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            organization_id=organization_id, role=Role.OWNER, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


# --- Owners: list and acknowledge --------------------------------------------------------------


def alerts_for(
    actor: Actor,
    *,
    matter_id: int | None = None,
    open_only: bool = False,
    acknowledged_only: bool = False,
) -> QuerySet[AccessAlert]:
    """The alerts the actor may see (their firm's, for an owner; nothing for anyone else),
    newest first; one matter's for the matter page, only those still open, or only those
    acknowledged."""
    alerts = visible(actor, AccessAlert).select_related("matter", "subject", "acknowledged_by")
    if matter_id is not None:
        if not -(2**63) <= matter_id < 2**63:  # no such id; SQLite would overflow on it
            return alerts.none()
        alerts = alerts.filter(matter_id=matter_id)
    if open_only:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    if acknowledged_only:
        alerts = alerts.filter(acknowledged_at__isnull=False)
    return alerts.order_by("-raised_at", "-pk")


def acknowledge_alert(
    actor: Actor, *, alert_id: int, request: HttpRequest | None = None
) -> AccessAlert:
    """An owner acknowledges an alert: it leaves the open list, with who and when kept.

    Idempotent: acknowledging an acknowledged alert changes nothing and answers with it as it
    is, so a retried request or two owners acting at once never fail; the first one is kept
    and logged."""
    alert = fetch(actor, AccessAlert, Action.CHANGE, pk=alert_id)
    with transaction.atomic():
        claimed = AccessAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=actor.authenticated_user
        )
        if claimed:
            log.record(
                "alerts.acknowledged",
                actor=actor,
                organization=alert.organization_id,
                obj=alert,
                request=request,
                detail={"rule": alert.rule, "subject_id": alert.subject_id},
            )
    return alerts_for(actor).get(pk=alert.pk)


def rule_label(rule: str) -> str:
    return str(AlertRule(rule).label) if rule in AlertRule.values else rule

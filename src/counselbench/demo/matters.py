"""The demo firm's matters, built through the services a user would drive: clients and matters
across practice areas, the clients' consent, intake conflict checks and one conflict an attorney
cleared for Maria Alvarez, tasks in every state, encrypted documents, Maria's grants on her two
open tasks, an ethical wall, and an open alert after a burst of downloads."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from counselbench.access.policy import Actor, actor_for
from counselbench.engagements.models import Engagement, EngagementState
from counselbench.matters.models import Matter
from counselbench.matters.services import alerts, conflicts, documents, grants, tasks
from counselbench.matters.services import matters as services
from counselbench.organizations.models import Organization
from counselbench.selfaudit.models import TaskCategory

CLIENTS = [
    ("organization", "Harbor Logistics LLC", "legal@harborlogistics.example"),
    ("organization", "Lone Star Mutual Insurance Co.", "claims@lonestarmutual.example"),
    ("person", "Eleanor Finch", "eleanor.finch@mail.example"),
    ("organization", "Pecan Grove Apartments LP", "manager@pecangrove.example"),
    ("person", "Marcus Bell", "marcus.bell@mail.example"),
]

# client index, title, practice area, parties (name, role), consent, status
MATTERS = [
    (0, "Harbor Logistics v. Brightline Freight", "litigation",
     [("Brightline Freight Inc.", "adverse"), ("Carter & Vale LLP", "counsel"),
      ("Dana Whitaker", "witness"), ("Ray Osei", "witness")], True, "open"),
    (1, "Lone Star Mutual adv. Ruiz (auto collision)", "insurance_defense",
     [("Elena Ruiz", "adverse"), ("Gomez Injury Law PLLC", "counsel")], True, "open"),
    (2, "Estate of Harold Finch", "estate_planning",
     [("Harold Finch (deceased)", "client"), ("Travis County Probate Court", "witness")],
     True, "open"),
    (3, "Pecan Grove lease disputes", "real_estate",
     [("Austin Tenants Council", "adverse")], False, "open"),
    (4, "Bell v. Quantum Data Systems", "employment",
     [("Quantum Data Systems Corp.", "adverse")], True, "closed"),
]  # fmt: skip


def _pdf(title: str, lines: list[str]) -> ContentFile:
    """A small, valid one-page PDF with the lines as text."""
    text = " T* ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj" for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 72 720 Td ({title}) Tj T* T* {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    name = title.lower().replace(" ", "-")[:60] + ".pdf"
    return ContentFile(body, name=name)


def _document(matter: Matter, by, title: str, *lines: str) -> int:
    document = documents.create_document(
        matter, title=title, upload=_pdf(title, list(lines)), uploaded_by=by
    )
    return document.pk


def _category(firm: Organization, key: str) -> int:
    return TaskCategory.objects.get(organization=firm, key=key).pk


def _walk(task_id: int, steps: list[tuple[Actor, str, str]]) -> None:
    for actor, to, note in steps:
        tasks.transition(actor, task_id=task_id, to=to, note=note)


def build(*, firm: Organization) -> None:
    if Matter.objects.filter(organization=firm).exists():
        return
    owner_user = firm.memberships.get(role="owner").user
    owner = actor_for(owner_user, firm)
    luis = firm.memberships.get(user__email="luis.moreno@whitfieldmoreno.example").user
    priya = firm.memberships.get(user__email="priya.shah@whitfieldmoreno.example").user
    grace = firm.memberships.get(user__email="grace.okafor@whitfieldmoreno.example").user
    attorney = actor_for(luis, firm)
    today = timezone.localdate()

    clients = [
        services.create_client(owner, data={"kind": kind, "name": name, "email": email})
        for kind, name, email in CLIENTS
    ]
    matters: list[Matter] = []
    for i, (client, title, area, parties, consent, _status) in enumerate(MATTERS):
        responsible = priya if area == "estate_planning" else luis
        matter = services.open_matter(
            owner,
            data={
                "client_id": clients[client].pk,
                "title": title,
                "jurisdiction": "TX",
                "practice_area": area,
                "responsible_attorney_id": responsible.pk,
                "opened_on": today - timedelta(days=120 - 20 * i),
                "description": f"{title}: handled from the Austin office.",
            },
            parties=[{"name": name, "role": role} for name, role in parties],
        )
        if consent:
            services.record_consent(
                actor_for(responsible, firm),
                matter_id=matter.pk,
                data={
                    "consented_by": clients[client].name,
                    "consented_on": matter.opened_on,
                    "method": "engagement_letter",
                    "scope": "Supervised contract attorneys and paralegals may work on the "
                    "matter under the firm's confidentiality terms.",
                    "markup_disclosed": True,
                },
            )
        matters.append(matter)
    litigation, insurance, estate, _lease, closed = matters

    maria_engagement = Engagement.objects.get(
        organization=firm,
        professional__user__email="maria.alvarez@contractors.example",
        state=EngagementState.ACTIVE,
    )
    maria = maria_engagement.professional
    # Maria once worked against Brightline's parent company: the check flags it, Luis clears it.
    conflicts.declare_prior_party(
        actor_for(maria.user),
        name="Brightline Freight Incorporated",
        note="Opposing party in a 2022 lease dispute (Hill & Park LLP)",
    )
    check = conflicts.check_matter(litigation, run_by=luis, professional=maria)
    if check.status == "hits":
        conflicts.clear_conflict(
            attorney,
            check_id=check.pk,
            reason="The 2022 matter was an unrelated warehouse lease; Maria holds no Brightline "
            "confidences relevant to this freight contract dispute.",
        )
    conflicts.check_matter(insurance, run_by=luis, professional=maria)

    # Documents, encrypted at rest.
    transcript = _document(
        litigation, luis, "Whitaker deposition transcript",
        "Deposition of Dana Whitaker, taken October 14, 2026.",
        "Q. Who signed the bill of lading? A. The dispatcher, Ray Osei.",
    )  # fmt: skip
    exhibits = _document(
        litigation, luis, "Whitaker deposition exhibits 1-12",
        "Exhibit 1: Master services agreement. Exhibit 2: Bills of lading.",
    )  # fmt: skip
    msj = _document(
        litigation, luis, "Brightline motion for summary judgment",
        "Defendant moves for summary judgment on the breach of contract claim.",
    )  # fmt: skip
    _document(
        litigation, luis, "Litigation strategy memo (privileged)",
        "Attorney work product: settlement range and trial themes.",
    )  # fmt: skip
    police = _document(
        insurance, luis, "Crash report TX-2026-118823",
        "Texas Peace Officer's Crash Report, unit 1 and unit 2 statements.",
    )  # fmt: skip
    _document(
        estate, priya, "Finch will (2019)", "Last will and testament of Harold Finch."
    )  # fmt: skip

    # Maria's tasks: a deposition summary with two documents (submitted, sent back once), and a
    # summary-judgment response in progress: her grants are on these two open tasks.
    summary = tasks.create_task(
        attorney,
        matter_id=litigation.pk,
        data={
            "title": "Summarize the Whitaker deposition",
            "instructions": "Page-line summary, with a one-page overview of admissions about "
            "the bills of lading. Cite exhibits by number.",
            "category_id": _category(firm, "deposition-summaries"),
            "due_on": today + timedelta(days=3),
            "estimate_minutes": 240,
            "attorney_review_required": True,
            "engagement_id": maria_engagement.pk,
            "supervising_attorney_id": luis.pk,
        },
    )
    for doc in (transcript, exhibits):
        grants.attach_document(attorney, task_id=summary.pk, document_id=doc)
    response = tasks.create_task(
        attorney,
        matter_id=litigation.pk,
        data={
            "title": "Draft the response to Brightline's summary-judgment motion",
            "category_id": _category(firm, "drafting"),
            "due_on": today + timedelta(days=10),
            "estimate_minutes": 900,
            "attorney_review_required": True,
            "engagement_id": maria_engagement.pk,
            "supervising_attorney_id": luis.pk,
        },
    )
    grants.attach_document(attorney, task_id=response.pk, document_id=msj)
    maria_actor = actor_for(maria.user)
    _walk(
        summary.pk,
        [
            (maria_actor, "in_progress", ""),
            (maria_actor, "submitted", "Summary and overview attached."),
            (attorney, "needs_rework", "Add the page-line cites for the dispatcher testimony."),
            (maria_actor, "submitted", "Cites added on pages 4-6."),
        ],
    )
    _walk(response.pk, [(maria_actor, "in_progress", "")])
    # Done work: its grant was revoked when the task closed.
    done = tasks.create_task(
        attorney,
        matter_id=insurance.pk,
        data={
            "title": "Chronology of the Ruiz collision from the crash report",
            "category_id": _category(firm, "litigation-support"),
            "due_on": today - timedelta(days=12),
            "estimate_minutes": 120,
            "engagement_id": maria_engagement.pk,
            "supervising_attorney_id": luis.pk,
        },
    )
    grants.attach_document(attorney, task_id=done.pk, document_id=police)
    _walk(
        done.pk,
        [
            (maria_actor, "in_progress", ""),
            (maria_actor, "submitted", ""),
            (attorney, "done", "Clear and complete."),
        ],
    )
    # The firm's own work, in the other states.
    tasks.create_task(
        attorney,
        matter_id=litigation.pk,
        data={
            "title": "Argue the motion to compel at the December 9 hearing",
            "category_id": _category(firm, "court-appearances"),
            "due_on": today + timedelta(days=10),
            "assignee_id": luis.pk,
        },
    )
    todo = tasks.create_task(
        actor_for(priya, firm),
        matter_id=estate.pk,
        data={
            "title": "Publish notice to creditors",
            "category_id": _category(firm, "e-filing"),
            "due_on": today - timedelta(days=2),
            "assignee_id": grace.pk,
            "supervising_attorney_id": priya.pk,
        },
    )
    _walk(todo.pk, [(actor_for(grace, firm), "in_progress", "")])
    binder = tasks.create_task(
        attorney,
        matter_id=litigation.pk,
        data={
            "title": "Trial exhibit binder, volumes 1-3",
            "category_id": _category(firm, "trial-exhibits"),
            "due_on": today + timedelta(days=6),
            "assignee_id": grace.pk,
            "supervising_attorney_id": luis.pk,
        },
    )
    grace_actor = actor_for(grace, firm)
    _walk(
        binder.pk,
        [
            (grace_actor, "in_progress", ""),
            (grace_actor, "submitted", ""),
            (attorney, "needs_rework", "Tab the exhibits to match the exhibit list numbering."),
        ],
    )
    tasks.create_task(
        owner,
        matter_id=insurance.pk,
        data={
            "title": "Calendar the Ruiz mediation",
            "category_id": _category(firm, "calendar-scheduling"),
            "due_on": today + timedelta(days=5),
            "assignee_id": grace.pk,
        },
    )
    # An ethical wall: Priya interviewed with Quantum Data Systems' counsel.
    services.screen_person(
        owner,
        matter_id=closed.pk,
        user_id=priya.pk,
        reason="Interviewed for a position with Quantum Data Systems' outside counsel.",
    )
    services.update_matter(owner, matter_id=closed.pk, changes={"status": "closed"})

    # A burst of downloads late last night: the anomaly job raises an alert for the owner.
    for _ in range(11):
        for doc in (transcript, exhibits):
            _version, chunks = documents.open_download(maria_actor, document_id=doc)
            for _chunk in chunks:
                pass
    alerts.detect_anomalies()

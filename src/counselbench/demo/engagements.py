"""The demo firm's engagements, one in each state, built through the same services a user would
drive: an interviewed shortlist on the paralegal posting (the owner selects from it), How We Work,
and engagements proposed, sent, in trial, active (onboarding half done, two check-ins held),
ending, ended and rated, declined and replaced."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from counselbench.access.policy import Actor, actor_for
from counselbench.engagements import classification
from counselbench.engagements import services as engagements
from counselbench.engagements.models import Engagement
from counselbench.engagements.services import checkins, ending, onboarding
from counselbench.engagements.services.nda import text_sha256
from counselbench.organizations.models import Organization
from counselbench.talent import services as talent
from counselbench.talent.models import JobPosting, ProfessionalProfile, ProfessionalRole

CONTRACTOR_ANSWERS = {q.key: not q.employee_if for q in classification.QUESTIONS}
GUIDE = {
    "key_contacts": (
        "- **Dana Whitfield**, managing partner: scope, budget, anything about clients\n"
        "- **Luis Moreno**, litigation partner: supervises litigation work; Teams, 8–6 Central\n"
        "- **Grace Okafor**, office manager: accounts, access, timesheets and payment"
    ),
    "style_guide": (
        "- Texas Rules of Civil Procedure and the Texas Rules of Form for citations\n"
        "- File names: `YYYY-MM-DD matter-number document-type v1.docx`\n"
        "- Plain English; short paragraphs; defined terms in bold the first time\n"
        "- Never email client documents outside the firm's Microsoft 365"
    ),
    "feedback_loop": (
        "Drafts go to the supervising attorney in Teams. Expect redlines within one business "
        "day, and a five-minute call when the same comment comes up twice. Every other week a "
        "15-minute check-in: what's working, roadblocks, one improvement."
    ),
}


def _pros(role: str, count: int, *, skip: set[int]) -> list[ProfessionalProfile]:
    found = (
        ProfessionalProfile.objects.filter(
            role=role, vetted_at__isnull=False, user__email__endswith="@network.example"
        )
        .exclude(pk__in=skip)
        .order_by("pk")[:count]
    )
    return list(found)


def _propose(
    owner: Actor, profile: ProfessionalProfile, title: str, scope: str, start: date, **terms
) -> int:
    engagement = engagements.create_engagement(
        owner,
        professional_id=profile.pk,
        data={
            "title": title,
            "scope": scope,
            "jurisdiction": "TX",
            "start_date": start,
            "hours_per_week": 15,
            **terms,
        },
    )
    return engagement.pk


def _send(owner: Actor, pk: int) -> None:
    engagements.assess(owner, engagement_id=pk, answers=CONTRACTOR_ANSWERS)
    engagements.transition(owner, engagement_id=pk, to="nda_pending")


def _to_trial(owner: Actor, pk: int, profile: ProfessionalProfile) -> None:
    _send(owner, pk)
    pro = actor_for(profile.user)
    text = engagements.nda_text(Engagement.objects.get(pk=pk))
    engagements.sign_nda(pro, engagement_id=pk, shown_sha256=text_sha256(text))
    agreement = engagements.issue_agreement(
        owner,
        engagement_id=pk,
        deliverables="The work in the scope, drafted for attorney review.",
        milestones=[],
    )
    for actor in (owner, pro):
        engagements.accept_agreement(
            actor, engagement_id=pk, version=agreement.version, shown_sha256=agreement.text_sha256
        )
    engagements.transition(owner, engagement_id=pk, to="trial")
    onboarding.acknowledge_guide(pro, engagement_id=pk, version=1)


def _interviewed_shortlist(owner: Actor, posting: JobPosting, people: list) -> None:
    for profile, score in people:
        candidate = talent.shortlist(owner, posting_id=posting.pk, profile_id=profile.pk)
        talent.move(owner, candidate_id=candidate.pk, state="invited")
        talent.score_interview(
            owner,
            candidate_id=candidate.pk,
            scores={q.pk: (score, "") for q in posting.interview_questions.all()},
        )
        talent.move(owner, candidate_id=candidate.pk, state="interviewed")


def build(*, firm: Organization) -> None:
    if firm.engagements.exists():
        return
    owner_user = firm.memberships.get(role="owner").user
    owner = actor_for(owner_user, firm)
    attorney = firm.memberships.filter(role="attorney").order_by("pk").first().user
    onboarding.save_guide(owner, sections=GUIDE)
    today = timezone.localdate()

    # The paralegal posting: three interviewed candidates, waiting for the owner to select one.
    posting = JobPosting.objects.filter(organization=firm, role=ProfessionalRole.PARALEGAL).first()
    kevin = ProfessionalProfile.objects.get(user__email="kevin.brooks@contractors.example")
    used = {kevin.pk}
    paralegals = _pros(ProfessionalRole.PARALEGAL, 8, skip=used)
    assistants = _pros(ProfessionalRole.LEGAL_ASSISTANT, 2, skip=used)
    if posting and len(paralegals) >= 8:
        _interviewed_shortlist(owner, posting, [(kevin, 5), (paralegals[6], 4), (paralegals[7], 3)])

    # Proposed: a draft, classification not yet answered.
    _propose(
        owner,
        assistants[0],
        "E-filing and calendaring support",
        "File in Texas state courts and keep the litigation calendar.",
        today + timedelta(7),
    )
    # Sent: waiting for the professional's NDA.
    pk = _propose(
        owner,
        paralegals[0],
        "Deposition summaries",
        "Summarize deposition transcripts for the Whitfield & Moreno trial team.",
        today + timedelta(5),
    )
    _send(owner, pk)
    # Declined by the professional.
    pk = _propose(
        owner,
        paralegals[1],
        "Medical records chronology",
        "Build medical chronologies for personal-injury files.",
        today + timedelta(3),
    )
    _send(owner, pk)
    engagements.transition(
        actor_for(paralegals[1].user),
        engagement_id=pk,
        to="declined",
        reason="Fully booked until spring.",
    )
    # In trial since three days ago.
    pk = _propose(
        owner,
        paralegals[2],
        "Estate administration support",
        "Prepare inventories, notices to creditors and closing documents for probate matters.",
        today - timedelta(3),
        supervising_attorney_id=attorney.pk,
    )
    _to_trial(actor_for(attorney, firm), pk, paralegals[2])
    # Active for six weeks: onboarding half done, two check-ins held.
    maria = ProfessionalProfile.objects.get(user__email="maria.alvarez@contractors.example")
    pk = _propose(
        owner,
        maria,
        "Insurance defense motion practice",
        "Research and draft summary-judgment motions and responses for the litigation "
        "partner's review.",
        today - timedelta(42),
        rate_cents=9500,
        billing_model="hourly",
        # Billed to clients at cost + 30%: Texas follows the default rule (allowed when
        # disclosed), and each client's consent records the disclosure.
        markup_percent=Decimal("30"),
        pay_period="semimonthly",
        payment_terms_days=10,
    )
    _to_trial(owner, pk, maria)
    engagements.transition(
        owner, engagement_id=pk, to="active", reason="Motions on time and cite-checked; keep going."
    )
    active = Engagement.objects.get(pk=pk)
    items = list(active.onboarding_items.filter(done_at__isnull=True))
    for item in items[: len(items) // 2]:
        who = owner if item.owner == "firm" else actor_for(maria.user)
        onboarding.set_item_done(who, engagement_id=pk, item_id=item.pk, done=True)
    first, second = active.checkins.filter(kind="check_in")[:2]
    checkins.record_checkin(
        owner,
        engagement_id=pk,
        checkin_id=first.pk,
        data={
            "working": "Research memos are thorough and on time.",
            "roadblocks": "Westlaw access expired on the firm account.",
            "improvement": "Send an outline before the full draft.",
            "action_items": [
                {"text": "Renew the Westlaw seat", "owner": "firm"},
                {"text": "Outline before drafting", "owner": "professional"},
            ],
        },
    )
    westlaw = active.action_items.get(text="Renew the Westlaw seat")
    checkins.record_checkin(
        owner,
        engagement_id=pk,
        checkin_id=second.pk,
        data={
            "working": "Outlines first saved a round of redlines.",
            "roadblocks": "",
            "improvement": "Flag weak arguments early.",
            "close_items": [westlaw.pk],
        },
    )
    # Ending: notice given.
    pk = _propose(
        owner,
        paralegals[3],
        "Discovery overflow",
        "Help with a document production surge.",
        today - timedelta(60),
    )
    _to_trial(owner, pk, paralegals[3])
    for to, why in (("active", "Good work."), ("ending", "The production surge is over.")):
        engagements.transition(owner, engagement_id=pk, to=to, reason=why)
    # Ended and rated, certificate returned.
    pk = _propose(
        owner,
        assistants[1],
        "Holiday intake coverage",
        "Answer intake calls and book consultations over the holidays.",
        today - timedelta(90),
    )
    _to_trial(owner, pk, assistants[1])
    for to, why in (("active", "Callers liked her."), ("ending", "Season over."), ("ended", "")):
        engagements.transition(owner, engagement_id=pk, to=to, reason=why)
    ending.certify_data(
        actor_for(assistants[1].user),
        engagement_id=pk,
        disposition="destroyed",
        statement="Deleted the call notes export and browser downloads.",
    )
    scores = {"quality": 4, "timeliness": 5, "communication": 5, "judgment": 4, "fit": 4}
    ending.rate(owner, engagement_id=pk, scores=scores, comment="Warm with callers.")
    # Replaced after the trial.
    pk = _propose(
        owner,
        paralegals[4],
        "Trial binder preparation",
        "Assemble trial binders and exhibit lists.",
        today - timedelta(20),
    )
    _to_trial(owner, pk, paralegals[4])
    engagements.transition(
        owner,
        engagement_id=pk,
        to="replaced",
        reason="Missed two binder deadlines in the first week.",
    )

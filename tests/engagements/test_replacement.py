"""From a selected candidate to an engagement, and “replace” after the trial: the match runs
again without everyone tried, and the best remaining professional gets a new proposal."""

from datetime import date

import pytest

from counselbench.access.policy import actor_for
from counselbench.core.errors import RuleViolation
from counselbench.engagements import services
from counselbench.engagements.models import Engagement
from counselbench.engagements.services.nda import text_sha256
from counselbench.talent import services as talent
from counselbench.talent.models import Candidate, JobPosting
from tests.engagements.conftest import CONTRACTOR_ANSWERS
from tests.talent.conftest import POSTING, make_pro

pytestmark = pytest.mark.django_db


def _selected(cast, profile):
    owner = cast.actor("owner")
    posting = talent.create_posting(owner, data=POSTING)
    candidate = talent.shortlist(owner, posting_id=posting.pk, profile_id=profile.pk)
    talent.move(owner, candidate_id=candidate.pk, state="invited")
    questions = posting.interview_questions.all()
    talent.score_interview(
        owner, candidate_id=candidate.pk, scores={q.pk: (4, "") for q in questions}
    )
    talent.move(owner, candidate_id=candidate.pk, state="interviewed")
    return talent.move(owner, candidate_id=candidate.pk, state="selected", agreed_rate_cents=3300)


def test_a_selected_candidate_opens_an_engagement_on_the_hire_terms(cast):
    candidate = _selected(cast, make_pro(name="First Pick", years=9))
    engagement = services.create_engagement(
        cast.actor("owner"), candidate_id=candidate.pk, data={"start_date": date(2026, 12, 7)}
    )
    assert engagement.posting == candidate.posting and engagement.candidate == candidate
    assert (engagement.title, engagement.rate_cents) == (POSTING["title"], 3300)
    assert engagement.jurisdiction == "TX" and engagement.hours_per_week == 20
    with pytest.raises(RuleViolation) as twice:
        services.create_engagement(
            cast.actor("owner"), candidate_id=candidate.pk, data={"start_date": date(2026, 12, 7)}
        )
    assert twice.value.code == "already_engaged"


def test_only_a_selected_candidate_is_offered_an_engagement(cast):
    owner = cast.actor("owner")
    posting = talent.create_posting(owner, data=POSTING)
    profile = make_pro()
    candidate = talent.shortlist(owner, posting_id=posting.pk, profile_id=profile.pk)
    with pytest.raises(RuleViolation) as refused:
        services.create_engagement(
            owner, candidate_id=candidate.pk, data={"start_date": date(2026, 12, 7)}
        )
    assert refused.value.code == "candidate_not_selected"


def test_replace_after_the_trial_proposes_the_best_remaining_match(cast):
    first = make_pro(name="First Pick", years=9)
    tried = make_pro(name="Tried Before", years=10)
    best_left = make_pro(name="Next Best", years=8)
    make_pro(name="Further Down", years=2)
    candidate = _selected(cast, first)
    # Someone already rejected on this posting is not offered again.
    Candidate.objects.create(
        posting=candidate.posting, professional=tried, score=1, state="rejected"
    )
    owner = cast.actor("owner")
    engagement = services.create_engagement(
        owner, candidate_id=candidate.pk, data={"start_date": date(2026, 12, 7)}
    )
    services.assess(owner, engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    services.transition(owner, engagement_id=engagement.pk, to="nda_pending")
    services.sign_nda(
        actor_for(first.user),
        engagement_id=engagement.pk,
        shown_sha256=text_sha256(services.nda_text(engagement)),
    )
    agreement = services.issue_agreement(
        owner, engagement_id=engagement.pk, deliverables="Discovery", milestones=[]
    )
    for actor in (owner, actor_for(first.user)):
        services.accept_agreement(
            actor, engagement_id=engagement.pk, version=1, shown_sha256=agreement.text_sha256
        )
    services.transition(owner, engagement_id=engagement.pk, to="trial")
    services.transition(
        owner,
        engagement_id=engagement.pk,
        to="replaced",
        reason="Missed two deadlines in the first week",
    )

    candidate.refresh_from_db()
    assert candidate.state == "replaced"
    assert JobPosting.objects.get(pk=candidate.posting_id).status == "open"
    successor = Engagement.objects.get(replaces=engagement)
    assert successor.professional == best_left and successor.state == "proposed"
    assert successor.rate_cents == engagement.rate_cents and successor.title == engagement.title
    assert successor.candidate.state == "selected"
    assert successor.events.get().reason == f"Replaces E-{engagement.pk}"

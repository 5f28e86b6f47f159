"""The engagement state machine: every allowed move works and is logged, every other move is
refused with the rule and changes nothing, and each guard blocks until its rule is met."""

from itertools import product

import pytest

from counselbench.access.models import AccessLogEntry
from counselbench.core.errors import NotFound, PermissionDenied, RuleViolation
from counselbench.engagements import services
from counselbench.engagements.models import (
    Engagement,
    EngagementEvent,
    EngagementState,
    MarkupRule,
)
from counselbench.engagements.services.transitions import FLOW, PROFESSIONAL_FLOW
from tests.engagements.conftest import CONTRACTOR_ANSWERS, EMPLOYEE_ANSWERS, agree, sign

pytestmark = pytest.mark.django_db
S = EngagementState


def _move(cast, engagement, to, who="owner", reason="Fits the team"):
    return services.transition(cast.actor(who), engagement_id=engagement.pk, to=to, reason=reason)


def test_the_whole_life_of_an_engagement_is_on_record(cast, sent):
    sign(cast, sent)
    agree(cast, sent)
    for to in (S.TRIAL, S.ACTIVE, S.ENDING, S.ENDED):
        _move(cast, sent, to)
    sent.refresh_from_db()
    assert sent.state == S.ENDED and sent.ended_on is not None
    events = list(sent.events.values_list("from_state", "to_state", "actor__email"))
    assert [(f, t) for f, t, _ in events] == [
        ("", "proposed"),
        ("proposed", "nda_pending"),
        ("nda_pending", "trial"),
        ("trial", "active"),
        ("active", "ending"),
        ("ending", "ended"),
    ]
    assert {email for _, _, email in events} == {cast.owner.email}
    assert AccessLogEntry.objects.filter(action="engagements.transition").count() == 5


REFUSED = [
    (frm, to)
    for frm, to in product(S.values, S.values)
    if (frm, to) not in FLOW and (frm, to) not in PROFESSIONAL_FLOW
]


@pytest.mark.parametrize(("frm", "to"), REFUSED)
def test_every_move_outside_the_table_is_refused_and_changes_nothing(cast, propose, frm, to):
    engagement = propose()
    Engagement.objects.filter(pk=engagement.pk).update(state=frm)
    with pytest.raises(RuleViolation) as refused:
        _move(cast, engagement, to)
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409
    engagement.refresh_from_db()
    assert engagement.state == frm
    assert EngagementEvent.objects.filter(engagement=engagement).count() == 1  # the proposal


def test_sending_needs_the_classification_for_the_current_terms(cast, propose):
    engagement = propose()
    with pytest.raises(RuleViolation) as refused:
        _move(cast, engagement, S.NDA_PENDING)
    assert refused.value.code == "classification_missing"
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    services.update_terms(
        cast.actor("owner"), engagement_id=engagement.pk, changes={"rate_cents": 4000}
    )
    with pytest.raises(RuleViolation) as again:  # the terms changed: asked again
        _move(cast, engagement, S.NDA_PENDING)
    assert again.value.code == "classification_missing"
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    assert _move(cast, engagement, S.NDA_PENDING).state == S.NDA_PENDING


def test_high_risk_blocks_a_direct_1099_engagement_and_points_to_an_agency(cast, propose):
    engagement = propose(engagement_model="direct", agency_id=None, work_state="CA")
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=EMPLOYEE_ANSWERS)
    with pytest.raises(RuleViolation) as refused:
        _move(cast, engagement, S.NDA_PENDING)
    assert refused.value.code == "classification_high_risk"
    assert "direct 1099 engagement in CA" in refused.value.message
    assert "agency of record" in refused.value.unblock
    assert Engagement.objects.get(pk=engagement.pk).state == S.PROPOSED
    # Through the agency of record the same answers are re-asked, and then it may go.
    agency = {"engagement_model": "agency", "agency_id": cast.provider.pk}
    services.update_terms(cast.actor("owner"), engagement_id=engagement.pk, changes=agency)
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=EMPLOYEE_ANSWERS)
    assert _move(cast, engagement, S.NDA_PENDING).state == S.NDA_PENDING


def test_a_markup_where_the_jurisdiction_forbids_it_is_refused(cast, propose):
    MarkupRule.objects.create(jurisdiction="TX", policy="not_allowed", source="Test rule")
    engagement = propose(markup_percent="25")
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    with pytest.raises(RuleViolation) as refused:
        _move(cast, engagement, S.NDA_PENDING)
    assert refused.value.code == "markup_not_allowed" and "Test rule" in refused.value.message
    services.update_terms(
        cast.actor("owner"), engagement_id=engagement.pk, changes={"markup_percent": "0"}
    )
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    assert _move(cast, engagement, S.NDA_PENDING).state == S.NDA_PENDING


def test_the_trial_waits_for_the_nda_and_the_agreement_and_its_end_needs_a_reason(cast, sent):
    with pytest.raises(RuleViolation) as refused:
        _move(cast, sent, S.TRIAL)
    assert refused.value.code == "nda_unsigned"
    sign(cast, sent)
    with pytest.raises(RuleViolation) as unaccepted:
        _move(cast, sent, S.TRIAL)
    assert unaccepted.value.code == "agreement_not_accepted"
    agree(cast, sent)
    _move(cast, sent, S.TRIAL)
    with pytest.raises(RuleViolation) as no_reason:
        _move(cast, sent, S.ACTIVE, reason="  ")
    assert no_reason.value.code == "reason_required"
    _move(cast, sent, S.ACTIVE, who="owner", reason="Accurate and on time")
    assert sent.events.last().reason == "Accurate and on time"


def test_only_owners_and_the_supervising_attorney_change_state(cast, propose):
    theirs = propose()  # supervised by the owner
    for who in ("attorney", "staff"):
        with pytest.raises(PermissionDenied):
            _move(cast, theirs, S.DECLINED, who=who)
    # Another firm, and the professional before the offer is sent, do not see it at all.
    for who in ("outsider", "contractor"):
        with pytest.raises(NotFound):
            _move(cast, theirs, S.DECLINED, who=who)
    _move(cast, theirs, S.DECLINED)
    mine = propose(supervising_attorney_id=cast.attorney.pk)
    services.assess(cast.actor("attorney"), engagement_id=mine.pk, answers=CONTRACTOR_ANSWERS)
    assert _move(cast, mine, S.NDA_PENDING, who="attorney").state == S.NDA_PENDING


def test_the_professional_may_decline_an_offer_and_nothing_else(cast, sent):
    with pytest.raises(RuleViolation):
        _move(cast, sent, S.TRIAL, who="contractor")
    _move(cast, sent, S.DECLINED, who="contractor", reason="")
    assert Engagement.objects.get(pk=sent.pk).state == S.DECLINED


def test_a_marketplace_engagement_never_takes_attorney_level_work(cast, propose):
    from counselbench.talent.services import create_posting
    from tests.talent.conftest import POSTING

    posting = create_posting(cast.actor("owner"), data=POSTING)
    engagement = propose(engagement_model="marketplace", agency_id=cast.provider.pk)
    Engagement.objects.filter(pk=engagement.pk).update(posting=posting)
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    type(posting).objects.filter(pk=posting.pk).update(attorney_work=True)
    engagement.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        _move(cast, engagement, S.NDA_PENDING)
    assert refused.value.code == "fee_sharing" and "agency of record" in refused.value.unblock
    # The matters capability asks the same guard before an attorney-level task.
    with pytest.raises(RuleViolation):
        services.refuse_attorney_work(engagement)
    engagement.engagement_model = "agency"
    services.refuse_attorney_work(engagement)  # an agency of record may take it

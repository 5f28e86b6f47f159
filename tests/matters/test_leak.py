"""The need-to-know leak test (issue 6): in a generated firm, every contractor sees a document
exactly when a grant in effect gives it to them: not revoked, the task open, the engagement live,
the client's consent in force and no screen between them and the matter. Firm members see every
document of their firm except on matters they are screened from. The expectation is computed here
independently of access.policy, from the generated rows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counselbench.access.policy import Action, actor_for, can, visible
from counselbench.engagements.models import LIVE_STATES, EngagementState
from counselbench.matters.models import (
    Consent,
    Document,
    Grant,
    Screen,
    Task,
    TaskStatus,
)
from tests.factories import (
    ClientFactory,
    EngagementFactory,
    MatterFactory,
    ProfessionalFactory,
    category,
)

CONSENT = st.sampled_from(["none", "in_force", "withdrawn"])
ENGAGEMENT_STATES = st.sampled_from(EngagementState.values)
TASK_STATES = st.sampled_from(TaskStatus.values)

WORLD = st.fixed_dictionaries(
    {
        "consents": st.lists(CONSENT, min_size=2, max_size=2),
        "engagements": st.lists(ENGAGEMENT_STATES, min_size=1, max_size=3),
        "documents": st.lists(st.integers(0, 1), min_size=1, max_size=6),  # matter index
        # (matter, contractor, status)
        "tasks": st.lists(
            st.tuples(st.integers(0, 1), st.integers(0, 2), TASK_STATES), min_size=1, max_size=5
        ),
        # (task, document, revoked)
        "grants": st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 5), st.booleans()), max_size=10
        ),
        # (person, matter): person 0..2 a contractor, 3 the staff member, 4 the attorney
        "screens": st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1)), max_size=3),
    }
)


def build(cast, world):
    firm, now = cast.firm, timezone.now()
    client = ClientFactory(organization=firm)
    matters = [
        MatterFactory(organization=firm, client=client, responsible_attorney=cast.attorney)
        for _ in range(2)
    ]
    for matter, consent in zip(matters, world["consents"], strict=True):
        if consent != "none":
            Consent.objects.create(
                matter=matter,
                consented_by="Client",
                consented_on=timezone.localdate(),
                method="written",
                scope="Outside help",
                markup_disclosed=True,
                recorded_by=cast.attorney,
                withdrawn_at=now if consent == "withdrawn" else None,
            )
    engagements = [
        EngagementFactory(
            organization=firm,
            professional=ProfessionalFactory(),
            supervising_attorney=cast.attorney,
            state=state,
        )
        for state in world["engagements"]
    ]
    documents = [
        Document.objects.create(organization=firm, matter=matters[m], title=f"Doc {i}")
        for i, m in enumerate(world["documents"])
    ]
    kind = category(firm)
    tasks = []
    for m, c, status in world["tasks"]:
        engagement = engagements[c % len(engagements)]
        tasks.append(
            Task.objects.create(
                organization=firm,
                matter=matters[m],
                title="Task",
                category=kind,
                assignee=engagement.professional.user,
                engagement=engagement,
                supervising_attorney=cast.attorney,
                status=status,
            )
        )
    for t, d, revoked in world["grants"]:
        task = tasks[t % len(tasks)]
        same_matter = [doc for doc in documents if doc.matter_id == task.matter_id]
        if not same_matter:
            continue
        document = same_matter[d % len(same_matter)]
        Grant.objects.get_or_create(
            task=task,
            document=document,
            grantee=task.assignee,
            revoked_at=now if revoked else None,
            defaults={"engagement": task.engagement, "reason": "test"},
        )
    people = [e.professional.user for e in engagements] + [cast.staff, cast.attorney]
    for p, m in world["screens"]:
        person = people[p % len(people)] if p < 3 else people[len(engagements) + p - 3]
        Screen.objects.get_or_create(
            matter=matters[m], user=person, removed_at=None, defaults={"reason": "wall"}
        )
    return engagements, documents, people


def expected_for_contractor(user, documents) -> set[int]:
    """The rule, restated from the rows: a live grant on an open task of a live engagement, with
    consent in force and no screen."""
    allowed = set()
    for grant in Grant.objects.filter(grantee=user).select_related("task", "engagement"):
        task, engagement = grant.task, grant.engagement
        consent = Consent.objects.filter(matter_id=task.matter_id, withdrawn_at=None).exists()
        screened = Screen.objects.filter(
            matter_id=task.matter_id, user=user, removed_at=None
        ).exists()
        if (
            grant.revoked_at is None
            and task.status != TaskStatus.DONE
            and engagement.state in LIVE_STATES
            and engagement.professional.user_id == user.pk
            and consent
            and not screened
        ):
            allowed.add(grant.document_id)
    return allowed


def expected_for_member(user, documents) -> set[int]:
    screened = set(
        Screen.objects.filter(user=user, removed_at=None).values_list("matter_id", flat=True)
    )
    return {d.pk for d in documents if d.matter_id not in screened}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(world=WORLD)
def test_a_contractor_sees_a_document_exactly_when_a_live_grant_gives_it(cast, world):
    with transaction.atomic():
        engagements, documents, _people = build(cast, world)
        for engagement in engagements:
            user = engagement.professional.user
            actor = actor_for(user)
            expected = expected_for_contractor(user, documents)
            assert set(visible(actor, Document).values_list("pk", flat=True)) == expected
            for document in documents:
                assert can(actor, Action.VIEW, document) == (document.pk in expected)
        for member in (cast.owner, cast.attorney, cast.staff):
            actor = actor_for(member, cast.firm)
            expected = expected_for_member(member, documents)
            assert set(visible(actor, Document).values_list("pk", flat=True)) == expected
        # Nobody outside the firm sees any of it.
        outsider = actor_for(cast.outsider, cast.other_firm)
        assert not visible(outsider, Document).exists()
        transaction.set_rollback(True)

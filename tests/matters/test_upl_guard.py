"""The unauthorized-practice guard at assignment (PRODUCT §2.3): attorney-level work only to an
attorney admitted in the matter's jurisdiction, never through a marketplace that disclaims agency,
every contractor task supervised by a firm attorney; refusals name the rule and change nothing."""

import pytest
from django.utils import timezone

from counselbench.core.errors import RuleViolation
from counselbench.matters.models import Grant, Task
from counselbench.matters.services import tasks as services
from counselbench.organizations.models import Membership, Role
from counselbench.talent.models import BarAdmission, ProfessionalRole
from tests.factories import ProviderFactory
from tests.matters.conftest import make_task


def assign(cast, task, **kwargs):
    return services.assign_task(cast.actor("attorney"), task_id=task.pk, **kwargs)


def refused(cast, task, code, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        assign(cast, task, **kwargs)
    assert caught.value.code == code
    assert caught.value.unblock, "every refusal says what would unblock it"
    task.refresh_from_db()
    assert task.assignee_id is None and task.engagement_id is None, "a refusal changes nothing"
    return caught.value


def make_attorney(cast, delegation, *, state="TX", verified=True, status="active"):
    profile = delegation.engagement.professional
    profile.role = ProfessionalRole.CONTRACT_ATTORNEY
    profile.save(update_fields=["role"])
    BarAdmission.objects.create(
        profile=profile,
        state=state,
        number="24001234",
        status=status,
        verified_at=timezone.now() if verified else None,
    )


def test_paralegal_work_goes_to_the_engaged_paralegal(cast, delegation):
    task = make_task(cast, delegation)
    assign(cast, task, engagement_id=delegation.engagement.pk)
    task.refresh_from_db()
    assert task.assignee == cast.contractor
    assert task.supervising_attorney == cast.attorney  # the engagement's, by default


def test_it_refuses_attorney_task_for_paralegal(cast, delegation):
    task = make_task(cast, delegation, attorney=True, title="Appear at the status conference")
    error = refused(cast, task, "upl_not_attorney", engagement_id=delegation.engagement.pk)
    assert "Court appearances" in error.message and "unauthorized practice" in error.message


def test_it_refuses_an_attorney_not_admitted_in_the_matters_state(cast, delegation):
    make_attorney(cast, delegation, state="CA")
    task = make_task(cast, delegation, attorney=True)
    error = refused(cast, task, "upl_not_admitted", engagement_id=delegation.engagement.pk)
    assert "TX" in error.message


@pytest.mark.parametrize(("verified", "status"), [(False, "active"), (True, "suspended")])
def test_an_unverified_or_inactive_admission_does_not_count(cast, delegation, verified, status):
    make_attorney(cast, delegation, verified=verified, status=status)
    task = make_task(cast, delegation, attorney=True)
    refused(cast, task, "upl_not_admitted", engagement_id=delegation.engagement.pk)


def test_an_attorney_admitted_in_the_state_may_take_attorney_work(cast, delegation):
    make_attorney(cast, delegation)
    task = make_task(cast, delegation, attorney=True)
    assign(cast, task, engagement_id=delegation.engagement.pk)
    assert Task.objects.get(pk=task.pk).assignee == cast.contractor


def test_marketplace_engagement_never_gets_attorney_work(cast, delegation):
    make_attorney(cast, delegation)
    engagement = delegation.engagement
    engagement.engagement_model, engagement.agency = "marketplace", ProviderFactory()
    engagement.save()
    task = make_task(cast, delegation, attorney=True)
    error = refused(cast, task, "fee_sharing", engagement_id=engagement.pk)
    assert "5.4" in error.message
    # Paraprofessional work through the same marketplace is fine.
    paralegal_task = make_task(cast, delegation)
    assign(cast, paralegal_task, engagement_id=engagement.pk)


def test_a_contractor_task_needs_a_supervising_attorney_of_the_firm(cast, delegation):
    # The engagement's supervising attorney was moved to a staff role: nobody supervises.
    Membership.objects.filter(user=cast.attorney).update(role=Role.STAFF)
    task = make_task(cast, delegation)
    with pytest.raises(RuleViolation) as caught:
        services.assign_task(
            cast.actor("owner"), task_id=task.pk, engagement_id=delegation.engagement.pk
        )
    assert caught.value.code == "supervisor_required"
    services.assign_task(
        cast.actor("owner"),
        task_id=task.pk,
        engagement_id=delegation.engagement.pk,
        supervising_attorney_id=cast.owner.pk,
    )
    assert Task.objects.get(pk=task.pk).supervising_attorney == cast.owner


def test_firm_staff_cannot_take_attorney_work(cast, delegation):
    task = make_task(cast, delegation, attorney=True)
    refused(cast, task, "upl_not_attorney", assignee_id=cast.staff.pk)
    assign(cast, task, assignee_id=cast.owner.pk)


def test_a_receptionist_cannot_take_paralegal_work(cast, delegation):
    profile = delegation.engagement.professional
    profile.role = ProfessionalRole.VIRTUAL_RECEPTIONIST
    profile.save(update_fields=["role"])
    task = make_task(cast, delegation)
    refused(cast, task, "upl_level", engagement_id=delegation.engagement.pk)


def test_an_ended_engagement_takes_no_tasks(cast, delegation):
    delegation.engagement.state = "ended"
    delegation.engagement.save()
    task = make_task(cast, delegation)
    refused(cast, task, "engagement_not_live", engagement_id=delegation.engagement.pk)


def test_review_required_work_reaches_done_only_with_the_supervising_attorneys_review(
    cast, delegation
):
    task = make_task(cast, delegation, attorney_review_required=True)
    assign(cast, task, engagement_id=delegation.engagement.pk)
    contractor = cast.actor("contractor")
    services.transition(contractor, task_id=task.pk, to="in_progress")
    services.transition(contractor, task_id=task.pk, to="submitted")
    with pytest.raises(RuleViolation) as caught:
        services.transition(cast.actor("owner"), task_id=task.pk, to="done")
    assert caught.value.code == "attorney_review_required"
    assert Task.objects.get(pk=task.pk).status == "submitted"
    services.transition(cast.actor("attorney"), task_id=task.pk, to="done", note="Accurate.")
    task.refresh_from_db()
    assert task.status == "done"
    (review,) = task.reviews.all()
    assert (review.reviewer, review.outcome, review.notes) == (
        cast.attorney,
        "approved",
        "Accurate.",
    )


def test_the_owner_may_accept_work_that_needs_no_attorney_review(cast, delegation):
    task = make_task(cast, delegation)
    assign(cast, task, engagement_id=delegation.engagement.pk)
    services.transition(cast.actor("contractor"), task_id=task.pk, to="in_progress")
    services.transition(cast.actor("contractor"), task_id=task.pk, to="submitted")
    services.transition(cast.actor("owner"), task_id=task.pk, to="done")
    assert not Grant.objects.filter(task=task, revoked_at__isnull=True).exists()

"""The `counselbench` command line. The demo is built once for the module (it is the slowest
thing here) and rolled back afterwards; each test runs in its own savepoint on top of it."""

import contextlib
import io

import pytest
from django.db import transaction
from django.test import Client

from counselbench.accounts.models import User
from counselbench.cli import main as cli
from counselbench.organizations.models import Membership, Organization
from counselbench.talent.models import ProfessionalProfile
from tests.intake.demo_content import assert_the_intake_demo_is_complete

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """`counselbench demo`, once; what it printed."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with contextlib.redirect_stdout(out):
            assert cli(["demo"]) == 0
        yield out.getvalue()
        transaction.set_rollback(True)


def test_demo_is_idempotent_and_prints_who_can_sign_in(demo, capsys):
    from counselbench.selfaudit.models import AuditPeriod

    assert "dana.whitfield@whitfieldmoreno.example" in demo
    counts = (User.objects.count(), Membership.objects.count(), Organization.objects.count())
    assert cli(["demo", "--password", "another passphrase"]) == 0  # built again: no duplicates
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
    ) == counts
    assert AuditPeriod.objects.filter(organization__slug="whitfield-moreno").count() == 1
    out = capsys.readouterr().out
    assert "dana.whitfield@whitfieldmoreno.example" in out and "another passphrase" in out
    firm = Organization.objects.get(slug="whitfield-moreno")
    assert_the_intake_demo_is_complete(firm)  # built twice: still 60 leads, 8 converted
    roles = sorted(firm.memberships.values_list("role", flat=True))
    assert roles == ["attorney", "attorney", "owner", "staff"]
    provider = Organization.objects.get(slug="keystone-legal-talent")
    assert sorted(provider.memberships.values_list("role", flat=True)) == [
        "provider_admin",
        "vetting_staff",
    ]
    professionals = ProfessionalProfile.objects.select_related("user")
    assert professionals.count() >= 3
    assert not Membership.objects.filter(user__professional_profile__isnull=False).exists()
    assert (
        Client()
        .post(
            "/accounts/login/",
            {
                "login": "dana.whitfield@whitfieldmoreno.example",
                "password": "another passphrase",
            },
        )
        .status_code
        == 302
    )


def test_token_create_prints_a_working_token(capsys):
    assert (
        cli(
            [
                "token",
                "create",
                "--user",
                "luis.moreno@whitfieldmoreno.example",
                "--org",
                "whitfield-moreno",
            ]
        )
        == 0
    )
    secret = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["email"] == "luis.moreno@whitfieldmoreno.example"


def test_token_create_refuses_an_organization_the_user_is_not_in(capsys):
    assert (
        cli(
            [
                "token",
                "create",
                "--user",
                "sam.reyes@keystonetalent.example",
                "--org",
                "whitfield-moreno",
            ]
        )
        == 2
    )
    assert "not a member" in capsys.readouterr().err


def test_the_demo_firm_has_a_completed_audit_with_a_hit_list(capsys):
    from counselbench.access.policy import actor_for
    from counselbench.selfaudit.models import AuditPeriod
    from counselbench.selfaudit.services import hit_list

    (audit,) = AuditPeriod.objects.filter(organization__slug="whitfield-moreno")
    assert audit.entries.count() >= 150
    owner = User.objects.get(email="dana.whitfield@whitfieldmoreno.example")
    result = hit_list(actor_for(owner, audit.organization), audit_id=audit.pk)
    assert len(result.rows) >= 8 and result.total_saving_cents > 0


def test_the_demo_firms_money_tells_the_story_and_reconcile_prints_it(capsys):
    from django.utils import timezone

    from counselbench.billing.models import ContractorStatement, Invoice, InvoiceLine
    from counselbench.trust.models import Reconciliation, Retainer, TrustRequest

    states = set(Invoice.objects.values_list("state", flat=True))
    assert states == {"draft", "sent", "viewed", "partially_paid", "paid", "void"}
    marked_up = InvoiceLine.objects.filter(contractor_work=True)
    assert marked_up.exists() and all(line.kind == "fee" for line in marked_up)
    assert all(line.rate_cents == 12_350 for line in marked_up)  # $95 + 30%
    today = timezone.localdate()
    unpaid = ContractorStatement.objects.filter(state="issued")
    assert any(s.due_on < today for s in unpaid)  # one overdue
    assert ContractorStatement.objects.filter(state="paid").exists()
    months = dict(Reconciliation.objects.values_list("state", "month").order_by("month"))
    assert set(months) == {"locked", "open"}
    (retainer,) = Retainer.objects.all()
    assert retainer.ledger.balance_cents < retainer.floor_cents
    assert retainer.requests.filter(satisfied_at__isnull=True).exists()
    assert TrustRequest.objects.filter(state="pending").exists()
    capsys.readouterr()
    month = f"{months['open']:%Y-%m}"
    assert cli(["reconcile", "--org", "whitfield-moreno", "--month", month]) == 0
    out = capsys.readouterr().out
    assert "BALANCED" in out and "Sum of client ledgers" in out
    assert cli(["reconcile", "--org", "whitfield-moreno", "--month", "2026-13"]) == 2

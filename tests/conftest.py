"""The shared cast every endpoint is tested with (healthchecks' alice/bob/charlie, for a law firm):
owner, attorney, staff of "our" firm; provider admin and vetting staff of a provider; a contract
professional with no membership; and an outsider who owns another firm."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from counselbench.access.policy import Actor, actor_for
from counselbench.accounts.models import User
from counselbench.organizations.models import Organization, Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProfessionalFactory,
    ProviderFactory,
    UserFactory,
)


@dataclass
class Cast:
    firm: Organization
    other_firm: Organization
    provider: Organization
    owner: User
    attorney: User
    staff: User
    provider_admin: User
    vetting_staff: User
    contractor: User
    outsider: User

    def actor(self, name: str) -> Actor:
        user = getattr(self, name)
        membership = user.memberships.select_related("organization").first()
        return actor_for(user, membership.organization if membership else None)

    def client(self, name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(getattr(self, name))
        return client


@pytest.fixture
def cast(db) -> Cast:
    firm = OrganizationFactory(name="Whitfield & Moreno LLP", slug="our-firm")
    other = OrganizationFactory(name="Other Firm PC", slug="other-firm")
    provider = ProviderFactory(name="Keystone Legal Talent", slug="keystone")

    def member(org, role, email):
        return MembershipFactory(organization=org, role=role, user=UserFactory(email=email)).user

    contractor = ProfessionalFactory(
        user=UserFactory(email="contractor@pros.example"), provider=provider
    ).user
    return Cast(
        firm=firm,
        other_firm=other,
        provider=provider,
        owner=member(firm, Role.OWNER, "owner@our.example"),
        attorney=member(firm, Role.ATTORNEY, "attorney@our.example"),
        staff=member(firm, Role.STAFF, "staff@our.example"),
        provider_admin=member(provider, Role.PROVIDER_ADMIN, "admin@keystone.example"),
        vetting_staff=member(provider, Role.VETTING_STAFF, "vetting@keystone.example"),
        contractor=contractor,
        outsider=member(other, Role.OWNER, "owner@other.example"),
    )


@pytest.fixture
def keep_test_connection(monkeypatch):
    """Code that runs outside Django's test client (a raw WSGI call, the task worker) calls
    close_old_connections, which on PostgreSQL closes the connection holding the test's
    transaction. Suspend it, as Django's test client does for its own requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


LOG_TABLE = "access_accesslogentry"


@pytest.fixture
def _restore_log_guard(django_db_blocker):
    """Set up before the transactional database, so torn down after its flush."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {LOG_TABLE} ENABLE TRIGGER access_log_no_truncate")


@pytest.fixture
def committed(_restore_log_guard, transactional_db):
    """Data other connections can see (PostgreSQL concurrency tests). The flush that cleans up
    after such a test truncates the append-only access log, which its trigger refuses: let this
    one flush through."""
    yield
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {LOG_TABLE} DISABLE TRIGGER access_log_no_truncate")


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttles and rate limits live in the cache; no test may inherit another's counters.
    cache.clear()
    yield
    cache.clear()

"""Trust records are kept TRUST_RETENTION_YEARS after the representation ends (ABA Model Rule
1.15(a)): each ledger says until when ("records kept until ..."), nothing while its matter is
open, and nothing the app does at the end of an engagement or a matter removes an entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from counselbench.matters.models import Matter
from counselbench.trust.models import TrustLedger, TrustTransaction
from counselbench.trust.services import accounts, journal
from tests.factories import MatterFactory
from tests.trust.conftest import entry, refreshed

TODAY = timezone.localdate


def close(cast, matter: Matter) -> Matter:
    from counselbench.matters.services.matters import update_matter

    return update_matter(cast.actor("attorney"), matter_id=matter.pk, changes={"status": "closed"})


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def ledger_json(cast, ledger):
    return cast.client("owner").get(f"/api/v1/trust/ledgers/{ledger.pk}").json()


def test_a_matter_ledger_is_kept_the_configured_years_after_the_matter_closes(
    cast, books, settings
):
    settings.TRUST_RETENTION_YEARS = 7
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 10_000))
    assert accounts.records_kept_until(refreshed(books.ledger)) is None  # the matter is open
    assert ledger_json(cast, books.ledger)["records_kept_until"] is None
    page = cast.client("owner").get(f"/trust/ledgers/{books.ledger.pk}/").content.decode()
    assert "Records kept while the matter is open and 7 years after it closes" in page

    closed_on = close(cast, books.matter).closed_on
    kept = years_after(closed_on, 7)
    ledger = TrustLedger.objects.select_related("matter").get(pk=books.ledger.pk)
    assert accounts.records_kept_until(ledger) == kept
    assert ledger_json(cast, books.ledger)["records_kept_until"] == kept.isoformat()
    listed = cast.client("owner").get("/api/v1/trust/ledgers").json()["items"]
    assert {row["id"]: row["records_kept_until"] for row in listed}[ledger.pk] == kept.isoformat()
    page = cast.client("owner").get(f"/trust/ledgers/{books.ledger.pk}/").content.decode()
    assert f"Records kept until <strong>{kept:%B} {kept.day}, {kept.year}</strong>" in page


def test_a_clients_ledger_is_kept_from_the_last_of_its_matters_or_its_last_entry(cast, books):
    ledger = accounts.open_ledger(
        cast.actor("owner"), account_id=books.account.pk, client_id=books.matter.client_id
    )
    later = MatterFactory(
        organization=cast.firm,
        client=books.matter.client,
        number="2026-0500",
        opened_on=TODAY() - timedelta(days=30),
        responsible_attorney=cast.attorney,
    )
    journal.deposit(cast.actor("staff"), data=entry(ledger, 5_000, on=TODAY() - timedelta(days=3)))
    close(cast, books.matter)
    # One of the client's matters is still open: the representation goes on.
    assert accounts.records_kept_until(refreshed(ledger)) is None
    Matter.objects.filter(pk=later.pk).update(
        status="closed", closed_on=TODAY() - timedelta(days=10)
    )
    # The last entry (3 days ago) is later than the last matter's closing: it counts.
    kept = years_after(TODAY(), 5)  # the first matter closed today
    assert accounts.records_kept_until(refreshed(ledger)) == kept
    assert ledger_json(cast, ledger)["records_kept_until"] == kept.isoformat()


def test_a_leap_day_plus_the_years_is_never_a_day_short():
    assert accounts._years_after(date(2028, 2, 29), 5) == date(2033, 3, 1)
    assert accounts._years_after(date(2028, 2, 29), 8) == date(2036, 2, 29)


def test_ending_the_engagement_and_closing_the_matter_leave_every_trust_entry(
    cast, books, delegation
):
    from counselbench.engagements.services.transitions import transition

    owner = cast.actor("owner")
    posted = [
        journal.deposit(owner, data=entry(books.ledger, 80_000)),
        journal.withdraw(
            owner, kind="disbursement", data=entry(books.ledger, 5_000, payee_payor="Clerk")
        ),
    ]
    posted.append(journal.reverse(owner, entry_id=posted[1].pk, reason="Check voided"))
    engagement = delegation.engagement
    transition(owner, engagement_id=engagement.pk, to="ending", reason="Matter wrapping up")
    transition(owner, engagement_id=engagement.pk, to="ended")
    close(cast, books.matter)
    close(cast, delegation.matter)
    kept = TrustTransaction.objects.order_by("sequence")
    assert [e.pk for e in kept] == [e.pk for e in posted]
    assert [e.amount_cents for e in kept] == [80_000, -5_000, 5_000]
    assert refreshed(books.ledger).balance_cents == 80_000
    assert accounts.records_kept_until(
        TrustLedger.objects.select_related("matter").get(pk=books.ledger.pk)
    ) == years_after(TODAY(), 5)


@pytest.mark.parametrize("years", [5, 10])
def test_the_firm_funds_ledger_is_kept_the_years_after_its_last_entry(cast, books, settings, years):
    settings.TRUST_RETENTION_YEARS = years
    firm_funds = accounts.firm_funds_ledger(books.account)
    assert accounts.records_kept_until(firm_funds) is None  # nothing to keep yet
    journal.deposit(cast.actor("owner"), data=entry(firm_funds, 2_000))
    assert accounts.records_kept_until(refreshed(firm_funds)) == years_after(TODAY(), years)

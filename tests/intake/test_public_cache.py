"""The public pages keep a firm's profile per process for INTAKE_PUBLIC_CACHE_SECONDS (the rest of
the suite runs with it off): fewer queries per visitor, a change saved in the settings shows at
once, and a change this process did not see shows once the TTL is over."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from counselbench.intake.models import IntakeProfile
from counselbench.intake.services import intake as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memo_on(settings):
    settings.INTAKE_PUBLIC_CACHE_SECONDS = 5
    services.forget_public_profiles()
    yield
    services.forget_public_profiles()


def _queries(url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = Client().get(url).status_code
    return status, len(ctx.captured_queries)


def test_the_second_visitor_costs_one_query_less(cast):
    IntakeProfile.objects.create(organization=cast.firm)
    first_status, first = _queries("/intake/our-firm/")
    second_status, second = _queries("/intake/our-firm/")
    assert first_status == second_status == 200
    assert second == first - 1


def test_a_change_saved_in_the_settings_shows_at_once(cast):
    IntakeProfile.objects.create(organization=cast.firm)
    assert Client().get("/intake/our-firm/").status_code == 200
    response = cast.client("owner").post(
        "/leads/settings/profile/",
        {"notice_en": "Closed for now.", "notice_es": "Cerrado.", "jurisdictions": "TX"},
    )  # "enabled" left unticked: the page closes
    assert response.status_code == 302
    assert Client().get("/intake/our-firm/").status_code == 404


def test_a_change_made_elsewhere_shows_once_the_ttl_is_over(cast, monkeypatch):
    IntakeProfile.objects.create(organization=cast.firm)
    assert Client().get("/intake/our-firm/").status_code == 200
    # Another process's change: this process's signals never see a queryset update.
    IntakeProfile.objects.filter(organization=cast.firm).update(enabled=False)
    assert Client().get("/intake/our-firm/").status_code == 200  # within the TTL
    now = services.time.monotonic()
    monkeypatch.setattr(services.time, "monotonic", lambda: now + 5.1)
    assert Client().get("/intake/our-firm/").status_code == 404


def test_an_unknown_firm_is_404_and_not_remembered(cast):
    assert Client().get("/intake/no-such-firm/").status_code == 404
    assert "no-such-firm" not in services._public

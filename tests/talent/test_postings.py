"""Postings: field errors by path, attorney work only for attorneys, and professionals see them
without the firm's name anywhere in the JSON."""

import json

import pytest

from counselbench.selfaudit.services import ensure_firm_setup
from counselbench.talent.models import JobPosting
from tests.talent.conftest import POSTING

pytestmark = pytest.mark.django_db


def _body(**changes):
    data = {**POSTING, **changes}
    return {k: (v.strftime("%H:%M") if hasattr(v, "strftime") else v) for k, v in data.items()}


def test_a_posting_with_bad_fields_names_each_and_saves_nothing(cast):
    response = cast.client("owner").post(
        "/api/v1/postings",
        _body(jurisdiction="XX", attorney_work=True, budget_low_cents=5000, languages=["spanish"]),
        content_type="application/json",
    )
    assert response.status_code == 422
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert {"jurisdiction", "attorney_work", "budget_low_cents", "languages.0"} <= paths
    assert not JobPosting.objects.exists()


def test_an_attorney_level_category_makes_it_attorney_work(cast):
    ensure_firm_setup(cast.firm)
    advice = cast.firm.task_categories.get(key="legal-advice")
    response = cast.client("owner").post(
        "/api/v1/postings",
        _body(role="contract_attorney", category_id=advice.pk),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["attorney_work"] is True
    paralegal = cast.client("owner").post(
        "/api/v1/postings", _body(category_id=advice.pk), content_type="application/json"
    )
    assert paralegal.status_code == 422


def test_professionals_see_open_postings_without_the_firm(cast, post):
    posting = post(
        title="Whitfield litigation paralegal",
        responsibilities="Support Whitfield & Moreno LLP's discovery team; report to Moreno.",
    )
    draft = post(status="draft")
    contractor = cast.client("contractor")
    listed = contractor.get("/api/v1/postings").json()["items"]
    assert [p["id"] for p in listed] == [posting.pk]
    one = contractor.get(f"/api/v1/postings/{posting.pk}")
    text = one.content.decode() + json.dumps(listed)
    for name in ("Whitfield", "Moreno", "our-firm"):
        assert name.lower() not in text.lower(), name
    assert one.json()["organization"] is None
    assert "[the firm]" in one.json()["responsibilities"]
    assert contractor.get(f"/api/v1/postings/{draft.pk}").status_code == 404
    # The firm's own people see it whole.
    assert cast.client("staff").get(f"/api/v1/postings/{posting.pk}").json()["organization"] == (
        "Whitfield & Moreno LLP"
    )

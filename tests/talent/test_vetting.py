"""Vetting: four steps in order, each decision on record; vetted only when all passed, fresh,
and (for attorneys) a bar admission verified."""

from datetime import timedelta

import pytest
from django.utils import timezone

from counselbench.access.models import AccessLogEntry
from counselbench.talent.models import ProfessionalRole
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db
STEPS = ["resume", "video", "skills", "background"]


def _step(client, pro, kind, outcome="passed", score=80, **more):
    return client.post(
        f"/api/v1/professionals/{pro.pk}/vetting",
        {"kind": kind, "outcome": outcome, "score": score, **more},
        content_type="application/json",
    )


def test_four_passed_steps_make_a_paralegal_vetted_and_the_profile_shows_who_and_when(cast):
    vetter = cast.client("vetting_staff")
    pro = cast.contractor.professional_profile
    for kind in STEPS[:3]:
        assert _step(vetter, pro, kind).status_code == 201
    pro.refresh_from_db()
    assert pro.vetted_at is None
    body = _step(vetter, pro, "background").json()
    assert body["vetted"] is True
    assert [s["passed"] for s in body["steps"]] == [True] * 4
    assert {s["reviewer"] for s in body["steps"]} == {cast.vetting_staff.display_name}
    assert body["steps"][0]["reviewed_on"] == str(timezone.localdate())
    # A firm sees which checks passed, when and by whom, but not the vetters' notes.
    seen = cast.client("owner").get(f"/api/v1/professionals/{pro.pk}/vetting").json()
    assert seen["vetted"] and all(s["notes"] is None for s in seen["steps"])
    decisions = AccessLogEntry.objects.filter(action="talent.vetting_decision").count()
    assert decisions == 4


def test_steps_run_in_order_and_a_failure_needs_a_reason(cast):
    vetter = cast.client("vetting_staff")
    pro = cast.contractor.professional_profile
    early = _step(vetter, pro, "skills")
    assert early.status_code == 409
    assert "resume screen" in early.json()["error"]["message"]
    failed = _step(vetter, pro, "resume", outcome="failed", score=20)
    assert failed.status_code == 422
    assert failed.json()["error"]["fields"][0]["path"] == "notes"
    assert (
        _step(
            vetter, pro, "resume", outcome="failed", score=20, notes="No legal experience"
        ).status_code
        == 201
    )
    assert _step(vetter, pro, "video").status_code == 409
    # A new decision supersedes the old one; both stay on record.
    assert _step(vetter, pro, "resume").status_code == 201
    assert pro.vetting_steps.filter(kind="resume").count() == 2
    assert _step(vetter, pro, "video").status_code == 201


def test_vetting_goes_stale_after_the_reverification_interval(cast, settings):
    vetter = cast.client("vetting_staff")
    pro = cast.contractor.professional_profile
    old = str(timezone.localdate() - timedelta(days=200))
    for kind in STEPS:
        _step(vetter, pro, kind, reviewed_on=old)
    assert vetter.get(f"/api/v1/professionals/{pro.pk}/vetting").json()["vetted"] is True
    settings.VETTING_VALID_DAYS = 180
    body = vetter.get(f"/api/v1/professionals/{pro.pk}/vetting").json()
    assert body["vetted"] is False and all(s["stale"] for s in body["steps"])


def test_an_attorney_is_vetted_only_with_a_verified_active_bar_admission(cast):
    pro = ProfessionalFactory(role=ProfessionalRole.CONTRACT_ATTORNEY, provider=cast.provider)
    vetter = cast.client("vetting_staff")
    for kind in STEPS:
        _step(vetter, pro, kind)
    pro.refresh_from_db()
    assert pro.vetted_at is None
    admission = pro.bar_admissions.create(state="TX", number="24011111")
    bad = vetter.post(
        f"/api/v1/bar-admissions/{admission.pk}/verify",
        {"status": "active", "note": " "},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = vetter.post(
        f"/api/v1/bar-admissions/{admission.pk}/verify",
        {"status": "active", "note": "Texas bar member search, in good standing"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["verified_by"] == cast.vetting_staff.display_name
    pro.refresh_from_db()
    assert pro.vetted_at is not None
    vetter.post(
        f"/api/v1/bar-admissions/{admission.pk}/verify",
        {"status": "suspended", "note": "Suspended per bar website"},
        content_type="application/json",
    )
    pro.refresh_from_db()
    assert pro.vetted_at is None


def test_soft_skills_are_scored_on_the_published_rubric(cast):
    vetter = cast.client("vetting_staff")
    pro = cast.contractor.professional_profile
    url = f"/api/v1/professionals/{pro.pk}/soft-skills"
    ratings = {"accountability": 5, "proactivity": 4, "collaboration": 4,
               "attention_to_detail": 5, "communication": 2}  # fmt: skip
    body = vetter.post(url, {"ratings": ratings}, content_type="application/json").json()
    assert body["soft_skills_score"] == 75  # mean 4.0 on 1–5 → 75/100
    missing = vetter.post(url, {"ratings": {"accountability": 5}}, content_type="application/json")
    assert missing.status_code == 422
    paths = {f["path"] for f in missing.json()["error"]["fields"]}
    assert "ratings.communication" in paths


def test_vetting_staff_see_only_their_providers_network(cast):
    independent = ProfessionalFactory(provider=None)
    vetter = cast.client("vetting_staff")
    assert vetter.get(f"/api/v1/professionals/{independent.pk}").status_code == 404
    listed = {p["id"] for p in vetter.get("/api/v1/professionals").json()["items"]}
    assert listed == {cast.contractor.professional_profile.pk}
    assert _step(vetter, independent, "resume").status_code == 404

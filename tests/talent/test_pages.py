"""The talent pages a firm, a vetting team and a professional use, end to end on the server."""

import pytest

from counselbench.talent.models import Candidate, JobPosting, PostingStatus, VettingStep
from tests.talent.conftest import make_pro

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Discovery paralegal",
    "role": "paralegal",
    "practice_area": "litigation",
    "jurisdiction": "TX",
    "responsibilities": "Draft discovery responses for attorney review.",
    "check_in_frequency": "weekly",
    "time_zone": "America/Chicago",
    "core_start": "09:00",
    "core_end": "17:00",
    "overlap_hours": "4",
    "hours_per_week": "20",
    "budget_high": "35.00",
    "languages": "",
    "skills": "Clio, discovery",
    "status": "open",
}


def test_the_owner_posts_shortlists_interviews_and_selects_from_the_pages(cast):
    people = [make_pro(years=y, name=f"Pro {y}", skills=("clio",)) for y in (2, 5, 8)]
    owner = cast.client("owner")
    response = owner.post("/talent/postings/new/", FORM)
    assert response.status_code == 302
    posting = JobPosting.objects.get()
    assert posting.budget_high_cents == 3500
    assert sorted(t.value for t in posting.tags.all()) == ["clio", "discovery"]
    page = owner.get(f"/talent/postings/{posting.pk}/")
    text = page.content.decode()
    assert text.index("Pro 8") < text.index("Pro 5") < text.index("Pro 2")  # ranked
    assert "Why " in text and "1 of 2 wanted: clio" in text
    for person in people:
        owner.post(f"/talent/postings/{posting.pk}/shortlist/", {"professional_id": person.pk})
    candidates = list(Candidate.objects.filter(posting=posting))
    assert len(candidates) == 3
    chosen = candidates[0]
    owner.post(f"/talent/candidates/{chosen.pk}/state/", {"state": "invited"})
    table = owner.get(f"/talent/postings/{posting.pk}/interviews/")
    questions = [q for q, _ in table.context["rows"]]
    first = questions[0]
    owner.post(
        f"/talent/candidates/{chosen.pk}/scores/",
        {**{f"q{q.pk}": "4" for q in questions}, f"n{first.pk}": "Named every deadline"},
    )
    # Coming back to the form shows what was saved, so saving again overwrites nothing.
    form = owner.get(f"/talent/postings/{posting.pk}/interviews/").content.decode()
    assert '<option value="4" selected>4</option>' in form
    assert 'value="Named every deadline"' in form and "Not scored" not in form
    owner.post(f"/talent/candidates/{chosen.pk}/state/", {"state": "interviewed"})
    owner.post(
        f"/talent/candidates/{chosen.pk}/state/", {"state": "selected", "agreed_rate": "33.50"}
    )
    chosen.refresh_from_db()
    assert chosen.state == "selected" and chosen.agreed_rate_cents == 3350
    assert JobPosting.objects.get().status == PostingStatus.FILLED
    table = owner.get(f"/talent/postings/{posting.pk}/interviews/").content.decode()
    assert "Selected at $33.50/h" in table


def test_a_bad_posting_shows_each_error_on_the_form(cast):
    response = cast.client("owner").post(
        "/talent/postings/new/", {**FORM, "attorney_work": "on", "budget_high": "0"}
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "budget_high" in errors
    assert not JobPosting.objects.exists()


def test_the_rate_suggestion_follows_the_form(cast):
    owner = cast.client("owner")
    base = owner.get("/talent/rates/", {"role": "paralegal", "practice_area": "litigation",
                                        "jurisdiction": "TX"})  # fmt: skip
    assert "$25 – $40 an hour (typical $28.85)" in base.content.decode()
    tax = owner.get("/talent/rates/", {"role": "paralegal", "practice_area": "tax",
                                       "jurisdiction": "TX"})  # fmt: skip
    assert "typical $31.74" in tax.content.decode() and "+$2.89/h" in tax.content.decode()


def test_the_owner_asks_why_someone_is_missing(cast, post):
    posting = post(languages=["es"])
    make_pro(name="Only English", languages=("en",))
    page = cast.client("owner").get(f"/talent/postings/{posting.pk}/", {"why_not": "Only English"})
    assert "does not list es among their languages" in page.content.decode()


def test_vetting_staff_record_a_step_and_a_failure_needs_a_reason(cast):
    pro = cast.contractor.professional_profile
    vetter = cast.client("vetting_staff")
    url = f"/talent/professionals/{pro.pk}/vetting/"
    vetter.post(url, {"kind": "resume", "outcome": "failed", "score": "30"})
    assert not VettingStep.objects.exists()
    page = vetter.get(f"/talent/professionals/{pro.pk}/").content.decode()
    assert "Say why the step was failed" in page
    vetter.post(url, {"kind": "resume", "outcome": "passed", "score": "85"})
    assert VettingStep.objects.get().reviewer == cast.vetting_staff


def test_a_professional_edits_their_profile_and_sees_jobs_without_firm_names(cast, post):
    post(title="Whitfield discovery paralegal")
    me = cast.client("contractor")
    bad = me.post("/talent/me/", {"years_experience": "3", "time_zone": "Mars/Olympus",
                                  "work_start": "09:00", "work_end": "17:00",
                                  "hourly_rate": "30", "hours_available": "20",
                                  "classification": "either"})  # fmt: skip
    assert bad.status_code == 422 and "time_zone" in bad.context["form"].errors
    ok = me.post("/talent/me/", {"years_experience": "3", "time_zone": "America/Denver",
                                 "work_start": "08:00", "work_end": "16:00",
                                 "hourly_rate": "30", "hours_available": "20",
                                 "classification": "either", "practice_areas": ["family"],
                                 "languages": "en, ES"})  # fmt: skip
    assert ok.status_code == 302
    profile = cast.contractor.professional_profile
    profile.refresh_from_db()
    assert (profile.hourly_rate_cents, profile.time_zone) == (3000, "America/Denver")
    assert sorted(t.value for t in profile.tags.filter(kind="language")) == ["en", "es"]
    jobs = me.get("/talent/jobs/").content.decode()
    assert "discovery paralegal" in jobs and "Whitfield" not in jobs

"""From matches to a hire: shortlist three, interview on the same questions, compare, select."""

from decimal import Decimal

import pytest

from counselbench.talent.models import AcceptedRate, CandidateState, JobPosting, PostingStatus
from tests.talent.conftest import make_pro

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _ok(response) -> bool:
    return response.status_code in (200, 201)


def test_shortlist_interview_side_by_side_and_select(cast, post):
    posting = post()
    people = [make_pro(years=y, name=f"Pro {y}") for y in (3, 6, 9)]
    owner = cast.client("owner")
    matches = owner.get(f"/api/v1/postings/{posting.pk}/matches").json()
    assert [m["professional"]["id"] for m in matches] == [p.pk for p in reversed(people)]
    assert all(m["professional"]["email"] is None for m in matches)  # contact after engagement
    candidates = []
    for match in matches:
        response = _post(owner, f"/api/v1/postings/{posting.pk}/shortlist",
                         {"professional_id": match["professional"]["id"]})  # fmt: skip
        assert response.status_code == 201
        assert Decimal(response.json()["score"]) == Decimal(str(match["score"]))
        candidates.append(response.json()["id"])
    table = owner.get(f"/api/v1/postings/{posting.pk}/interviews").json()
    questions = [row["question_id"] for row in table["rows"]]
    assert len(questions) == 4 and len(table["candidates"]) == 3
    for candidate_id, grade in zip(candidates, (3, 5, 4), strict=True):
        assert _ok(_post(owner, f"/api/v1/candidates/{candidate_id}/state", {"state": "invited"}))
        early = _post(owner, f"/api/v1/candidates/{candidate_id}/state", {"state": "interviewed"})
        assert early.status_code == 409  # questions not scored yet
        scores = [{"question_id": q, "score": grade} for q in questions]
        assert _ok(_post(owner, f"/api/v1/candidates/{candidate_id}/interview", {"scores": scores}))
        assert _ok(
            _post(owner, f"/api/v1/candidates/{candidate_id}/state", {"state": "interviewed"})
        )
    table = owner.get(f"/api/v1/postings/{posting.pk}/interviews").json()
    assert [c["interview_total"] for c in table["candidates"]] == [12, 20, 16]
    assert [cell["score"] for cell in table["rows"][0]["cells"]] == [3, 5, 4]
    no_rate = _post(owner, f"/api/v1/candidates/{candidates[1]}/state", {"state": "selected"})
    assert no_rate.status_code == 422
    chosen = _post(owner, f"/api/v1/candidates/{candidates[1]}/state",
                   {"state": "selected", "agreed_rate_cents": 3300})  # fmt: skip
    assert chosen.json()["state"] == CandidateState.SELECTED
    assert JobPosting.objects.get(pk=posting.pk).status == PostingStatus.FILLED
    assert AcceptedRate.objects.get().hourly_rate_cents == 3300


def test_someone_who_does_not_match_cannot_be_shortlisted(cast, post):
    posting = post()
    unvetted = make_pro(vetted_days_ago=None)
    response = _post(cast.client("owner"), f"/api/v1/postings/{posting.pk}/shortlist",
                     {"professional_id": unvetted.pk})  # fmt: skip
    assert response.status_code in (404, 409)  # an unvetted stranger is not even visible


def test_replace_reopens_the_posting_and_the_match_runs_without_them(cast, post):
    posting = post()
    first, second = make_pro(years=9), make_pro(years=2)
    owner = cast.client("owner")
    cid = _post(
        owner, f"/api/v1/postings/{posting.pk}/shortlist", {"professional_id": first.pk}
    ).json()["id"]
    from counselbench.talent.models import Candidate

    Candidate.objects.filter(pk=cid).update(state=CandidateState.SELECTED)
    JobPosting.objects.filter(pk=posting.pk).update(status=PostingStatus.FILLED)
    assert _ok(_post(owner, f"/api/v1/candidates/{cid}/state", {"state": "replaced"}))
    assert JobPosting.objects.get(pk=posting.pk).status == PostingStatus.OPEN
    matches = owner.get(f"/api/v1/postings/{posting.pk}/matches").json()
    assert [m["professional"]["id"] for m in matches] == [second.pk]
    why = owner.get(f"/api/v1/postings/{posting.pk}/matches/why-not",
                    {"professional_id": first.pk}).json()  # fmt: skip
    assert why == {"professional_id": first.pk, "matched": False,
                   "reasons": ["already tried on this posting"]}  # fmt: skip


def test_the_matches_page_costs_the_same_queries_for_20_people_as_for_2(
    cast, post, django_assert_max_num_queries
):
    posting = post()
    owner = cast.client("owner")
    for years in (3, 4):
        make_pro(years=years)
    with django_assert_max_num_queries(20) as few:
        assert len(owner.get(f"/api/v1/postings/{posting.pk}/matches").json()) == 2
    for years in range(18):
        make_pro(years=years, bars=(("TX", "active", True),))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(owner.get(f"/api/v1/postings/{posting.pk}/matches").json()) == 20

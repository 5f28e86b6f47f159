"""Provider scorecards: the questions and rubric, a score from the ratings, the platform-vs-LPO
traits, each firm's cards its own, and two providers side by side."""

import pytest

from counselbench.talent import providers as rubric
from tests.factories import ProviderFactory
from tests.talent.conftest import make_pro

pytestmark = pytest.mark.django_db


def _put(client, provider, body):
    return client.put(
        f"/api/v1/providers/{provider.pk}/scorecard", body, content_type="application/json"
    )


def test_the_questions_cite_their_sources_and_every_one_has_both_anchors():
    assert len(rubric.QUESTIONS) == 10
    assert [q.key for q in rubric.QUESTIONS][:3] == ["location", "data_security", "vetting"]
    assert all(q.weak and q.strong for q in rubric.QUESTIONS)
    assert rubric.QUESTIONS[2].weak == "“We have a multi-stage review.” (seeds/001)"


def test_a_scorecard_scores_the_rated_answers_and_names_the_model(cast):
    owner = cast.client("owner")
    make_pro(provider=cast.provider)
    body = {
        "answers": {
            "vetting": {"answer": "Four steps with a skills test", "rating": 2},
            "data_security": {"answer": "Our platform is very secure", "rating": 0},
            "replacement": {"answer": "One-week trial", "rating": 2},
            "growth": {"answer": "", "rating": None},
        },
        "traits": {"selection": "platform", "relationship": "platform"},
    }
    card = _put(owner, cast.provider, body).json()
    assert card["score"] == 67  # 4 of 6 points on the three rated answers
    assert card["model"] == "Talent platform"
    assert card["network_size"] == 2 and card["vetted_professionals"] == 1  # + the contractor
    body["traits"]["ideal_for"] = "lpo"
    assert _put(owner, cast.provider, body).json()["model"] == "Mixed"
    # Another firm sees the provider, not our evaluation of it.
    theirs = cast.client("outsider").get(f"/api/v1/providers/{cast.provider.pk}").json()
    assert theirs["score"] is None and theirs["questions"][2]["answer"] is None


def test_bad_ratings_and_unknown_questions_are_refused_by_path(cast):
    owner = cast.client("owner")
    bad = _put(owner, cast.provider, {"answers": {"vetting": {"rating": 3}}})
    assert bad.status_code == 422
    unknown = _put(owner, cast.provider, {"answers": {"colour": {"rating": 1}},
                                          "traits": {"selection": "both"}})  # fmt: skip
    assert unknown.status_code == 422
    paths = {f["path"] for f in unknown.json()["error"]["fields"]}
    assert paths == {"answers.colour", "traits.selection"}


def test_two_providers_side_by_side(cast):
    lpo = ProviderFactory(name="Meridian LPO Services", slug="meridian")
    owner = cast.client("owner")
    _put(owner, cast.provider, {"answers": {"vetting": {"answer": "Four steps", "rating": 2}}})
    _put(owner, lpo, {"answers": {"vetting": {"answer": "Multi-stage review", "rating": 0}},
                      "traits": {"selection": "lpo"}})  # fmt: skip
    page = owner.get("/talent/providers/compare/", {"p": [cast.provider.pk, lpo.pk]})
    assert [c["name"] for c in page.context["chosen"]] == ["Keystone Legal Talent", lpo.name]
    vetting = dict(page.context["rows"])[rubric.QUESTIONS[2]]
    assert [cell["rating"] for cell in vetting] == [2, 0]
    text = page.content.decode()
    assert "Multi-stage review" in text and "Traditional LPO" in text


def test_the_scorecard_page_saves_ratings_from_the_form(cast):
    owner = cast.client("owner")
    url = f"/talent/providers/{cast.provider.pk}/"
    owner.post(url, {"answer_vetting": "Four steps", "rating_vetting": "2",
                     "rating_support": "1", "trait_selection": "platform"})  # fmt: skip
    page = owner.get(url)
    assert page.context["p"]["score"] == 75 and page.context["p"]["model"] == "Talent platform"
    staff_page = cast.client("staff").get(url).content.decode()
    assert "Save scorecard" not in staff_page and "Four steps" in staff_page

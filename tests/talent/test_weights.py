"""Match weights: a firm's owner tunes what each factor is worth, the ranking follows, and bad
weights are refused by field without changing anything."""

import pytest

from counselbench.access.models import AccessLogEntry
from counselbench.talent.models import MatchWeights
from tests.talent.conftest import make_pro

pytestmark = pytest.mark.django_db

URL = "/api/v1/match-weights"


def _put(client, body):
    return client.put(URL, body, content_type="application/json")


def _weights(client) -> dict[str, int]:
    return {f["key"]: f["weight"] for f in client.get(URL).json()["factors"]}


def _ranked_names(client, posting) -> list[str]:
    matches = client.get(f"/api/v1/postings/{posting.pk}/matches").json()
    return [m["professional"]["name"] for m in matches]


def test_every_firm_starts_on_the_defaults_with_each_share_of_the_total(cast):
    body = cast.client("staff").get(URL).json()
    assert body["is_default"] is True and body["total"] == 100
    practice = body["factors"][0]
    assert practice == {
        "key": "practice_area",
        "label": "Practice area",
        "weight": 25,
        "default": 25,
        "share_percent": "25.0",
    }


def test_an_owner_tunes_the_weights_and_the_ranking_follows(cast, post):
    posting = post(budget_high_cents=4000)
    make_pro(name="Seasoned Sam", years=10, rate_cents=5500)  # experienced, over budget
    make_pro(name="Thrifty Tess", years=1, rate_cents=2500)  # new, well under budget
    owner = cast.client("owner")
    assert _ranked_names(owner, posting)[:2] == ["Seasoned Sam", "Thrifty Tess"]

    body = _put(owner, {"experience": 0, "rate": 60}).json()
    assert body["is_default"] is False and body["total"] == 135
    assert _ranked_names(owner, posting)[:2] == ["Thrifty Tess", "Seasoned Sam"]
    # The explanation uses the new weights and still adds up.
    top = owner.get(f"/api/v1/postings/{posting.pk}/matches").json()[0]
    rate = next(c for c in top["contributions"] if c["factor"] == "rate")
    assert rate["weight"] == 60 and rate["points"] == "60.0"
    assert sum(float(c["points"]) for c in top["contributions"]) == pytest.approx(
        float(top["score"])
    )
    # The change is on the firm's activity log, from and to.
    entry = AccessLogEntry.objects.get(action="talent.match_weights_changed")
    assert entry.detail["from"]["rate"] == 10 and entry.detail["to"]["rate"] == 60
    # Another firm keeps its own defaults.
    assert _weights(cast.client("outsider"))["rate"] == 10


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"rate": -1}, "rate"),
        ({"skills": 101}, "skills"),
        ({"ratings": None}, "ratings"),
        ({"ratings": "5"}, "ratings"),
        ({"ratings": 2.5}, "ratings"),
        ({"luck": 5}, "luck"),
    ],
)
def test_bad_weights_are_refused_by_field_and_change_nothing(cast, body, path):
    owner = cast.client("owner")
    response = _put(owner, body)
    assert response.status_code == 422
    assert path in str(response.json())
    assert not MatchWeights.objects.exists()


def test_all_zero_weights_are_refused(cast):
    owner = cast.client("owner")
    body = dict.fromkeys(_weights(owner), 0)
    response = _put(owner, body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "practice_area"
    assert "more than 0" in response.json()["error"]["fields"][0]["message"]
    assert _weights(owner)["practice_area"] == 25


def test_only_owners_change_them(cast):
    for name in ("attorney", "staff"):
        assert _put(cast.client(name), {"rate": 50}).status_code == 403
    assert cast.client("contractor").get(URL).status_code == 404
    assert not MatchWeights.objects.exists()


def test_the_page_saves_resets_and_shows_errors_beside_the_field(cast, post):
    posting = post()
    owner = cast.client("owner")
    page = owner.get("/talent/match-weights/")
    assert b'name="rate"' in page.content and b"The best possible score is 100" in page.content

    form = {**_weights(owner), "rate": 40}
    back = f"/talent/postings/{posting.pk}/"
    response = owner.post("/talent/match-weights/", {**form, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert b"out of 130" in owner.get(back).content  # scores are now out of the new total

    bad = owner.post("/talent/match-weights/", {**form, "skills": "-3"})
    assert bad.status_code == 200
    assert b"greater than or equal to 0" in bad.content
    assert _weights(owner)["skills"] == 20

    zero = owner.post("/talent/match-weights/", dict.fromkeys(form, "0"))
    assert b"At least one factor needs more than 0 points." in zero.content

    owner.post("/talent/match-weights/", {"reset": "1", "next": "https://evil.example/"})
    assert cast.client("owner").get(URL).json()["is_default"] is True


def test_a_non_owner_sees_the_weights_without_inputs(cast):
    page = cast.client("attorney").get("/talent/match-weights/")
    assert page.status_code == 200
    assert b'name="rate"' not in page.content and b"Only the firm's owners" in page.content

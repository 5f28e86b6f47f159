"""Rate suggestions from the cited table, moved by each input, blended with accepted rates."""

import pytest

from counselbench.talent import rates
from counselbench.talent.models import AcceptedRate, ProfessionalRole

pytestmark = pytest.mark.django_db


def test_the_baseline_is_the_cited_figure():
    s = rates.suggest(role="paralegal", years=4, practice_area="litigation", state="TX")
    # $60,000 a year including benefits ÷ 2,080 hours (seed 003) = $28.85 typical.
    assert (s.low_cents, s.typical_cents, s.high_cents) == (2500, 2885, 4000)
    assert "$60,000" in s.source and "shared/seeds/003" in s.source
    assert all(m["effect_cents"] == 0 for m in s.moves)
    assert not s.blended


def test_each_input_moves_the_number_and_says_by_how_much():
    s = rates.suggest(
        role="paralegal", years=12, practice_area="intellectual_property", state="CA",
        work_type="project",
    )  # fmt: skip
    # 2885 × 1.30 (10+ years) × 1.15 (CA) × 1.10 (IP) × 1.10 (project) = 5218.82
    assert s.typical_cents == 5219
    moved = {m["input"]: m["effect_cents"] for m in s.moves}
    assert moved == {"experience": 866, "location": 563, "practice_area": 431, "work_type": 474}
    assert sum(moved.values()) == s.typical_cents - 2885


def test_every_role_has_a_cited_range():
    for role in ProfessionalRole.values:
        bench = rates.BENCHMARKS[role]
        assert bench.low_cents <= bench.typical_cents <= bench.high_cents
        assert "shared/seeds/" in bench.source


def test_accepted_rates_blend_in_once_a_segment_has_enough(settings):
    settings.RATE_BLEND_MINIMUM = 5
    for cents in (3400, 3500, 3600, 3800):
        AcceptedRate.objects.create(
            role="paralegal", years_experience=4, practice_area="litigation",
            hourly_rate_cents=cents,
        )  # fmt: skip
    assert not rates.suggest(role="paralegal", years=4, practice_area="litigation").blended
    AcceptedRate.objects.create(
        role="paralegal", years_experience=5, practice_area="family", hourly_rate_cents=4000
    )
    s = rates.suggest(role="paralegal", years=4, practice_area="litigation")
    assert s.blended and s.accepted_count == 5
    # Median 3600 weighted 5 / (5 + 5) = 50% with the table's 2885 → 3242.5 → 3243.
    assert s.typical_cents == 3243
    assert s.moves[-1]["input"] == "accepted_rates" and s.moves[-1]["effect_cents"] == 3243 - 2885


def test_the_api_refuses_bad_inputs_with_field_paths(cast):
    client = cast.client("owner")
    ok = client.get("/api/v1/rates/suggest", {"role": "paralegal", "practice_area": "tax"})
    assert ok.status_code == 200 and ok.json()["typical_cents"] == 3174
    bad = client.get(
        "/api/v1/rates/suggest", {"role": "paralegal", "practice_area": "tax", "years": 200}
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["path"] == "years"

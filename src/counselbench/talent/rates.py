"""Rate suggestion: a low / typical / high hourly range for a role, moved by experience,
location, practice area and work type, blended with this installation's accepted rates.

The shipped figures cite the source articles in shared/seeds/ (the only sources this project
ships); where an article gives no figure for a role, the row says how it was derived. The
multipliers are Counselbench's stated assumptions, shown with every suggestion; replace both
with your market's figures (see the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median, quantiles

from django.conf import settings

from counselbench.core.money import format_usd
from counselbench.talent.models import AcceptedRate, PracticeArea, ProfessionalRole

SEED_003 = "“Legal Assistant Outsourcing: Pros and Cons” (shared/seeds/003)"
SEED_001 = "“The Legal Outsourcing Process” (shared/seeds/001)"
SEED_000 = "“Legal Outsourcing for Small Firms: The Definitive Guide” (shared/seeds/000)"


@dataclass(frozen=True)
class Benchmark:
    low_cents: int
    typical_cents: int
    high_cents: int
    source: str


BENCHMARKS: dict[str, Benchmark] = {
    ProfessionalRole.LEGAL_ASSISTANT: Benchmark(
        1500, 2000, 2500, f"$15–25 an hour for outsourced legal assistants, {SEED_003}."
    ),
    ProfessionalRole.PARALEGAL: Benchmark(
        2500,
        2885,
        4000,
        f"Typical: $60,000 a year including benefits ÷ 2,080 hours, {SEED_003}. Low: the top of "
        f"the legal-assistant range, same article. High: the “$40/hour task”, {SEED_001}.",
    ),
    ProfessionalRole.INTAKE_SPECIALIST: Benchmark(
        1500,
        2000,
        2500,
        f"No intake-specific figure in the sources: the administrative range of {SEED_003}.",
    ),
    ProfessionalRole.VIRTUAL_RECEPTIONIST: Benchmark(
        1500,
        2000,
        2500,
        f"No receptionist-specific figure in the sources: the administrative range of {SEED_003}.",
    ),
    ProfessionalRole.CONTRACT_ATTORNEY: Benchmark(
        10000,
        13300,
        20000,
        f"Derived: a contract attorney costs “roughly one-third” of a permanent hire ({SEED_000}), "
        f"applied to the “$400/hour” attorney hour of {SEED_001}; low and high ±25–50%. "
        "Replace with your market's figures.",
    ),
}

EXPERIENCE_BANDS = [(0, 2, Decimal("0.85")), (3, 5, Decimal(1)), (6, 9, Decimal("1.15"))]
SENIOR = Decimal("1.30")  # 10 years and more
HIGH_COST_STATES = {"CA", "NY", "DC", "MA", "WA", "NJ", "CT"}
LOW_COST_STATES = {"MS", "AR", "WV", "AL", "OK", "KY"}
SPECIALIZED_AREAS = {
    PracticeArea.INTELLECTUAL_PROPERTY,
    PracticeArea.TAX,
    PracticeArea.CORPORATE,
}
WORK_TYPES = {
    "ongoing": (Decimal(1), "ongoing part-time work"),
    "project": (Decimal("1.10"), "a short project (premium for an uncertain workload)"),
    "overflow": (Decimal("1.05"), "overflow work on demand"),
}


def experience_band(years: int) -> tuple[str, Decimal]:
    for low, high, factor in EXPERIENCE_BANDS:
        if low <= years <= high:
            return f"{low}–{high} years", factor
    return "10+ years", SENIOR


@dataclass
class Suggestion:
    low_cents: int
    typical_cents: int
    high_cents: int
    source: str
    moves: list[dict] = field(default_factory=list)  # input, value, factor, effect on typical
    accepted_count: int = 0
    blended: bool = False

    def as_dict(self) -> dict:
        return {
            "low_cents": self.low_cents,
            "typical_cents": self.typical_cents,
            "high_cents": self.high_cents,
            "source": self.source,
            "moves": self.moves,
            "accepted_count": self.accepted_count,
            "blended": self.blended,
        }

    @property
    def shown(self) -> str:
        return (
            f"{format_usd(self.low_cents)} – {format_usd(self.high_cents)} an hour "
            f"(typical {format_usd(self.typical_cents)})"
        )


def _cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def suggest(
    *, role: str, years: int, practice_area: str, state: str = "", work_type: str = "ongoing"
) -> Suggestion:
    bench = BENCHMARKS[role]
    low, typical, high = (
        Decimal(c) for c in (bench.low_cents, bench.typical_cents, bench.high_cents)
    )
    band, experience = experience_band(years)
    if state in HIGH_COST_STATES:
        location, where = Decimal("1.15"), f"{state}: a high-cost market"
    elif state in LOW_COST_STATES:
        location, where = Decimal("0.90"), f"{state}: a lower-cost market"
    else:
        location, where = Decimal(1), f"{state or 'no state'}: national figures"
    specialty = Decimal("1.10") if practice_area in SPECIALIZED_AREAS else Decimal(1)
    work, work_label = WORK_TYPES[work_type]
    moves = []
    running = typical
    for name, value, factor in (
        ("experience", band, experience),
        ("location", where, location),
        (
            "practice_area",
            PracticeArea(practice_area).label + (": specialized" if specialty != 1 else ""),
            specialty,
        ),
        ("work_type", work_label, work),
    ):
        moved = running * factor
        moves.append(
            {
                "input": name,
                "value": value,
                "factor": str(factor),
                "effect_cents": _cents(moved - running),
            }
        )
        running = moved
    factor = experience * location * specialty * work
    low, typical, high = low * factor, typical * factor, high * factor
    segment = AcceptedRate.objects.filter(role=role, years_experience__range=_band_range(years))
    accepted = sorted(segment.values_list("hourly_rate_cents", flat=True))
    result = Suggestion(
        _cents(low), _cents(typical), _cents(high), bench.source, moves, len(accepted)
    )
    minimum = settings.RATE_BLEND_MINIMUM
    if len(accepted) >= minimum:
        weight = Decimal(len(accepted)) / Decimal(len(accepted) + minimum)
        q1, _, q3 = quantiles(accepted, n=4, method="inclusive")
        ours = (Decimal(str(q1)), Decimal(str(median(accepted))), Decimal(str(q3)))
        blended = [
            shipped * (1 - weight) + mine * weight
            for shipped, mine in zip((low, typical, high), ours, strict=True)
        ]
        before = result.typical_cents
        result.low_cents, result.typical_cents, result.high_cents = (_cents(v) for v in blended)
        result.blended = True
        result.moves.append(
            {
                "input": "accepted_rates",
                "value": f"{len(accepted)} rates accepted here for this role and experience "
                f"(median {format_usd(int(median(accepted)))}), weighted {weight:.0%}",
                "factor": str(weight.quantize(Decimal("0.01"))),
                "effect_cents": result.typical_cents - before,
            }
        )
    return result


def _band_range(years: int) -> tuple[int, int]:
    for low, high, _ in EXPERIENCE_BANDS:
        if low <= years <= high:
            return low, high
    return 10, 100

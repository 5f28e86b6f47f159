"""Hit-list arithmetic on hand-computed examples (no database)."""

from decimal import Decimal

from counselbench.selfaudit.hitlist import WorkDone, build_hit_list

RATES = {"paralegal": 2885, "administrative": 2500, "attorney": 10000}
CATS = {  # id, name, level
    "drafting": (1, "Drafting", "paralegal"),
    "e-filing": (2, "E-filing", "administrative"),
    "data-entry": (3, "Data entry", "administrative"),
    "advice": (4, "Legal advice", "attorney"),
    "calendar": (5, "Calendar", "administrative"),
}
PEOPLE = {  # id, name, level, hourly value in cents
    "dana": (10, "Dana", "attorney", 45000),
    "grace": (11, "Grace", "paralegal", 3000),
    "kim": (12, "Kim", "paralegal", 2400),
    "tom": (13, "Tom", "administrative", 2200),
}


def work(person, category, minutes):
    cid, cname, clevel = CATS[category]
    pid, pname, plevel, value = PEOPLE[person]
    return WorkDone(cid, cname, clevel, pid, pname, plevel, value, minutes)


WEEK = [
    work("dana", "drafting", 120),
    work("dana", "e-filing", 30),
    work("grace", "data-entry", 60),
    work("grace", "drafting", 60),  # same level: not outsourceable
    work("tom", "e-filing", 60),  # same level: not outsourceable
    work("kim", "data-entry", 90),  # below market rate: no saving
    work("dana", "advice", 300),  # attorney work: never on the list
]


def test_a_one_week_audit_annualizes_by_52_and_ranks_by_saving():
    rows = build_hit_list(WEEK, RATES, days=7)
    assert [r.category_name for r in rows] == ["Drafting", "E-filing", "Data entry"]
    drafting, efiling, data_entry = rows
    # Dana: 120 min × 52 = 104 h a year × ($450.00 − $28.85) = $43,799.60
    assert drafting.annual_hours == Decimal(104)
    assert drafting.saving_cents == 104 * (45000 - 2885) == 4_379_960
    assert drafting.minutes == 120  # Grace's same-level drafting is not counted
    # Dana: 30 min × 52 = 26 h × ($450 − $25) = $11,050
    assert efiling.saving_cents == 1_105_000 and efiling.minutes == 30
    # Grace: 52 h × ($30 − $25) = $260; Kim: 78 h at $24 < $25 → no saving, not −$78
    assert data_entry.saving_cents == 26_000
    assert [(p.person_name, p.saving_cents, p.no_saving) for p in data_entry.people] == [
        ("Grace", 26_000, False),
        ("Kim", 0, True),
    ]
    assert data_entry.minutes == 150


def test_a_two_week_audit_halves_the_annualization():
    rows = build_hit_list([work("dana", "drafting", 120)], RATES, days=14)
    assert rows[0].annual_hours == Decimal(52)
    assert rows[0].saving_cents == 52 * 42115


def test_a_row_where_nobody_costs_more_than_the_market_shows_no_saving_last():
    rows = build_hit_list([work("kim", "calendar", 30), work("dana", "e-filing", 30)], RATES, 7)
    assert [r.category_name for r in rows] == ["E-filing", "Calendar"]
    assert rows[1].saving_cents == 0 and rows[1].no_saving
    assert "no saving" in rows[1].explanation(Decimal(1))[0]


def test_fractional_cents_round_half_up():
    # 7 min × 52 = 364 min a year; 364 × $421.15 ÷ 60 = $2,554.976… → $2,554.98
    rows = build_hit_list([work("dana", "drafting", 7)], RATES, days=7)
    assert rows[0].saving_cents == 255_498


def test_each_row_explains_its_arithmetic():
    drafting = build_hit_list(WEEK, RATES, days=7)[0]
    assert drafting.explanation(Decimal(1)) == [
        "Dana: 2.00 h in 1 wk × 52 ÷ 1 = 104 h/yr × ($450 − $28.85) = $43,799.60"
    ]


def test_no_outsourceable_work_gives_an_empty_list():
    assert (
        build_hit_list([work("dana", "advice", 600), work("tom", "e-filing", 60)], RATES, 7) == []
    )

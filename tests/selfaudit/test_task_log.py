"""The task log's rules: every bad row is named, nothing is saved, and people see what they may."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from counselbench.selfaudit.models import MarketRate, TaskCategory, TaskEntry
from counselbench.selfaudit.services import ParticipantInput, create_audit

pytestmark = pytest.mark.django_db

START = date(2026, 11, 9)


@pytest.fixture
def audit(cast):
    return create_audit(
        cast.actor("owner"),
        name="Week of Nov 9",
        starts_on=START,
        participants=[
            ParticipantInput(cast.owner.pk, "attorney", 45000),
            ParticipantInput(cast.attorney.pk, "attorney", 30000),
            ParticipantInput(cast.staff.pk, "paralegal", 4000),
        ],
    )


def _category(cast, key):
    return TaskCategory.objects.get(organization=cast.firm, key=key)


def _post(client, audit, *entries):
    return client.post(
        f"/api/v1/audits/{audit.pk}/entries",
        {"entries": list(entries)},
        content_type="application/json",
    )


def _entry(user, day=START, minutes=30, description="Draft motion", category=None):
    return {
        "user_id": user.pk,
        "date": str(day),
        "minutes": minutes,
        "description": description,
        "category_id": category,
    }


def test_a_new_audit_defaults_to_one_week_and_the_firm_has_its_taxonomy(cast):
    audit = create_audit(cast.actor("owner"), name="This week")
    assert audit.days == 7
    assert TaskCategory.objects.filter(organization=cast.firm).count() >= 24
    assert {r.level for r in MarketRate.objects.filter(organization=cast.firm)} == {
        "attorney",
        "paralegal",
        "administrative",
    }
    assert all(r.source for r in MarketRate.objects.filter(organization=cast.firm))


def test_a_batch_with_bad_rows_names_each_and_saves_nothing(cast, audit):
    response = _post(
        cast.client("owner"),
        audit,
        _entry(cast.attorney),  # fine
        _entry(cast.attorney, minutes=0),
        _entry(cast.attorney, day=START + timedelta(days=7)),  # outside the week
        _entry(cast.attorney, description="  "),
        _entry(cast.outsider),  # not a participant
        _entry(cast.attorney, category=999999),
    )
    assert response.status_code == 422
    paths = sorted(f["path"] for f in response.json()["error"]["fields"])
    assert paths == [
        "entries.1.minutes",
        "entries.2.date",
        "entries.3.description",
        "entries.4.user_id",
        "entries.5.category_id",
    ]
    assert "nothing was saved" in response.json()["error"]["message"]
    assert not TaskEntry.objects.exists()


def test_no_person_logs_more_than_24_hours_in_a_day(cast, audit):
    owner = cast.client("owner")
    assert _post(owner, audit, _entry(cast.attorney, minutes=20 * 60)).status_code == 201
    response = _post(
        owner, audit, _entry(cast.attorney, minutes=3 * 60), _entry(cast.attorney, minutes=2 * 60)
    )
    assert response.status_code == 422
    (error,) = response.json()["error"]["fields"]
    assert error["path"] == "entries.1.minutes" and "24 hours" in error["message"]
    assert _post(owner, audit, _entry(cast.attorney, minutes=25 * 60)).status_code == 422
    assert TaskEntry.objects.count() == 1


def test_staff_log_only_their_own_time_and_see_only_their_own_entries(cast, audit):
    owner, staff = cast.client("owner"), cast.client("staff")
    assert _post(owner, audit, _entry(cast.attorney), _entry(cast.staff)).status_code == 201
    refused = _post(staff, audit, _entry(cast.attorney))
    assert refused.json()["error"]["fields"][0]["path"] == "entries.0.user_id"
    assert _post(staff, audit, _entry(cast.staff, description="E-file answer")).status_code == 201
    seen = staff.get(f"/api/v1/audits/{audit.pk}/entries").json()
    assert {e["user_id"] for e in seen["items"]} == {cast.staff.pk} and seen["count"] == 2
    assert owner.get(f"/api/v1/audits/{audit.pk}/entries").json()["count"] == 3


def test_only_owners_and_attorneys_see_hourly_values(cast, audit):
    def values(name):
        body = cast.client(name).get(f"/api/v1/audits/{audit.pk}").json()
        return {p["hourly_value_cents"] for p in body["participants"]}

    assert values("owner") == values("attorney") == {45000, 30000, 4000}
    assert values("staff") == {None}


def test_an_entry_can_be_corrected_within_the_rules(cast, audit):
    owner = cast.client("owner")
    entry = _post(owner, audit, _entry(cast.attorney)).json()[0]
    url = f"/api/v1/audits/{audit.pk}/entries/{entry['id']}"
    drafting = _category(cast, "drafting").pk
    response = owner.patch(
        url, {"minutes": 90, "category_id": drafting}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["minutes"] == 90
    bad = owner.patch(
        url, {"date": str(START - timedelta(days=1))}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["path"] == "body.date"
    assert TaskEntry.objects.get().date == START


def test_re_dating_an_audit_cannot_strand_entries(cast, audit):
    _post(cast.client("owner"), audit, _entry(cast.attorney, day=START + timedelta(days=5)))
    response = cast.client("owner").patch(
        f"/api/v1/audits/{audit.pk}",
        {"ends_on": str(START + timedelta(days=2))},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "entries_outside_period"


def test_the_hit_list_from_the_log(cast, audit):
    owner = cast.client("owner")
    drafting, efiling = _category(cast, "drafting").pk, _category(cast, "e-filing").pk
    _post(
        owner,
        audit,
        _entry(cast.owner, minutes=120, category=drafting),
        _entry(cast.attorney, minutes=60, category=efiling, description="E-file answer"),
        _entry(cast.staff, minutes=60, category=drafting),  # paralegal work by a paralegal
        _entry(cast.owner, minutes=45, description="Uncategorized call"),
    )
    body = owner.get(f"/api/v1/audits/{audit.pk}/hit-list").json()
    assert [(r["category"], r["annual_saving_cents"]) for r in body["rows"]] == [
        ("Drafting (agreements, motions, memos, briefs)", 104 * (45000 - 2885)),
        ("E-filing", 52 * (30000 - 2500)),
    ]
    assert body["uncategorized_minutes"] == 45
    assert body["rows"][0]["explanation"][0].startswith(cast.owner.full_name)
    assert cast.client("staff").get(f"/api/v1/audits/{audit.pk}/hit-list").status_code == 403


def test_the_audit_page_shows_the_ranked_hit_list_to_owners_but_not_to_staff(cast, audit):
    drafting = _category(cast, "drafting").pk
    _post(cast.client("owner"), audit, _entry(cast.owner, minutes=120, category=drafting))
    page = cast.client("owner").get(f"/audits/{audit.pk}/").content.decode()
    assert "$43,799.60" in page and "How this is computed" in page
    assert 'id="hit-list-data"' in page
    staff_page = cast.client("staff").get(f"/audits/{audit.pk}/").content.decode()
    assert "$43,799.60" not in staff_page and "$450" not in staff_page
    assert "only owners and attorneys" in staff_page


def _answer(client, audit, key, **answers):
    category = TaskCategory.objects.get(organization=audit.organization, key=key)
    return client.put(
        f"/api/v1/audits/{audit.pk}/fit-test/{category.pk}",
        answers,
        content_type="application/json",
    )


def test_the_fit_test_marks_candidates_and_the_recommendation_follows_the_rules(cast, audit):
    owner = cast.client("owner")
    cats = {k: _category(cast, k).pk for k in ("drafting", "billing-support", "e-filing")}
    _post(
        owner,
        audit,
        _entry(cast.owner, minutes=240, category=cats["drafting"]),
        _entry(cast.owner, minutes=120, category=cats["billing-support"]),
        _entry(cast.owner, minutes=60, category=cats["e-filing"]),
    )
    # Any "yes" makes a candidate; four "no" keep it in-house.
    yes = _answer(
        owner, audit, "drafting", others_could_do_it=True, core_practice=True, sensitive=False
    ).json()
    assert yes["verdict"] == "candidate"
    no = dict.fromkeys(
        ("attorneys_doing_it", "team_falling_behind", "losing_billable_time", "others_could_do_it"),
        False,
    )
    assert _answer(owner, audit, "e-filing", **no).json()["verdict"] == "in-house"
    # Billing support touches revenue: a candidate, but not the one to start with.
    _answer(
        owner,
        audit,
        "billing-support",
        attorneys_doing_it=True,
        core_practice=False,
        sensitive=True,
    )
    body = owner.get(f"/api/v1/audits/{audit.pk}/hit-list").json()
    assert body["recommendation"] is None  # drafting is core practice; e-filing stays in-house

    _answer(
        owner, audit, "e-filing", team_falling_behind=True, core_practice=False, sensitive=False
    )
    body = owner.get(f"/api/v1/audits/{audit.pk}/hit-list").json()
    assert body["recommendation"]["category"] == "E-filing"
    assert "low-risk" in body["recommendation"]["reason"]
    # The owner may pick another process instead.
    chosen = owner.post(
        f"/api/v1/audits/{audit.pk}/choice",
        {"category_id": cats["drafting"]},
        content_type="application/json",
    ).json()
    assert chosen["chosen_category_id"] == cats["drafting"]


def test_bad_fit_test_input_is_refused(cast, audit):
    owner = cast.client("owner")
    assert _answer(owner, audit, "drafting", core_practice="maybe").status_code == 422
    assert _answer(owner, audit, "drafting", favourite_colour=True).status_code == 422
    other = cast.client("outsider").post(
        "/api/v1/organizations", {"name": "X", "kind": "law_firm"}, content_type="application/json"
    )
    assert other.status_code == 201
    foreign = TaskCategory.objects.exclude(organization=cast.firm).first()
    response = owner.put(
        f"/api/v1/audits/{audit.pk}/fit-test/{foreign.pk}", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "category_id"


def test_the_owner_answers_the_fit_test_and_accepts_the_recommendation_on_the_page(cast, audit):
    owner = cast.client("owner")
    efiling = _category(cast, "e-filing")
    _post(owner, audit, _entry(cast.owner, minutes=60, category=efiling.pk))
    page = owner.get(f"/audits/{audit.pk}/").content.decode()
    assert "Answer the fit test" in page
    response = owner.post(
        f"/audits/{audit.pk}/fit/{efiling.pk}/",
        {
            f"fit{efiling.pk}-team_falling_behind": "yes",
            f"fit{efiling.pk}-core_practice": "no",
            f"fit{efiling.pk}-sensitive": "no",
        },
    )
    assert response.status_code == 302
    page = owner.get(f"/audits/{audit.pk}/").content.decode()
    assert "Start with one: E-filing" in page
    # The accept button's form carries exactly one category: the recommended one. (It once
    # shared a form with the "pick another" select, whose value won.)
    accept = re.search(r'<form[^>]*data-form="accept".*?</form>', page, re.S).group(0)
    assert re.findall(r'name="category_id"[^>]*value="(\d+)"', accept) == [str(efiling.pk)]
    owner.post(f"/audits/{audit.pk}/choose/", {"category_id": efiling.pk})
    audit.refresh_from_db()
    assert audit.chosen_category == efiling
    assert "Outsource first: E-filing" in owner.get(f"/audits/{audit.pk}/").content.decode()


def test_roi_defaults_come_from_the_audit_and_every_assumption_can_be_changed(cast, audit):
    owner = cast.client("owner")
    efiling = _category(cast, "e-filing")
    _post(
        owner,
        audit,
        _entry(cast.owner, minutes=60, category=efiling.pk),
        _entry(cast.attorney, minutes=60, category=efiling.pk, description="E-file"),
    )
    url = f"/api/v1/audits/{audit.pk}/roi"
    body = owner.post(url, {}, content_type="application/json").json()
    assert body["category"] == "E-filing"
    a, f = body["assumptions"], body["figures"]
    assert Decimal(a["hours_per_week"]) == 2  # 2 h logged in a one-week audit
    assert a["contractor_rate_cents"] == 2500  # administrative market rate
    assert a["current_hourly_value_cents"] == 37_500  # $450 and $300, one hour each
    assert f["contractor_cents"] == 104 * 2500 and f["cheapest"] == "contractor"
    assert "23 min 15 s" in body["sources"]["refocus_minutes"]

    changed = owner.post(
        url,
        {"hours_per_week": "40", "provider_monthly_cents": 10_000},
        content_type="application/json",
    ).json()
    assert changed["figures"]["cheapest"] == "provider plan"
    bad = owner.post(
        url, {"hours_per_week": -1, "working_days": 0}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert {f["path"] for f in bad.json()["error"]["fields"]} == {"hours_per_week", "working_days"}
    assert cast.client("staff").post(url, {}, content_type="application/json").status_code == 403


def test_roi_without_outsourceable_work_explains_what_to_do(cast, audit):
    response = cast.client("owner").post(
        f"/api/v1/audits/{audit.pk}/roi", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "roi_nothing_to_model"


def test_the_roi_page_recalculates_from_the_form_and_prints_a_summary(cast, audit):
    owner = cast.client("owner")
    efiling = _category(cast, "e-filing")
    _post(owner, audit, _entry(cast.owner, minutes=120, category=efiling.pk))
    page = owner.get(f"/audits/{audit.pk}/roi/")
    assert page.status_code == 200
    assert page.context["figures"].contractor_cents == 104 * 2500
    # Dollars in the form, cents in the model: a $20/h contractor for 10 hours a week.
    page = owner.get(f"/audits/{audit.pk}/roi/", {"contractor_rate": "20", "hours_per_week": "10"})
    assert page.context["figures"].contractor_cents == 520 * 2000
    assert "$10,400 a year" in page.content.decode()
    # Every assumption in use is shown, the changed ones and the defaults.
    shown = page.context["form"].initial
    assert shown["contractor_rate"] == "20.00" and shown["working_days"] == 250
    assert (
        owner.get(f"/audits/{audit.pk}/roi/", {"category": ""})
        .context["form"]
        .initial["hours_per_week"]
        == "2.00"
    )
    bad = owner.get(f"/audits/{audit.pk}/roi/", {"working_days": "0"})
    assert "working_days" in bad.context["form"].errors  # shown on the form; defaults used
    summary = owner.get(f"/audits/{audit.pk}/summary/", {"contractor_rate": "20"})
    text = summary.content.decode()
    assert "Start with: E-filing" in text and "data-print" in text


def test_uncategorized_entries_get_explained_suggestions_that_learn_from_corrections(cast, audit):
    owner = cast.client("owner")
    created = _post(
        owner,
        audit,
        _entry(cast.attorney, description="E-file the answer in the county portal"),
        _entry(cast.attorney, description="Zeta quarterly widget"),
        _entry(cast.attorney, minutes=20, description="Zeta quarterly widget"),
    ).json()
    url = f"/api/v1/audits/{audit.pk}/suggestions"
    first = {s["entry_id"]: s for s in owner.get(url).json()}
    efile = first[created[0]["id"]]
    assert efile["category"] == "E-filing" and efile["because"] and efile["similar_example"]
    assert first[created[1]["id"]]["category_id"] is None  # nothing to go on
    # The owner categorizes one "Zeta quarterly widget" entry: the other is now suggested alike.
    bookkeeping = _category(cast, "bookkeeping").pk
    owner.patch(
        f"/api/v1/audits/{audit.pk}/entries/{created[1]['id']}",
        {"category_id": bookkeeping},
        content_type="application/json",
    )
    after = {s["entry_id"]: s for s in owner.get(url).json()}
    assert created[1]["id"] not in after  # categorized entries are no longer listed
    assert after[created[2]["id"]]["category_id"] == bookkeeping
    assert any("zeta" in w for w in after[created[2]["id"]]["because"])


def test_the_owner_edits_the_taxonomy_without_losing_history(cast, audit):
    owner = cast.client("owner")
    added = owner.post(
        "/api/v1/task-categories",
        {"name": "Immigration forms", "level": "paralegal", "examples": ["Prepare I-130"]},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["key"] == "immigration-forms"
    drafting = _category(cast, "drafting")
    _post(owner, audit, _entry(cast.owner, minutes=60, category=drafting.pk))
    url = f"/api/v1/task-categories/{drafting.pk}"
    renamed = owner.patch(
        url, {"name": "Drafting", "level": "administrative"}, content_type="application/json"
    ).json()
    assert (renamed["name"], renamed["level"]) == ("Drafting", "administrative")
    assert owner.patch(url, {"retired": True}, content_type="application/json").json()["retired"]
    # History stays: the entry keeps its category; new entries can no longer use it.
    assert TaskEntry.objects.get().category_id == drafting.pk
    refused = _post(owner, audit, _entry(cast.owner, category=drafting.pk))
    assert refused.json()["error"]["fields"][0]["path"] == "entries.0.category_id"
    listed = owner.get("/api/v1/task-categories?page_size=200").json()["items"]
    assert drafting.pk not in {c["id"] for c in listed}
    assert (
        cast.client("attorney")
        .patch(url, {"retired": False}, content_type="application/json")
        .status_code
        == 403
    )


def test_the_owner_changes_a_market_rate_and_the_hit_list_follows(cast, audit):
    owner = cast.client("owner")
    efiling = _category(cast, "e-filing").pk
    _post(owner, audit, _entry(cast.owner, minutes=60, category=efiling))
    rates = owner.get("/api/v1/market-rates").json()["items"]
    admin = next(r for r in rates if r["level"] == "administrative")
    assert admin["source"]
    bad = owner.patch(
        f"/api/v1/market-rates/{admin['id']}", {"source": ""}, content_type="application/json"
    )
    assert bad.status_code == 422
    owner.patch(
        f"/api/v1/market-rates/{admin['id']}",
        {"hourly_rate_cents": 3500, "source": "Our agency's quote, Nov 2026"},
        content_type="application/json",
    )
    row = owner.get(f"/api/v1/audits/{audit.pk}/hit-list").json()["rows"][0]
    assert row["market_rate_cents"] == 3500
    assert row["annual_saving_cents"] == 52 * (45000 - 3500)


def test_an_id_too_large_for_the_database_is_a_field_error_not_a_crash(cast):
    """Found by the schema fuzzer: a 20-digit user id overflowed SQLite's integer (500)."""
    response = cast.client("owner").post(
        "/api/v1/audits",
        {"name": "W", "participants": [{"user_id": 2**64, "level": "attorney",
                                        "hourly_value_cents": 100}]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"].endswith("participants.0.user_id")

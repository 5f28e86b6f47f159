"""The taxonomy and market-rate page: everyone in the firm reads it, only the owner changes it."""

from datetime import date

import pytest

from counselbench.selfaudit.models import MarketRate, TaskCategory, TaskEntry
from counselbench.selfaudit.services import ParticipantInput, create_audit, ensure_firm_setup

pytestmark = pytest.mark.django_db

URL = "/audits/taxonomy/"


@pytest.fixture(autouse=True)
def taxonomies(cast):
    """Both firms have the shipped taxonomy and rates, as every firm does from its first day."""
    ensure_firm_setup(cast.firm)
    ensure_firm_setup(cast.other_firm)


def _category(cast, key):
    return TaskCategory.objects.get(organization=cast.firm, key=key)


def _add(client, **fields):
    data = {"add-name": "", "add-level": "paralegal", "add-description": "", "add-examples": ""}
    data.update({f"add-{k}": v for k, v in fields.items()})
    return client.post(URL, data)


def test_the_page_lists_categories_by_level_with_how_many_entries_use_each(cast):
    audit = create_audit(
        cast.actor("owner"),
        name="Week",
        starts_on=date(2026, 11, 9),
        participants=[ParticipantInput(cast.owner.pk, "attorney", 45000)],
    )
    efiling = _category(cast, "e-filing")
    for minutes in (30, 45):
        TaskEntry.objects.create(
            audit=audit,
            participant=audit.participants.get(),
            date=date(2026, 11, 9),
            minutes=minutes,
            description="E-file",
            category=efiling,
        )
    page = cast.client("attorney").get(URL)
    assert page.status_code == 200
    levels = {level["value"]: level for level in page.context["levels"]}
    assert (efiling, 2) in levels["administrative"]["categories"]
    assert all(c.level == "attorney" for c, _ in levels["attorney"]["categories"])
    assert len(page.context["rates"]) == 3
    text = page.content.decode()
    assert "E-filing" in text and "Source" in text


def test_the_entry_counts_take_one_query_however_many_categories(
    cast, django_assert_max_num_queries
):
    client = cast.client("owner")
    client.get(URL)  # warm the session and the firm
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_the_owner_adds_renames_relevels_retires_and_restores_a_category(cast):
    owner = cast.client("owner")
    response = _add(
        owner,
        name="Lien searches",
        level="paralegal",
        description="UCC and judgment lien searches",
        examples="Run UCC search for Acme\nOrder judgment lien report",
    )
    assert response.status_code == 302
    lien = TaskCategory.objects.get(organization=cast.firm, name="Lien searches")
    assert lien.examples == ["Run UCC search for Acme", "Order judgment lien report"]
    assert "Lien searches" in owner.get(URL).content.decode()

    edit = f"/audits/taxonomy/{lien.pk}/"
    assert owner.get(edit).context["form"].initial["name"] == "Lien searches"
    response = owner.post(
        edit,
        {
            "name": "Lien and UCC searches",
            "level": "administrative",
            "description": "",
            "examples": "",
        },
    )
    assert response.status_code == 302
    lien.refresh_from_db()
    assert (lien.name, lien.level) == ("Lien and UCC searches", "administrative")

    owner.post(f"/audits/taxonomy/{lien.pk}/retire/", {"retired": "1"})
    lien.refresh_from_db()
    assert lien.retired_at is not None
    page = owner.get(URL)
    assert (lien, 0) in page.context["retired"]
    assert all(lien != c for level in page.context["levels"] for c, _ in level["categories"])

    owner.post(f"/audits/taxonomy/{lien.pk}/retire/", {"retired": "0"})
    lien.refresh_from_db()
    assert lien.retired_at is None


def test_a_blank_or_taken_name_is_refused_on_the_form_and_nothing_changes(cast):
    owner = cast.client("owner")
    before = TaskCategory.objects.filter(organization=cast.firm).count()
    blank = _add(owner, name="  ")
    assert blank.status_code == 422
    assert "name" in blank.context["add_form"].errors
    taken = _add(owner, name="e-FILING", level="administrative")
    assert taken.status_code == 422
    assert "There is already a category named" in taken.content.decode()
    bad_level = _add(owner, name="Something new", level="wizard")
    assert "level" in bad_level.context["add_form"].errors
    assert TaskCategory.objects.filter(organization=cast.firm).count() == before

    research = _category(cast, "legal-research")
    rename = owner.post(
        f"/audits/taxonomy/{research.pk}/",
        {"name": "E-filing", "level": research.level, "description": "", "examples": ""},
    )
    assert rename.status_code == 422
    research.refresh_from_db()
    assert research.name == "Legal research"


def test_a_retired_name_can_be_reused_but_not_restored_over_a_live_one(cast):
    owner = cast.client("owner")
    efiling = _category(cast, "e-filing")
    owner.post(f"/audits/taxonomy/{efiling.pk}/retire/", {"retired": "1"})
    assert _add(owner, name="E-filing", level="administrative").status_code == 302
    owner.post(f"/audits/taxonomy/{efiling.pk}/retire/", {"retired": "0"}, follow=True)
    efiling.refresh_from_db()
    assert efiling.retired_at is not None  # restoring would make two "E-filing"


def test_the_owner_edits_a_market_rate_in_dollars_and_it_is_stored_exactly(cast):
    owner = cast.client("owner")
    rate = MarketRate.objects.get(organization=cast.firm, level="paralegal")
    url = f"/audits/taxonomy/rates/{rate.pk}/"
    prefix = f"rate{rate.pk}"
    response = owner.post(url, {f"{prefix}-rate": "31.15", f"{prefix}-source": "Our 2026 quotes"})
    assert response.status_code == 302
    rate.refresh_from_db()
    assert (rate.hourly_rate_cents, rate.source) == (3115, "Our 2026 quotes")

    for bad in ("0", "-5", "abc", "12.345"):
        response = owner.post(url, {f"{prefix}-rate": bad, f"{prefix}-source": "x"})
        assert response.status_code == 422, bad
        shown = {item["rate"].pk: item["form"] for item in response.context["rates"]}
        assert "rate" in shown[rate.pk].errors, bad  # next to the field, input kept
        assert shown[rate.pk]["rate"].value() == bad
    no_source = owner.post(url, {f"{prefix}-rate": "40", f"{prefix}-source": " "})
    assert no_source.status_code == 422
    rate.refresh_from_db()
    assert (rate.hourly_rate_cents, rate.source) == (3115, "Our 2026 quotes")


def test_attorneys_and_staff_read_it_without_forms_and_cannot_change_it(cast):
    efiling = _category(cast, "e-filing")
    rate = MarketRate.objects.get(organization=cast.firm, level="paralegal")
    for name in ("attorney", "staff"):
        client = cast.client(name)
        page = client.get(URL)
        assert page.status_code == 200
        assert "<form" not in page.content.decode().split("<main", 1)[1].split("</main>")[0]
        assert _add(client, name="Sneaky").status_code == 403
        assert client.get(f"/audits/taxonomy/{efiling.pk}/").status_code == 403
        assert (
            client.post(f"/audits/taxonomy/{efiling.pk}/retire/", {"retired": "1"}).status_code
            == 403
        )
        assert (
            client.post(
                f"/audits/taxonomy/rates/{rate.pk}/",
                {f"rate{rate.pk}-rate": "1", f"rate{rate.pk}-source": "x"},
            ).status_code
            == 403
        )
    efiling.refresh_from_db()
    rate.refresh_from_db()
    assert efiling.retired_at is None and rate.hourly_rate_cents != 100
    assert not TaskCategory.objects.filter(name="Sneaky").exists()


def test_another_firms_categories_and_rates_are_not_found(cast):
    outsider = cast.client("outsider")
    efiling = _category(cast, "e-filing")
    rate = MarketRate.objects.get(organization=cast.firm, level="paralegal")
    assert outsider.get(f"/audits/taxonomy/{efiling.pk}/").status_code == 404
    assert (
        outsider.post(f"/audits/taxonomy/{efiling.pk}/retire/", {"retired": "1"}).status_code == 404
    )
    assert outsider.post(f"/audits/taxonomy/rates/{rate.pk}/", {}).status_code == 404
    page = outsider.get(URL)
    assert efiling not in [c for level in page.context["levels"] for c, _ in level["categories"]]


def test_anonymous_visitors_are_sent_to_sign_in(cast):
    response = cast.client("anonymous").get(URL)
    assert response.status_code == 302 and "login" in response["Location"]

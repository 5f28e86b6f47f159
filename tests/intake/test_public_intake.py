"""The public intake page: the notice, the two steps, the abuse defenses and what the prospect
sees (and never sees)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from counselbench.intake.models import (
    IntakeForm,
    IntakeProfile,
    IntakeQuestion,
    IntakeRefusal,
    Lead,
    LeadEvent,
    RoutingRule,
)
from counselbench.intake.services import intake as services
from counselbench.matters.conflicts import normalize
from counselbench.matters.models import Party
from tests.factories import MatterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    cache.clear()
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.INTAKE_RATE_IP = "1000/h"
    yield
    cache.clear()


@pytest.fixture
def firm(cast):
    IntakeProfile.objects.get_or_create(organization=cast.firm, defaults={"jurisdictions": ["TX"]})
    form = IntakeForm.objects.create(
        organization=cast.firm,
        practice_area="personal_injury",
        title_en="Injury or accident",
        title_es="Lesión o accidente",
        typical_value_cents=2_500_000,
    )
    IntakeQuestion.objects.create(
        form=form,
        position=1,
        key="injured",
        kind="yes_no",
        label_en="Were you hurt?",
        label_es="¿Resultó herido?",
        required=True,
    )
    IntakeQuestion.objects.create(
        form=form,
        position=2,
        key="when",
        kind="choice",
        label_en="When did it happen?",
        label_es="¿Cuándo ocurrió?",
        choices=[
            {"value": "week", "en": "This week", "es": "Esta semana"},
            {"value": "older", "en": "Earlier", "es": "Antes"},
        ],
        urgent_values=["week"],
    )
    RoutingRule.objects.create(
        organization=cast.firm, practice_area="personal_injury", assignee=cast.attorney
    )
    return cast.firm


def _token(slug: str, age: float = 60) -> str:
    return signing.dumps(
        {"s": slug, "t": time.time() - age}, salt="counselbench.intake.form", compress=False
    )


def step_one(client: Client, slug: str = "our-firm", **overrides):
    data = {
        "name": "María López",
        "other_parties": "Acme Trucking LLC\nJohn Driver",
        "practice_area": "personal_injury",
        "ts": _token(slug),
        "website": "",
    }
    data.update(overrides)
    return client.post(f"/intake/{slug}/start/", data)


def step_two(client: Client, lead: Lead, **overrides):
    data = {
        "email": "maria@example.com",
        "phone": "(512) 555-0134",
        "state": "TX",
        "urgency": "high",
        "summary": "A truck hit my car.",
        "q_injured": "yes",
        "q_when": "older",
    }
    data.update(overrides)
    return client.post(f"/intake/{lead.organization.slug}/details/{lead.token}/", data)


def test_notice_is_shown_before_anything_is_collected(firm):
    page = Client().get("/intake/our-firm/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "does not make you a client" in html
    assert "<form" not in html.split("<footer")[0].split("<main")[1]
    assert 'href="/intake/our-firm/start/"' in html


def test_firm_notice_replaces_the_default_in_the_visitors_language(firm):
    IntakeProfile.objects.filter(organization=firm).update(
        notice_en="Our own notice.", notice_es="Nuestro propio aviso."
    )
    assert "Our own notice." in Client().get("/intake/our-firm/").content.decode()
    assert "Nuestro propio aviso." in Client().get("/intake/our-firm/?lang=es").content.decode()


def test_unknown_firm_is_404(firm):
    assert Client().get("/intake/no-such-firm/").status_code == 404


def test_language_from_query_is_remembered_in_a_cookie(firm):
    client = Client()
    page = client.get("/intake/our-firm/?lang=es")
    assert '<html lang="es">' in page.content.decode()
    assert page.cookies["django_language"].value == "es"
    again = client.get("/intake/our-firm/start/")
    assert '<html lang="es">' in again.content.decode()
    assert "Lesión o accidente" in again.content.decode()


def test_language_defaults_from_accept_language(firm):
    page = Client().get("/intake/our-firm/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert '<html lang="es">' in page.content.decode()
    page = Client().get("/intake/our-firm/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="en">' in page.content.decode()


def test_step_one_creates_a_routed_lead_and_leads_to_step_two(firm, cast):
    response = step_one(Client())
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/our-firm/details/{lead.token}/"
    assert lead.name == "María López"
    assert lead.other_parties == ["Acme Trucking LLC", "John Driver"]
    assert lead.assigned_to == cast.attorney
    assert set(LeadEvent.objects.filter(lead=lead).values_list("kind", flat=True)) == {
        "created",
        "routed",
    }
    assert lead.details_completed_at is None


def test_step_two_stores_details_in_e164_and_rescores(firm):
    client = Client()
    step_one(client)
    lead = Lead.objects.get()
    before = lead.score
    response = step_two(client, lead)
    assert response.status_code == 302
    assert response["Location"] == f"/intake/our-firm/thanks/{lead.token}/"
    lead.refresh_from_db()
    assert lead.phone == "+15125550134"
    assert lead.answers == {"injured": "yes", "when": "older"}
    assert lead.details_completed_at is not None
    assert lead.score > before
    thanks = client.get(response["Location"]).content.decode()
    assert f"/book/our-firm/?lead={lead.token}" in thanks


def test_step_two_errors_are_in_the_visitors_language(firm):
    client = Client()
    client.get("/intake/our-firm/?lang=es")
    step_one(client)
    lead = Lead.objects.get()
    assert lead.language == "es"
    page = step_two(client, lead, phone="12", email="not-an-email", q_injured="")
    html = page.content.decode()
    assert page.status_code == 422
    assert "Escriba un número de teléfono válido" in html
    assert "Escriba un correo electrónico válido" in html
    assert "Responda esta pregunta" in html
    lead.refresh_from_db()
    assert lead.details_completed_at is None and lead.email == ""


def test_a_question_answered_wrongly_is_marked_invalid_and_described_by_its_error(firm):
    IntakeQuestion.objects.create(
        form=IntakeForm.objects.get(organization=firm),
        position=3,
        key="where",
        kind="text",
        label_en="Where did it happen?",
        label_es="¿Dónde ocurrió?",
        required=True,
    )
    client = Client()
    step_one(client)
    lead = Lead.objects.get()
    page = step_two(client, lead, q_injured="", q_when="never").content.decode()
    labels = {"q_injured": "Were you hurt", "q_when": "When did"}
    for name, label in labels.items():
        error = re.search(
            rf'<small class="intake-error" id="id_{name}-error">([^<]+)</small>', page
        )
        assert error is not None, name
        group = re.search(
            rf"<fieldset([^>]*)>\s*<legend>[^<]*{label}",
            page,
        )
        assert group is not None
        assert 'aria-invalid="true"' in group.group(1)
        assert f'aria-describedby="id_{name}-error"' in group.group(1)
        radios = re.findall(rf'<input type="radio" [^>]*name="{name}"[^>]*>', page)
        assert radios and all(
            'aria-invalid="true"' in r and f'aria-describedby="id_{name}-error"' in r
            for r in radios
        )
    text = re.search(r'<input type="text" id="id_q_where"[^>]*>', page)
    assert text is not None
    assert 'aria-invalid="true"' in text.group(0)
    assert 'aria-describedby="id_q_where-error"' in text.group(0)
    assert 'id="id_q_where-error"' in page
    # A question answered well is not marked.
    fine = step_two(client, lead, q_injured="", q_when="week").content.decode()
    assert 'aria-describedby="id_q_when-error"' not in fine


def test_step_one_requires_a_name_and_an_offered_practice_area(firm):
    page = step_one(Client(), name="  ", practice_area="tax")
    assert page.status_code == 422
    html = page.content.decode()
    assert "Please enter a name." in html
    assert "Please choose what your matter is about." in html
    assert not Lead.objects.exists()


def test_size_limits_are_refused_with_a_clear_message(firm):
    page = step_one(Client(), name="x" * 201)
    assert page.status_code == 422
    assert "at most 200 characters" in page.content.decode()
    many = "\n".join(f"Party {i}" for i in range(11))
    page = step_one(Client(), other_parties=many)
    assert "at most 10 other parties" in page.content.decode()
    big = step_one(Client(), other_parties="y" * 40_000)
    assert big.status_code == 413
    assert "could not be accepted" in big.content.decode()
    assert IntakeRefusal.objects.get(reason="too_large").count == 1
    assert not Lead.objects.exists()


def test_honeypot_is_refused_counted_and_creates_nothing(firm):
    page = step_one(Client(), website="http://spam.example")
    assert page.status_code == 400
    refusal = IntakeRefusal.objects.get(organization=firm, reason="honeypot")
    assert refusal.count == 1
    assert refusal.last_name_given == "María López"
    assert not Lead.objects.exists()


def test_honeypot_field_is_hidden_from_people_and_screen_readers(firm):
    html = Client().get("/intake/our-firm/start/").content.decode()
    trap = re.search(r'<div class="intake-trap" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap is not None
    assert 'tabindex="-1"' in trap.group(1) and 'autocomplete="off"' in trap.group(1)


def test_too_fast_submission_is_refused_counted_and_the_form_shown_again(firm, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 3
    page = step_one(Client(), ts=_token("our-firm", age=0.5))
    assert page.status_code == 400
    assert "check your answers" in page.content.decode()
    assert IntakeRefusal.objects.get(reason="too_fast").count == 1
    assert not Lead.objects.exists()
    assert step_one(Client(), ts="forged").status_code == 400
    assert step_one(Client(), ts=_token("our-firm", age=5)).status_code == 302


def test_rate_limit_per_address_answers_429_and_is_counted(firm, settings):
    settings.INTAKE_RATE_IP = "2/h"
    client = Client()
    assert step_one(client, name="Ana Uno").status_code == 302
    assert step_one(client, name="Ana Dos").status_code == 302
    page = step_one(client, name="Ana Tres")
    assert page.status_code == 429
    assert "try again" in page.content.decode()
    assert int(page["Retry-After"]) > 0
    assert IntakeRefusal.objects.get(reason="rate_limit_ip").count == 1
    assert Lead.objects.count() == 2


def test_rate_limit_per_firm_answers_429_in_spanish(firm):
    IntakeProfile.objects.filter(organization=firm).update(submissions_per_hour=1)
    assert step_one(Client(), name="Ana Uno").status_code == 302
    page = step_one(Client(), name="Ana Dos", lang="es")
    assert page.status_code == 429
    assert "Por favor, inténtelo más tarde" in page.content.decode()
    assert IntakeRefusal.objects.get(reason="rate_limit_firm").last_name_given == "Ana Dos"


def test_bots_caught_by_the_honeypot_or_fill_time_do_not_use_up_the_firms_allowance(firm, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 3
    IntakeProfile.objects.filter(organization=firm).update(submissions_per_hour=1)
    for i in range(3):
        assert step_one(Client(), name=f"Bot {i}", website="http://x.example").status_code == 400
        assert step_one(Client(), name=f"Fast {i}", ts=_token("our-firm", age=0)).status_code == 400
    assert step_one(Client(), name="Ana Real").status_code == 302
    assert Lead.objects.get().name == "Ana Real"
    assert not IntakeRefusal.objects.filter(reason="rate_limit_firm").exists()
    assert step_one(Client(), name="Ana Dos").status_code == 429


def test_same_name_and_area_from_another_visitor_is_a_lead_of_its_own(firm):
    # Privacy: the second visitor (maybe someone else with the same name) never reaches the first
    # lead's page, and what they sent is kept, linked to the first lead as a possible repeat.
    step_one(Client())
    first = Lead.objects.get()
    other = Client()
    response = step_one(other, name="MARIA  lopez", other_parties="Someone Else Inc.")
    second = Lead.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/our-firm/details/{second.token}/"
    assert second.token != first.token
    assert first.token not in other.get(response["Location"]).content.decode()
    assert second.other_parties == ["Someone Else Inc."]
    assert second.duplicate_of == first
    first.refresh_from_db()
    assert first.duplicate_count == 1 and first.duplicate_of is None
    assert not IntakeRefusal.objects.exists()  # kept, not refused


def test_a_third_repeat_links_to_the_first_of_the_series_not_the_second(firm):
    for _ in range(3):
        step_one(Client())
    first, second, third = Lead.objects.order_by("created_at", "pk")
    assert second.duplicate_of == first and third.duplicate_of == first
    first.refresh_from_db()
    assert first.duplicate_count == 2 and first.duplicate_of is None


@pytest.mark.parametrize(("hours_ago", "repeat"), [(23, True), (25, False)])
def test_the_same_name_is_a_repeat_within_a_day_only(firm, hours_ago, repeat):
    step_one(Client())
    earlier = Lead.objects.get()
    Lead.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    step_one(Client())
    later = Lead.objects.exclude(pk=earlier.pk).get()
    assert (later.duplicate_of_id == earlier.pk) is repeat


def test_same_email_at_step_two_keeps_both_leads_and_links_the_later(firm):
    client = Client()
    step_one(client)
    first = Lead.objects.get()
    step_two(client, first)
    other = Client()
    step_one(other, name="Maria Lopez-Garcia", other_parties="Acme Trucking LLC")
    second = Lead.objects.exclude(pk=first.pk).get()
    response = step_two(
        other, second, phone="", email="MARIA@example.com", urgency="emergency", q_when="week"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/intake/our-firm/thanks/{second.token}/"
    assert Lead.objects.count() == 2
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert second.details_completed_at is not None
    assert second.urgency == "emergency" and second.answers == {"injured": "yes", "when": "week"}
    assert second.summary == "A truck hit my car." and second.practice_area == "personal_injury"
    first.refresh_from_db()
    assert first.duplicate_count == 1 and first.email == "maria@example.com"
    thanks = other.get(response["Location"]).content.decode()
    assert "Thank you" in thanks and first.token not in thanks


def test_the_same_browser_sending_step_one_again_goes_on_with_its_own_lead(firm):
    client = Client()
    first = step_one(client)
    again = step_one(client)  # the back button, a double click
    lead = Lead.objects.get()
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert lead.duplicate_count == 0
    step_two(client, lead)
    assert step_one(client)["Location"] == f"/intake/our-firm/thanks/{lead.token}/"
    # Another browser sending the very same form gets a lead (and a token) of its own.
    elsewhere = step_one(Client())
    assert Lead.objects.count() == 2
    assert lead.token not in elsewhere["Location"]
    # The same browser sending something else is a new lead too.
    step_one(client, other_parties="Another Company")
    assert Lead.objects.count() == 3


def test_a_possible_repeat_is_shown_on_the_board_and_lead_page_and_can_be_closed(firm, cast):
    step_one(Client())
    step_one(Client(), other_parties="")
    first, second = Lead.objects.order_by("pk")
    staff = cast.client("staff")
    board = staff.get("/leads/?flag=duplicate").content.decode()
    assert "Possible repeat of" in board and f'href="/leads/{first.pk}/"' in board
    page = staff.get(f"/leads/{second.pk}/").content.decode()
    assert "Possible repeat of" in page and f"lead #{first.pk}" in page
    assert "Close as a repeat" in page
    assert f'href="/leads/{second.pk}/"' in staff.get(f"/leads/{first.pk}/").content.decode()
    shown = staff.get(f"/api/v1/leads/{second.pk}").json()
    assert shown["duplicate_of_id"] == first.pk
    assert staff.get(f"/api/v1/leads/{first.pk}").json()["duplicate_count"] == 1
    staff.post(
        f"/leads/{second.pk}/move/",
        {"to": "not_retained", "reason": f"Repeat of lead #{first.pk}."},
    )
    second.refresh_from_db()
    assert second.stage == "not_retained"
    assert second.not_retained_reason == f"Repeat of lead #{first.pk}."


def test_spam_looking_lead_is_kept_and_flagged(firm):
    response = step_one(Client(), name="Cheap SEO www.spam-seo.com", other_parties="")
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.suspected_spam
    assert any("link" in r.lower() for r in lead.spam_reasons)


def _firm_party(firm, name: str, role: str = "adverse"):
    matter = MatterFactory(organization=firm, number="2026-0042")
    return Party.objects.create(matter=matter, name=name, role=role, normalized=normalize(name))


def test_conflict_hit_flags_the_lead_and_the_prospect_sees_the_same_pages(firm):
    _firm_party(firm, "Acme Trucking, L.L.C.")
    clean, hit = Client(), Client()
    a = step_one(clean, name="Ana Clean", other_parties="Nobody Known")
    b = step_one(hit, name="Beto Hit", other_parties="ACME Trucking")
    flagged = Lead.objects.get(name="Beto Hit")
    clear = Lead.objects.get(name="Ana Clean")
    assert flagged.conflict_flagged and not clear.conflict_flagged
    assert flagged.conflict_hits[0]["matter_number"] == "2026-0042"
    assert flagged.conflict_hits[0]["role"] == "adverse"
    assert flagged.conflict_hits[0]["score"] >= 88

    def page(client, response, token):
        html = client.get(response["Location"]).content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
        return html.replace(token, "TOKEN")

    assert page(clean, a, clear.token) == page(hit, b, flagged.token)
    ta = step_two(clean, clear, email="ana@example.com", phone="")
    tb = step_two(hit, flagged, email="beto@example.com", phone="")
    assert page(clean, ta, clear.token) == page(hit, tb, flagged.token)
    assert "2026-0042" not in page(hit, tb, flagged.token)


def test_public_pages_reveal_nothing_about_clients_or_staff(firm, cast):
    _firm_party(firm, "Secret Client Holdings", role="client")
    client = Client()
    pages = [client.get("/intake/our-firm/"), client.get("/intake/our-firm/start/")]
    step_one(client, other_parties="Secret Client Holdings")
    lead = Lead.objects.get()
    pages.append(client.get(f"/intake/our-firm/details/{lead.token}/"))
    pages.append(step_two(client, lead))
    pages.append(client.get(f"/intake/our-firm/thanks/{lead.token}/"))
    for response in pages:
        html = response.content.decode()
        for secret in (
            "2026-0042",
            cast.attorney.email,
            cast.owner.email,
            str(cast.attorney),
            "@our.example",
            "conflict",
        ):
            assert secret not in html


def test_unknown_token_is_404_and_completed_details_cannot_be_changed(firm):
    client = Client()
    assert client.get("/intake/our-firm/details/nope/").status_code == 404
    step_one(client)
    lead = Lead.objects.get()
    step_two(client, lead)
    again = step_two(client, lead, email="other@example.com")
    assert again.status_code == 302
    lead.refresh_from_db()
    assert lead.email == "maria@example.com"


def test_closed_intake_page_collects_nothing(firm):
    IntakeProfile.objects.filter(organization=firm).update(enabled=False)
    assert Client().get("/intake/our-firm/").status_code == 404
    assert step_one(Client()).status_code == 404
    assert not Lead.objects.exists()


def test_create_lead_for_a_phone_lead_validates_details(firm, cast):
    from counselbench.core.errors import Invalid

    with pytest.raises(Invalid) as error:
        services.create_lead(
            organization=firm,
            data=services.LeadInput(
                name="Phone Person", practice_area="family", phone="123", with_details=True
            ),
            source="phone",
            by=cast.staff,
        )
    assert [f.path for f in error.value.fields] == ["phone"]
    lead = services.create_lead(
        organization=firm,
        data=services.LeadInput(
            name="Phone Person",
            practice_area="personal_injury",
            phone="512 555 0134",
            state="TX",
            answers={"injured": "yes"},
            with_details=True,
        ),
        source="phone",
        by=cast.staff,
    )
    assert lead.source == "phone" and lead.phone == "+15125550134"
    assert lead.details_completed_at is not None
    assert lead.assigned_to == cast.attorney

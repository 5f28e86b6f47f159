"""The firm's intake settings: the page (notice, states, limits, refusals, webhook secret), the
forms and questions (page and API) and routing rules."""

from __future__ import annotations

import pytest
from django.utils import timezone

from counselbench.intake.models import (
    IntakeForm,
    IntakeProfile,
    IntakeQuestion,
    IntakeRefusal,
    RoutingRule,
)

pytestmark = pytest.mark.django_db


def test_settings_page_shows_url_refusals_and_a_masked_secret(cast):
    profile = IntakeProfile.objects.create(organization=cast.firm)
    IntakeRefusal.objects.create(
        organization=cast.firm,
        day=timezone.localdate(),
        reason="honeypot",
        count=4,
        last_name_given="Real Person",
    )
    IntakeRefusal.objects.create(
        organization=cast.firm, day=timezone.localdate(), reason="rate_limit_ip", count=2
    )
    page = cast.client("owner").get("/leads/settings/").content.decode()
    assert "/intake/our-firm/" in page
    assert "Refused this week: 6" in page
    assert "Hidden field filled in: <strong>4</strong>" in page
    assert "Real Person" in page
    assert profile.webhook_secret not in page
    assert profile.webhook_secret[-4:] in page


def test_profile_is_created_on_first_use(cast):
    assert cast.client("attorney").get("/leads/settings/").status_code == 200
    assert IntakeProfile.objects.filter(organization=cast.firm).exists()


def test_owner_saves_notice_states_and_limits(cast):
    response = cast.client("owner").post(
        "/leads/settings/profile/",
        {
            "enabled": "on",
            "notice_en": "No relationship yet.",
            "notice_es": "Todavía no hay relación.",
            "jurisdictions": "tx, nm",
            "response_target_minutes": "30",
            "submissions_per_hour": "50",
        },
    )
    assert response.status_code == 302
    profile = IntakeProfile.objects.get(organization=cast.firm)
    assert profile.jurisdictions == ["NM", "TX"]
    assert (profile.response_target_minutes, profile.submissions_per_hour) == (30, 50)
    assert profile.notice_es == "Todavía no hay relación."


def test_bad_state_is_refused_with_a_message_and_nothing_changes(cast):
    client = cast.client("owner")
    response = client.post(
        "/leads/settings/profile/",
        {"jurisdictions": "TX ZZ", "submissions_per_hour": "5"},
        follow=True,
    )
    assert "Not a US state code: ZZ." in response.content.decode()
    assert IntakeProfile.objects.get(organization=cast.firm).submissions_per_hour == 120


def test_attorney_reads_but_cannot_change(cast):
    client = cast.client("attorney")
    page = client.get("/leads/settings/").content.decode()
    assert "Only the firm's owners change these settings." in page
    assert client.post("/leads/settings/profile/", {"jurisdictions": "CA"}).status_code == 403
    assert client.post("/leads/settings/webhook/rotate/").status_code == 403


def test_rotating_the_webhook_secret_replaces_it(cast):
    before = IntakeProfile.objects.create(organization=cast.firm).webhook_secret
    assert cast.client("owner").post("/leads/settings/webhook/rotate/").status_code == 302
    after = IntakeProfile.objects.get(organization=cast.firm).webhook_secret
    assert after != before and len(after) >= 32
    assert cast.client("owner").get("/leads/settings/webhook/secret/").content.decode() == after


def test_forms_api_creates_a_form_with_questions(cast):
    client = cast.client("owner")
    response = client.post(
        "/api/v1/intake/forms",
        {
            "practice_area": "family",
            "title_en": "Family law",
            "title_es": "Derecho de familia",
            "typical_value_cents": 800_000,
            "questions": [
                {
                    "key": "kids",
                    "label_en": "Children?",
                    "label_es": "¿Hijos?",
                    "kind": "yes_no",
                    "required": True,
                    "urgent_values": ["yes"],
                },
                {
                    "key": "stage",
                    "label_en": "Where are you?",
                    "kind": "choice",
                    "choices": [{"value": "filed", "en": "Filed", "es": "Presentado"}],
                },
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [q["key"] for q in body["questions"]] == ["kids", "stage"]
    listed = cast.client("staff").get("/api/v1/intake/forms")
    assert listed.status_code == 200
    # A page like every list: the front desk reads the form with its questions.
    (form,) = [f for f in listed.json()["items"] if f["id"] == body["id"]]
    assert [q["key"] for q in form["questions"]] == ["kids", "stage"]


def test_forms_api_refuses_bad_questions_with_field_paths(cast):
    response = cast.client("owner").post(
        "/api/v1/intake/forms",
        {
            "practice_area": "family",
            "title_en": "Family law",
            "questions": [
                {"key": "Bad Key!", "label_en": "x", "kind": "choice"},
                {"key": "ok", "label_en": "y", "kind": "text", "urgent_values": ["z"]},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert {"questions[0].key", "questions[0].choices", "questions[1].urgent_values"} <= paths
    assert not IntakeForm.objects.exists()


def test_second_form_for_an_area_is_refused(cast):
    IntakeForm.objects.create(organization=cast.firm, practice_area="family", title_en="F")
    response = cast.client("owner").post(
        "/api/v1/intake/forms",
        {"practice_area": "family", "title_en": "Again"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "practice_area"


def test_patch_deactivates_a_form_and_the_page_stops_offering_it(cast):
    form = IntakeForm.objects.create(
        organization=cast.firm, practice_area="family", title_en="Family", title_es="Familia"
    )
    response = cast.client("owner").patch(
        f"/api/v1/intake/forms/{form.pk}", {"active": False}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert "Family" not in cast.client("anonymous").get("/intake/our-firm/start/").content.decode()


def test_questions_are_added_edited_and_removed_on_the_form_page(cast):
    form = IntakeForm.objects.create(organization=cast.firm, practice_area="family", title_en="F")
    client = cast.client("owner")
    client.post(
        f"/leads/settings/forms/{form.pk}/questions/",
        {
            "key": "stage",
            "label_en": "Stage?",
            "label_es": "¿Etapa?",
            "kind": "choice",
            "choices": "filed | Filed | Presentado\nnot | Not yet | Todavía no",
            "urgent_values": "filed",
        },
    )
    question = IntakeQuestion.objects.get(form=form)
    assert question.choices[1] == {"value": "not", "en": "Not yet", "es": "Todavía no"}
    assert question.urgent_values == ["filed"]
    client.post(
        f"/leads/settings/questions/{question.pk}/",
        {"key": "stage", "label_en": "Which stage?", "kind": "text"},
    )
    question.refresh_from_db()
    assert (question.label_en, question.kind, question.choices) == ("Which stage?", "text", [])
    client.post(f"/leads/settings/questions/{question.pk}/", {"delete": "1"})
    assert not IntakeQuestion.objects.exists()


def test_routing_rule_to_a_firm_member_only(cast):
    client = cast.client("owner")
    client.post(
        "/leads/settings/routes/", {"practice_area": "family", "assignee_id": cast.attorney.pk}
    )
    assert RoutingRule.objects.get(practice_area="family").assignee == cast.attorney
    page = client.post(
        "/leads/settings/routes/",
        {"practice_area": "", "assignee_id": cast.outsider.pk},
        follow=True,
    )
    assert "Choose a member of the firm." in page.content.decode()
    assert RoutingRule.objects.count() == 1

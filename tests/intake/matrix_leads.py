"""Authorization-matrix rows for intake (leads): API endpoints and pages, on the intake world
(tests/intake/world.py)."""

from __future__ import annotations

from tests.intake.world import intake_world

LOGIN = "login"


# --- The leads world: three leads of our firm on top of the intake world ------------------------


def make_lead(cast, **fields):
    """A lead of our firm (straight into the table: the pipeline's tests need no intake page)."""
    from counselbench.intake.models import Lead

    defaults = {
        "organization": cast.firm,
        "practice_area": "family",
        "name": "Rosa Delgado",
        "email": "rosa@example.com",
        "phone": "+15125550142",
        "state": "TX",
        "summary": "Custody of two children after a separation.",
        "other_parties": ["Martin Delgado"],
        "score": 72,
    }
    return Lead.objects.create(**{**defaults, **fields})


def leads_world(cast) -> dict:
    """`lead`: new, assigned to the staff member; `flagged`: a conflict hit not cleared yet;
    `ready`: contacted, no flag, convertible."""
    if getattr(cast, "leads_world", None):
        return cast.leads_world
    intake_world(cast)
    lead = make_lead(cast, assigned_to=cast.staff)
    flagged = make_lead(
        cast,
        name="Harbor Logistics LLC",
        practice_area="litigation",
        other_parties=["Acme Freight"],
        conflict_flagged=True,
        conflict_hits=[
            {
                "party": "Acme Freight",
                "matched_name": "Acme Freight Inc.",
                "role": "client",
                "matter_number": "2026-0001",
                "score": 96,
            }
        ],
    )
    ready = make_lead(cast, name="Ana Ruiz", stage="contacted", other_parties=["Luis Ruiz"])
    cast.leads_world = {"lead": lead.pk, "flagged": flagged.pk, "ready": ready.pk}
    return cast.leads_world


def routes(Route):  # noqa: N803 - the matrix's Route class
    def api(method, path, url, expect, data=None):
        def built(cast):
            leads_world(cast)
            return url(cast)

        return Route(f"{method} {path}", method, built, expect, data=data or {}, json=True)

    def page(pattern, method, url, expect, data=None):
        def built(cast):
            leads_world(cast)
            return url(cast)

        return Route(pattern, method, built, expect, data=data or {})

    def at(template, key):
        return lambda c: template.format(id=leads_world(c)[key])

    # anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
    front_desk = (401, 200, 200, 200, 404, 404, 200, 404)
    attorneys = (401, 200, 200, 403, 404, 404, 403, 404)
    page_front_desk = (LOGIN, 302, 302, 302, 404, 404, 302, 404)
    page_attorneys = (LOGIN, 302, 302, 403, 404, 404, 403, 404)
    return [
        *intake_routes(Route),  # the public intake page, intake settings, intake forms API
        # --- API
        api("GET", "/api/v1/leads", lambda c: "/api/v1/leads", (401, *(200,) * 7)),
        api(
            "POST",
            "/api/v1/leads",
            lambda c: "/api/v1/leads",
            # The outsider takes a lead for their own firm; provider staff work no front desk.
            (401, 201, 201, 201, 403, 403, 201, 201),
            {"name": "Caller Smith", "practice_area": "family", "phone": "+15125550199"},
        ),
        api(
            "GET",
            "/api/v1/leads/response-times",
            lambda c: "/api/v1/leads/response-times",
            (401, 200, 200, 200, 404, 404, 200, 200),
        ),
        api("GET", "/api/v1/leads/{lead_id}", at("/api/v1/leads/{id}", "lead"), front_desk),
        api(
            "PATCH",
            "/api/v1/leads/{lead_id}",
            at("/api/v1/leads/{id}", "lead"),
            front_desk,
            {"urgency": "high"},
        ),
        api(
            "POST",
            "/api/v1/leads/{lead_id}/transition",
            at("/api/v1/leads/{id}/transition", "lead"),
            front_desk,
            {"to": "contacted", "note": "Called back."},
        ),
        api(
            "POST",
            "/api/v1/leads/{lead_id}/contact",
            at("/api/v1/leads/{id}/contact", "lead"),
            front_desk,
            {"channel": "call"},
        ),
        api(
            "POST",
            "/api/v1/leads/{lead_id}/clear-conflict",
            at("/api/v1/leads/{id}/clear-conflict", "flagged"),
            attorneys,
            {"reason": "Different Acme: checked the address and officers."},
        ),
        api(
            "POST",
            "/api/v1/leads/{lead_id}/convert",
            at("/api/v1/leads/{id}/convert", "ready"),
            (401, 201, 201, 403, 404, 404, 403, 404),
            {},
        ),
        # --- Pages
        page("leads/", "GET", lambda c: "/leads/", (LOGIN, 200, 200, 200, 404, 404, 200, 200)),
        page(
            "leads/<int:lead_id>/",
            "GET",
            at("/leads/{id}/", "flagged"),
            (LOGIN, 200, 200, 200, 404, 404, 200, 404),
        ),
        page(
            "leads/<int:lead_id>/move/",
            "POST",
            at("/leads/{id}/move/", "lead"),
            page_front_desk,
            {"to": "contacted"},
        ),
        page(
            "leads/<int:lead_id>/contact/",
            "POST",
            at("/leads/{id}/contact/", "lead"),
            page_front_desk,
            {"channel": "call"},
        ),
        page(
            "leads/<int:lead_id>/assign/",
            "POST",
            at("/leads/{id}/assign/", "lead"),
            page_front_desk,
            lambda c: {"user_id": c.attorney.pk},
        ),
        page(
            "leads/<int:lead_id>/clear-conflict/",
            "POST",
            at("/leads/{id}/clear-conflict/", "flagged"),
            page_attorneys,
            {"reason": "Different Acme."},
        ),
        page(
            "leads/<int:lead_id>/convert/",
            "POST",
            at("/leads/{id}/convert/", "ready"),
            page_attorneys,
            {},
        ),
    ]


# --- The public intake page, the intake settings and /api/v1/intake/forms* -----------------------


def intake_forms_world(cast) -> dict:
    """A personal-injury form with one question, a routing rule, and a lead that took step one
    on the public page (its token opens step two)."""
    if getattr(cast, "intake_forms_world", None):
        return cast.intake_forms_world
    from counselbench.intake.models import IntakeForm, IntakeQuestion, RoutingRule
    from counselbench.intake.services.intake import LeadInput, create_lead

    intake_world(cast)
    form = IntakeForm.objects.create(
        organization=cast.firm,
        practice_area="personal_injury",
        title_en="Injury or accident",
        title_es="Lesión o accidente",
    )
    question = IntakeQuestion.objects.create(
        form=form, key="injured", kind="yes_no", label_en="Were you hurt?", label_es="¿Herido?"
    )
    rule = RoutingRule.objects.create(
        organization=cast.firm, practice_area="personal_injury", assignee=cast.attorney
    )
    lead = create_lead(
        organization=cast.firm,
        data=LeadInput(name="Pedro Public", practice_area="personal_injury"),
    )
    cast.intake_forms_world = {
        "form": form.pk,
        "question": question.pk,
        "rule": rule.pk,
        "token": lead.token,
    }
    return cast.intake_forms_world


def intake_routes(Route):  # noqa: N803 - the matrix's Route class
    def built(url):
        def make(cast):
            intake_forms_world(cast)
            return url(cast)

        return make

    def api(method, path, url, expect, data=None):
        return Route(f"{method} {path}", method, built(url), expect, data=data or {}, json=True)

    def page(pattern, method, url, expect, data=None):
        return Route(pattern, method, built(url), expect, data=data or {})

    def at(template, key):
        return lambda c: template.format(id=intake_forms_world(c)[key])

    # anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
    public = (200,) * 8
    # The intake settings are firm members' (the outsider reads and changes their own firm's).
    settings_read = (LOGIN, 200, 200, 200, 403, 403, 403, 200)
    settings_change = (LOGIN, 302, 403, 403, 403, 403, 403, 302)
    # Our form: the front desk reads it, the owner changes it.
    form_read = (LOGIN, 200, 200, 200, 404, 404, 200, 404)
    form_change = (LOGIN, 302, 403, 403, 404, 404, 403, 404)
    route_remove = (LOGIN, 302, 403, 403, 404, 404, 404, 404)
    question = {"key": "when", "label_en": "When?", "kind": "text"}
    new_form = {"practice_area": "tax", "title_en": "Tax trouble", "title_es": "Impuestos"}
    return [
        # --- Public pages: the same for everyone, signed in or not.
        page("intake/<slug:slug>/", "GET", lambda c: "/intake/our-firm/", public),
        page("intake/<slug:slug>/start/", "GET", lambda c: "/intake/our-firm/start/", public),
        # Without the form's signed timestamp: refused as too fast, for everyone.
        page(
            "intake/<slug:slug>/start/",
            "POST",
            lambda c: "/intake/our-firm/start/",
            (400,) * 8,
            {"name": "Bot", "practice_area": "personal_injury"},
        ),
        page(
            "intake/<slug:slug>/details/<str:token>/",
            "GET",
            at("/intake/our-firm/details/{id}/", "token"),
            public,
        ),
        page(
            "intake/<slug:slug>/details/<str:token>/",
            "POST",
            at("/intake/our-firm/details/{id}/", "token"),
            (302,) * 8,
            {"email": "pedro@example.com", "state": "TX", "urgency": "normal"},
        ),
        page("intake/<slug:slug>/thanks/", "GET", lambda c: "/intake/our-firm/thanks/", public),
        page(
            "intake/<slug:slug>/thanks/<str:token>/",
            "GET",
            at("/intake/our-firm/thanks/{id}/", "token"),
            public,
        ),
        # --- The firm's intake settings
        page("leads/settings/", "GET", lambda c: "/leads/settings/", settings_read),
        page(
            "leads/settings/profile/",
            "POST",
            lambda c: "/leads/settings/profile/",
            settings_change,
            {"enabled": "on", "jurisdictions": "TX NM", "submissions_per_hour": "100"},
        ),
        page(
            "leads/settings/webhook/rotate/",
            "POST",
            lambda c: "/leads/settings/webhook/rotate/",
            settings_change,
        ),
        page(
            "leads/settings/webhook/secret/",
            "GET",
            lambda c: "/leads/settings/webhook/secret/",
            (LOGIN, 200, 403, 403, 403, 403, 403, 200),
        ),
        page(
            "leads/settings/forms/",
            "POST",
            lambda c: "/leads/settings/forms/",
            settings_change,
            new_form,
        ),
        page(
            "leads/settings/forms/<int:form_id>/",
            "GET",
            at("/leads/settings/forms/{id}/", "form"),
            form_read,
        ),
        page(
            "leads/settings/forms/<int:form_id>/",
            "POST",
            at("/leads/settings/forms/{id}/", "form"),
            form_change,
            {"title_en": "Injury", "title_es": "Lesión", "active": "on"},
        ),
        page(
            "leads/settings/forms/<int:form_id>/questions/",
            "POST",
            at("/leads/settings/forms/{id}/questions/", "form"),
            form_change,
            question,
        ),
        page(
            "leads/settings/questions/<int:question_id>/",
            "POST",
            at("/leads/settings/questions/{id}/", "question"),
            form_change,
            {"key": "injured", "label_en": "Were you injured?", "kind": "yes_no"},
        ),
        page(
            "leads/settings/routes/",
            "POST",
            lambda c: "/leads/settings/routes/",
            settings_change,
            lambda c: {"practice_area": "", "assignee_id": c.staff.pk},
        ),
        page(
            "leads/settings/routes/<int:rule_id>/delete/",
            "POST",
            at("/leads/settings/routes/{id}/delete/", "rule"),
            route_remove,
        ),
        # --- API
        api(
            "GET",
            "/api/v1/intake/forms",
            lambda c: "/api/v1/intake/forms",
            (401, *(200,) * 7),
        ),
        api(
            "POST",
            "/api/v1/intake/forms",
            lambda c: "/api/v1/intake/forms",
            (401, 201, 403, 403, 403, 403, 403, 201),
            {**new_form, "questions": [question]},
        ),
        api(
            "GET",
            "/api/v1/intake/forms/{form_id}",
            at("/api/v1/intake/forms/{id}", "form"),
            (401, 200, 200, 200, 404, 404, 200, 404),
        ),
        api(
            "PATCH",
            "/api/v1/intake/forms/{form_id}",
            at("/api/v1/intake/forms/{id}", "form"),
            (401, 200, 403, 403, 404, 404, 403, 404),
            {"typical_value_cents": 2_500_000},
        ),
        api(
            "POST",
            "/api/v1/intake/forms/{form_id}/questions",
            at("/api/v1/intake/forms/{id}/questions", "form"),
            (401, 201, 403, 403, 404, 404, 403, 404),
            question,
        ),
        api(
            "PUT",
            "/api/v1/intake/questions/{question_id}",
            at("/api/v1/intake/questions/{id}", "question"),
            (401, 200, 403, 403, 404, 404, 403, 404),
            {"key": "injured", "label_en": "Were you injured?", "kind": "yes_no"},
        ),
        api(
            "DELETE",
            "/api/v1/intake/questions/{question_id}",
            at("/api/v1/intake/questions/{id}", "question"),
            (401, 204, 403, 403, 404, 404, 403, 404),
        ),
    ]

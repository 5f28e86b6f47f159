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

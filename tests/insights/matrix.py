"""Authorization-matrix rows for insights (issue 9), imported by tests/test_authorization_matrix.py.

The world: an engagement of the cast's contractor supervised by the cast's attorney, a closed
matter of our firm whose client has an email, and a satisfaction survey sent for it. Owners see
every engagement's metrics, attorneys those they supervise, staff the operational ones, a
contractor only their own scorecard; provider staff have no dashboard; the outsider sees their
own firm's."""

from __future__ import annotations

from django.urls import reverse

# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
FIRM_PAGE = ("login", 200, 200, 200, 403, 403, 302, 200)  # a contractor goes to their scorecard
FIRM_ONLY = ("login", 200, 200, 200, 403, 403, 403, 200)
MINE = ("login", 302, 302, 302, 302, 302, 200, 302)
SCORECARD = ("login", 200, 200, 200, 404, 404, 200, 404)
FIRM_API = (401, 200, 200, 200, 403, 403, 404, 200)
LISTS = (401, 200, 200, 200, 200, 200, 200, 200)
SURVEY_VIEW = (401, 200, 200, 200, 404, 404, 404, 404)
SURVEY_SEND = (401, 201, 201, 403, 404, 404, 404, 404)
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
ANSWERED = (302, 302, 302, 302, 302, 302, 302, 302)


def insights_world(cast) -> dict:
    if getattr(cast, "insights_world", None):
        return cast.insights_world
    from counselbench.insights.models import SatisfactionSurvey
    from counselbench.insights.services.surveys import token_for
    from tests.factories import ClientFactory, EngagementFactory, MatterFactory

    engagement = EngagementFactory(
        organization=cast.firm,
        professional=cast.contractor.professional_profile,
        supervising_attorney=cast.attorney,
    )
    client = ClientFactory(organization=cast.firm, email="ap@harbor.example")
    matter = MatterFactory(
        organization=cast.firm,
        client=client,
        responsible_attorney=cast.attorney,
        status="closed",
        closed_on=client.created_at.date(),
    )
    survey = SatisfactionSurvey.objects.create(
        organization=cast.firm, matter=matter, recipient=client.email
    )
    cast.insights_world = {
        "engagement": engagement.pk,
        "matter": matter.pk,
        "survey": survey.pk,
        "token": token_for(survey),
    }
    return cast.insights_world


def _w(key: str):
    return lambda cast: insights_world(cast)[key]


def routes(Route):  # noqa: N803 - the matrix's Route class
    def built(url):
        def make(cast):
            insights_world(cast)
            return url(cast)

        return make

    def api(method, path, url, expect, data=None):
        return Route(f"{method} {path}", method, built(url), expect, data=data or {}, json=True)

    def page(key, method, url, expect, data=None):
        return Route(key, method, built(url), expect, data=data or {})

    scorecard = _w("engagement")
    return [
        page("insights/", "GET", lambda c: reverse("insights:dashboard"), FIRM_PAGE),
        page("insights/mine/", "GET", lambda c: reverse("insights:mine"), MINE),
        page(
            "insights/engagements/<int:engagement_id>/",
            "GET",
            lambda c: reverse("insights:scorecard", args=[scorecard(c)]),
            SCORECARD,
        ),
        page(
            "insights/export.csv",
            "GET",
            lambda c: reverse("insights:export") + "?chart=utilization",
            FIRM_ONLY,
        ),
        page("insights/report/", "GET", lambda c: reverse("insights:report"), FIRM_ONLY),
        page("insights/report.pdf", "GET", lambda c: reverse("insights:report_pdf"), FIRM_ONLY),
        page(
            "survey/<str:token>/",
            "GET",
            lambda c: reverse("insights:survey", args=[_w("token")(c)]),
            PUBLIC,
        ),
        page(
            "survey/<str:token>/",
            "POST",
            lambda c: reverse("insights:survey", args=[_w("token")(c)]),
            ANSWERED,
            data={"score": "5", "comment": "Quick and clear"},
        ),
        api("GET", "/api/v1/insights/metrics", lambda c: "/api/v1/insights/metrics", FIRM_API),
        api(
            "GET",
            "/api/v1/insights/export.csv",
            lambda c: "/api/v1/insights/export.csv?chart=quality",
            FIRM_API,
        ),
        api("GET", "/api/v1/insights/signals", lambda c: "/api/v1/insights/signals", LISTS),
        api("GET", "/api/v1/insights/reviews", lambda c: "/api/v1/insights/reviews", LISTS),
        api("GET", "/api/v1/surveys", lambda c: "/api/v1/surveys", LISTS),
        api(
            "GET",
            "/api/v1/surveys/{survey_id}",
            lambda c: f"/api/v1/surveys/{_w('survey')(c)}",
            SURVEY_VIEW,
        ),
        Route(
            "POST /api/v1/surveys",
            "POST",
            built(lambda c: "/api/v1/surveys"),
            SURVEY_SEND,
            data=lambda c: {"matter_id": insights_world(c)["matter"]},
            json=True,
        ),
    ]

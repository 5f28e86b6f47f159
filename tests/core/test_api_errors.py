"""Every API failure has the one error shape, with the right status."""

import pytest
from django.test import Client

from counselbench.api import api

pytestmark = pytest.mark.django_db


def _shape(response):
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def test_401_without_credentials(db):
    error = _shape(Client().get("/api/v1/memberships"))
    assert error["code"] == "not_authenticated"


def test_404_for_an_unknown_id_and_for_another_tenants_id(cast):
    other = cast.outsider.memberships.get()
    client = cast.client("owner")
    for url in ("/api/v1/memberships/999999", f"/api/v1/memberships/{other.pk}"):
        response = client.delete(url)
        assert response.status_code == 404 and _shape(response)["code"] == "not_found"


def test_422_names_each_bad_field_by_path(cast):
    response = cast.client("owner").post(
        "/api/v1/organizations", {"name": "", "kind": 7}, content_type="application/json"
    )
    assert response.status_code == 422
    paths = {f["path"] for f in _shape(response)["fields"]}
    assert paths == {"name", "kind"}


def test_422_for_a_bad_query_parameter(cast):
    response = cast.client("owner").get("/api/v1/memberships?page=0&page_size=5000")
    assert response.status_code == 422
    assert {f["path"] for f in _shape(response)["fields"]} == {"page", "page_size"}


def test_malformed_json_is_a_clean_400_or_422(cast):
    response = cast.client("owner").post(
        "/api/v1/invitations", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    _shape(response)


def test_429_when_a_caller_exceeds_the_rate(cast, monkeypatch):
    throttle = next(t for t in api.throttle if type(t).__name__ == "UserThrottle")
    monkeypatch.setattr(throttle, "limit", 3)
    client = cast.client("owner")
    statuses = [client.get("/api/v1/me").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    response = client.get("/api/v1/me")
    assert _shape(response)["code"] == "rate_limited" and int(response["Retry-After"]) >= 1


def test_lists_are_paginated(cast):
    body = cast.client("owner").get("/api/v1/memberships?page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert body["page"] == 1 and body["next_page"] == 2
    last = cast.client("owner").get("/api/v1/memberships?page_size=2&page=2").json()
    assert len(last["items"]) == 1 and last["next_page"] is None


def test_the_openapi_document_and_docs_are_served(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]
    assert Client().get("/api/v1/docs").status_code == 200


def test_a_huge_page_number_is_a_422_not_a_server_error(cast):
    """Found by the OpenAPI fuzz: page × page_size overflowed the SQL offset."""
    response = cast.client("owner").get("/api/v1/organizations?page=106417384601740898363133394944")
    assert response.status_code == 422
    assert _shape(response)["fields"][0]["path"] == "page"


@pytest.mark.parametrize(
    "body", ["[null, null]", '"rename"', "7", '{"name": "X", "evil": 1}', '{"require_mfa": 0}']
)
def test_a_body_that_is_not_the_declared_object_is_refused_and_changes_nothing(cast, body):
    """Found by the OpenAPI fuzz: a JSON array was read as 'no changes' and answered 200."""
    response = cast.client("owner").patch(
        "/api/v1/organizations/current", body, content_type="application/json"
    )
    assert response.status_code == 422
    _shape(response)
    cast.firm.refresh_from_db()
    assert cast.firm.name == "Whitfield & Moreno LLP" and not cast.firm.require_mfa


def test_the_limit_is_per_user_across_their_tokens(cast, monkeypatch):
    from counselbench.accounts.services import create_token

    user_throttle = next(t for t in api.throttle if type(t).__name__ == "UserThrottle")
    monkeypatch.setattr(user_throttle, "limit", 2)
    _, first = create_token(cast.actor("owner"), name="a", organization_slug="our-firm")
    _, second = create_token(cast.actor("owner"), name="b", organization_slug="our-firm")
    client = Client()
    statuses = [
        client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
        for secret in (first, second, first)
    ]
    assert statuses == [200, 200, 429]  # a second token does not double the allowance
    _, attorney = create_token(cast.actor("attorney"), name="c", organization_slug="our-firm")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {attorney}").status_code == 200


def test_the_anonymous_limit_counts_per_address(rf, monkeypatch):
    """For public operations (authenticated ones answer 401 before any throttle runs)."""
    anon_throttle = next(t for t in api.throttle if type(t).__name__ == "AnonymousThrottle")
    monkeypatch.setattr(anon_throttle, "limit", 1)
    allowed = [
        anon_throttle.allow_request(rf.get("/", REMOTE_ADDR=ip))
        for ip in ("203.0.113.1", "203.0.113.1", "203.0.113.2")
    ]
    assert allowed == [True, False, True]
    assert 0 < anon_throttle.wait() <= 60


def test_a_malformed_rate_is_refused():
    from counselbench.core.throttling import parse_rate

    assert parse_rate("120/m") == (120, 60)
    with pytest.raises(ValueError, match="not N/s"):
        parse_rate("lots")


@pytest.mark.parametrize(
    "url", ["/api/v1/memberships/36893488147419103233", "/api/v1/tokens/99999999999999999999"]
)
def test_an_id_too_large_for_the_database_is_not_found(cast, url):
    """Found by the OpenAPI fuzz: such ids overflowed the database integer (500)."""
    response = cast.client("owner").delete(url)
    assert response.status_code == 404
    assert _shape(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        ("/api/v1/task-categories", {"name": "Bad\x00name", "level": "paralegal"}, "name"),
        (
            "/api/v1/organizations",
            {"name": "X", "kind": "law_firm", "time_zone": "\x00"},
            "time_zone",
        ),
        (
            "/api/v1/task-categories",
            {"name": "Ok", "level": "paralegal", "examples": ["a\x00"]},
            "examples",
        ),
    ],
)
def test_text_with_nul_characters_is_refused_on_every_database(cast, url, body, path):
    """Found by the OpenAPI fuzz on PostgreSQL, whose text columns cannot hold NUL (500)."""
    from counselbench.selfaudit.models import TaskCategory

    before = TaskCategory.objects.count()
    response = cast.client("owner").post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert _shape(response)["fields"][0]["path"] == path
    assert TaskCategory.objects.count() == before


def test_a_body_over_the_size_limit_is_a_clear_413_not_a_server_error(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = '{"name": "' + "x" * (1024 * 1024) + '"}'
    response = cast.client("owner").post("/api/v1/audits", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "larger than 1 MB" in response.json()["error"]["message"]

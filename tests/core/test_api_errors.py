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
    throttle = next(t for t in api.throttle if type(t).__name__ == "AuthRateThrottle")
    monkeypatch.setattr(throttle, "num_requests", 3)
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

"""API query parameters take one value each; a repeated one is a 422 naming it."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_repeated_api_query_parameter_is_refused_by_name(cast):
    owner = cast.client("owner")
    response = owner.get("/api/v1/professionals?language=en&language=es&role=paralegal")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"path": "query.language", "message": "Give this parameter once."}
    ]
    assert owner.get("/api/v1/professionals?language=en").status_code == 200


def test_pages_may_repeat_parameters(cast):
    # The provider comparison page takes two providers as ?p=1&p=2.
    response = cast.client("owner").get("/talent/providers/compare/?p=1&p=2")
    assert response.status_code == 200

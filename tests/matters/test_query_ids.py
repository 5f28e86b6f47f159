"""An id in a list's query string that no database can hold is a 422 naming the parameter, never
a server error (the schema fuzzer found `?task_id=-50625015319151805202432` answering 500)."""

import pytest

HUGE = "-50625015319151805202432"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/time-entries", "task_id"),
        ("/api/v1/time-entries", "matter_id"),
        ("/api/v1/tasks", "matter_id"),
        ("/api/v1/tasks", "assignee_id"),
        ("/api/v1/grants", "task_id"),
        ("/api/v1/matters", "client_id"),
        ("/api/v1/matters", "responsible_attorney_id"),
        ("/api/v1/access-alerts", "matter"),
        ("/api/v1/documents", "matter"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "99999999999999999999", "0"])
def test_an_impossible_id_in_a_filter_is_refused(cast, path, parameter, value):
    response = cast.client("owner").get(f"{path}?{parameter}={value}")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == parameter


def test_an_impossible_version_number_is_refused(cast):
    response = cast.client("owner").get(f"/api/v1/documents/1/download?version={HUGE}")
    assert response.status_code == 422

"""The dashboard's pages, the API and the CSV exports agree: every chart's CSV holds exactly the
API's rows, the page shows the API's figures, and a signal's "hire for this" opens a pre-filled
posting."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from counselbench.insights.models import ScalingSignal
from tests.insights.conftest import OCTOBER

RANGE = f"from={OCTOBER[0]}&to={OCTOBER[1]}"


def api_metrics(client, extra=""):
    response = client.get(f"/api/v1/insights/metrics?{RANGE}{extra}")
    assert response.status_code == 200, response.content
    return response.json()


def as_text(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("where", ["/api/v1/insights/export.csv", "/insights/export.csv"])
def test_every_charts_csv_equals_the_api_figures(cast, history, where):
    client = cast.client("owner")
    data = api_metrics(client)
    assert {c["key"] for c in data["charts"]} >= {"utilization", "turnaround", "recovered", "cost"}
    for chart in data["charts"]:
        response = client.get(f"{where}?{RANGE}&chart={chart['key']}")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        expected = [
            {c["key"]: as_text(row[c["key"]]) for c in chart["columns"]} for row in chart["rows"]
        ]
        assert rows == expected, chart["key"]
    table = client.get(f"{where}?{RANGE}")  # the metrics themselves, with their definitions
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(table.content.decode()))}
    for metric in data["metrics"]:
        assert rows[metric["key"]]["value"] == as_text(metric["value"])
        assert rows[metric["key"]]["formula"] == metric["formula"]


def test_an_unknown_chart_is_a_field_error(cast, history):
    response = cast.client("owner").get(f"/api/v1/insights/export.csv?{RANGE}&chart=nope")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "chart"


def test_a_bad_range_is_a_field_error_in_the_api_and_on_the_page(cast, history):
    response = cast.client("owner").get("/api/v1/insights/metrics?from=2026-10-31&to=2026-10-01")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_range"
    assert response.json()["error"]["fields"][0]["path"] == "to"
    page = cast.client("owner").get("/insights/?from=2026-10-31&to=2026-10-01")
    assert page.status_code == 200 and "On or after the start date." in page.content.decode()
    nonsense = cast.client("owner").get("/api/v1/insights/metrics?from=yesterday")
    assert nonsense.status_code == 422


def test_the_page_shows_the_api_figures_with_their_definitions(cast, history):
    data = api_metrics(cast.client("owner"))
    page = cast.client("owner").get(f"/insights/?{RANGE}").content.decode()
    assert "Billable hours recovered" in page and "41.3 h" in page
    assert "20%" in page  # utilization 0.195, rounded half up
    for metric in data["metrics"]:
        assert metric["formula"].replace("'", "&#x27;") in page
    assert 'id="insights-data"' in page  # the charts draw from the same JSON


def test_the_api_scorecard_and_staff_view(cast, history):
    scorecard = api_metrics(cast.client("contractor"), f"&engagement={history.e1.pk}")
    assert scorecard["engagement"] == history.e1.pk and scorecard["sees_pay"] is True
    (mine,) = scorecard["engagements"]
    assert mine["cost_cents"] == 90000 and mine["approved_hours"] == "18.0"
    staff = api_metrics(cast.client("staff"))
    assert staff["sees_pay"] is False
    assert all(e["cost_cents"] is None for e in staff["engagements"])
    assert "cost_per_hour" not in {m["key"] for m in staff["metrics"]}


def test_a_bottleneck_links_to_a_posting_prefilled_for_its_category(cast, history):
    ScalingSignal.objects.create(
        organization=cast.firm,
        kind="bottleneck",
        subject=f"category:{history.other.pk}",
        category=history.other,
        summary="Document review is backing up.",
        suggestion="Hire for Document review.",
        evidence={"backlog": [1, 2, 3], "late": [0, 0, 1]},
        first_fired_on=date(2026, 11, 16),
        last_evaluated_on=date(2026, 11, 16),
    )
    page = cast.client("owner").get("/insights/").content.decode()
    link = f"/talent/postings/new/?category={history.other.pk}"
    assert "Hire for Document review" in page and link in page
    posting = cast.client("owner").get(link).content.decode()
    assert "Document review: remote help" in posting
    listed = cast.client("owner").get("/api/v1/insights/signals").json()["items"]
    assert [s["action_url"] for s in listed] == [link]


def test_a_contractor_lands_on_their_scorecard(cast, history):
    client = cast.client("contractor")
    assert client.get("/insights/").url == "/insights/mine/"
    mine = client.get("/insights/mine/").content.decode()
    assert f"/insights/engagements/{history.e1.pk}/" in mine
    assert f"/insights/engagements/{history.e2.pk}/" not in mine
    page = client.get(f"/insights/engagements/{history.e1.pk}/?{RANGE}").content.decode()
    assert "Utilization by week" in page and "20%" in page  # 1,080 of 5,314 minutes
    assert "Noor Haddad" not in page and "Intake response time" not in page
    assert client.get(f"/insights/engagements/{history.e2.pk}/").status_code == 404


def test_the_monthly_report_as_html_and_pdf(cast, history):
    client = cast.client("owner")
    page = client.get(f"/insights/report/?{RANGE}").content.decode()
    assert "outsourcing report" in page and "41.3 h" in page
    pdf = client.get(f"/insights/report.pdf?{RANGE}")
    assert pdf.status_code in (200, 503)  # 503 only where the server has no Pango
    if pdf.status_code == 200:
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_dashboard_queries_do_not_grow_with_engagements(
    cast, history, django_assert_max_num_queries
):
    from tests.factories import EngagementFactory, ProfessionalFactory

    client = cast.client("owner")
    client.get(f"/insights/?{RANGE}")  # warm
    with django_assert_max_num_queries(60):
        client.get(f"/insights/?{RANGE}")
    for _ in range(8):
        EngagementFactory(
            organization=cast.firm, professional=ProfessionalFactory(), start_date=date(2026, 9, 1)
        )
    with django_assert_max_num_queries(60):
        assert client.get(f"/insights/?{RANGE}").status_code == 200

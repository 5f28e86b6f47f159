"""CSV exports of the dashboard: the metrics table, or any one chart's rows, with exactly the
figures the API returns (decimals as written, money in cents, dates as YYYY-MM-DD, no data as an
empty cell)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.http import urlencode

from counselbench.core.charts import BarChart, horizontal_bars
from counselbench.core.errors import Invalid
from counselbench.insights.services import metrics
from counselbench.insights.services.metrics import Dashboard
from counselbench.insights.templatetags.insights_format import figure

METRIC_COLUMNS = [
    ("key", "Metric"),
    ("label", "Label"),
    ("value", "Value"),
    ("unit", "Unit"),
    ("numerator", "Numerator"),
    ("denominator", "Denominator"),
    ("count", "Count"),
    ("definition", "Definition"),
    ("formula", "Formula"),
]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def chart_keys(board: Dashboard) -> list[str]:
    return ["metrics", *board.charts]


def table(board: Dashboard, chart: str) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    if chart == "metrics":
        return METRIC_COLUMNS, [m.as_dict() for m in board.metrics.values()]
    if chart not in board.charts:
        raise Invalid.field("chart", f"One of: {', '.join(chart_keys(board))}.")
    found = board.charts[chart]
    return found.columns, found.rows


def to_csv(board: Dashboard, chart: str = "metrics") -> str:
    columns, rows = table(board, chart)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _ in columns])
    for row in rows:
        writer.writerow([cell(row.get(key)) for key, _ in columns])
    return out.getvalue()


def filename(board: Dashboard, chart: str) -> str:
    p = board.period
    return f"insights-{chart}-{p.start.isoformat()}-to-{p.end.isoformat()}.csv"


def as_data(board: metrics.Dashboard, csv_base: str) -> dict:
    """The dashboard as data: what the API returns and what the page draws its charts from."""
    p, scope = board.period, board.scope
    query = {"from": p.start.isoformat(), "to": p.end.isoformat()}
    if not scope.firm_wide:
        query["engagement"] = str(scope.engagements[0].pk)
    return {
        "range": {"start": p.start, "end": p.end, "days": p.days, "time_zone": p.zone.key},
        "engagement": None if scope.firm_wide else scope.engagements[0].pk,
        "sees_pay": scope.sees_pay,
        "metrics": [m.as_dict() for m in board.metrics.values()],
        "charts": [
            {
                "key": c.key,
                "title": c.title,
                "columns": [{"key": k, "label": label} for k, label in c.columns],
                "rows": c.rows,
                "csv_url": f"{csv_base}?{urlencode({**query, 'chart': c.key})}",
            }
            for c in board.charts.values()
        ],
        "engagements": [
            {
                "id": f.engagement.pk,
                "professional": f.name,
                "title": f.engagement.title,
                "state": f.engagement.state,
                "hours_per_week": f.engagement.hours_per_week,
                "approved_hours": metrics.hours(f.approved_minutes),
                "contracted_hours": metrics.hours(f.contracted_minutes),
                "utilization": f.utilization,
                "tasks_done": f.tasks_done,
                "on_time_rate": f.on_time_rate,
                "rework_rate": f.rework_rate,
                "median_turnaround_hours": f.median_turnaround_hours,
                "cost_cents": None if f.cost_cents is None else int(f.cost_cents),
                "weekly": f.weekly,
            }
            for f in board.engagements
        ],
        "baseline": (
            {
                "audit_id": board.baseline.audit.pk,
                "audit": board.baseline.audit.name,
                "attorney_hours_per_week": metrics.hours(board.baseline.weekly_minutes),
            }
            if board.baseline
            else None
        ),
    }


def report_bars(board: Dashboard) -> list[BarChart]:
    """The report's charts drawn on the server (paper has no script): utilization, attorney
    hours on outsourceable work by week, turnaround by category, satisfaction answers."""
    drawn = []

    def bars(key: str, title: str, label: str, value: str, unit: str, scale: int) -> None:
        chart = board.charts.get(key)
        rows = [r for r in chart.rows if r.get(value) is not None] if chart else []
        if rows:
            drawn.append(
                horizontal_bars(
                    title,
                    [
                        (cell(r[label]), int(Decimal(r[value]) * scale), figure(r[value], unit))
                        for r in rows
                    ],
                )
            )

    bars("utilization", "Utilization by engagement", "professional", "utilization", "ratio", 1000)
    bars(
        "recovered",
        "Attorney hours on outsourceable work, by week",
        "week",
        "attorney_hours",
        "hours",
        10,
    )
    bars("turnaround", "Median turnaround by category", "category", "median_hours", "hours", 10)
    bars("satisfaction", "Client satisfaction answers", "score", "answers", "count", 1)
    return drawn

"""Insights' "Done means", in a real browser against the real server with the demo firm: the owner
opens the dashboard and, from the charts and tiles alone, reads how many attorney hours
outsourcing recovered last month, which contractor is at capacity and which category to hire for
next; the "hire for this" link opens a posting pre-filled for that category. The charts are drawn,
every chart's CSV holds the figures behind it, the page fits a phone, and nothing errs in the
console."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, ConsoleLog, Server, new_tab, sign_in

OWNER_EMAIL = "dana.whitfield@whitfieldmoreno.example"


@pytest.fixture(scope="module")
def tab(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[Page]:
    with new_tab(browser, server, console) as page:
        yield page


def _figures(tab: Page) -> dict:
    return json.loads(tab.locator("#insights-data").text_content() or "{}")


def test_1_the_owner_reads_last_months_recovered_hours(tab: Page, shot) -> None:
    sign_in(tab, OWNER_EMAIL)
    tab.get_by_role("link", name="Insights").click()
    expect(tab).to_have_url(re.compile(r"/insights/$"))
    expect(tab.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    tile = tab.locator("[data-metric=billable_hours_recovered]")
    shown = tile.locator(".kpi-value").inner_text()
    hours = Decimal(shown.removesuffix(" h").replace(",", ""))
    assert hours > 0, f"last month's recovered hours read {shown!r}"
    # The tile's figure is the API's, and says how it is measured.
    data = _figures(tab)
    metric = next(m for m in data["metrics"] if m["key"] == "billable_hours_recovered")
    assert Decimal(metric["value"]) == hours
    tile.locator("summary").click()
    expect(tile.locator(".formula")).to_contain_text("audit attorney minutes")
    drawn = tab.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".filter(c => window.Chart && Chart.getChart(c) && c.width > 0).length"
    )
    assert drawn >= 6, f"only {drawn} charts were drawn"
    shot(tab, "insights-dashboard")


def test_2_the_contractor_at_capacity_and_the_category_to_hire_for(tab: Page) -> None:
    capacity = tab.locator("article.signal-full_capacity")
    expect(capacity).to_have_count(1)
    expect(capacity).to_contain_text("Maria Alvarez")
    expect(capacity).to_contain_text("over 90%")
    # The utilization chart marks her above the 90% line too.
    chart = next(c for c in _figures(tab)["charts"] if c["key"] == "utilization")
    maria = next(r for r in chart["rows"] if r["professional"] == "Maria Alvarez")
    assert Decimal(maria["utilization"]) > Decimal("0.9")
    bottleneck = tab.locator("article.signal-bottleneck")
    expect(bottleneck).to_have_count(1)
    expect(bottleneck).to_contain_text("Document review is backing up")


def test_3_hire_for_this_opens_a_prefilled_posting(tab: Page, shot) -> None:
    tab.get_by_role("button", name="Hire for Document review").click()
    expect(tab).to_have_url(re.compile(r"/talent/postings/new/\?category=\d+"))
    expect(tab.locator("input[name=title]")).to_have_value("Document review: remote help")
    selected = tab.locator("select[name=category_id] option:checked")
    expect(selected).to_have_text(re.compile("Document review"))
    shot(tab, "insights-hire-for-this")
    tab.go_back()


def test_4_every_charts_csv_holds_the_figures_behind_it(tab: Page) -> None:
    data = _figures(tab)
    for chart in data["charts"]:
        response = tab.request.get(chart["csv_url"])
        assert response.ok and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text())))
        assert len(rows) == len(chart["rows"]), chart["key"]
        for got, row in zip(rows, chart["rows"], strict=True):
            for column in chart["columns"]:
                value = row[column["key"]]
                assert got[column["key"]] == ("" if value is None else str(value)), chart["key"]


def test_5_the_dashboard_fits_a_phone(browser: Browser, server: Server, console: ConsoleLog, shot):
    with new_tab(browser, server, console, viewport=PHONE) as page:
        sign_in(page, OWNER_EMAIL)
        page.goto("/insights/")
        expect(page.locator("article.signal-bottleneck")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the dashboard is {width}px wide on a phone"
        shot(page, "insights-phone")


def test_6_no_console_errors_in_insights(console: ConsoleLog) -> None:
    assert not console.errors, "browser console errors:\n" + "\n".join(console.errors)

"""The self-audit's "Done means", in a real browser against the real server: the demo owner opens
the audit, sees the ranked hit list with dollar figures and a chart, answers the fit test, accepts
the recommendation, tweaks the ROI and takes the summary; then logs time from the keyboard grid,
finds it in the weekly view, imports a CSV export with a progress indicator, and changes a
market rate that the hit list then uses.

Steps share one signed-in tab (their own, not the foundation walkthrough's) and run in order.
This file sorts before test_walkthrough.py, which turns on two-factor for the same owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DESKTOP, ConsoleLog, Server

OWNER_EMAIL = "dana.whitfield@whitfieldmoreno.example"
OWNER_PASSWORD = "counselbench-demo"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def tab(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    console.watch(context)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def audit_path(tab: Page) -> dict[str, str]:
    return {}


def test_1_the_owner_opens_the_demo_audit_and_sees_a_priced_ranked_hit_list(
    tab: Page, audit_path: dict[str, str], shot
) -> None:
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", OWNER_EMAIL)
    tab.fill("input[name=password]", OWNER_PASSWORD)
    tab.locator("form[action='/accounts/login/']").get_by_role("button", name="Sign In").click()
    tab.get_by_role("link", name="Self-audit").click()
    tab.locator("main a[href^='/audits/']").filter(has_text=re.compile("Week")).first.click()
    expect(tab).to_have_url(re.compile(r"/audits/\d+/$"))
    audit_path["detail"] = re.sub(r"^https?://[^/]+", "", tab.url)

    expect(tab.locator(".big-number")).to_contain_text("$")
    rows = tab.locator("table.hit-list tbody tr")
    assert rows.count() >= 5, "the demo audit's hit list should rank several categories"
    savings = [  # "$113,035" or "$93,448.33"
        Decimal(text.strip("$").replace(",", ""))
        for text in rows.locator("td:last-child strong").all_inner_texts()
    ]
    assert savings == sorted(savings, reverse=True) and savings[0] > 0
    # Chart.js drew the bar chart (a blank canvas would stay 0 × 0 or unpainted).
    drawn = tab.evaluate(
        "() => { const c = document.getElementById('hit-list-chart');"
        " return !!window.Chart && !!Chart.getChart(c) && c.width > 0; }"
    )
    assert drawn, "the hit-list chart was not drawn"
    rows.first.get_by_text("How this is computed").click()
    expect(rows.first.locator("ul.arithmetic li").first).to_be_visible()
    shot(tab, "sa-01-hit-list")


def test_2_the_owner_answers_the_fit_test_and_accepts_the_recommendation(
    tab: Page, audit_path: dict[str, str], shot
) -> None:
    tab.goto(audit_path["detail"])
    first = tab.locator("table.hit-list tbody tr").first
    first.locator("summary", has_text="Fit test").click()
    form = first.locator("form.fit-form")
    form.get_by_label("Attorneys doing non-JD work?").select_option("yes")
    form.get_by_label("Part of your core practice?").select_option("no")
    form.get_by_label("Touches revenue or needs close supervision?").select_option("no")
    form.get_by_role("button", name="Save answers").click()
    expect(tab.locator(".flash-success")).to_contain_text("is candidate")

    recommendation = tab.locator("article.recommendation")
    expect(recommendation).to_contain_text("Start with one:")
    accept = recommendation.locator("form[data-form='accept'] button")
    name = accept.inner_text().removeprefix("Start with ").strip()
    accept.click()
    expect(tab.locator(".flash-success")).to_contain_text(f"{name} is the process to outsource")
    expect(recommendation).to_contain_text(f"Outsource first: {name}")
    shot(tab, "sa-02-recommendation-accepted")


def test_3_the_owner_tweaks_the_roi_and_takes_the_summary(
    tab: Page, audit_path: dict[str, str], shot
) -> None:
    tab.goto(audit_path["detail"])
    tab.get_by_role("link", name=re.compile("Model what outsourcing it would save")).click()
    expect(tab).to_have_url(re.compile(r"/roi/"))
    contractor = tab.locator("table th", has_text="Contractor").locator("xpath=../td")
    before = contractor.inner_text()
    tab.get_by_label("Contractor rate ($/h)").fill("20.00")
    tab.get_by_role("button", name="Recalculate").click()
    expect(tab.get_by_label("Contractor rate ($/h)")).to_have_value("20.00")
    assert contractor.inner_text() != before, "changing the contractor rate changed nothing"
    shot(tab, "sa-03-roi-tweaked")

    tab.get_by_role("button", name="Printable summary").click()  # a link styled as a button
    expect(tab).to_have_url(re.compile(r"/summary/\?.*contractor_rate=20"))
    expect(tab.locator("main")).to_contain_text("$")
    expect(tab.locator("svg.bar-chart")).to_have_count(2)
    shot(tab, "sa-04-summary")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_4_the_owner_logs_time_from_the_keyboard(
    tab: Page, audit_path: dict[str, str], shot
) -> None:
    tab.goto(audit_path["detail"])
    tab.get_by_role("link", name="Log time").click()
    tab.locator("[name='form-0-duration']").click()
    tab.keyboard.type("1:15")
    tab.keyboard.press("Tab")
    tab.keyboard.type("E2E: e-file the reply brief")
    tab.keyboard.press("Enter")  # on to the next row's time cell, same person and day
    expect(tab.locator("[name='form-1-duration']")).to_be_focused()
    tab.keyboard.type("soon")
    tab.keyboard.press("Tab")
    expect(tab.locator("td[data-col='duration'] .field-error").first).to_contain_text("1:30")
    tab.locator("[name='form-1-duration']").fill("45m")
    tab.locator("[name='form-1-description']").fill("E2E: calendar the hearing")
    shot(tab, "sa-05-grid-typed")
    tab.keyboard.press("Control+Enter")
    expect(tab.locator(".flash-success")).to_contain_text("Saved 2 entries (2.00 h)")

    tab.get_by_role("link", name="Weekly view").click()
    expect(tab.locator("table.entry-list")).to_contain_text("E2E: e-file the reply brief")
    shot(tab, "sa-06-weekly-view")


def test_5_the_grid_fits_a_phone(browser: Browser, server: Server, tab: Page) -> None:
    phone = browser.new_context(
        base_url=server.base_url, viewport=PHONE, storage_state=tab.context.storage_state()
    )
    try:
        page = phone.new_page()
        page.goto(tab.url.replace("/week/", "/log/").split("?")[0])
        widths = page.evaluate(
            "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        assert widths["scroll"] <= widths["inner"] + 1, widths
    finally:
        phone.close()


def test_6_a_csv_export_imports_with_a_progress_indicator(
    tab: Page, audit_path: dict[str, str], tmp_path: Path, shot
) -> None:
    tab.goto(audit_path["detail"] + "log/")
    first_day = tab.locator("[name='form-0-date']").get_attribute("min")  # the period's start
    export = tmp_path / "clio.csv"
    export.write_text(
        "Date,User,Matter,Description,Duration\n"
        + "".join(
            f"{first_day},{OWNER_EMAIL},00{i},E2E import row {i},0:0{i % 9 + 1}\n"
            for i in range(40)
        )
    )
    tab.goto(audit_path["detail"] + "import/")
    tab.set_input_files("input[type=file]", str(export))
    tab.get_by_role("button", name="Check the file").click()
    expect(tab.locator("main")).to_contain_text("40 ready")
    # The upload went through htmx, whose progress events drove the bar to the end.
    shot(tab, "sa-07-import-preview")
    tab.get_by_role("button", name="Import 40 entries").click()
    expect(tab).to_have_url(re.compile(r"/categorize/$"))
    expect(tab.locator(".flash-success")).to_contain_text("Imported 40 entries")
    shot(tab, "sa-08-categorize")


def test_7_the_owner_adjusts_a_market_rate_and_the_hit_list_uses_it(
    tab: Page, audit_path: dict[str, str], shot
) -> None:
    tab.goto(audit_path["detail"])
    total = tab.locator(".big-number").inner_text()
    tab.get_by_role("link", name="editable rate table").click()
    expect(tab).to_have_url(re.compile(r"/audits/taxonomy/#market-rates$"))
    row = tab.locator("#rate-paralegal")
    row.get_by_text("Edit").click()
    row.get_by_label("Hourly rate ($)").fill("60.00")
    row.get_by_role("button", name="Save rate").click()
    expect(tab.locator(".flash-success")).to_contain_text("Paralegal market rate is now $60/h")
    shot(tab, "sa-09-taxonomy")
    tab.goto(audit_path["detail"])
    assert tab.locator(".big-number").inner_text() != total, "the new rate did not reprice"


def test_8_no_console_errors_in_the_self_audit(console: ConsoleLog) -> None:
    assert not console.errors, "browser console errors:\n" + "\n".join(console.errors)

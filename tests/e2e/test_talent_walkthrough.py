"""The talent bench's "Done means", in a real browser against the real server: the demo owner
posts a paralegal role, sees ranked vetted candidates with reasons and a suggested rate,
shortlists three, scores their interviews side by side and selects one; Keystone's vetting staff
take a new professional through all four steps; the firm compares two providers' scorecards.

Steps run in order, each role in its own browser context. This file sorts after the self-audit
walkthrough and before test_walkthrough.py, which turns on two-factor for the same owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DESKTOP, ConsoleLog, Server, sign_in

OWNER = "dana.whitfield@whitfieldmoreno.example"
VETTER = "jordan.lee@keystonetalent.example"
NEWCOMER = "Nadia Petrov"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def tabs(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[dict[str, Page]]:
    contexts: list[BrowserContext] = []
    pages = {}
    for name, email in (("owner", OWNER), ("vetter", VETTER)):
        context = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
        context.set_default_timeout(15_000)
        console.watch(context)
        contexts.append(context)
        pages[name] = context.new_page()
        sign_in(pages[name], email)
    try:
        yield pages
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def posting(tabs) -> dict[str, str]:
    return {}


def test_1_the_owner_posts_a_paralegal_role_with_a_suggested_rate(
    tabs: dict[str, Page], posting: dict[str, str], shot
) -> None:
    tab = tabs["owner"]
    tab.get_by_role("link", name="Talent").click()
    tab.get_by_role("button", name="Post a role").click()
    tab.get_by_label("Title", exact=True).fill("Litigation paralegal for written discovery")
    tab.get_by_label("Role", exact=True).select_option("paralegal")
    tab.get_by_label("Practice area", exact=True).select_option("litigation")
    tab.get_by_label("Jurisdiction", exact=True).select_option("TX")
    tab.get_by_label("Responsibilities", exact=True).fill(
        "Draft discovery requests and responses; organize productions in Relativity."
    )
    tab.get_by_label("Budget up to ($/h)").fill("40")
    tab.get_by_label("Skills", exact=True).fill("discovery, document drafting, relativity")
    # The suggested range follows the form (htmx) and says which inputs moved it.
    suggestion = tab.locator("#rate-suggestion")
    expect(suggestion.locator(".big-number")).to_contain_text("$")
    tab.get_by_label("Years of experience").fill("8")
    tab.get_by_label("Years of experience").dispatch_event("change")
    expect(suggestion).to_contain_text("6–9 years: × 1.15")
    shot(tab, "t-01-posting-form")
    tab.get_by_role("button", name="Post and see matches").click()
    expect(tab).to_have_url(re.compile(r"/talent/postings/\d+/$"))
    posting["path"] = re.sub(r"^https?://[^/]+", "", tab.url)


def test_2_the_matches_are_vetted_ranked_and_explain_themselves(
    tabs: dict[str, Page], posting: dict[str, str], shot
) -> None:
    tab = tabs["owner"]
    tab.goto(posting["path"])
    matches = tab.locator("article.match")
    assert matches.count() >= 3, "the demo network should offer several paralegals"
    scores = [Decimal(s) for s in matches.locator(".match-score strong").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    first = matches.first
    first.get_by_text(re.compile(r"^Why ")).click()
    points = [
        Decimal(re.sub(r"^\+| of .*$", "", text.strip()).split()[0])
        for text in first.locator("table tbody tr:not(:last-child) td.num").all_inner_texts()
    ]
    assert len(points) == 7 and sum(points) == scores[0], "the factors must add up to the score"
    expect(first.locator("table")).to_contain_text("Practice area")
    expect(first.locator("table")).to_contain_text("hours overlap")
    shot(tab, "t-02-ranked-matches")
    # Every match is vetted: their profile says so.
    first.locator("a").first.click()
    expect(tab.locator("ol.pipeline li.ok")).to_have_count(5)  # four steps and soft skills
    tab.go_back()


def test_3_the_owner_shortlists_three(tabs: dict[str, Page], posting: dict[str, str]) -> None:
    tab = tabs["owner"]
    for _ in range(3):
        tab.goto(posting["path"])
        tab.locator("article.match").get_by_role("button", name="Shortlist").first.click()
        expect(tab.locator(".flash-success")).to_be_visible()
    tab.goto(posting["path"])
    expect(tab.locator("article.match", has_text="On the shortlist.")).to_have_count(3)


def test_4_interviews_are_scored_side_by_side_and_one_is_selected(
    tabs: dict[str, Page], posting: dict[str, str], shot
) -> None:
    tab = tabs["owner"]
    tab.goto(posting["path"])
    tab.get_by_role("button", name=re.compile(r"Interviews \(3\)")).click()
    expect(tab.locator("table.interview-table thead th")).to_have_count(4)  # question + three
    candidates = tab.locator("article[id^=candidate-]")
    for index, score in enumerate(("5", "3", "4")):
        card = candidates.nth(index)
        card.get_by_role("button", name="Invite to interview").click()
        card = tab.locator("article[id^=candidate-]").nth(index)
        for select in card.locator("select").all():
            select.select_option(score)
        card.get_by_role("button", name="Save scores").click()
        expect(tab.locator(".flash-success")).to_be_visible()
        tab.locator("article[id^=candidate-]").nth(index).get_by_role(
            "button", name="Interview done"
        ).click()
    totals = tab.locator("table.interview-table tbody tr:last-child td").all_inner_texts()
    assert [t.strip() for t in totals] == ["20", "12", "16"]  # four questions × 5, 3, 4
    shot(tab, "t-03-interviews-side-by-side")
    best = tab.locator("article[id^=candidate-]").first
    best.get_by_label("Agreed rate ($/h)").fill("36.50")
    best.get_by_role("button", name="Select", exact=True).click()
    expect(tab.locator("article[id^=candidate-]").first).to_contain_text("Selected at $36.50/h")
    shot(tab, "t-04-selected")


def test_5_vetting_staff_take_a_new_professional_through_four_steps(
    tabs: dict[str, Page], shot
) -> None:
    tab = tabs["vetter"]
    tab.get_by_role("link", name="Network").click()
    tab.get_by_label("Search").fill(NEWCOMER)
    tab.get_by_label("Vetting").select_option("no")
    tab.get_by_label("Search").press("Enter")
    tab.get_by_role("link", name=NEWCOMER).click()
    expect(tab.locator("ol.pipeline li.todo")).to_have_count(5)
    for step, score in (
        ("resume", "82"),
        ("video", "78"),
        ("skills", "88"),
        ("background", "90"),
    ):
        tab.get_by_label("Step").select_option(step)
        tab.get_by_label("Outcome").select_option("passed")
        tab.get_by_label("Rubric score (0–100)").fill(score)
        tab.get_by_label("Notes").first.fill(f"{step} reviewed")
        tab.get_by_role("button", name="Record decision").click()
        expect(tab.locator(".flash-success")).to_be_visible()
    tab.get_by_text("Soft-skills assessment (published rubric)").click()
    for fieldset in tab.locator("form[action$='/soft-skills/'] fieldset").all():
        fieldset.get_by_label("4").check()
    tab.get_by_role("button", name="Record assessment").click()
    expect(tab.locator("ol.pipeline li.ok")).to_have_count(5)
    expect(tab.locator("ol.pipeline")).to_contain_text("by Jordan Lee")
    expect(tab.locator("main")).to_contain_text("Vetted")
    shot(tab, "t-05-vetted")


def test_6_the_firm_compares_two_providers(tabs: dict[str, Page], shot) -> None:
    tab = tabs["owner"]
    tab.goto("/talent/providers/")
    tab.get_by_role("button", name="Compare side by side").click()
    table = tab.locator("main table").first
    expect(table.locator("thead th")).to_have_count(3)
    expect(table).to_contain_text("Keystone")
    expect(table).to_contain_text("Meridian")
    expect(tab.locator("main")).to_contain_text("Talent platform")
    expect(tab.locator("main")).to_contain_text("Traditional LPO")
    shot(tab, "t-06-providers-compared")


def test_7_the_owner_tunes_the_match_weights(
    tabs: dict[str, Page], posting: dict[str, str], shot
) -> None:
    tab = tabs["owner"]
    tab.goto(posting["path"])
    tab.get_by_role("link", name="match weights").click()
    expect(tab.locator("main")).to_contain_text("The best possible score is 100")
    tab.get_by_label("Rate fit").fill("30")
    shot(tab, "t-07-match-weights")
    tab.get_by_role("button", name="Save weights").click()
    expect(tab).to_have_url(re.compile(re.escape(posting["path"]) + "$"))
    expect(tab.locator(".flash-success")).to_contain_text("Match weights saved")
    expect(tab.locator("article.match .match-score").first).to_contain_text("/ 120")


def test_8_the_matches_fit_a_phone(tabs: dict[str, Page], posting: dict[str, str], shot) -> None:
    tab = tabs["owner"]
    tab.set_viewport_size(PHONE)
    tab.goto(posting["path"])
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the matches page scrolls sideways by {overflow}px on a phone"
    shot(tab, "t-08-matches-phone")
    tab.set_viewport_size(DESKTOP)


def test_9_no_console_errors_in_the_talent_bench(console: ConsoleLog) -> None:
    assert not console.errors, console.errors

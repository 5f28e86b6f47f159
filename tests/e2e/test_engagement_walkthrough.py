"""Engagements' "Done means", in a real browser against the real server: the demo owner selects
a candidate, answers the classification questions (steered to an agency of record when the risk
is high) and sends the engagement; the professional sees the offer without the firm's name, signs
the NDA, sees the firm, accepts the agreement, acknowledges How We Work and works through the
onboarding checklist; the attorney ends the trial with "continue", holds a check-in, and later
ends the engagement and rates it.

Runs after the talent walkthrough (which fills the other paralegal posting) and before
test_walkthrough.py turns on two-factor for the owner ("z" keeps the order).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DESKTOP, ConsoleLog, Server, sign_in

OWNER = "dana.whitfield@whitfieldmoreno.example"
ATTORNEY = "luis.moreno@whitfieldmoreno.example"
PRO = "kevin.brooks@contractors.example"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def tabs(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[dict[str, Page]]:
    contexts: list[BrowserContext] = []
    pages = {}
    for name, email, viewport in (("owner", OWNER, DESKTOP), ("attorney", ATTORNEY, DESKTOP),
                                  ("pro", PRO, PHONE)):  # fmt: skip
        context = browser.new_context(base_url=server.base_url, viewport=viewport)
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
def engagement(tabs) -> dict[str, str]:
    return {}


def test_1_the_owner_selects_a_candidate_and_proposes_the_engagement(
    tabs: dict[str, Page], engagement: dict[str, str], shot
) -> None:
    tab = tabs["owner"]
    tab.goto("/talent/postings/")
    tab.get_by_role("link", name="Remote paralegal for discovery and motion drafting").click()
    tab.get_by_role("button", name=re.compile(r"Interviews \(3\)")).click()
    kevin = tab.locator("article[id^=candidate-]", has_text="Kevin Brooks")
    kevin.get_by_label("Agreed rate ($/h)").fill("34")
    kevin.get_by_role("button", name="Select", exact=True).click()
    tab.locator("article[id^=candidate-]", has_text="Kevin Brooks").get_by_role(
        "button", name="Propose the engagement").click()  # fmt: skip
    expect(tab.get_by_label("Title")).to_have_value(
        "Remote paralegal for discovery and motion drafting"
    )
    tab.get_by_label("Supervising attorney").select_option(label="Luis Moreno")
    tab.get_by_label("Engaged as").select_option("direct")
    tab.get_by_label("Agency or marketplace on record").select_option("")
    shot(tab, "e-01-propose")
    tab.get_by_role("button", name="Propose").click()
    expect(tab).to_have_url(re.compile(r"/engagements/\d+/$"))
    engagement["path"] = re.sub(r"^https?://[^/]+", "", tab.url)


def _answer(tab: Page, employee_like: bool) -> None:
    form = tab.locator("form.classification-form")
    groups = form.locator(".yes-no")
    for i in range(groups.count()):
        group = groups.nth(i)
        label = group.locator("span").first.inner_text()
        contractor_yes = any(word in label for word in (
            "own equipment", "own business expenses", "other firms", "profit or a loss",
            "written agreement", "free from", "outside the usual", "independently established",
        ))  # fmt: skip
        answer_yes = contractor_yes != employee_like
        group.get_by_label("Yes" if answer_yes else "No").check()
    tab.get_by_role("button", name="Score the risk").click()


def test_2_high_risk_steers_to_an_agency_then_the_offer_goes_out(
    tabs: dict[str, Page], engagement: dict[str, str], shot
) -> None:
    tab = tabs["owner"]
    tab.goto(engagement["path"])
    _answer(tab, employee_like=True)
    expect(tab.locator(".classification")).to_contain_text("High risk")
    expect(tab.locator("main")).to_contain_text("engage through an agency of record")
    # Still send as a direct 1099 engagement: refused with the rule and what unblocks it.
    tab.locator("#moves").get_by_role("button", name="Send to the professional").click()
    expect(tab.locator(".flash-error, [role=alert]").first).to_contain_text("agency of record")
    shot(tab, "e-02-steered-to-agency")
    # Lighter terms (no fixed hours, no training, a written contractor agreement): low risk.
    tab.get_by_text("Answer again").click()
    _answer(tab, employee_like=False)
    expect(tab.locator(".classification")).to_contain_text("Low risk")
    tab.locator("#moves").get_by_role("button", name="Send to the professional").click()
    expect(tab.locator("hgroup")).to_contain_text("NDA pending")
    tab.locator("#agreement").get_by_label("Deliverables").fill(
        "First drafts of discovery responses and routine motions."
    )
    tab.locator("#agreement").get_by_role("button", name="Issue from the firm's template").click()
    tab.locator("#agreement").get_by_role("button", name="I accept this agreement").click()
    expect(tab.locator("#agreement")).to_contain_text("Firm: accepted by Dana Whitfield")


def test_3_the_professional_sees_no_firm_until_signing_then_accepts(
    tabs: dict[str, Page], engagement: dict[str, str], shot
) -> None:
    tab = tabs["pro"]
    tab.get_by_role("link", name="Engagements").click()
    expect(tab.locator("main")).to_contain_text("A law firm (sign the NDA to see)")
    tab.goto(engagement["path"])
    main = tab.locator("main")
    for secret in ("Whitfield", "Moreno", "Dana"):
        expect(main).not_to_contain_text(secret)
    shot(tab, "e-03-anonymized-offer-phone")
    tab.get_by_role("button", name="I sign this NDA").click()
    expect(tab.locator("hgroup")).to_contain_text("Whitfield & Moreno LLP")
    expect(main).to_contain_text("Luis Moreno")
    tab.locator("#agreement").get_by_role("button", name="I accept this agreement").click()
    expect(tab.locator("#agreement")).to_contain_text("Professional: accepted by Kevin Brooks")
    shot(tab, "e-04-revealed-and-accepted-phone")


def test_4_the_trial_starts_and_the_professional_onboards(
    tabs: dict[str, Page], engagement: dict[str, str], shot
) -> None:
    tabs["owner"].goto(engagement["path"])
    tabs["owner"].locator("#moves").get_by_role("button", name="Start the trial").click()
    expect(tabs["owner"].locator("hgroup")).to_contain_text("Trial")
    tab = tabs["pro"]
    tab.goto(engagement["path"])
    onboarding = tab.locator("#onboarding")
    onboarding.get_by_role("button", name="I have read How We Work").click()
    expect(tab.locator("#onboarding")).to_contain_text("acknowledged")
    before = tab.locator("#onboarding header").inner_text()
    tab.locator("#onboarding").get_by_role(
        "button", name=re.compile("Mark done: Turn on multi-factor")).click()  # fmt: skip
    expect(tab.locator("#onboarding header")).not_to_have_text(before)
    shot(tab, "e-05-onboarding-phone")


def test_5_the_attorney_continues_after_the_trial_and_holds_a_check_in(
    tabs: dict[str, Page], engagement: dict[str, str], shot
) -> None:
    tab = tabs["attorney"]
    tab.goto(engagement["path"])
    moves = tab.locator("#moves")
    moves.get_by_label("Reason for “Continue after the trial”").fill("Accurate drafts, on time.")
    moves.get_by_role("button", name="Continue after the trial").click()
    expect(tab.locator("hgroup")).to_contain_text("Active")
    checkins = tab.locator("#checkins")
    checkins.locator("summary").first.click()
    checkins.get_by_label("What's working").fill("Drafts need few redlines.")
    checkins.get_by_label("Roadblocks").fill("No Relativity login yet.")
    checkins.get_by_label("One improvement for next week").fill("Send drafts a day earlier.")
    checkins.get_by_label("Action item 1", exact=True).fill("Create the Relativity login")
    checkins.get_by_label("Owner of action item 1").select_option("firm")
    checkins.get_by_role("button", name="Record").click()
    expect(tab.locator("#checkins")).to_contain_text("Create the Relativity login")
    shot(tab, "e-06-check-in")


def test_6_the_attorney_ends_the_engagement_and_rates_it(
    tabs: dict[str, Page], engagement: dict[str, str], shot
) -> None:
    tab = tabs["attorney"]
    tab.goto(engagement["path"])
    moves = tab.locator("#moves")
    moves.get_by_label("Reason for “Give notice”").fill("The discovery phase is done.")
    moves.get_by_role("button", name="Give notice").click()
    tab.locator("#moves").get_by_role("button", name="End the engagement").click()
    expect(tab.locator("hgroup")).to_contain_text("Ended")
    ending = tab.locator("#ending")
    expect(ending).to_contain_text("Access to the firm's systems revoked")
    ending.get_by_label("Quality of work").select_option("5")
    ending.get_by_label("Comment").fill("Reliable, careful drafter.")
    ending.get_by_role("button", name="Save the rating").click()
    expect(tab.locator("#ending")).to_contain_text("Rated 4.20 of 5 by Luis Moreno")
    shot(tab, "e-07-ended-and-rated")


def test_7_no_console_errors_in_engagements(console: ConsoleLog) -> None:
    assert not console.errors, console.errors

"""Matters' "Done means", in a real browser against the real server: the attorney opens a matter,
records the client's consent, runs the conflict check for the engaged paralegal, creates a
deposition-summary task for her and attaches two documents; the paralegal, on a phone, sees
exactly those two documents, starts and submits; the attorney sends it back once with a note, the
paralegal resubmits, the attorney approves; a court-appearance task for the paralegal is refused
with the rule named; a burst of downloads raises an alert the owner sees; the owner sees the
access trail on the matter; ending the engagement cuts the paralegal's access. No console errors.

The cast is a firm of its own (built with the test factories straight into the server's
database), so nothing here depends on, or disturbs, the demo data the other walkthroughs use.
This file sorts before test_walkthrough.py, which turns on two-factor for the demo owner.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.conftest import DESKTOP, REPO_ROOT, ConsoleLog, Server, sign_in
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/shots")
OWNER = "olivia.harbor@harborstone.example"
ATTORNEY = "arun.patel@harborstone.example"
PARALEGAL = "priya.nair@harborpros.example"
MATTER_TITLE = "Harbor Logistics v. Brightline Freight"
TASK_TITLE = "Summarize the Whitaker deposition"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# Run inside the server's database (its DATA_DIR): a firm with an owner and an attorney, and a
# paralegal in an active engagement supervised by the attorney. Passwords are the factories'.
SEED = textwrap.dedent(
    f"""
    import django
    django.setup()
    from counselbench.organizations.models import Role
    from tests.factories import (
        EngagementFactory, MembershipFactory, OrganizationFactory, ProfessionalFactory,
        UserFactory, category,
    )
    firm = OrganizationFactory(name="Harbor & Stone LLP", slug="harbor-stone-e2e")
    MembershipFactory(organization=firm, role=Role.OWNER,
                      user=UserFactory(email="{OWNER}", full_name="Olivia Harbor"))
    attorney = MembershipFactory(organization=firm, role=Role.ATTORNEY,
                                 user=UserFactory(email="{ATTORNEY}", full_name="Arun Patel")).user
    paralegal = ProfessionalFactory(user=UserFactory(email="{PARALEGAL}", full_name="Priya Nair"))
    EngagementFactory(organization=firm, professional=paralegal, supervising_attorney=attorney,
                      title="Deposition support")
    category(firm)  # the firm's task taxonomy
    """
)


def _run_in_server(server: Server, code: str) -> str:
    """Run Python against the server's database (its DATA_DIR), as a worker process would."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY_FILE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="counselbench.settings",
        DATA_DIR=str(server.data_dir),
        DEBUG="true",  # no SECRET_KEY needed: this process writes rows, it signs nothing
        SITE_URL=server.base_url,
        PYTHONPATH=str(REPO_ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _seed(server: Server) -> None:
    _run_in_server(server, SEED)


# The periodic anomaly job, run once now (a worker runs it every ten minutes).
DETECT = textwrap.dedent(
    """
    import django
    django.setup()
    from counselbench.matters.services.alerts import detect_anomalies
    print(len(detect_anomalies()))
    """
)


@pytest.fixture(scope="module")
def tabs(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[dict[str, Page]]:
    _seed(server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    pages = {}
    for name, email, viewport in (("owner", OWNER, DESKTOP), ("attorney", ATTORNEY, DESKTOP),
                                  ("paralegal", PARALEGAL, PHONE)):  # fmt: skip
        context = browser.new_context(
            base_url=server.base_url, viewport=viewport, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        console.watch(context)
        contexts.append(context)
        pages[name] = context.new_page()
        sign_in(pages[name], email, PASSWORD)
    try:
        yield pages
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def paths(tabs) -> dict[str, str]:
    return {}


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def both_widths(page: Page, name: str) -> None:
    """Screenshots at desktop and phone width, for a person to look at; the page must not
    scroll sideways on the phone."""
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"m-{name}-{label}.png", full_page=True)
        if label == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE["width"], f"{name}: {wide}px wide on a 390px phone"
    if original:
        page.set_viewport_size(original)


def choose(select: Locator, text: str) -> None:
    """Select the option whose label contains `text` (labels carry ids, e.g. "(E-12)")."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF + name.encode()}


def test_1_the_attorney_opens_a_matter(tabs: dict[str, Page], paths: dict[str, str]) -> None:
    tab = tabs["attorney"]
    tab.get_by_role("link", name="Matters").click()
    both_widths(tab, "01-list-empty")
    tab.get_by_role("button", name="New matter").click()
    tab.get_by_label("…or a new client").fill("Harbor Logistics LLC")
    tab.get_by_label("Title").fill(MATTER_TITLE)
    tab.get_by_label("Jurisdiction").select_option("TX")
    tab.get_by_label("Practice area").select_option("litigation")
    tab.get_by_label("Party 1").fill("Brightline Freight Inc.")
    tab.locator("select[name=party_1_role]").select_option("adverse")
    tab.get_by_label("Party 2").fill("Dana Whitaker")
    tab.locator("select[name=party_2_role]").select_option("witness")
    both_widths(tab, "02-new-matter")
    tab.get_by_role("button", name="Open the matter").click()
    expect(tab).to_have_url(re.compile(r"/matters/\d+/$"))
    paths["matter"] = _path(tab)
    expect(tab.locator("#no-consent")).to_contain_text("No consent: contractors have no access.")
    expect(tab.locator("#parties")).to_contain_text("Brightline Freight Inc.")
    both_widths(tab, "03-matter-no-consent")


def test_2_the_attorney_records_the_clients_consent(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["attorney"]
    consent = tab.locator("#consent")
    consent.get_by_label("Consented for the client by").fill("Lee Harbor, CEO")
    consent.get_by_label("How").select_option("written")
    consent.get_by_label("Scope of the consent").fill(
        "Contract paralegal support on discovery and deposition summaries."
    )
    consent.get_by_label("Yes").check()
    consent.get_by_role("button", name="Record consent").click()
    expect(tab.locator(".flash-success")).to_contain_text("consent is recorded")
    expect(tab.locator("#no-consent")).to_have_count(0)
    expect(tab.locator("hgroup")).to_contain_text("Consent recorded")


def test_3_the_attorney_runs_the_conflict_check_for_the_engaged_paralegal(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["attorney"]
    conflicts = tab.locator("#conflicts")
    choose(conflicts.locator("select[name=professional_id]"), "Priya Nair")
    conflicts.get_by_role("button", name="Run the conflict check").click()
    expect(tab.locator(".flash-success")).to_contain_text("Conflict check for Priya Nair")
    expect(tab.locator("#conflicts")).to_contain_text("For Priya Nair")
    expect(tab.locator("#conflicts .conflict-check").first).to_contain_text("No conflict found")


def test_4_the_attorney_uploads_the_documents(tabs: dict[str, Page], paths: dict[str, str]) -> None:
    tab = tabs["attorney"]
    for title in ("Whitaker deposition transcript", "Whitaker exhibits", "Litigation strategy"):
        documents = tab.locator("#documents")
        documents.locator("summary", has_text="Upload a document").click()
        documents.get_by_label("Title").fill(title)
        documents.locator("input[name=file]").last.set_input_files(_pdf(f"{title}.pdf"))
        documents.get_by_role("button", name="Upload", exact=True).click()
        expect(tab.locator(".flash-success")).to_contain_text(title)
    expect(tab.locator("#documents .document-row")).to_have_count(3)
    both_widths(tab, "04-matter-consented-with-documents")


def test_5_the_attorney_creates_the_task_for_the_paralegal_and_attaches_two_documents(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["attorney"]
    tab.locator("#tasks").get_by_role("button", name="New task").click()
    tab.get_by_label("Title").fill(TASK_TITLE)
    tab.get_by_label("Instructions").fill("Page-line summary, key admissions first.")
    tab.get_by_label("Category").select_option(label="Deposition summaries (paralegal)")
    tab.get_by_label("Attorney review required").check()
    choose(tab.get_by_label("Assign to"), "Priya Nair")
    tab.get_by_label("Supervising attorney").select_option(label="Arun Patel")
    both_widths(tab, "05-new-task")
    tab.get_by_role("button", name="Create the task").click()
    expect(tab).to_have_url(re.compile(r"/matters/tasks/\d+/$"))
    paths["task"] = _path(tab)
    for title in ("Whitaker deposition transcript", "Whitaker exhibits"):
        documents = tab.locator("#documents")
        documents.locator("select[name=document_id]").select_option(label=title)
        documents.get_by_role("button", name="Attach").click()
        expect(tab.locator(".flash-success")).to_contain_text(f"“{title}” attached")
    expect(tab.locator("#documents .document-row")).to_have_count(2)
    expect(tab.locator("#grants")).to_contain_text("in effect")
    both_widths(tab, "06-task-attorney")


def test_6_a_court_appearance_for_the_paralegal_is_refused_with_the_rule(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["attorney"]
    tab.goto(paths["matter"])
    tab.locator("#tasks").get_by_role("button", name="New task").click()
    tab.get_by_label("Title").fill("Appear at the docket call")
    tab.get_by_label("Category").select_option(label="Court appearances (attorney)")
    choose(tab.get_by_label("Assign to"), "Priya Nair")
    tab.get_by_label("Supervising attorney").select_option(label="Arun Patel")
    tab.get_by_role("button", name="Create the task").click()
    refusal = tab.locator(".form-errors")
    expect(refusal).to_contain_text("unauthorized practice of law")
    expect(refusal).to_contain_text("Assign it to an attorney admitted in TX")
    both_widths(tab, "07-refused-court-appearance")
    tab.goto("/matters/tasks/")
    expect(tab.locator(".kanban")).not_to_contain_text("Appear at the docket call")
    expect(tab.locator(".kanban")).to_contain_text(TASK_TITLE)
    both_widths(tab, "08-board")
    tab.goto("/matters/tasks/?view=list")
    both_widths(tab, "09-board-list")


def test_7_the_paralegal_sees_exactly_the_two_documents_on_a_phone_and_submits(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["paralegal"]
    tab.get_by_role("link", name="My tasks").first.click()
    card = tab.locator(".task-card", has_text=TASK_TITLE)
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box and box["height"] >= 44, "a task must be a big tap target"
    both_widths(tab, "10-my-tasks")
    card.click()
    documents = tab.locator("#documents .document-row")
    expect(documents).to_have_count(2)
    expect(tab.locator("#documents")).to_contain_text("Whitaker deposition transcript")
    expect(tab.locator("#documents")).to_contain_text("Whitaker exhibits")
    expect(tab.locator("main")).not_to_contain_text("Litigation strategy")
    with tab.expect_download() as download:
        documents.first.get_by_role("button", name=re.compile("Download")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    both_widths(tab, "11-task-paralegal")
    tab.get_by_role("button", name="Start").click()
    expect(tab.locator("#task-status")).to_have_text("In progress")
    tab.get_by_role("button", name="Submit for review").click()
    expect(tab.locator("#task-status")).to_have_text("Submitted")


def test_8_the_attorney_sends_it_back_once_with_a_note(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["attorney"]
    tab.goto(paths["task"])
    moves = tab.locator("#moves")
    moves.get_by_label("What needs to change").fill("Add page-line cites for each admission.")
    moves.get_by_role("button", name="Send back for rework").click()
    expect(tab.locator("#task-status")).to_have_text("Needs rework")
    expect(tab.locator("#history")).to_contain_text("Add page-line cites for each admission.")


def test_9_the_paralegal_resubmits(tabs: dict[str, Page], paths: dict[str, str]) -> None:
    tab = tabs["paralegal"]
    tab.goto(paths["task"])
    expect(tab.locator("#history")).to_contain_text("Add page-line cites")
    tab.get_by_role("button", name="Resubmit").click()
    expect(tab.locator("#task-status")).to_have_text("Submitted")


def test_9b_a_burst_of_downloads_raises_an_alert_for_the_owner(
    tabs: dict[str, Page], paths: dict[str, str], server: Server
) -> None:
    paralegal = tabs["paralegal"]
    paralegal.goto(paths["task"])
    url = paralegal.locator("#documents .document-row").first.locator("a[href*='/download/']")
    url = url.first.get_attribute("href")
    assert url and "/download/" in url
    paths["download"] = url
    for _ in range(21):  # one more than the hourly limit
        assert paralegal.request.get(url).status == 200
    assert int(_run_in_server(server, DETECT).strip().splitlines()[-1]) >= 1
    owner = tabs["owner"]
    owner.goto("/matters/alerts/")
    expect(owner.locator("main")).to_contain_text("Priya Nair downloaded 2")
    expect(owner.locator("main")).to_contain_text("(limit 20)")
    both_widths(owner, "14b-alert-burst")
    owner.goto(paths["matter"])
    expect(owner.locator("main")).to_contain_text("(limit 20)")  # shown on the matter too


def test_10_the_attorney_approves(tabs: dict[str, Page], paths: dict[str, str]) -> None:
    tab = tabs["attorney"]
    tab.goto(paths["task"])
    tab.get_by_role("button", name="Approve: done").click()
    expect(tab.locator("#task-status")).to_have_text("Done")
    expect(tab.locator("#history")).to_contain_text("Approved by Arun Patel")
    both_widths(tab, "12-task-done")
    # Done closes the paralegal's access to the task's documents.
    paralegal = tabs["paralegal"]
    paralegal.goto(paths["task"])
    expect(paralegal.locator("#documents .document-row")).to_have_count(0)


def test_11_the_owner_sees_the_access_trail_on_the_matter(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["owner"]
    tab.goto(paths["matter"])
    trail = tab.locator("#access-trail")
    expect(trail).to_contain_text("documents.download")
    expect(trail).to_contain_text(PARALEGAL)
    expect(trail).to_contain_text("grants.granted")
    expect(trail).to_contain_text("matters.consent_recorded")
    both_widths(tab, "13-matter-owner-trail")
    tab.get_by_role("link", name="Access alerts").click()
    both_widths(tab, "14-alerts")
    paralegal = tabs["paralegal"]
    paralegal.goto("/matters/prior-parties/")
    paralegal.get_by_label("Name").fill("Acme Corp.")
    paralegal.get_by_role("button", name="Declare").click()
    expect(paralegal.locator("main")).to_contain_text("Acme Corp.")
    both_widths(paralegal, "15-prior-parties")


def test_11b_ending_the_engagement_cuts_the_paralegals_access(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    paralegal = tabs["paralegal"]
    paralegal.goto(paths["task"])
    expect(paralegal.locator("#task-status")).to_have_text("Done")  # her history, while engaged
    owner = tabs["owner"]
    owner.goto("/engagements/")
    owner.locator("tr", has_text="Priya Nair").get_by_role("link").first.click()
    moves = owner.locator("#moves")
    moves.get_by_label("Reason for “Give notice”").fill("The deposition backlog is cleared.")
    moves.get_by_role("button", name="Give notice").click()
    owner.locator("#moves").get_by_role("button", name="End the engagement").click()
    expect(owner.locator("main")).to_contain_text("Ended")
    assert paralegal.request.get(paths["download"]).status == 404
    assert paralegal.goto(paths["task"]).status == 404
    paralegal.goto("/matters/my-tasks/")
    expect(paralegal.locator("main")).not_to_contain_text(TASK_TITLE)


def test_12_no_console_errors_in_matters(console: ConsoleLog) -> None:
    # The refused court-appearance form comes back with HTTP 422, as every refused form here
    # does, and the ended engagement's task page answers 404 (step 11b); Chromium logs both.
    # They are the refusals the steps want, not errors.
    refused = "status of 422 (Unprocessable Entity) (source: "
    gone = "status of 404 (Not Found) (source: "
    console.forget(
        lambda e: (
            (refused in e and "/matters/tasks/new/" in e)
            or (gone in e and re.search(r"/matters/tasks/\d+/", e) is not None)
        )
    )
    assert not console.errors, console.errors

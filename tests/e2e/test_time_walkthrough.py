"""Time's "Done means", in a real browser against the real server: the paralegal, on a phone,
logs a week of time on her task and submits it; the supervising attorney approves the week in
bulk on the approvals page. No console errors.

The cast is a firm of its own (seeded straight into the server's database, with a consented,
conflict-checked matter and a task assigned to the paralegal), so nothing here depends on the
demo data. This file sorts before test_walkthrough.py, which turns on two-factor for the demo
owner.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DESKTOP, ConsoleLog, Server, sign_in
from tests.e2e.test_matters_walkthrough import PHONE, SHOTS, _run_in_server
from tests.factories import PASSWORD

ATTORNEY = "ana.reyes@timefirm.example"
PARALEGAL = "tess.okafor@timepros.example"
TASK_TITLE = "Summarize the Whitaker deposition"

SEED = textwrap.dedent(
    f"""
    import django
    django.setup()
    from types import SimpleNamespace
    from counselbench.access.policy import actor_for
    from counselbench.matters.services.conflicts import check_matter
    from counselbench.organizations.models import Role
    from tests.factories import (
        EngagementFactory, MembershipFactory, OrganizationFactory, ProfessionalFactory,
        UserFactory, category,
    )
    from tests.matters.conftest import Delegation, make_task, open_matter
    firm = OrganizationFactory(name="Reyes Time LLP", slug="reyes-time-e2e")
    attorney = MembershipFactory(organization=firm, role=Role.ATTORNEY,
                                 user=UserFactory(email="{ATTORNEY}", full_name="Ana Reyes")).user
    paralegal = ProfessionalFactory(user=UserFactory(email="{PARALEGAL}", full_name="Tess Okafor"))
    engagement = EngagementFactory(organization=firm, professional=paralegal,
                                   supervising_attorney=attorney, title="Deposition support")
    cast = SimpleNamespace(firm=firm, actor=lambda name: actor_for(attorney, firm))
    matter = open_matter(cast)
    check_matter(matter, run_by=attorney, professional=paralegal)
    work = category(firm, "deposition-summaries").pk
    delegation = Delegation(matter=matter, engagement=engagement, paralegal_work=work,
                            attorney_work=work)
    make_task(cast, delegation, engagement_id=engagement.pk)
    """
)

# Last week, Monday to Friday: every day is in the past, whatever today is.
TODAY = datetime.now(tz=UTC).date()
MONDAY = TODAY - timedelta(days=TODAY.weekday() + 7)
WEEK = [(MONDAY + timedelta(days=d), f"{1 + d % 2}:{10 * d:02d}") for d in range(5)]


@pytest.fixture(scope="module")
def tabs(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[dict[str, Page]]:
    _run_in_server(server, SEED)
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    pages = {}
    for name, email, viewport in (("attorney", ATTORNEY, DESKTOP), ("paralegal", PARALEGAL, PHONE)):
        context = browser.new_context(base_url=server.base_url, viewport=viewport)
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


def both_widths(page: Page, name: str) -> None:
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"t-{name}-{label}.png", full_page=True)
        if label == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE["width"], f"{name}: {wide}px wide on a 390px phone"
    if original:
        page.set_viewport_size(original)


def test_1_the_paralegal_logs_a_week_on_her_phone_and_submits(tabs: dict[str, Page]) -> None:
    tab = tabs["paralegal"]
    tab.get_by_role("link", name="Time").click()
    expect(tab.locator("h1")).to_contain_text("Week of")
    tab.get_by_role("link", name="← Previous week").click()
    expect(tab).to_have_url(re.compile(rf"week={MONDAY.isoformat()}"))
    form = tab.locator("#add-time")
    for day, duration in WEEK:
        task = form.get_by_label("Task")
        task.select_option(task.locator("option", has_text=TASK_TITLE).first.get_attribute("value"))
        form.get_by_label("Date").fill(day.isoformat())
        form.get_by_label("Time").fill(duration)
        form.get_by_label("Description").fill(f"Deposition summary, {day:%A}")
        form.get_by_role("button", name="Add time").click()
        expect(tab.locator(".flash-success")).to_contain_text("logged")
    expect(tab.locator("#week-total")).to_have_text("8:40")
    both_widths(tab, "01-week-drafts")
    tab.get_by_role("button", name="Submit this week (5)").click()
    expect(tab.locator(".flash-success")).to_contain_text("5 entries (8:40) submitted")
    expect(tab.locator(".badge.status-submitted")).to_have_count(5)
    both_widths(tab, "02-week-submitted")


def test_2_the_attorney_approves_the_week_in_bulk(tabs: dict[str, Page]) -> None:
    tab = tabs["attorney"]
    tab.get_by_role("link", name="Time").click()
    tab.locator(".subnav").get_by_role("link", name="Approvals").click()
    group = tab.locator(".approval-group")
    expect(group).to_contain_text("Tess Okafor")
    expect(group).to_contain_text("8:40")
    both_widths(tab, "03-approvals")
    group.get_by_label(re.compile("Select all of Tess Okafor")).check()
    expect(tab.locator("input[name=entry_ids]:checked")).to_have_count(5)
    tab.get_by_role("button", name="Approve selected").click()
    expect(tab.locator(".flash-success")).to_contain_text("5 entries approved.")
    expect(tab.locator("main")).to_contain_text("Nothing is waiting for your approval.")


def test_3_the_paralegal_sees_her_week_approved_and_locked(
    tabs: dict[str, Page], console: ConsoleLog
) -> None:
    tab = tabs["paralegal"]
    tab.reload()
    expect(tab.locator(".badge.status-approved")).to_have_count(5)
    expect(tab.get_by_role("button", name="Submit this week")).to_be_disabled()
    both_widths(tab, "04-week-approved")
    assert not console.errors, console.errors

"""The "Done means" walkthrough, in a real browser against the real server.

The steps share one signed-in tab and run in file order; when one fails, the later ones are skipped
(see conftest.py), so the first failure is the one to read. Screenshots of every step are saved in
test-artifacts/e2e/.
"""

from __future__ import annotations

import json
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ConsoleLog, Server, http_get

OWNER_EMAIL = "dana.whitfield@whitfieldmoreno.example"
OWNER_NAME = "Dana Whitfield"
OWNER_PASSWORD = "counselbench-demo"
FIRM_SLUG = "whitfield-moreno"
INVITEE_EMAIL = "new.paralegal@e2e.example"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def state() -> dict[str, Any]:
    """What one step learns and a later one needs (the TOTP secret)."""
    return {}


def submit(page: Page, action: str, label: str) -> None:
    """Click the submit button of the form posting to `action` (the header has a sign-out form)."""
    page.locator(f"form[action='{action}']").get_by_role("button", name=label).click()


def fresh_code(totp: pyotp.TOTP) -> str:
    """The current code, unless its 30 s window is about to close (then the next window's)."""
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left + 0.5)
    return totp.now()


def sign_in_with_password(page: Page) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", OWNER_EMAIL)
    page.fill("input[name=password]", OWNER_PASSWORD)
    submit(page, "/accounts/login/", "Sign In")


def expect_signed_in_home(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("main h1")).to_have_text(f"Welcome, {OWNER_NAME}")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_1_owner_signs_in(page: Page, server: Server, shot) -> None:
    sign_in_with_password(page)
    expect_signed_in_home(page)
    shot(page, "01-signed-in-home")


def test_2_owner_turns_on_two_factor(page: Page, state: dict[str, Any], shot) -> None:
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again if stale
        shot(page, "02a-reauthenticate")
        page.fill("input[name=password]", OWNER_PASSWORD)
        submit(page, "/accounts/reauthenticate/", "Confirm")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), f"no base32 TOTP secret shown: {secret!r}"
    state["totp_secret"] = secret
    shot(page, "02b-totp-activate")

    page.fill("input[name=code]", fresh_code(pyotp.TOTP(secret)))
    submit(page, "/accounts/2fa/totp/activate/", "Activate")
    # allauth shows the freshly generated recovery codes, or the two-factor overview.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/(recovery-codes/)?$"))
    shot(page, "02c-after-activation")

    page.goto("/accounts/2fa/")
    expect(page.get_by_text("Authentication using an authenticator app is active.")).to_be_visible()
    page.goto("/profile/")
    expect(page.locator("main .badge.ok")).to_have_text("on")
    shot(page, "02d-profile-two-factor-on")


def test_3_sign_in_again_asks_for_the_authenticator_code(
    page: Page, state: dict[str, Any], shot
) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    shot(page, "03a-authenticator-code-asked")
    totp = pyotp.TOTP(state["totp_secret"])
    page.fill("input[name=code]", fresh_code(totp))
    submit(page, "/accounts/2fa/authenticate/", "Sign In")
    refused = page.get_by_text("Incorrect code.")
    expect(page.get_by_role("heading", name=f"Welcome, {OWNER_NAME}").or_(refused)).to_be_visible()
    if refused.is_visible():
        # A code is accepted once; if this window's code was already spent, use the next one.
        shot(page, "03b-code-refused-retrying")
        time.sleep(totp.interval - time.time() % totp.interval + 1)
        page.fill("input[name=code]", totp.now())
        submit(page, "/accounts/2fa/authenticate/", "Sign In")
    expect_signed_in_home(page)
    shot(page, "03c-signed-in-with-two-factor")


def _invitation_for(server: Server, to: str) -> EmailMessage | None:
    for message in server.mail():
        if to in str(message["To"]):
            return message
    return None


def test_4_owner_invites_a_member(page: Page, server: Server, shot) -> None:
    page.goto("/org/members/")
    expect(page.locator("main h1")).to_have_text("Members")
    # Each member row has a role <select> too: stay inside the invitation form.
    invite = page.locator("article", has_text="Invite someone").locator("form")
    invite.locator("input[name=email]").fill(INVITEE_EMAIL)
    invite.locator("select[name=role]").select_option("staff")
    invite.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(re.compile(r"/org/members/$"))
    expect(page.locator(".flash")).to_contain_text(f"Invitation sent to {INVITEE_EMAIL}.")
    pending = page.locator("article", has_text="Pending invitations").locator("li")
    expect(pending.filter(has_text=INVITEE_EMAIL)).to_contain_text("Staff")
    shot(page, "04-invitation-pending")

    deadline = time.monotonic() + 10
    while (message := _invitation_for(server, INVITEE_EMAIL)) is None:
        assert time.monotonic() < deadline, (
            f"no email to {INVITEE_EMAIL}; sent: {[m['To'] for m in server.mail()]}"
        )
        time.sleep(0.2)
    body = message.get_body(("plain",)).get_content()
    link = re.search(re.escape(server.base_url) + r"/invitations/[^/\s]+/", body)
    assert link, f"no {server.base_url}/invitations/<token>/ link in the email:\n{body}"

    # The link works for the (anonymous) invitee.
    status, page_html = http_get(link.group(0))
    assert status == 200, f"the invitation link answered {status}"
    assert "Whitfield" in page_html.decode(), "the invitation page does not name the firm"


def test_4b_role_changes_save_in_place_and_refusals_explain_themselves(
    page: Page, console: ConsoleLog, shot
) -> None:
    page.goto("/org/members/")
    # Allowed: an attorney becomes staff, saved in place by htmx (no page load).
    priya = page.get_by_label("Role of Priya Shah")
    priya.select_option("staff")
    expect(page.locator("tr", has=priya).get_by_text("Saved")).to_be_visible()
    # Refused: the only owner cannot demote herself. The row says why and shows the real role.
    own = page.get_by_label(f"Role of {OWNER_NAME}")
    own.select_option("staff")
    row = page.locator("tr", has=page.get_by_label(f"Role of {OWNER_NAME}"))
    expect(row.get_by_role("alert")).to_contain_text("is the only owner")
    expect(page.get_by_label(f"Role of {OWNER_NAME}")).to_have_value("owner")
    shot(page, "04b-role-change-refused-in-place")
    # Chromium logs every 4xx response; this 409 is the refusal the step asked for.
    expected = [e for e in console.errors if "409" in e and "/role/" in e]
    assert len(expected) == 1, console.errors
    console.errors.remove(expected[0])
    page.reload()
    expect(page.get_by_label("Role of Priya Shah")).to_have_value("staff")
    expect(page.get_by_label(f"Role of {OWNER_NAME}")).to_have_value("owner")
    page.get_by_label("Role of Priya Shah").select_option("attorney")  # leave the demo as it was
    expect(
        page.locator("tr", has=page.get_by_label("Role of Priya Shah")).get_by_text("Saved")
    ).to_be_visible()


def test_5_owner_creates_an_api_token_that_works(page: Page, server: Server, shot) -> None:
    page.goto("/profile/tokens/")
    page.get_by_text("Create a token").click()  # the form is folded in a <details>
    form = page.locator("main details form")
    form.locator("input[name=name]").fill("E2E walkthrough")
    form.locator("select[name=organization]").select_option(FIRM_SLUG)
    form.locator("input[name=expires_in_days]").fill("7")
    form.get_by_role("button", name="Create token").click()

    secret_box = page.locator("input#new-token-secret")
    expect(secret_box).to_be_visible()
    secret = secret_box.input_value()
    assert len(secret) >= 20, f"token secret looks wrong: {secret!r}"
    expect(page.locator("main table")).to_contain_text("E2E walkthrough")
    shot(page, "05-token-created")

    status, body = http_get(server.url("/api/v1/me"), {"Authorization": f"Bearer {secret}"})
    assert status == 200, f"/api/v1/me with the new token answered {status}: {body[:500]!r}"
    me = json.loads(body)
    assert me["email"] == OWNER_EMAIL, me
    assert me["organization"]["slug"] == FIRM_SLUG, me

    status, body = http_get(server.url("/api/v1/me"))
    assert status == 401, f"/api/v1/me without a token answered {status}: {body[:500]!r}"
    error = json.loads(body)["error"]
    assert error["code"] == "not_authenticated", error


def test_6_members_page_fits_a_phone(
    browser: Browser, page: Page, server: Server, console: ConsoleLog, artifacts: Path
) -> None:
    phone = browser.new_context(
        base_url=server.base_url,
        storage_state=page.context.storage_state(),  # the same signed-in session
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    console.watch(phone)
    try:
        phone_page = phone.new_page()
        phone_page.goto("/org/members/")
        expect(phone_page.locator("main h1")).to_have_text("Members")
        phone_page.screenshot(path=artifacts / "06-members-phone.png", full_page=True)
        widths = phone_page.evaluate(
            "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        assert widths["scroll"] <= widths["inner"] + 1, (
            f"/org/members/ overflows a {PHONE['width']}px-wide phone horizontally: "
            f"document is {widths['scroll']}px wide, window {widths['inner']}px"
        )
    finally:
        phone.close()


def test_7_no_console_errors_during_the_walkthrough(console: ConsoleLog) -> None:
    assert not console.errors, "browser console errors:\n" + "\n".join(console.errors)

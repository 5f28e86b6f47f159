"""Intake's "Done means", in a real browser against the real server: a prospect fills the Spanish
intake form on a phone (the prospective-client notice first, the names for the conflict check,
then the details), books a consultation in a free slot of the booking page (shown in her own time
zone) and gets the Spanish confirmation, by email too with the .ics and a cancellation link; the
phone system reports her call through the signed webhook (a bad signature is refused with 401)
and the virtual receptionist, a contractor engaged by the firm, logs that call, which completes
the webhook's entry instead of writing a second one, and takes a message for the attorney, who
gets it in the app and by email; the attorney sees the lead with its score and reasons, flagged
by the conflict pre-check, clears the flag with a reason and converts the lead into a client and
a matter whose parties are the prospect (client) and the other side (adverse); the attorney's
calendar feed (.ics, fetched as a calendar app would) shows the appointment at the chosen time,
and a wrong feed token is 404. No console errors.

The cast is a firm of its own, seeded straight into the server's database (an intake profile,
an intake form for personal injury with two questions, a routing rule, a consultation type in
English and Spanish, the attorney's weekly hours every day 08:00–20:00 in the firm's zone so a
slot is free whatever the time of the run, the receptionist's engagement, and an earlier matter
whose adverse party the prospect will name), so nothing here depends on, or disturbs, the demo
data the other walkthroughs use.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import time
import urllib.error
import urllib.request
import zoneinfo
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, BrowserContext, Page, expect

from counselbench.intake.services.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.e2e.conftest import DESKTOP, ConsoleLog, Server, http_get, sign_in
from tests.e2e.test_matters_walkthrough import PHONE, SHOTS, _run_in_server
from tests.factories import PASSWORD

FIRM = "Castillo & Reyes LLP"
SLUG = "castillo-reyes-e2e"
FIRM_ZONE = "America/Chicago"  # the firm is in Austin
PROSPECT_ZONE = "America/Denver"  # the prospect is in El Paso, an hour behind
OWNER = "elena.castillo@castilloreyes.example"
ATTORNEY = "daniel.reyes@castilloreyes.example"
ATTORNEY_NAME = "Daniel Reyes"
RECEPTIONIST = "lucia.moreno@frontdesk.example"
RECEPTIONIST_NAME = "Lucía Moreno"
PROSPECT = "María Fernanda Ruiz"
PROSPECT_EMAIL = "maria.ruiz@correo.example"
PROSPECT_PHONE = "(915) 555-0147"
PROSPECT_E164 = "+19155550147"
OTHER_PARTY = "Brightline Freight Inc."
EARLIER_MATTER = "Gulf Coast Movers v. Brightline Freight"
CALL_ID = "CA-e2e-5f0c2a91"
MIN_FILL_SECONDS = 3  # settings.INTAKE_MIN_FILL_SECONDS
SLOT_TIME = "10:00"  # picked on the booking page, in the prospect's zone

# Run inside the server's database (its DATA_DIR). Prints what the steps need as JSON.
SEED = textwrap.dedent(
    f"""
    import django
    django.setup()
    import json
    from datetime import time, timedelta
    from django.utils import timezone
    from counselbench.access.policy import actor_for
    from counselbench.intake.models import IntakeProfile
    from counselbench.intake.services import booking
    from counselbench.intake.services import settings as intake_settings
    from counselbench.matters.services import matters as matter_services
    from counselbench.organizations.models import Role
    from counselbench.talent.models import ProfessionalRole
    from tests.factories import (
        ClientFactory, EngagementFactory, MembershipFactory, OrganizationFactory,
        ProfessionalFactory, UserFactory,
    )
    today = timezone.localdate()
    firm = OrganizationFactory(name="{FIRM}", slug="{SLUG}", time_zone="{FIRM_ZONE}")
    owner = MembershipFactory(organization=firm, role=Role.OWNER,
                              user=UserFactory(email="{OWNER}", full_name="Elena Castillo")).user
    attorney = MembershipFactory(organization=firm, role=Role.ATTORNEY,
                                 user=UserFactory(email="{ATTORNEY}",
                                                  full_name="{ATTORNEY_NAME}")).user
    # The front desk: a contractor engaged (live) as the firm's virtual receptionist.
    receptionist = ProfessionalFactory(
        role=ProfessionalRole.VIRTUAL_RECEPTIONIST,
        user=UserFactory(email="{RECEPTIONIST}", full_name="{RECEPTIONIST_NAME}"),
    )
    EngagementFactory(
        organization=firm, professional=receptionist, supervising_attorney=attorney,
        title="Front desk, bilingual",
        scope="Answer calls and chats, take messages, book consultations.",
        start_date=today - timedelta(days=30),
    )
    as_owner, as_attorney = actor_for(owner, firm), actor_for(attorney, firm)
    intake_settings.update_profile(
        as_owner, data=intake_settings.ProfileInput(jurisdictions=["TX"])
    )
    Q = intake_settings.QuestionInput
    intake_settings.create_form(
        as_owner,
        data=intake_settings.FormInput(
            practice_area="personal_injury", title_en="Injury or accident",
            title_es="Lesión o accidente", typical_value_cents=2_500_000,
        ),
        questions=[
            Q(key="injured", kind="yes_no", required=True,
              label_en="Were you hurt?", label_es="¿Resultó herido?"),
            Q(key="when", kind="choice", required=True,
              label_en="When did it happen?", label_es="¿Cuándo ocurrió?",
              choices=[{{"value": "week", "en": "This week", "es": "Esta semana"}},
                       {{"value": "older", "en": "Earlier", "es": "Antes"}}],
              urgent_values=["week"]),
        ],
    )
    intake_settings.set_route(as_owner, practice_area="personal_injury",
                              assignee_id=attorney.pk)
    booking.create_consultation_type(as_owner, name_en="Initial consultation",
                                     name_es="Consulta inicial", minutes=30)
    booking.set_week(as_attorney, attorney_id=attorney.pk,
                     hours=[booking.WeeklyHours(day, time(8), time(20)) for day in range(7)])
    client = ClientFactory(organization=firm, name="Gulf Coast Movers LLC")
    matter = matter_services.open_matter(
        as_attorney,
        data={{"client_id": client.pk, "title": "{EARLIER_MATTER}", "jurisdiction": "TX",
               "practice_area": "litigation", "opened_on": today - timedelta(days=90)}},
        parties=[{{"name": "{OTHER_PARTY}", "role": "adverse"}}],
    )
    print(json.dumps({{
        "secret": IntakeProfile.objects.get(organization=firm).webhook_secret,
        "matter": matter.number,
        "attorney_id": attorney.pk,
    }}))
    """
)

# Local requests must never go through a proxy configured in the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def world(server: Server) -> dict:
    out = _run_in_server(server, SEED)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def tabs(
    browser: Browser, server: Server, console: ConsoleLog, world: dict
) -> Iterator[dict[str, Page]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    pages = {}
    # The prospect: a phone, set to English, in El Paso's time zone; not signed in.
    phone = browser.new_context(
        base_url=server.base_url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        timezone_id=PROSPECT_ZONE,
    )
    phone.set_default_timeout(15_000)
    console.watch(phone)
    contexts.append(phone)
    pages["prospect"] = phone.new_page()
    for name, email in (("receptionist", RECEPTIONIST), ("attorney", ATTORNEY)):
        context = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
        context.set_default_timeout(15_000)
        console.watch(context)
        contexts.append(context)
        pages[name] = page = context.new_page()
        sign_in(page, email, PASSWORD)
    try:
        yield pages
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def facts(tabs) -> dict:
    """What one step learns and a later one checks (the lead, the slot, the matter)."""
    return {}


def phone_shot(page: Page, name: str) -> None:
    """A screenshot of the prospect's phone; the page must not scroll sideways."""
    page.screenshot(path=SHOTS / f"intake-{name}-phone.png", full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{name}: {wide}px wide on a 390px phone"


def both_widths(page: Page, name: str) -> None:
    """Screenshots at desktop and phone width, for a person to look at; the page must not
    scroll sideways on the phone."""
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"intake-{name}-{label}.png", full_page=True)
        if label == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE["width"], f"{name}: {wide}px wide on a phone"
    if original:
        page.set_viewport_size(original)


def _mail_to(server: Server, address: str, subject: str) -> EmailMessage:
    """The email to `address` whose subject contains `subject` (the task queue runs inside the
    request, so it is there once the page answered; a short wait covers a slow file write)."""
    deadline = time.monotonic() + 10
    while True:
        found = [
            m for m in server.mail() if address in str(m["To"]) and subject in str(m["Subject"])
        ]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found, [(str(m["To"]), str(m["Subject"])) for m in server.mail()]
    return found[-1]


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return (part or message).get_content()


def _events(ics: bytes | str) -> list:
    return [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT"]


def _post_call_event(server: Server, secret: str, payload: dict, *, signature: str = "") -> tuple:
    """POST a call event as the telephony provider does: JSON, signed with the firm's secret."""
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1)
        server.url(f"/api/v1/intake/call-events?firm={SLUG}"),
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature or sign(secret, timestamp, body),
        },
    )
    try:
        with _http.open(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_1_the_prospect_fills_the_spanish_form_on_her_phone(
    tabs: dict[str, Page], facts: dict
) -> None:
    tab = tabs["prospect"]
    tab.goto(f"/intake/{SLUG}/")
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.locator("h1")).to_have_text("Before you start")
    tab.locator(".intake-lang").get_by_role("link", name="Español").click()
    expect(tab.locator("html")).to_have_attribute("lang", "es")
    notice = tab.locator(".intake-notice")
    expect(notice.locator("h1")).to_have_text("Antes de empezar")
    expect(notice).to_contain_text(f"Gracias por comunicarse con {FIRM}.")
    expect(notice).to_contain_text(
        "no existe una relación abogado-cliente hasta que el bufete acepte por escrito "
        "representarlo"
    )
    expect(tab.locator("footer")).to_contain_text(
        "Enviar este formulario no lo convierte en cliente del bufete."
    )
    phone_shot(tab, "01-notice-es")

    # Step 1: only the names the conflict check needs, and the practice area.
    tab.get_by_role("button", name="Entiendo, continuar").click()
    expect(tab.locator("h1")).to_have_text("Quiénes están involucrados")
    shown = time.monotonic()
    expect(tab.locator("main")).to_contain_text("Paso 1 de 2.")
    tab.get_by_label("Su nombre completo").fill(PROSPECT)
    tab.get_by_label("Nombres de las otras personas o empresas involucradas").fill(OTHER_PARTY)
    expect(tab.get_by_label("Lesión o accidente")).to_be_checked()  # the firm's one form
    expect(tab.locator("form")).not_to_contain_text("Correo electrónico")  # no details yet
    phone_shot(tab, "02-step1-es")
    # A person takes a moment; a form sent faster than the minimum fill time is refused.
    time.sleep(max(0.0, MIN_FILL_SECONDS + 0.5 - (time.monotonic() - shown)))
    tab.get_by_role("button", name="Continuar").click()

    # Step 2: how to reach her, and the practice area's questions.
    expect(tab.locator("h1")).to_have_text("Cómo comunicarnos con usted")
    expect(tab).to_have_url(re.compile(rf"/intake/{SLUG}/details/[^/]+/$"))
    tab.get_by_label("Correo electrónico").fill(PROSPECT_EMAIL)
    tab.get_by_label("Teléfono", exact=True).fill(PROSPECT_PHONE)
    tab.get_by_label("Estado donde vive").select_option("TX")
    expect(tab.get_by_label("En unas semanas")).to_be_checked()
    tab.locator("fieldset", has_text="¿Resultó herido?").get_by_label("Sí").check()
    tab.locator("fieldset", has_text="¿Cuándo ocurrió?").get_by_label("Esta semana").check()
    tab.get_by_label("En pocas frases, ¿qué pasó y qué necesita?").fill(
        "Un camión chocó mi carro en la I-10 el lunes. Me duele la espalda y el seguro no contesta."
    )
    phone_shot(tab, "03-step2-es")
    tab.get_by_role("button", name="Enviar").click()

    # The thank-you page: the same neutral message whatever the conflict check found.
    expect(tab.locator("h1")).to_have_text("Gracias")
    main = tab.locator("main")
    expect(main).to_contain_text(
        "Hemos recibido su solicitud. Alguien del bufete la revisará y se comunicará con usted "
        "sobre los próximos pasos."
    )
    expect(main).to_contain_text("Recuerde: usted no es cliente del bufete")
    expect(main).not_to_contain_text("conflict")
    expect(main).not_to_contain_text(OTHER_PARTY)
    phone_shot(tab, "04-thanks-es")
    facts["booking_link"] = tab.get_by_role("button", name="Reservar una consulta").get_attribute(
        "href"
    )
    assert re.fullmatch(rf"/book/{SLUG}/\?lead=[\w-]+", facts["booking_link"] or ""), facts


def test_2_she_books_a_free_slot_in_her_own_time_zone(
    tabs: dict[str, Page], facts: dict, world: dict
) -> None:
    tab = tabs["prospect"]
    tab.get_by_role("button", name="Reservar una consulta").click()
    # The page reloads once with the zone the phone reports (El Paso, not the firm's Austin).
    expect(tab).to_have_url(re.compile(r"tz=America(%2F|/)Denver"))
    expect(tab.locator("html")).to_have_attribute("lang", "es")  # the language carried over
    expect(tab.locator("h1")).to_have_text("Reservar una consulta")
    expect(tab.locator("a.choice[aria-current=true]")).to_contain_text("Consulta inicial")
    expect(tab.locator("select#tz")).to_have_value(PROSPECT_ZONE)
    days = tab.locator(".days a")
    expect(days.first).to_be_visible()
    assert days.count() >= 2, days.count()
    # Tomorrow or later: a whole day of free times, 08:00–20:00 in Austin = 07:00–19:00 here.
    later = days.nth(1)
    day = dt.date.fromisoformat(
        re.search(r"day=(\d{4}-\d{2}-\d{2})", later.get_attribute("href"))[1]
    )
    later.click()
    expect(tab.locator(".days a[aria-current=date]")).to_have_attribute(
        "href", re.compile(f"day={day.isoformat()}")
    )
    shown = time.monotonic()  # the booking form has the intake page's minimum fill time too
    times = tab.locator("form label.choice")
    expect(times.first).to_have_text("07:00")
    expect(times.last).to_have_text("18:30")  # 30 minutes, ending by 20:00 in Austin
    # The details come from her lead.
    expect(tab.get_by_label("Nombre completo")).to_have_value(PROSPECT)
    expect(tab.get_by_label("Correo electrónico")).to_have_value(PROSPECT_EMAIL)
    expect(tab.get_by_label("Teléfono (opcional)")).to_have_value(PROSPECT_E164)
    slot = tab.locator("form label.choice", has_text=SLOT_TIME)
    value = slot.locator("input").get_attribute("value") or ""
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=zoneinfo.ZoneInfo(PROSPECT_ZONE))
    assert value == f"{world['attorney_id']}@{starts.astimezone(dt.UTC).isoformat()}", value
    facts["starts"] = starts.astimezone(dt.UTC)
    facts["day"] = day
    slot.click()
    expect(slot.locator("input")).to_be_checked()
    phone_shot(tab, "05-booking-es")
    time.sleep(max(0.0, MIN_FILL_SECONDS + 0.5 - (time.monotonic() - shown)))
    tab.get_by_role("button", name="Confirmar la reserva").click()

    expect(tab).to_have_url(re.compile(rf"/book/{SLUG}/booked/[^/]+/\?lang=es$"))
    expect(tab.locator("h1")).to_have_text("Su consulta está reservada")
    booked = tab.locator(".facts")
    expect(booked).to_contain_text("Consulta inicial")
    expect(booked).to_contain_text(ATTORNEY_NAME)
    expect(booked).to_contain_text(f"{day.day} de ")
    expect(booked).to_contain_text(f"{SLOT_TIME} (America/Denver, M")  # MST or MDT
    expect(tab.locator("main")).to_contain_text(
        f"Enviamos una confirmación a {PROSPECT_EMAIL}, con un archivo de calendario"
    )
    phone_shot(tab, "06-booked-es")


def test_3_the_confirmation_email_is_spanish_with_the_ics_and_a_cancellation_link(
    tabs: dict[str, Page], server: Server, facts: dict
) -> None:
    message = _mail_to(server, PROSPECT_EMAIL, f"Su consulta con {FIRM} está reservada")
    body = _body(message)
    assert f"Hola, {PROSPECT}:" in body, body
    assert "Qué: Consulta inicial (30 minutos)" in body, body
    assert f"Con: {ATTORNEY_NAME}" in body, body
    assert "no existe una relación abogado-cliente" in body, body
    link = re.search(r"https?://\S+/book/cancel/[^/\s]+/", body)
    assert link, body
    attachments = [p for p in message.iter_attachments() if p.get_filename() == "consultation.ics"]
    assert len(attachments) == 1, [p.get_filename() for p in message.iter_attachments()]
    (event,) = _events(attachments[0].get_content())
    assert event.decoded("dtstart") == facts["starts"], event.decoded("dtstart")
    assert event.decoded("dtend") == facts["starts"] + dt.timedelta(minutes=30)
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == f"Consulta inicial — {FIRM}"

    # The cancellation link opens her appointment, in Spanish (cancelling takes a POST).
    status, page = http_get(link[0])
    assert status == 200, status
    text = page.decode()
    assert '<html lang="es">' in text and "Consulta inicial" in text, text[:500]


def test_4_the_phone_system_reports_her_call_through_the_signed_webhook(
    server: Server, world: dict
) -> None:
    started = {
        "event_id": "evt-e2e-0001",
        "call_id": CALL_ID,
        "type": "call.started",
        "from": PROSPECT_E164,
        "to": "+15125550100",
        "caller_name": "RUIZ MARIA",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    status, answer = _post_call_event(server, world["secret"], started)
    assert status == 201, (status, answer)
    assert answer["created"] is True and answer["replayed"] is False, answer
    assert answer["type"] == "call.started" and answer["entry_id"], answer
    # The provider's retry of the same event changes nothing.
    status, again = _post_call_event(server, world["secret"], started)
    assert status == 200 and again["replayed"] is True, (status, again)
    assert again["entry_id"] == answer["entry_id"], again
    # Signed with anything but the firm's secret: refused, nothing stored.
    forged = {**started, "event_id": "evt-e2e-0002", "call_id": "CA-forged"}
    status, refused = _post_call_event(
        server, world["secret"], forged, signature="sha256=" + "0" * 64
    )
    assert status == 401, (status, refused)
    status, refused = _post_call_event(server, "not-the-secret", forged)
    assert status == 401, (status, refused)


def test_5_the_receptionist_logs_the_call_the_webhook_reported(
    tabs: dict[str, Page], server: Server, facts: dict
) -> None:
    tab = tabs["receptionist"]
    # The front desk sees leads (not matters or money): she finds the prospect's lead number.
    nav = tab.locator("nav")
    expect(nav.get_by_role("link", name="Matters")).to_have_count(0)
    nav.get_by_role("link", name="Leads", exact=True).click()
    card = tab.locator(".lead-card", has_text=PROSPECT)
    expect(card).to_contain_text("Personal injury")
    expect(card).to_contain_text("ES")
    href = card.get_by_role("link", name=PROSPECT).get_attribute("href") or ""
    lead_id = re.fullmatch(r"/leads/(\d+)/", href)
    assert lead_id, href
    facts["lead"] = href
    both_widths(tab, "07-receptionist-leads")

    nav.get_by_role("link", name="Reception", exact=True).click()
    expect(tab.locator("h1")).to_contain_text("Reception log")
    live = tab.locator(".in-progress-card")
    expect(live).to_have_count(1)
    expect(live).to_contain_text("RUIZ MARIA")
    expect(live).to_contain_text(PROSPECT_E164)
    expect(live).to_contain_text(f"Call id {CALL_ID}")
    both_widths(tab, "08-reception-call-in-progress")

    form = tab.locator("#log-form")
    form.locator("summary").click()
    form.get_by_label("Caller's name").fill(PROSPECT)
    form.get_by_label("Reason for calling").fill("Truck accident, asks about her consultation")
    form.get_by_label("Message", exact=True).fill(
        "Wants to bring the police report to the consultation; prefers Spanish, call after 5pm."
    )
    form.get_by_label("Urgency").select_option("high")
    form.get_by_label("Language").select_option("es")
    form.get_by_label("Outcome").select_option("message_taken")
    form.get_by_label("For", exact=True).select_option(label=ATTORNEY_NAME)
    form.get_by_label("Lead number").fill(lead_id[1])
    form.get_by_label("Call id").fill(CALL_ID)  # as the phone system shows it
    both_widths(tab, "09-reception-log-form")
    form.get_by_role("button", name="Log it").click()
    expect(tab.locator(".flash-success")).to_contain_text("Message sent.")

    # One entry for the call, not two: the webhook's, completed.
    expect(tab.locator(".in-progress-card")).to_have_count(0)
    row = tab.locator("table tbody tr", has_text=PROSPECT_E164)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PROSPECT)
    expect(row).to_contain_text("Truck accident, asks about her consultation")
    expect(row.locator("td[data-label=Outcome]")).to_have_text("Message taken")
    expect(row.locator("td[data-label=For]")).to_have_text(ATTORNEY_NAME)
    expect(row).to_contain_text(f"Lead: {PROSPECT}")
    both_widths(tab, "10-reception-logged")
    row.locator("td[data-label=Time] a").click()
    expect(tab.locator("main")).to_contain_text(
        f"Logged by {RECEPTIONIST_NAME}; also reported by the phone system."
    )
    expect(tab.locator("main")).to_contain_text(f"call id {CALL_ID}")
    reported = tab.locator("section[aria-labelledby=events-title]")
    expect(reported).to_contain_text("call.started")
    expect(reported.locator("li")).to_have_count(1)
    expect(tab.locator("section[aria-labelledby=msg-title]")).to_contain_text(
        f"For {ATTORNEY_NAME}: {PROSPECT} called: Truck accident"
    )
    both_widths(tab, "11-reception-entry")

    message = _mail_to(server, ATTORNEY, f"Message: {PROSPECT} called")
    assert str(message["Subject"]).strip().startswith("[HIGH] "), message["Subject"]
    body = _body(message)
    assert "Wants to bring the police report" in body, body
    assert f"Number: {PROSPECT_E164}" in body and "Language: Spanish" in body, body
    assert f"Taken by {RECEPTIONIST_NAME}" in body, body


def test_6_the_attorney_reads_the_message(tabs: dict[str, Page]) -> None:
    tab = tabs["attorney"]
    tab.locator("nav").get_by_role("link", name="Reception", exact=True).click()
    tab.locator(".subnav").get_by_role("link", name=re.compile("^Messages")).click()
    item = tab.locator("li", has_text=f"{PROSPECT} called")
    expect(item).to_contain_text(f"from {RECEPTIONIST_NAME}")
    expect(item.get_by_role("button", name="Mark read")).to_be_visible()
    both_widths(tab, "12-attorney-messages")
    item.get_by_role("link", name=re.compile(f"{PROSPECT} called")).click()
    expect(tab.locator("main")).to_contain_text("Wants to bring the police report")
    tab.locator(".subnav").get_by_role("link", name=re.compile("^Messages")).click()
    read = tab.locator("li", has_text=f"{PROSPECT} called").locator(".badge.ok")
    expect(read).to_contain_text("Read ")


def test_7_the_attorney_sees_the_lead_with_its_score_reasons_and_conflict(
    tabs: dict[str, Page], facts: dict, world: dict
) -> None:
    tab = tabs["attorney"]
    tab.locator("nav").get_by_role("link", name="Leads", exact=True).click()
    card = tab.locator(".lead-card", has_text=PROSPECT)
    expect(card.locator(".badge.flag-conflict")).to_have_text("Conflict")
    expect(card.locator(".badge.score")).to_have_text("92")
    both_widths(tab, "13-leads-board")
    card.get_by_role("link", name=PROSPECT).click()
    expect(tab).to_have_url(re.compile(re.escape(facts["lead"]) + "$"))
    expect(tab.locator("h1")).to_have_text(PROSPECT)
    head = tab.locator("hgroup")
    expect(head).to_contain_text("Consult booked")
    expect(head.locator(".badge.score")).to_have_text("Score 92")

    score = tab.locator("section[aria-labelledby=h-score] tbody tr")
    expect(score).to_have_count(5)
    expected = [
        ("Practice area", "25 / 25", "The firm takes Personal injury matters."),
        ("Jurisdiction", "20 / 20", "TX is a state the firm serves."),
        # "This week" is an answer the firm marked urgent: "within a few weeks" becomes high.
        ("Urgency", "12 / 15", re.compile(r"Urgency high: the answer to .* is marked urgent")),
        ("Value", "15 / 20", "A typical Personal injury matter is worth about $25,000."),
        (
            "Completeness",
            "20 / 20",
            "Details given (8); required answers given (6); reachable by email and phone (6).",
        ),
    ]
    for i, (factor, points, why) in enumerate(expected):
        expect(score.nth(i).locator("td[data-label=Factor]")).to_have_text(factor)
        expect(score.nth(i).locator("td[data-label=Points]")).to_have_text(points)
        expect(score.nth(i).locator("td[data-label=Why]")).to_have_text(why)

    prospect = tab.locator("section[aria-labelledby=h-prospect]")
    expect(prospect).to_contain_text(PROSPECT_EMAIL)
    expect(prospect).to_contain_text(PROSPECT_E164)
    expect(prospect).to_contain_text("Spanish")
    answers = tab.locator("section[aria-labelledby=h-answers]")
    expect(answers).to_contain_text("Were you hurt?")
    expect(answers).to_contain_text("This week")

    conflict = tab.locator(".conflict-box")
    expect(conflict).to_contain_text("Flagged for an attorney.")
    hit = conflict.locator("tbody tr")
    expect(hit).to_have_count(1)
    expect(hit.locator("td[data-label='Name given']")).to_have_text(OTHER_PARTY)
    expect(hit.locator("td[data-label=Matches]")).to_have_text(OTHER_PARTY)
    expect(hit.locator("td[data-label=Role]")).to_have_text("adverse")
    expect(hit.locator("td[data-label=Matter]")).to_have_text(world["matter"])

    calls = tab.locator("section[aria-labelledby=h-reception]")
    expect(calls).to_contain_text(f"Initial consultation with {ATTORNEY_NAME}")
    expect(calls).to_contain_text("Message taken: Truck accident, asks about her consultation")
    expect(calls).to_contain_text(RECEPTIONIST_NAME)
    convert = tab.locator("form[action$='/convert/']")
    expect(convert.get_by_role("button", name="Convert")).to_be_disabled()
    both_widths(tab, "14-lead-flagged")


def test_8_the_attorney_clears_the_conflict_and_converts_the_lead(
    tabs: dict[str, Page], facts: dict
) -> None:
    tab = tabs["attorney"]
    tab.get_by_label("Why there is no conflict").fill(
        f"{OTHER_PARTY} is the adverse party in {EARLIER_MATTER} too; Ms. Ruiz is also adverse "
        "to it, so the interests are aligned. No conflict."
    )
    tab.get_by_role("button", name="Clear the flag").click()
    expect(tab.locator(".flash-success")).to_have_text(
        f"The conflict flag on {PROSPECT} is cleared."
    )
    expect(tab.locator(".conflict-box.cleared")).to_contain_text(f"Cleared by {ATTORNEY_NAME}")
    expect(tab.locator("hgroup .badge.flag-cleared")).to_have_text("Conflict cleared")

    convert = tab.locator("form[action$='/convert/']")
    expect(convert.get_by_label("Matter title")).to_have_value(f"{PROSPECT} — Personal injury")
    expect(convert.get_by_label("Jurisdiction")).to_have_value("TX")
    expect(convert.get_by_label("Responsible attorney")).to_have_value(
        re.compile(r"^\d+$")  # the routed attorney, by default
    )
    both_widths(tab, "15-lead-cleared")
    convert.get_by_role("button", name="Convert").click()
    flash = tab.locator(".flash-success")
    expect(flash).to_contain_text(f"Converted: client {PROSPECT}, matter ")
    number = re.search(r"matter (\S+) opened", flash.inner_text())
    assert number, flash.inner_text()
    expect(tab.locator("hgroup")).to_contain_text("Retained")
    expect(tab.locator("form[action$='/convert/']")).to_have_count(0)  # once
    done = tab.locator(".converted-box")
    expect(done).to_contain_text(f"Client {PROSPECT}")
    both_widths(tab, "16-lead-converted")

    done.get_by_role("link", name=re.compile(re.escape(number[1]))).click()
    expect(tab).to_have_url(re.compile(r"/matters/\d+/$"))
    expect(tab.locator("h1")).to_contain_text(f"{PROSPECT} — Personal injury")
    parties = tab.locator("#parties li")
    expect(parties.filter(has_text=PROSPECT)).to_contain_text("Client")
    expect(parties.filter(has_text=OTHER_PARTY)).to_contain_text("Adverse party")
    expect(parties).to_have_count(2)
    both_widths(tab, "17-matter-from-lead")


def test_9_the_attorneys_calendar_app_shows_the_appointment_through_the_feed(
    tabs: dict[str, Page], server: Server, facts: dict
) -> None:
    tab = tabs["attorney"]
    tab.locator("nav").get_by_role("link", name="Booking", exact=True).click()
    tab.locator(".booking-nav").get_by_role("link", name="Availability").click()
    expect(tab.locator("h1")).to_have_text(f"Availability: {ATTORNEY_NAME}")
    expect(tab.get_by_label("Monday")).to_have_value("08:00–20:00")
    expect(tab.get_by_label("Sunday")).to_have_value("08:00–20:00")
    feed_url = tab.locator(".feed-url").inner_text().strip()
    token = re.fullmatch(re.escape(server.base_url) + r"/calendar/([\w-]+)\.ics", feed_url)
    assert token, feed_url
    webcal = tab.get_by_role("button", name="Subscribe (webcal)")
    expect(webcal).to_have_attribute("href", "webcal://" + feed_url.split("://", 1)[1])
    both_widths(tab, "18-availability-feed")

    # The calendar app subscribes: a plain GET of the secret URL, no session.
    status, body = http_get(feed_url, headers={"User-Agent": "Calendar/1.0 (e2e)"})
    assert status == 200, (status, body[:300])
    events = [
        e
        for e in _events(body)
        if str(e["summary"]) == f"Consultation: {PROSPECT} (Initial consultation)"
    ]
    assert len(events) == 1, [str(e["summary"]) for e in _events(body)]
    event = events[0]
    assert event.decoded("dtstart") == facts["starts"], event.decoded("dtstart")
    assert event.decoded("dtend") == facts["starts"] + dt.timedelta(minutes=30)
    assert str(event["status"]) == "CONFIRMED"
    description = str(event["description"])
    assert f"Phone: {PROSPECT_E164}" in description, description
    assert f"Prospect's time zone: {PROSPECT_ZONE}" in description, description
    assert "police report" not in description  # what the prospect told the firm stays in-app

    wrong = "x" * len(token[1])
    status, _ = http_get(server.url(f"/calendar/{wrong}.ics"))
    assert status == 404, status


def test_10_no_console_errors_in_intake(console: ConsoleLog) -> None:
    assert not console.errors, console.errors

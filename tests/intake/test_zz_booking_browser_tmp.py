import mimetypes
from pathlib import Path
from django.contrib.staticfiles import finders
from django.test import Client
from playwright.sync_api import sync_playwright
from tests.intake.matrix_booking import booking_world

def serve_static(route):
    path = route.request.url.split("/static/", 1)[1].split("?")[0]
    found = finders.find(path)
    if not found:
        return route.fulfill(status=404, body="")
    route.fulfill(status=200, body=Path(found).read_bytes(), content_type=mimetypes.guess_type(found)[0] or "text/plain")

def test_browser(live_server, cast, transactional_db):
    w = booking_world(cast)
    base = live_server.url
    c = Client(); c.force_login(cast.attorney)
    sid = c.cookies["sessionid"].value
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        def ctx(**kw):
            c = b.new_context(**kw); c.route("**/static/**", serve_static)
            c.add_cookies([{"name": "sessionid", "value": sid, "url": base}]); return c
        dp = ctx(viewport={"width": 1280, "height": 900}).new_page()
        dp.goto(base + "/booking/availability/")
        dp.screenshot(path="/tmp/booking/shots/6-availability.png", full_page=True)
        dp.goto(base + "/booking/appointments/")
        dp.screenshot(path="/tmp/booking/shots/7-appointments.png", full_page=True)
        dp.goto(base + f"/booking/appointments/new/?type={w['initial']}&day={w['monday']}")
        dp.screenshot(path="/tmp/booking/shots/8-new.png", full_page=True)
        mp = ctx(viewport={"width": 390, "height": 844}).new_page()
        mp.goto(base + "/booking/appointments/")
        mp.screenshot(path="/tmp/booking/shots/7b-appointments-phone.png", full_page=True)
        p2 = b.new_context(viewport={"width": 1280, "height": 900}, timezone_id="America/New_York")
        p2.route("**/static/**", serve_static)
        p2 = p2.new_page()
        p2.goto(base + f"/book/our-firm/?type={w['review']}")
        p2.wait_for_url("**tz=America%2FNew_York**")
        p2.screenshot(path="/tmp/booking/shots/9-desktop-en.png", full_page=True)
        b.close()

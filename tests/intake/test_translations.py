"""The public intake pages are completely translated: the Spanish catalogue has no empty or
fuzzy entry, and every page state rendered in Spanish shows no English from the catalogue."""

from __future__ import annotations

import ast
import html
import re
import time
from pathlib import Path

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

import counselbench.intake
from counselbench.intake.models import IntakeForm, IntakeProfile, IntakeQuestion, Lead

PO = Path(counselbench.intake.__file__).parent / "locale/es/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
# English words of the public pages' chrome that must not show on a Spanish page.
ENGLISH_WORDS = (
    "Continue",
    "Please",
    "Thank you",
    "Send",
    "Phone",
    "Email",
    "Step ",
    "Before you start",
    "required",
    "Language",
    "client of the firm",
    "try again",
)


def catalogue() -> list[dict]:
    """The .po entries: msgid, msgstr, flags."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        found = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if not found:
            continue
        msgid = "".join(ast.literal_eval(s) for s in re.findall(r'".*"', found.group(1)))
        msgstr = "".join(ast.literal_eval(s) for s in re.findall(r'".*"', found.group(2)))
        if msgid:
            entries.append({"msgid": msgid, "msgstr": msgstr, "flags": flags})
    return entries


def test_catalogue_has_no_empty_or_fuzzy_translation():
    entries = catalogue()
    assert entries
    empty = [e["msgid"] for e in entries if not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not empty, f"untranslated: {empty}"
    assert not fuzzy, f"fuzzy (check, then remove the flag): {fuzzy}"


def test_compiled_catalogue_is_newer_than_the_source():
    assert MO.exists(), "run compilemessages"
    assert MO.stat().st_mtime >= PO.stat().st_mtime - 1


def _render_every_state(cast, language: str, name: str) -> dict:
    """Every state of the public pages, rendered in one language by a new visitor."""
    cache.clear()
    IntakeProfile.objects.filter(organization=cast.firm).update(
        enabled=True, submissions_per_hour=1000
    )
    client = Client()
    client.get(f"/intake/our-firm/?lang={language}")
    token = signing.dumps(
        {"s": "our-firm", "t": time.time() - 60}, salt="counselbench.intake.form", compress=False
    )
    good = {"name": name, "practice_area": "family", "ts": token}
    rendered = {
        "notice": client.get("/intake/our-firm/"),
        "step 1": client.get("/intake/our-firm/start/"),
        "step 1 errors": client.post("/intake/our-firm/start/", {**good, "name": ""}),
        "step 1 too fast": client.post("/intake/our-firm/start/", {**good, "ts": "x"}),
        "refused": client.post("/intake/our-firm/start/", {**good, "website": "x"}),
    }
    client.post("/intake/our-firm/start/", good)
    lead = Lead.objects.get(name=name)
    details = f"/intake/our-firm/details/{lead.token}/"
    rendered["step 2"] = client.get(details)
    rendered["step 2 errors"] = client.post(details, {"phone": "1", "email": "x"})
    rendered["step 2 limits"] = client.post(details, {"summary": "x" * 3000, "state": "ZZ"})
    done = client.post(details, {"email": "lucia@example.com", "q_kids": "yes"})
    rendered["thank you"] = client.get(done["Location"])
    IntakeProfile.objects.filter(organization=cast.firm).update(submissions_per_hour=0)
    rendered["429"] = client.post("/intake/our-firm/start/", {**good, "name": "Otra Persona"})
    IntakeProfile.objects.filter(organization=cast.firm).update(enabled=False)
    rendered["closed"] = client.get("/intake/our-firm/")
    return rendered


@pytest.fixture
def intake_form(cast, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.INTAKE_RATE_IP = "1000/h"
    IntakeProfile.objects.get_or_create(organization=cast.firm)
    form = IntakeForm.objects.create(
        organization=cast.firm,
        practice_area="family",
        title_en="Family matters",
        title_es="Asuntos de familia",
    )
    IntakeQuestion.objects.create(
        form=form,
        key="kids",
        kind="yes_no",
        label_en="Children?",
        label_es="¿Hijos?",
        required=True,
    )
    return form


@pytest.fixture
def pages(cast, intake_form):
    """Every state of the public pages, rendered in Spanish."""
    return _render_every_state(cast, "es", "Lucía Pérez")


def _visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<a [^>]*lang="en"[^>]*>.*?</a>', " ", body)  # the language switch
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.django_db
def test_every_public_page_state_is_spanish(pages):
    statuses = {name: r.status_code for name, r in pages.items()}
    assert statuses == {
        "notice": 200,
        "step 1": 200,
        "step 1 errors": 422,
        "step 1 too fast": 400,
        "refused": 400,
        "step 2": 200,
        "step 2 errors": 422,
        "step 2 limits": 422,
        "thank you": 200,
        "429": 429,
        "closed": 404,
    }
    untranslatable = {e["msgid"] for e in catalogue() if e["msgid"] == e["msgstr"]}
    english = [
        e["msgid"]
        for e in catalogue()
        if e["msgid"] not in untranslatable and len(e["msgid"]) > 3 and "%(" not in e["msgid"]
    ]
    for name, response in pages.items():
        body = response.content.decode()
        assert '<html lang="es">' in body, name
        text = _visible_text(body)
        leaked = [m for m in english if m in text]
        assert not leaked, f"{name}: untranslated {leaked}"
        words = [w for w in ENGLISH_WORDS if w in text]
        assert not words, f"{name}: English words {words}"


def _fragments(body: str) -> set[str]:
    """The page's visible text, one piece per element, whitespace folded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<a [^>]*lang="(en|es)"[^>]*>.*?</a>', " ", body)  # the language switch
    pieces = (" ".join(html.unescape(t).split()) for t in re.split(r"<[^>]+>", body))
    return {p for p in pieces if re.search(r"[A-Za-z]{3}", p)}


@pytest.mark.django_db
def test_no_text_shows_the_same_in_english_and_spanish(cast, intake_form):
    """Catches what the catalogue cannot: text never marked for translation. Whatever reads the
    same on the English and the Spanish rendering of a page is untranslated, unless it is a name
    or a number (the firm's, the visitor's, the product's)."""
    english = _render_every_state(cast, "en", "Ana Ruiz")
    spanish = _render_every_state(cast, "es", "Lucía Pérez")
    typed = "x" * 3000  # the over-long summary the visitor typed, shown back to them
    neutral = {cast.firm.name, "Counselbench", "Ana Ruiz", "Lucía Pérez", "Otra Persona", typed}
    for name, response in spanish.items():
        same = _fragments(english[name].content.decode()) & _fragments(response.content.decode())
        same = {t for t in same if not any(n in t for n in neutral) and t not in ("OK",)}
        assert not same, f"{name}: the same in English and Spanish: {sorted(same)}"

"""The one-page summary a partner takes to a meeting: on screen with charts, and as a PDF."""

import contextlib
import re
import zlib
from datetime import date

import pytest

from counselbench.core import pdf
from counselbench.core.charts import horizontal_bars
from counselbench.selfaudit.models import TaskCategory
from counselbench.selfaudit.services import ParticipantInput, create_audit

pytestmark = pytest.mark.django_db

START = date(2026, 11, 9)


@pytest.fixture
def audit(cast):
    audit = create_audit(
        cast.actor("owner"),
        name="Week of Nov 9",
        starts_on=START,
        participants=[
            ParticipantInput(cast.owner.pk, "attorney", 45000),
            ParticipantInput(cast.staff.pk, "paralegal", 4000),
        ],
    )
    categories = {c.key: c.pk for c in TaskCategory.objects.filter(organization=cast.firm)}
    response = cast.client("owner").post(
        f"/api/v1/audits/{audit.pk}/entries",
        {
            "entries": [
                {
                    "user_id": cast.owner.pk,
                    "date": str(START),
                    "minutes": minutes,
                    "description": description,
                    "category_id": categories[key],
                }
                for key, minutes, description in [
                    ("e-filing", 120, "E-file the answer"),
                    ("calendar-scheduling", 60, "Calendar the hearing dates"),
                    ("document-review", 240, "First-pass review of the production"),
                ]
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return audit


def _objects(content: bytes) -> bytes:
    """The PDF's objects with their compressed streams (object streams included) inflated."""
    inflated = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        with contextlib.suppress(zlib.error):  # not Flate (images, fonts in other encodings)
            inflated.append(zlib.decompress(stream))
    return b"\n".join(inflated)


def _pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", _objects(content)))


def test_the_owner_downloads_a_one_page_letter_pdf_named_for_the_audit(cast, audit):
    response = cast.client("owner").get(f"/audits/{audit.pk}/summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="outsourcing-summary-whitfield-moreno-llp-week-of-nov-9.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert _pages(response.content) == 1
    objects = _objects(response.content)
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+612(\.0+)?\s+792(\.0+)?\s*\]", objects)  # Letter
    # The document's title (PDF metadata, a UTF-16 string) names the firm and the audit.
    title = "Outsourcing summary — Whitfield & Moreno LLP — Week of Nov 9"
    assert b"/Title <feff" + title.encode("utf-16-be").hex().encode() + b">" in objects


def test_the_pdf_uses_the_assumptions_in_the_link_and_draws_its_charts_without_script(cast, audit):
    response = cast.client("owner").get(
        f"/audits/{audit.pk}/summary.pdf", {"category": "", "contractor_rate": "20"}
    )
    assert response.status_code == 200
    # The contractor option is priced at the $20/h given, not the market default.
    figures = response.context["figures"]
    assert response.context["roi"].assumptions.contractor_rate_cents == 2000
    assert figures.contractor_cents == round(figures.annual_hours * 2000)
    bars = response.context["hit_chart"].bars
    assert [b.label for b in bars] == [r.category_name for r, _ in response.context["top_rows"]]
    assert bars[0].width == 300  # the largest saving spans the chart
    assert all(0 < b.width <= bars[0].width for b in bars)


def test_the_summary_page_shows_both_charts_and_links_the_pdf_with_the_same_assumptions(
    cast, audit
):
    page = cast.client("owner").get(f"/audits/{audit.pk}/summary/", {"contractor_rate": "20"})
    text = page.content.decode()
    assert text.count('<svg class="bar-chart"') == 2
    assert f'href="/audits/{audit.pk}/summary.pdf?contractor_rate=20"' in text
    assert "Document review" in text and "Start with:" in text
    roi = cast.client("owner").get(f"/audits/{audit.pk}/roi/", {"contractor_rate": "20"})
    assert f'href="/audits/{audit.pk}/summary.pdf?contractor_rate=20"' in roi.content.decode()


def test_without_pango_the_server_says_how_to_get_a_pdf_instead_of_failing(
    cast, audit, monkeypatch
):
    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_html_class", missing)
    response = cast.client("owner").get(f"/audits/{audit.pk}/summary.pdf")
    assert response.status_code == 503
    text = response.content.decode()
    assert "Pango" in text and "Save as PDF" in text


def test_staff_and_other_firms_get_no_pdf(cast, audit):
    assert cast.client("staff").get(f"/audits/{audit.pk}/summary.pdf").status_code == 403
    assert cast.client("outsider").get(f"/audits/{audit.pk}/summary.pdf").status_code == 404


def test_bars_are_scaled_to_the_largest_value_and_never_negative():
    chart = horizontal_bars("t", [("a", 200, "$2"), ("b", 50, "$0.50"), ("c", -10, "none")])
    assert [b.width for b in chart.bars] == [300, 75, 0]
    assert [b.y for b in chart.bars] == [4, 26, 48]
    empty = horizontal_bars("t", [("a", 0, "$0")])
    assert empty.bars[0].width == 0

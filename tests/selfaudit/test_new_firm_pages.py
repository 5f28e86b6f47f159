"""A new firm starts from its own CSV export, in the browser's pages: open an audit, import,
categorize with suggestions, and see the hit list."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from counselbench.selfaudit.models import AuditPeriod, TaskEntry

pytestmark = pytest.mark.django_db

EXPORT = """Date,User,Matter,Description,Duration
11/09/2026,owner@our.example,Acme,E-file the answer in the county portal,1.0
11/09/2026,owner@our.example,Acme,Schedule deposition with court reporter,0:45
11/10/2026,attorney@our.example,Baker,Draft motion to compel discovery,2h
11/10/2026,attorney@our.example,Baker,Lunch,tomorrow
"""


def test_a_new_firm_goes_from_its_csv_export_to_a_priced_hit_list(cast):
    owner = cast.client("owner")
    members = {m.user.email: m.user_id for m in cast.firm.memberships.select_related("user")}
    form = {"name": "Week of Nov 9", "starts_on": "2026-11-09", "ends_on": ""}
    for email, value, level in [
        ("owner@our.example", "450", "attorney"),
        ("attorney@our.example", "300", "attorney"),
    ]:
        form |= {
            f"take_part_{members[email]}": "on",
            f"level_{members[email]}": level,
            f"value_{members[email]}": value,
        }
    response = owner.post("/audits/new/", form)
    audit = AuditPeriod.objects.get(organization=cast.firm)
    assert response["Location"] == f"/audits/{audit.pk}/import/"
    assert (audit.starts_on, audit.ends_on) == (date(2026, 11, 9), date(2026, 11, 15))

    upload = SimpleUploadedFile("clio.csv", EXPORT.encode(), content_type="text/csv")
    preview = owner.post(f"/audits/{audit.pk}/import/", {"file": upload})
    text = preview.content.decode()
    assert "3</strong> ready" in text and "Line 5, duration" in text
    assert not TaskEntry.objects.exists()  # nothing before confirming

    refused = owner.post(f"/audits/{audit.pk}/import/", {"csv": EXPORT, "confirm": "1"})
    assert "nothing was imported" in refused.content.decode()
    assert not TaskEntry.objects.exists()
    done = owner.post(
        f"/audits/{audit.pk}/import/", {"csv": EXPORT, "confirm": "1", "skip_invalid": "on"}
    )
    assert done["Location"] == f"/audits/{audit.pk}/categorize/"
    assert TaskEntry.objects.count() == 3

    page = owner.get(f"/audits/{audit.pk}/categorize/")
    suggested = {e.description: s.category for e, s in page.context["pairs"] if s}
    keys = {c.pk: c.key for c in page.context["categories"]}
    assert keys[suggested["E-file the answer in the county portal"]] == "e-filing"
    choices = {f"category_{e.pk}": s.category for e, s in page.context["pairs"] if s}
    owner.post(f"/audits/{audit.pk}/categorize/", choices)
    assert not TaskEntry.objects.filter(category__isnull=True).exists()

    detail = owner.get(f"/audits/{audit.pk}/").content.decode()
    assert "E-filing" in detail and "How this is computed" in detail


def test_a_file_that_is_not_text_is_refused_clearly(cast):
    from counselbench.selfaudit.services import create_audit

    audit = create_audit(cast.actor("owner"), name="W")
    upload = SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x81\x8d\x90", content_type="text/csv")
    page = cast.client("owner").post(f"/audits/{audit.pk}/import/", {"file": upload})
    assert "The file is not text (CSV)" in page.content.decode()
    assert not TaskEntry.objects.exists()

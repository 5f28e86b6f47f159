"""Editing an audit: name, dates, people and their hourly values, all or nothing (owners)."""

from datetime import date

import pytest

from counselbench.selfaudit.models import AuditPeriod
from counselbench.selfaudit.services import EntryInput, ParticipantInput, add_entries, create_audit

pytestmark = pytest.mark.django_db

START = date(2026, 11, 9)


@pytest.fixture
def audit(cast):
    return create_audit(
        cast.actor("owner"),
        name="Week of Nov 9",
        starts_on=START,
        participants=[ParticipantInput(cast.attorney.pk, "attorney", 30000)],
    )


def _form(audit, **people):
    data = {"name": audit.name, "starts_on": str(audit.starts_on), "ends_on": str(audit.ends_on)}
    for p in audit.participants.all():  # their row is always posted, with its current values
        data |= {f"level_{p.user_id}": p.level, f"value_{p.user_id}": p.hourly_value_cents / 100}
    for user_id, (level, value) in people.items():
        data |= {f"take_part_{user_id}": "on", f"level_{user_id}": level, f"value_{user_id}": value}
    return data


def test_the_owner_adds_a_person_and_corrects_a_value(cast, audit):
    owner = cast.client("owner")
    page = owner.get(f"/audits/{audit.pk}/edit/")
    rows = {row["m"].user_id: row for row in page.context["rows"]}
    assert rows[cast.attorney.pk]["fixed"] and rows[cast.attorney.pk]["value"] == "300.00"
    assert not rows[cast.staff.pk]["checked"]
    data = _form(audit, **{str(cast.staff.pk): ("paralegal", "42.50")})
    data |= {f"level_{cast.attorney.pk}": "attorney", f"value_{cast.attorney.pk}": "325"}
    data["name"] = "First audit"
    response = owner.post(f"/audits/{audit.pk}/edit/", data)
    assert response.status_code == 302
    audit.refresh_from_db()
    values = {p.user_id: p.hourly_value_cents for p in audit.participants.all()}
    assert values == {cast.attorney.pk: 32500, cast.staff.pk: 4250}
    assert audit.name == "First audit"


def test_a_bad_value_or_dates_that_strand_entries_change_nothing(cast, audit):
    add_entries(
        cast.actor("owner"),
        audit_id=audit.pk,
        entries=[EntryInput(cast.attorney.pk, date(2026, 11, 13), 30, "Draft motion")],
    )
    owner = cast.client("owner")
    data = _form(audit, **{str(cast.staff.pk): ("paralegal", "")})
    data["name"] = "Renamed"
    response = owner.post(f"/audits/{audit.pk}/edit/", data)
    assert response.status_code == 422
    assert "Enter an hourly value for" in response.content.decode()

    data = _form(audit, **{str(cast.staff.pk): ("paralegal", "40")})
    data |= {"starts_on": "2026-11-01", "ends_on": "2026-11-07"}
    response = owner.post(f"/audits/{audit.pk}/edit/", data)
    assert response.status_code == 422
    assert "outside the new dates" in response.content.decode(), response.context["errors"]
    audit.refresh_from_db()
    assert audit.name == "Week of Nov 9" and audit.starts_on == START
    assert audit.participants.count() == 1  # the staff member was not added either


def test_only_the_owner_edits_and_other_firms_do_not_find_it(cast, audit):
    for name in ("attorney", "staff"):
        assert cast.client(name).get(f"/audits/{audit.pk}/edit/").status_code == 403
        assert cast.client(name).post(f"/audits/{audit.pk}/edit/", _form(audit)).status_code == 403
    assert cast.client("outsider").get(f"/audits/{audit.pk}/edit/").status_code == 404
    assert AuditPeriod.objects.get(pk=audit.pk).name == "Week of Nov 9"
    detail = cast.client("attorney").get(f"/audits/{audit.pk}/").content.decode()
    assert f"/audits/{audit.pk}/edit/" not in detail
    assert (
        f"/audits/{audit.pk}/edit/"
        in cast.client("owner").get(f"/audits/{audit.pk}/").content.decode()
    )

"""CSV import of a time export: happy path, every error path, and atomicity."""

from datetime import date

import pytest

from counselbench.selfaudit.models import TaskEntry
from counselbench.selfaudit.services import ParticipantInput, create_audit

pytestmark = pytest.mark.django_db

CLIO = """Date,User,Matter,Description,Duration
11/09/2026,attorney@our.example,00123-Acme,Draft motion to compel,1.5
11/09/2026,{owner},00123-Acme,Client strategy call,1:30
11/10/2026,attorney@our.example,00124-Baker,E-file answer,20m
"""


@pytest.fixture
def audit(cast):
    return create_audit(
        cast.actor("owner"),
        name="Week",
        starts_on=date(2026, 11, 9),
        participants=[
            ParticipantInput(cast.owner.pk, "attorney", 45000),
            ParticipantInput(cast.attorney.pk, "attorney", 30000),
            ParticipantInput(cast.staff.pk, "paralegal", 4000),
        ],
    )


def _import(client, audit, text, **options):
    return client.post(
        f"/api/v1/audits/{audit.pk}/import",
        {"csv": text, **options},
        content_type="application/json",
    )


def _clio(cast):
    return CLIO.format(owner=cast.owner.full_name)  # people by email or by full name


def test_a_clio_export_previews_with_no_mapping_and_imports_on_confirm(cast, audit):
    owner = cast.client("owner")
    preview = _import(owner, audit, _clio(cast)).json()
    assert preview["mapping"] == {
        "date": "Date",
        "user": "User",
        "description": "Description",
        "duration": "Duration",
    }
    assert (preview["total_rows"], preview["valid_rows"], preview["errors"]) == (3, 3, [])
    assert [r["minutes"] for r in preview["sample"]] == [90, 90, 20]
    assert preview["imported"] == 0 and not TaskEntry.objects.exists()  # nothing until confirmed

    done = _import(owner, audit, _clio(cast), confirm=True).json()
    assert done["imported"] == 3
    assert sorted(TaskEntry.objects.values_list("minutes", flat=True)) == [20, 90, 90]


def test_a_category_column_is_matched_by_name_or_key(cast, audit):
    text = (
        "Date,User,Description,Duration,Category\n"
        '2026-11-09,attorney@our.example,Draft NDA,1,"Drafting (agreements, motions, memos, '
        'briefs)"\n'
        "2026-11-09,attorney@our.example,Docket,0.5,calendar-scheduling\n"
        "2026-11-09,attorney@our.example,Misc,0.5,Something else\n"
    )
    done = _import(cast.client("owner"), audit, text, confirm=True).json()
    assert done["imported"] == 3 and done["uncategorized_rows"] == 1
    keys = {
        e.description: e.category.key if e.category else None
        for e in TaskEntry.objects.select_related("category")
    }
    assert keys == {"Draft NDA": "drafting", "Docket": "calendar-scheduling", "Misc": None}


BAD = """Date,User,Description,Duration
2026-11-09,attorney@our.example,Fine row,1
2026-13-40,attorney@our.example,Bad date,1
2026-11-09,nobody@nowhere.example,Unknown person,1
2026-11-09,attorney@our.example,Bad duration,an hour
2026-11-20,attorney@our.example,Outside the week,1
2026-11-09,attorney@our.example,Too long,25:00
2026-11-10,attorney@our.example,,1
"""


def test_every_bad_row_is_reported_with_its_line_and_reason(cast, audit):
    preview = _import(cast.client("owner"), audit, BAD).json()
    found = sorted((e["row"], e["field"]) for e in preview["errors"])
    assert found == [
        (3, "date"),
        (4, "user"),
        (5, "duration"),
        (6, "date"),
        (7, "minutes"),
        (8, "description"),
    ]
    assert preview["valid_rows"] == 1


def test_a_file_with_errors_imports_nothing_unless_told_to_skip_them(cast, audit):
    owner = cast.client("owner")
    refused = _import(owner, audit, BAD, confirm=True)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "import_rows_invalid" and "nothing was imported" in error["message"]
    assert "rows.3.date" in {f["path"] for f in error["fields"]}
    assert not TaskEntry.objects.exists()

    skipped = _import(owner, audit, BAD, confirm=True, skip_invalid=True).json()
    assert skipped["imported"] == 1
    assert list(TaskEntry.objects.values_list("description", flat=True)) == ["Fine row"]


def test_rows_of_one_file_count_together_against_24_hours(cast, audit):
    text = (
        "Date,User,Description,Duration\n"
        "2026-11-09,attorney@our.example,Long day,14\n"
        "2026-11-09,attorney@our.example,Longer,11\n"
    )
    preview = _import(cast.client("owner"), audit, text).json()
    assert [(e["row"], e["field"]) for e in preview["errors"]] == [(3, "minutes")]


def test_an_export_with_other_headers_is_mapped_by_the_user(cast, audit):
    text = "When,Who,Length,What\n2026-11-09,attorney@our.example,2,Research memo\n"
    owner = cast.client("owner")
    unmapped = _import(owner, audit, text).json()
    assert unmapped["missing"] == ["date", "user", "duration", "description"]
    refused = _import(owner, audit, text, confirm=True)
    assert refused.status_code == 422
    assert {f["path"] for f in refused.json()["error"]["fields"]} == {
        "mapping.date",
        "mapping.user",
        "mapping.duration",
        "mapping.description",
    }
    mapping = {"date": "When", "user": "Who", "duration": "Length", "description": "What"}
    assert _import(owner, audit, text, mapping=mapping, confirm=True).json()["imported"] == 1


@pytest.mark.parametrize(
    ("text", "mapping"),
    [
        ("   ", None),
        ("Date,User,Description,Duration\n", {"date": "Nope"}),
    ],
)
def test_unreadable_files_are_refused(cast, audit, text, mapping):
    response = _import(cast.client("owner"), audit, text, mapping=mapping)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "csv"


def test_staff_import_only_their_own_time(cast, audit):
    response = _import(cast.client("staff"), audit, _clio(cast), confirm=True)
    assert response.status_code == 422
    assert not TaskEntry.objects.exists()


def _large_export(cast, size=3_000_000):
    """A valid export past Django's default 2.5 MB request-body limit: long Matter cells."""
    padding = "x" * 100_000  # under the csv module's 128 KiB field limit
    rows = [
        f"11/{9 + i % 7}/2026,attorney@our.example,{padding},Review batch {i},0:05"
        for i in range(size // len(padding) + 1)
    ]
    return "Date,User,Matter,Description,Duration\n" + "\n".join(rows) + "\n"


def test_a_large_export_is_confirmed_through_the_api_and_the_page(cast, audit):
    # Regression: the confirmation posts the file's text back; past 2.5 MB Django refused it
    # with a bare 400 before the import ever saw it.
    text = _large_export(cast)
    assert len(text) > 2_621_440
    done = _import(cast.client("owner"), audit, text, confirm=True)
    assert done.status_code == 200, done.content[:200]
    count = done.json()["imported"]
    assert count == TaskEntry.objects.count() > 0
    TaskEntry.objects.all().delete()
    page = cast.client("owner").post(f"/audits/{audit.pk}/import/", {"csv": text, "confirm": "1"})
    assert page.status_code == 302
    assert TaskEntry.objects.count() == count

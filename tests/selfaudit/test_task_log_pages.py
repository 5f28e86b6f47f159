"""The task log in the browser: the entry grid (all rows or none, each error on its own cell),
each person's week, and correcting or deleting an entry."""

from datetime import date

import pytest

from counselbench.selfaudit.models import TaskCategory, TaskEntry
from counselbench.selfaudit.services import EntryInput, ParticipantInput, add_entries, create_audit

pytestmark = pytest.mark.django_db

START = date(2026, 11, 9)  # a Monday


@pytest.fixture
def audit(cast):
    return create_audit(
        cast.actor("owner"),
        name="Week of Nov 9",
        starts_on=START,
        participants=[
            ParticipantInput(cast.owner.pk, "attorney", 45000),
            ParticipantInput(cast.attorney.pk, "attorney", 30000),
            ParticipantInput(cast.staff.pk, "paralegal", 4000),
        ],
    )


def _grid(*rows, total=None):
    """The POST of a grid: rows as dicts (person, date, duration, description, category)."""
    data = {
        "form-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"form-{index}-{name}"] = value
    return data


def _row(user, duration="1:30", description="Draft motion to compel", day=START, category=""):
    return {
        "person": str(user.pk),
        "date": day.isoformat(),
        "duration": duration,
        "description": description,
        "category": str(category),
    }


def _efiling(cast):
    return TaskCategory.objects.get(organization=cast.firm, key="e-filing")


def test_the_grid_saves_every_filled_row_and_ignores_blank_ones(cast, audit):
    efiling = _efiling(cast)
    blank = {"person": str(cast.owner.pk), "date": START.isoformat()}  # pre-filled, nothing typed
    owner = cast.client("owner")
    response = owner.post(
        f"/audits/{audit.pk}/log/",
        _grid(
            _row(cast.owner, "1:30", "E-file the answer", category=efiling.pk),
            blank,
            _row(cast.attorney, "90m", "Schedule the deposition", day=date(2026, 11, 10)),
            _row(cast.attorney, "0.25", "Calendar the hearing", day=date(2026, 11, 10)),
        ),
    )
    assert response.status_code == 302
    # The fresh grid starts with the last row's person and day.
    assert (
        response["Location"] == f"/audits/{audit.pk}/log/?person={cast.attorney.pk}&date=2026-11-10"
    )
    saved = {
        (e.participant.user_id, e.minutes, e.description, e.category_id)
        for e in TaskEntry.objects.select_related("participant")
    }
    assert saved == {
        (cast.owner.pk, 90, "E-file the answer", efiling.pk),
        (cast.attorney.pk, 90, "Schedule the deposition", None),
        (cast.attorney.pk, 15, "Calendar the hearing", None),
    }
    page = owner.get(response["Location"]).content.decode()
    assert "Saved 3 entries (3.25 h). 2 without a category" in page
    assert f'value="{cast.attorney.pk}" selected' in page and 'value="2026-11-10"' in page


def test_a_grid_with_nothing_filled_in_says_so_and_saves_nothing(cast, audit):
    blank = {"person": str(cast.owner.pk), "date": START.isoformat()}
    response = cast.client("owner").post(f"/audits/{audit.pk}/log/", _grid(blank, blank))
    assert response.status_code == 422
    assert "Fill in at least one row." in response.content.decode()
    assert not TaskEntry.objects.exists()


def test_an_unreadable_duration_is_shown_on_its_cell_and_nothing_is_saved(cast, audit):
    response = cast.client("owner").post(
        f"/audits/{audit.pk}/log/",
        _grid(_row(cast.owner, "1:30"), _row(cast.owner, "an hour", "Research venue")),
    )
    assert response.status_code == 422
    forms = response.context["formset"].forms
    assert not forms[0].errors
    assert "is not a duration" in forms[1].errors["duration"][0]
    assert not TaskEntry.objects.exists()
    # The user's rows come back as typed, to fix and save again.
    assert 'value="an hour"' in response.content.decode()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"day": date(2026, 11, 16)},
            "date",
            "The date must be between 2026-11-09 and 2026-11-15.",
        ),
        ({"duration": "0"}, "duration", "Minutes must be positive."),
        ({"duration": "25h"}, "duration", "No entry is longer than 24 hours."),
        ({"description": "   "}, "description", "This field is required."),
    ],
)
def test_each_rule_names_the_row_and_cell_it_is_about(cast, audit, row, field, message):
    response = cast.client("owner").post(
        f"/audits/{audit.pk}/log/",
        _grid(_row(cast.owner, "1:00", "Fine row"), _row(cast.owner, **row)),
    )
    assert response.status_code == 422
    forms = response.context["formset"].forms
    assert message in forms[1].errors[field]
    assert not forms[0].errors
    assert not TaskEntry.objects.exists()


def test_more_than_a_day_across_rows_is_refused_on_the_row_that_tips_it(cast, audit):
    response = cast.client("owner").post(
        f"/audits/{audit.pk}/log/",
        _grid(_row(cast.owner, "20h", "Trial prep"), _row(cast.owner, "5h", "More trial prep")),
    )
    assert response.status_code == 422
    forms = response.context["formset"].forms
    assert "more than 24 hours in a day" in forms[1].errors["duration"][0]
    assert "nothing was saved" in response.content.decode()
    assert not TaskEntry.objects.exists()


def test_staff_log_only_their_own_time(cast, audit):
    page = cast.client("staff").get(f"/audits/{audit.pk}/log/")
    assert page.context["formset"].forms[0].fields["person"].choices == [
        (cast.staff.pk, cast.staff.display_name)
    ]
    refused = cast.client("staff").post(
        f"/audits/{audit.pk}/log/", _grid(_row(cast.attorney, "1:00", "Not mine"))
    )
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()
    assert not TaskEntry.objects.exists()
    ok = cast.client("staff").post(
        f"/audits/{audit.pk}/log/", _grid(_row(cast.staff, "1:00", "Bates-stamp production"))
    )
    assert ok.status_code == 302
    assert TaskEntry.objects.get().participant.user == cast.staff


def test_someone_not_taking_part_is_told_so(cast):
    audit = create_audit(
        cast.actor("owner"),
        name="Owner only",
        starts_on=START,
        participants=[ParticipantInput(cast.owner.pk, "attorney", 45000)],
    )
    page = cast.client("staff").get(f"/audits/{audit.pk}/log/")
    assert page.status_code == 200
    assert "You are not taking part in this audit" in page.content.decode()


def _log(cast, audit, who, *items):
    return add_entries(
        cast.actor("owner"),
        audit_id=audit.pk,
        entries=[EntryInput(who.pk, day, minutes, text, cat) for day, minutes, text, cat in items],
    )


def test_the_week_shows_hours_by_category_and_day_with_totals(cast, audit):
    efiling = _efiling(cast)
    _log(
        cast,
        audit,
        cast.attorney,
        (START, 30, "E-file the answer", efiling.pk),
        (START, 45, "E-file the exhibits", efiling.pk),
        (date(2026, 11, 11), 90, "Something new", None),
    )
    _log(cast, audit, cast.owner, (START, 600, "Owner's own day", None))
    page = cast.client("owner").get(f"/audits/{audit.pk}/week/?person={cast.attorney.pk}")
    assert page.status_code == 200
    rows = {name: (minutes, total) for name, minutes, total in page.context["rows"]}
    assert rows == {
        "E-filing": ([75, 0, 0, 0, 0, 0, 0], 75),
        "Uncategorized": ([0, 0, 90, 0, 0, 0, 0], 90),
    }
    assert page.context["day_totals"] == [75, 0, 90, 0, 0, 0, 0]
    text = page.content.decode()
    assert "<strong>2:45</strong>" in text  # the week's total, as h:mm
    assert "Owner's own day" not in text


def test_a_week_outside_the_period_shows_the_nearest_week_of_it(cast, audit):
    page = cast.client("owner").get(f"/audits/{audit.pk}/week/?week=2030-01-01")
    assert page.context["days"][0] == (START, True)
    assert page.context["previous_week"] is None and page.context["next_week"] is None


def test_staff_see_only_their_own_week(cast, audit):
    _log(cast, audit, cast.attorney, (START, 30, "Attorney's work", None))
    _log(cast, audit, cast.staff, (START, 30, "Staff work", None))
    mine = cast.client("staff").get(f"/audits/{audit.pk}/week/")
    assert [p.user_id for p in mine.context["people"]] == [cast.staff.pk]
    assert "Staff work" in mine.content.decode()
    assert "Attorney's work" not in mine.content.decode()
    other = cast.client("staff").get(f"/audits/{audit.pk}/week/?person={cast.attorney.pk}")
    assert other.status_code == 404


def test_the_week_costs_the_same_queries_however_many_entries(
    cast, audit, django_assert_max_num_queries
):
    efiling = _efiling(cast)
    _log(cast, audit, cast.attorney, *[(START, 5, f"Task {i}", efiling.pk) for i in range(3)])
    client = cast.client("owner")
    url = f"/audits/{audit.pk}/week/?person={cast.attorney.pk}"
    client.get(url)  # warm the session
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    _log(cast, audit, cast.attorney, *[(START, 5, f"More {i}", efiling.pk) for i in range(40)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_an_entry_is_corrected_from_the_week(cast, audit):
    (entry,) = _log(cast, audit, cast.attorney, (START, 30, "E-fle answer", None))
    efiling = _efiling(cast)
    prefix = f"e{entry.pk}"
    response = cast.client("attorney").post(
        f"/audits/{audit.pk}/entries/{entry.pk}/",
        {
            f"{prefix}-date": "2026-11-10",
            f"{prefix}-duration": "1h 15m",
            f"{prefix}-description": "E-file the answer",
            f"{prefix}-category": str(efiling.pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"week=2026-11-10#entry-{entry.pk}")
    entry.refresh_from_db()
    assert (entry.date, entry.minutes, entry.description, entry.category_id) == (
        date(2026, 11, 10),
        75,
        "E-file the answer",
        efiling.pk,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration": "soon"}, "Time: “soon” is not a duration"),
        ({"date": "2026-12-01"}, "The date must be between"),
    ],
)
def test_a_bad_correction_is_explained_and_changes_nothing(cast, audit, changes, message):
    (entry,) = _log(cast, audit, cast.attorney, (START, 30, "Draft motion", None))
    prefix = f"e{entry.pk}"
    data = {
        f"{prefix}-date": "2026-11-09",
        f"{prefix}-duration": "0:30",
        f"{prefix}-description": "Draft motion",
        f"{prefix}-category": "",
    }
    data.update({f"{prefix}-{k}": v for k, v in changes.items()})
    client = cast.client("attorney")
    response = client.post(f"/audits/{audit.pk}/entries/{entry.pk}/", data, follow=True)
    assert message in response.content.decode()
    entry.refresh_from_db()
    assert (entry.date, entry.minutes) == (START, 30)


def test_entries_are_deleted_from_the_week_and_staff_cannot_touch_others(cast, audit):
    (attorneys,) = _log(cast, audit, cast.attorney, (START, 30, "Draft motion", None))
    (staffs,) = _log(cast, audit, cast.staff, (START, 30, "Index binder", None))
    assert (
        cast.client("staff").post(f"/audits/{audit.pk}/entries/{attorneys.pk}/delete/").status_code
        == 404
    )
    assert TaskEntry.objects.filter(pk=attorneys.pk).exists()
    response = cast.client("staff").post(f"/audits/{audit.pk}/entries/{staffs.pk}/delete/")
    assert response.status_code == 302
    assert not TaskEntry.objects.filter(pk=staffs.pk).exists()

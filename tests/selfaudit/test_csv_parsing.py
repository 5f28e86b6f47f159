"""Reading time exports: durations, dates, column mapping (no database)."""

import pytest

from counselbench.selfaudit.csv_import import (
    ImportError_,
    auto_mapping,
    parse_date,
    parse_duration,
    read_csv,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1.5", 90),
        ("1:30", 90),
        ("90m", 90),
        ("90 min", 90),
        ("2h", 120),
        ("1h 30m", 90),
        ("0.25", 15),
        ("0:05", 5),
        ("1.0", 60),
        ("  45m ", 45),
    ],
)
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "1:75", "h", "NaN", "one hour"])
def test_bad_durations_say_why(text):
    with pytest.raises(ValueError):  # noqa: PT011
        parse_duration(text)


def test_dates_in_the_usual_formats():
    assert {
        parse_date(t).isoformat()
        for t in ("2026-11-09", "11/09/2026", "11/9/26", "09-Nov-2026", "Nov 09, 2026")
    } == {"2026-11-09"}
    with pytest.raises(ValueError, match="not a date"):
        parse_date("31/31/2026")


def test_a_clio_export_maps_itself():
    assert auto_mapping(["Date", "User", "Matter", "Description", "Duration"]) == {
        "date": "Date",
        "user": "User",
        "description": "Description",
        "duration": "Duration",
    }


def test_reading_with_a_bom_semicolons_and_blank_lines():
    parsed = read_csv("\ufeffDate;User;Duration;Notes\n2026-11-09;Dana;1:30;Call\n;;;\n")
    assert parsed.headers == ["Date", "User", "Duration", "Notes"]
    assert parsed.rows == [
        {"Date": "2026-11-09", "User": "Dana", "Duration": "1:30", "Notes": "Call"}
    ]
    assert parsed.missing == []


def test_an_unmapped_export_says_which_fields_are_missing():
    parsed = read_csv("When,Who,Length,What\n2026-11-09,Dana,1,Call\n")
    assert parsed.missing == ["date", "user", "duration", "description"]
    mapped = read_csv(
        "When,Who,Length,What\n",
        {"date": "When", "user": "Who", "duration": "Length", "description": "What"},
    )
    assert mapped.missing == []


@pytest.mark.parametrize(
    ("text", "mapping", "message"),
    [
        ("", None, "empty"),
        ("Date,User\n", {"date": "Nope"}, "No column named 'Nope'"),
    ],
)
def test_unreadable_files(text, mapping, message):
    with pytest.raises(ImportError_, match=message):
        read_csv(text, mapping)


def test_a_file_with_nul_bytes_is_refused_as_not_csv():
    with pytest.raises(ImportError_, match="NUL bytes"):
        read_csv("Date,User\x00,Duration\n")

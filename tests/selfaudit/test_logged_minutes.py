"""The task log's running totals always equal the sum of its entries, whatever the sequence of
adds, corrections, deletions, imports and refusals; the hit list reads them."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counselbench.core.errors import DomainError
from counselbench.selfaudit.models import LoggedMinutes, TaskCategory, TaskEntry
from counselbench.selfaudit.services import (
    EntryInput,
    ParticipantInput,
    add_entries,
    create_audit,
    delete_entry,
    hit_list,
    import_csv,
    update_entry,
)
from counselbench.selfaudit.services import totals as running_totals

pytestmark = pytest.mark.django_db

START = date(2026, 11, 9)
KEYS = [None, "e-filing", "drafting", "legal-research", "calendar-scheduling"]


@pytest.fixture
def audit(cast):
    return create_audit(
        cast.actor("owner"),
        name="Week",
        starts_on=START,
        participants=[
            ParticipantInput(cast.owner.pk, "attorney", 45000),
            ParticipantInput(cast.attorney.pk, "attorney", 30000),
            ParticipantInput(cast.staff.pk, "paralegal", 4000),
        ],
    )


def _from_entries(audit) -> Counter:
    totals = Counter()
    for entry in TaskEntry.objects.filter(audit=audit):
        totals[(entry.participant_id, entry.category_id)] += entry.minutes
    return totals


def _stored(audit) -> Counter:
    return Counter(
        {
            (row.participant_id, row.category_id): row.minutes
            for row in LoggedMinutes.objects.filter(audit=audit)
        }
    )


add = st.tuples(
    st.just("add"),
    st.lists(
        st.tuples(
            st.sampled_from(["owner", "attorney", "staff"]),
            st.integers(0, 7),  # day 7 is outside the period: the whole batch is refused
            st.integers(-5, 900),  # non-positive or too long: refused
            st.sampled_from(KEYS),
        ),
        min_size=1,
        max_size=4,
    ),
)
change = st.tuples(
    st.just("change"),
    st.integers(0, 50),
    st.one_of(st.none(), st.integers(1, 600)),
    st.sampled_from([*KEYS, "keep"]),
)
delete = st.tuples(st.just("delete"), st.integers(0, 50))
upload = st.tuples(
    st.just("import"),
    st.lists(st.tuples(st.integers(0, 6), st.integers(1, 300)), min_size=1, max_size=3),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(st.one_of(add, change, delete, upload), min_size=1, max_size=8))
def test_totals_equal_the_sum_of_the_entries_after_any_sequence(cast, audit, operations):
    owner = cast.actor("owner")
    categories = {
        c.key: c.pk for c in TaskCategory.objects.filter(organization=cast.firm, key__in=KEYS)
    }
    for operation in operations:
        entries = list(TaskEntry.objects.filter(audit=audit).order_by("pk"))
        try:
            if operation[0] == "add":
                add_entries(
                    owner,
                    audit_id=audit.pk,
                    entries=[
                        EntryInput(
                            getattr(cast, who).pk,
                            START + timedelta(days=day),
                            minutes,
                            "Task",
                            categories.get(key),
                        )
                        for who, day, minutes, key in operation[1]
                    ],
                )
            elif operation[0] == "change" and entries:
                _, index, minutes, key = operation
                changes = {} if minutes is None else {"minutes": minutes}
                if key != "keep":
                    changes["category_id"] = categories.get(key)
                update_entry(
                    owner,
                    audit_id=audit.pk,
                    entry_id=entries[index % len(entries)].pk,
                    changes=changes,
                )
            elif operation[0] == "delete" and entries:
                delete_entry(
                    owner, audit_id=audit.pk, entry_id=entries[operation[1] % len(entries)].pk
                )
            elif operation[0] == "import":
                rows = "".join(
                    f"{(START + timedelta(days=day)).isoformat()},{cast.staff.email},Filed,{m}m\n"
                    for day, m in operation[1]
                )
                import_csv(
                    owner, audit_id=audit.pk, csv_text="Date,User,Description,Duration\n" + rows
                )
        except DomainError:
            pass  # a refusal changes nothing, totals included
        assert _stored(audit) == _from_entries(audit), operation


def test_the_hit_list_reads_the_totals(cast, audit):
    drafting = TaskCategory.objects.get(organization=cast.firm, key="drafting")
    add_entries(
        cast.actor("owner"),
        audit_id=audit.pk,
        entries=[
            EntryInput(cast.attorney.pk, START, 90, "Draft motion", drafting.pk),
            EntryInput(cast.attorney.pk, START, 30, "Draft letter", drafting.pk),
            EntryInput(cast.attorney.pk, START, 45, "Something", None),
        ],
    )
    result = hit_list(cast.actor("owner"), audit_id=audit.pk)
    (row,) = result.rows
    assert (row.category_name, row.minutes, result.uncategorized_minutes) == (
        "Drafting (agreements, motions, memos, briefs)",
        120,
        45,
    )


def test_rebuilding_recomputes_totals_from_the_entries(cast, audit):
    add_entries(
        cast.actor("owner"),
        audit_id=audit.pk,
        entries=[EntryInput(cast.attorney.pk, START, 90, "Draft motion", None)],
    )
    LoggedMinutes.objects.filter(audit=audit).delete()  # e.g. entries loaded in bulk
    running_totals.rebuild(audit.pk)
    assert (
        _stored(audit)
        == _from_entries(audit)
        == Counter({(audit.participants.get(user=cast.attorney).pk, None): 90})
    )

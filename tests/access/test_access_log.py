"""The access log is append-only and tamper-evident."""

import pytest
from django.db import DatabaseError, connection, transaction

from counselbench.access import log
from counselbench.access.models import GENESIS_HASH, AccessLogEntry
from counselbench.cli import main as cli

pytestmark = pytest.mark.django_db

TABLE = AccessLogEntry._meta.db_table


def _write_three(user):
    return [
        log.record(action, actor=user, object_type="test", object_id=i)
        for i, action in enumerate(["auth.signed_in", "token.created", "auth.signed_out"])
    ]


def _drop_triggers():
    """What an attacker with database access would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER access_log_no_update")
            cursor.execute("DROP TRIGGER access_log_no_delete")


def test_entries_chain_each_to_the_previous_by_hash(cast):
    first, second, third = _write_three(cast.owner)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    report = log.verify_chain()
    assert report.ok and report.checked == 3 and report.head_hash == third.entry_hash


def test_an_entry_records_actor_organization_object_ip_and_user_agent(cast, rf):
    request = rf.get("/", HTTP_USER_AGENT="Mozilla/5.0 Test", REMOTE_ADDR="203.0.113.9")
    entry = log.record("document.viewed", actor=cast.actor("owner"), obj=cast.firm, request=request)
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_email) == (cast.owner.pk, "owner@our.example")
    assert entry.organization_id == cast.firm.pk
    assert (entry.object_type, entry.object_id) == ("organizations.organization", str(cast.firm.pk))
    assert (entry.ip, entry.user_agent) == ("203.0.113.9", "Mozilla/5.0 Test")
    assert entry.created_at.tzinfo is not None


def test_the_database_refuses_update(cast):
    entry = _write_three(cast.owner)[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(action="nothing.to.see")
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "token.created"


def test_the_database_refuses_delete(cast):
    _write_three(cast.owner)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(seq=2).delete()
    assert AccessLogEntry.objects.count() == 3


def test_changing_one_byte_of_a_stored_entry_is_detected_and_named(cast, capsys):
    _write_three(cast.owner)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET actor_email = %s WHERE seq = 2", ["owner@our.examplf"]
        )  # one byte: e → f
    report = log.verify_chain()
    assert not report.ok
    assert report.first_bad_seq == 2
    assert "altered" in report.reason
    assert report.checked == 1

    assert cli(["verify-log"]) == 1
    out = capsys.readouterr().out
    assert "TAMPERED" in out and "#2" in out


def test_a_removed_entry_is_detected(cast):
    _write_three(cast.owner)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 2")
    report = log.verify_chain()
    assert not report.ok and report.first_bad_seq == 2 and "missing" in report.reason


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(cast):
    """Recomputing the altered entry's own hash is not enough: its successor still points at
    the old hash."""
    _write_three(cast.owner)
    _drop_triggers()
    entry = AccessLogEntry.objects.get(seq=2)
    entry.actor_email = "someone.else@our.example"
    new_hash = log.compute_hash(entry)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET actor_email = %s, entry_hash = %s WHERE seq = 2",
            [entry.actor_email, new_hash],
        )
    report = log.verify_chain()
    assert not report.ok and report.first_bad_seq == 3


def test_verify_log_reports_an_intact_chain(cast, capsys):
    _write_three(cast.owner)
    assert cli(["verify-log"]) == 0
    assert "OK: 3 entries" in capsys.readouterr().out

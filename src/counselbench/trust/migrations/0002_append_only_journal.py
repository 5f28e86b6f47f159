"""The database itself refuses UPDATE and DELETE of trust journal entries (SQLite and PostgreSQL):
a mistake is corrected by a reversing entry, never by an edit (ABA Model Rule 1.15)."""

from django.db import migrations

TABLE = "trust_trusttransaction"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER trust_journal_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'trust journal is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER trust_journal_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'trust journal is append-only: DELETE refused'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS trust_journal_no_update;",
    "DROP TRIGGER IF EXISTS trust_journal_no_delete;",
]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION trust_journal_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'trust journal is append-only: % refused', TG_OP
           USING ERRCODE = 'insufficient_privilege';
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER trust_journal_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION trust_journal_refuse_change();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS trust_journal_no_update_delete ON {TABLE};",
    "DROP FUNCTION IF EXISTS trust_journal_refuse_change();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("trust", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]

"""The database itself refuses UPDATE and DELETE on the access log (SQLite and PostgreSQL)."""

from django.db import migrations

TABLE = "access_accesslogentry"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER access_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: DELETE refused'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'access log is append-only: % refused', TG_OP
           USING ERRCODE = 'insufficient_privilege';
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER access_log_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();""",
    f"""CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS access_log_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS access_log_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS access_log_refuse_change();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]

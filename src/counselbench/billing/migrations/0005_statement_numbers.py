"""Statements are numbered per firm (ST-00001, ...) like invoices, instead of by database id;
existing statements are numbered in the order they were issued."""

from django.db import migrations, models


def number_existing(apps, schema_editor):
    Statement = apps.get_model("billing", "ContractorStatement")
    Sequence = apps.get_model("billing", "NumberSequence")
    counts: dict[int, int] = {}
    for statement in Statement.objects.order_by("organization_id", "issued_at", "pk"):
        counts[statement.organization_id] = counts.get(statement.organization_id, 0) + 1
        statement.number = f"ST-{counts[statement.organization_id]:05d}"
        statement.save(update_fields=["number"])
    for organization_id, count in counts.items():
        Sequence.objects.update_or_create(
            organization_id=organization_id,
            kind="statement",
            defaults={"prefix": "ST-", "next_value": count + 1},
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_payments_and_trust_links")]

    operations = [
        migrations.AddField(
            model_name="contractorstatement",
            name="number",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contractorstatement",
            constraint=models.UniqueConstraint(
                fields=("organization", "number"), name="statement_number_unique"
            ),
        ),
    ]

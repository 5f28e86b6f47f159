"""The daily message summary is claimed per firm, person and day (it was per person and day, so
someone working for two firms got only one firm's summary). First the firm of each past claim;
0004 then requires it (apart: PostgreSQL does not alter a table with row updates pending)."""

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models


def fill_firm(apps, schema_editor):
    """Each past claim belongs to the firm whose messages it summed up: the firm of one of the
    recipient's messages of that day (a day either side for the firm's time zone). A claim with
    no such message can only stop a summary that has nothing to list: it is dropped."""
    digest_model = apps.get_model("intake", "MessageDigest")
    message_model = apps.get_model("intake", "Message")
    for digest in digest_model.objects.filter(organization__isnull=True).iterator():
        firm_id = (
            message_model.objects.filter(
                recipient_id=digest.recipient_id,
                created_at__date__gte=digest.day - timedelta(days=1),
                created_at__date__lte=digest.day + timedelta(days=1),
            )
            .order_by("created_at")
            .values_list("organization_id", flat=True)
            .first()
        )
        if firm_id is None:
            digest.delete()
        else:
            digest.organization_id = firm_id
            digest.save(update_fields=["organization"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_lead_duplicate_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="messagedigest",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
            ),
        ),
        migrations.RunPython(fill_firm, migrations.RunPython.noop, elidable=True),
    ]

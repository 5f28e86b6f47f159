"""The daily message summary's firm is required, and a summary is claimed once per firm, person
and day (see 0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_digest_per_firm"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagedigest",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="messagedigest",
            name="one_digest_per_day",
        ),
        migrations.AddConstraint(
            model_name="messagedigest",
            constraint=models.UniqueConstraint(
                fields=("organization", "recipient", "day"), name="one_digest_per_firm_day"
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0002_insights_task_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["id", "category"], name="task_category_lookup"),
        ),
    ]

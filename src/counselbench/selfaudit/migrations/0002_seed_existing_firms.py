"""Give firms created before the self-audit existed their taxonomy and market rates."""

from django.db import migrations

from counselbench.selfaudit.taxonomy import DEFAULT_MARKET_RATES, SHIPPED_CATEGORIES


def seed(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    TaskCategory = apps.get_model("selfaudit", "TaskCategory")
    MarketRate = apps.get_model("selfaudit", "MarketRate")
    for org in Organization.objects.exclude(kind="provider"):
        TaskCategory.objects.bulk_create(
            [
                TaskCategory(organization=org, key=k, name=n, level=lv, description=d, examples=e)
                for k, n, lv, d, e in SHIPPED_CATEGORIES
            ],
            ignore_conflicts=True,
        )
        MarketRate.objects.bulk_create(
            [
                MarketRate(organization=org, level=lv, hourly_rate_cents=c, source=src)
                for lv, c, src in DEFAULT_MARKET_RATES
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("selfaudit", "0001_initial"), ("organizations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

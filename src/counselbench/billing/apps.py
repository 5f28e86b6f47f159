from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "counselbench.billing"
    label = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from counselbench.billing import tasks  # noqa: F401 (registers the periodic jobs)

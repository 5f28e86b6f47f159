from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "counselbench.matters"
    label = "matters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the periodic anomaly job and the deployment check on document keys.
        from counselbench.matters import checks, tasks  # noqa: F401

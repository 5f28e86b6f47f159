from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "counselbench.intake"
    label = "intake"
    verbose_name = "Client intake and reception"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from counselbench.intake import tasks  # noqa: F401

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "counselbench.trust"
    label = "trust"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from counselbench.trust import tasks  # noqa: F401

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "counselbench.insights"
    label = "insights"
    verbose_name = "Insights and scaling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from counselbench.insights import tasks  # noqa: F401

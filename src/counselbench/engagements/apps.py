from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "counselbench.engagements"
    label = "engagements"

    def ready(self) -> None:
        # Register the periodic trial reminder.
        from counselbench.engagements import tasks  # noqa: F401

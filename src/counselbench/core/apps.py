from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "counselbench.core"
    label = "core"

    def ready(self) -> None:
        # Import the modules that register periodic jobs and signal receivers.
        from counselbench.core import tasks  # noqa: F401

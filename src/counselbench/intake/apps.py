from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "counselbench.intake"
    label = "intake"
    verbose_name = "Client intake and reception"

from django.apps import AppConfig


class SelfauditConfig(AppConfig):
    name = "counselbench.selfaudit"
    label = "selfaudit"
    verbose_name = "Self-audit"

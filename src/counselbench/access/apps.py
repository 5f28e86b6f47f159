from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "counselbench.access"
    label = "access"

from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "counselbench.matters"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "counselbench.billing"
    label = "billing"
    default_auto_field = "django.db.models.BigAutoField"

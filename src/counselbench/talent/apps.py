from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "counselbench.talent"
    label = "talent"

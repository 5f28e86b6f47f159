from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "counselbench.engagements"
    label = "engagements"

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "counselbench.organizations"
    label = "organizations"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "counselbench.accounts"
    label = "accounts"

    def ready(self) -> None:
        from counselbench.accounts import receivers  # noqa: F401

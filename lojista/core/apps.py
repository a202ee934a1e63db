from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojista.core"
    label = "core"

    def ready(self) -> None:
        from lojista.core import ratelimit  # noqa: F401  (registers its system check)

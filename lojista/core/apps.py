from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojista.core"
    label = "core"

    def ready(self) -> None:
        from lojista.core import extensions, ratelimit  # noqa: F401  (register their system checks)

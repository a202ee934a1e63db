from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojista.core"
    label = "core"

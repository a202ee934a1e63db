from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lojista.demo"
    label = "demo"

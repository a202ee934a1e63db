from django.apps import AppConfig


class CartsConfig(AppConfig):
    name = "lojista.carts"
    label = "carts"

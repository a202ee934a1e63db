from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "lojista.orders"
    label = "orders"

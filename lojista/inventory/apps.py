from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "lojista.inventory"
    label = "inventory"

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lojista.catalog"
    label = "catalog"

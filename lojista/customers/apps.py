from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "lojista.customers"
    label = "customers"

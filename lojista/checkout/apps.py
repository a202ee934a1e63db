from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "lojista.checkout"
    label = "checkout"

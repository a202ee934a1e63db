from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "lojista.payments"
    label = "payments"

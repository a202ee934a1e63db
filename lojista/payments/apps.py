from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "lojista.payments"
    label = "payments"

    def ready(self) -> None:
        from lojista.checkout.payment_methods import register_payment_method
        from lojista.payments import checks  # noqa: F401  (registers its system check)
        from lojista.payments.gateways import GATEWAYS

        for gateway in GATEWAYS.values():
            register_payment_method(gateway)

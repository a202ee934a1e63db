from datetime import timedelta

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "lojista.orders"
    label = "orders"

    def ready(self) -> None:
        from lojista.core.scheduler import register_periodic
        from lojista.orders.receivers import place_order_for_payment
        from lojista.orders.tasks import reconcile_payments
        from lojista.payments.signals import payment_succeeded

        payment_succeeded.connect(place_order_for_payment, dispatch_uid="orders.place_order_for_payment")
        register_periodic(reconcile_payments, every=timedelta(minutes=5))

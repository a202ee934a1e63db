from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "lojista.orders"
    label = "orders"

    def ready(self) -> None:
        from lojista.orders.receivers import place_order_for_payment
        from lojista.payments.signals import payment_succeeded

        payment_succeeded.connect(place_order_for_payment, dispatch_uid="orders.place_order_for_payment")

from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "lojista.checkout"
    label = "checkout"

    def ready(self) -> None:
        from lojista.carts.models import Cart
        from lojista.carts.signals import cart_changed
        from lojista.checkout.receivers import outdate_checkouts_of_changed_cart

        cart_changed.connect(
            outdate_checkouts_of_changed_cart, sender=Cart, dispatch_uid="checkout.outdate_on_cart_change"
        )

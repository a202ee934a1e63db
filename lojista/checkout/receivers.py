"""Checkout listening to the apps below it (which never import checkout);
connected in CheckoutConfig.ready()."""

from typing import Any

from lojista.carts.models import Cart
from lojista.checkout.services import checkouts_outdate


def outdate_checkouts_of_changed_cart(sender: type[Cart], *, cart: Cart, **kwargs: Any) -> None:
    """Receiver of carts.signals.cart_changed, sent inside the cart's
    transaction: a checkout is a snapshot of its cart, so once the cart
    changes it is stale."""
    checkouts_outdate(cart=cart)

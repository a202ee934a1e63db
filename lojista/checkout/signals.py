"""Receivers of other apps' signals, connected in CheckoutConfig.ready()."""

from typing import Any

from lojista.carts.models import Cart
from lojista.checkout.services import checkouts_outdate


def outdate_checkouts_of_changed_cart(sender: type[Cart], *, cart: Cart, **kwargs: Any) -> None:
    """A checkout is a snapshot of its cart: once the cart changes it is stale."""
    checkouts_outdate(cart=cart)

"""Errors of carts, mapped to HTTP in lojista/api.py."""

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound


class CartNotFound(NotFound):
    """Unknown, malformed and someone else's tokens look the same: a token
    that fails says nothing about whether it ever existed."""

    default_message = _("This cart does not exist.")


class CartLineNotFound(NotFound):
    default_message = _("This line is not in the cart.")


class CartClosed(Conflict):
    code = "cart_closed"
    default_message = _("This cart is closed: it was merged into another cart or checked out.")

"""Errors of carts, mapped to HTTP in lojista/api.py."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lojista.core.errors import Conflict, DomainError, InvalidInput, NotFound


class CartNotFound(NotFound):
    """Unknown, malformed and someone else's tokens look the same: a token
    that fails says nothing about whether it ever existed."""

    default_message = _("This cart does not exist.")


class CartLineNotFound(NotFound):
    default_message = _("This line is not in the cart.")


class CartClosed(Conflict):
    code = "cart_closed"
    default_message = _("This cart is closed: it was merged into another cart or checked out.")


class AboveMaxPerOrder(InvalidInput):
    """More units of a variant than one order may hold (its maximum per
    order, or the shop's); ``details.max_per_order`` is that maximum."""

    code = "above_max_per_order"

    def __init__(self, *, item: str, limit: int):
        message = ngettext(
            "You can buy at most %(count)d unit of %(item)s per order.",
            "You can buy at most %(count)d units of %(item)s per order.",
            limit,
        ) % {"count": limit, "item": item}
        super().__init__(message, details={"fields": {"quantity": [message]}, "max_per_order": limit})


class CartResumeInvalid(DomainError):
    """A cart hand-off link (``carts.resume``) that cannot be used:
    ``details.reason`` is ``tampered`` (not one we signed), ``expired`` (older
    than its few minutes), ``closed`` (the cart was since merged or became
    an order) or ``login`` (a customer's cart, for someone else). Nothing
    was changed."""

    status = 400
    code = "cart_resume_invalid"
    default_message = _("This link to your cart does not work any more.")

    def __init__(self, *, reason: str):
        super().__init__(details={"reason": reason})
        self.reason = reason

"""Errors of checkout, mapped to HTTP in lojista/api.py."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound


class CheckoutNotFound(NotFound):
    """Unknown, malformed and someone else's checkout ids look the same."""

    default_message = _("This checkout does not exist.")


class CartNotCheckoutable(Conflict):
    """The cart is closed, empty, or has lines that cannot be bought now;
    ``details.lines`` names those lines ({line_id, variant_id, problem})."""

    code = "cart_not_checkoutable"
    default_message = _("Some items in your cart cannot be bought now.")

    def __init__(self, lines: list[dict[str, Any]], message: Any = None):
        super().__init__(message, details={"lines": lines})


class CheckoutExpired(Conflict):
    """The hold ran out and the stock went to someone else; ``details.lines``
    names the variants short, as InsufficientStock does."""

    code = "checkout_expired"
    default_message = _("This checkout expired and some items are no longer in stock. Review your cart.")

    def __init__(self, lines: list[dict[str, Any]], message: Any = None):
        super().__init__(message, details={"lines": lines})


class CheckoutCompleted(Conflict):
    code = "checkout_completed"
    default_message = _("This checkout was already completed.")


class PaymentInProgress(Conflict):
    """Another payment attempt of this checkout (another Idempotency-Key, or
    the same one still running) is with the payment provider; ``retry_after``
    says when to ask again."""

    code = "payment_in_progress"
    default_message = _("A payment for this checkout is already being processed. Try again in a moment.")

    def __init__(self, message: Any = None, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message, details={"retry_after": retry_after})


class CheckoutOutdated(Conflict):
    code = "checkout_outdated"
    default_message = _("Your cart changed after this checkout started. Start the checkout again.")

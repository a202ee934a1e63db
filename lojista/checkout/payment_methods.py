"""The payment methods a checkout offers: the one place that knows them.

Checkout sits below payments (payments imports checkout, never the reverse),
yet a checkout lists the methods it can be paid with and completion refuses
the others. So every gateway registers itself here, from
``PaymentsConfig.ready()``, and says itself whether it is enabled
(``is_enabled()``, asked on every call, so a setting changed at deploy or in a
test counts at once): offline always, the test gateway when
``LOJISTA_TEST_GATEWAY_ENABLED``, Stripe when its secret key is set. The
checkout's read, completion and the payment services all ask this module.
"""

from typing import Protocol

from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput


class PaymentMethod(Protocol):
    code: str

    def is_enabled(self) -> bool: ...


_methods: dict[str, PaymentMethod] = {}


def register_payment_method(method: PaymentMethod) -> None:
    """Offer ``method`` whenever it is enabled, after those registered before
    it (registering a code again replaces it in place)."""
    _methods[method.code] = method


def offered_payment_methods() -> list[str]:
    """The codes of the enabled methods, in the order they are offered."""
    return [code for code, method in _methods.items() if method.is_enabled()]


def check_payment_method(code: str) -> None:
    """InvalidInput naming ``payment_method`` unless ``code`` is offered now."""
    if code not in offered_payment_methods():
        message = _("Choose one of the payment methods the checkout offers.")
        raise InvalidInput.field("payment_method", message)

"""Receivers are connected one way: in their app's AppConfig.ready(), with a
dispatch_uid (decision 46). ruff bans the @receiver decorator; this test
checks what is actually connected."""

from lojista.carts.signals import cart_changed
from lojista.checkout.signals import checkout_started
from lojista.customers.signals import password_reset_requested
from lojista.orders.signals import order_placed, order_refunded, order_status_changed
from lojista.payments.signals import payment_succeeded

SIGNALS = {
    "carts.cart_changed": cart_changed,
    "checkout.checkout_started": checkout_started,
    "customers.password_reset_requested": password_reset_requested,
    "payments.payment_succeeded": payment_succeeded,
    "orders.order_placed": order_placed,
    "orders.order_status_changed": order_status_changed,
    "orders.order_refunded": order_refunded,
}


def connected(signal) -> list[str]:
    """The dispatch_uid of each receiver (a receiver connected without one is
    keyed by its id, an int)."""
    return [lookup_key[0] for lookup_key, _receiver, _is_async in signal.receivers]


def test_each_project_signal_has_its_receivers_connected_once_by_dispatch_uid():
    assert {name: connected(signal) for name, signal in SIGNALS.items()} == {
        "carts.cart_changed": ["checkout.outdate_on_cart_change"],
        "checkout.checkout_started": ["abandoned_checkouts.watch_checkout"],
        "customers.password_reset_requested": ["notifications.password_reset_requested"],
        "payments.payment_succeeded": ["orders.place_order_for_payment"],
        "orders.order_placed": [
            "notifications.order_placed",
            "observability.order_placed",
            "abandoned_checkouts.attribute_order",
            "order_webhooks.order_placed",
        ],
        "orders.order_status_changed": [
            "notifications.order_status_changed",
            "order_webhooks.order_status_changed",
            "sample_extension.status_changed",
        ],
        "orders.order_refunded": ["order_webhooks.order_refunded"],
    }

"""The extension's signal receivers (connected in AbandonedCheckoutsConfig.ready),
each doing nothing while the extension is uninstalled."""

from typing import Any

from lojista.checkout.models import Checkout
from lojista.core.extensions import when_installed
from lojista.extensions.abandoned_checkouts import services
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.orders.models import Order, OrderEvent


@when_installed(SLUG)
def watch_checkout(sender: Any, *, checkout: Checkout, **kwargs: Any) -> None:
    """checkout_started, in the checkout's transaction: watch it."""
    services.abandoned_watch(checkout=checkout)


@when_installed(SLUG)
def attribute_order(
    sender: Any, *, order: Order, events: list[OrderEvent] | None = None, **kwargs: Any
) -> None:
    """order_placed, in the placement's transaction: recovered or closed rows."""
    services.order_attribute(order=order, events=events)

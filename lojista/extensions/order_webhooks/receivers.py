"""Order signals -> webhook deliveries, written in the order's own
transaction (the order services send the signals inside it); connected in
OrderWebhooksConfig.ready(). While the extension is uninstalled they do
nothing (one query: the install flag)."""

from typing import Any

from lojista.core.extensions import when_installed
from lojista.extensions.order_webhooks import payloads, services
from lojista.extensions.order_webhooks.apps import SLUG
from lojista.extensions.order_webhooks.models import EventType
from lojista.orders.models import Order, OrderEvent


@when_installed(SLUG)
def order_placed(sender: Any, *, order: Order, events: list[OrderEvent] | None = None, **kwargs: Any) -> None:
    def data() -> dict[str, Any]:
        if events is None:  # a test sending the signal by hand: the timeline is in the database
            return {"order": payloads.order_data(order)}
        return {"order": payloads.placed_order_data(order, events)}

    services.event_queue(event_type=EventType.ORDER_PLACED, data=data, order_number=order.number)


@when_installed(SLUG)
def order_status_changed(sender: Any, *, order: Order, event: OrderEvent, **kwargs: Any) -> None:
    def data() -> dict[str, Any]:
        return {
            "order": payloads.order_data(order),
            "from_status": event.from_status,
            "to_status": event.to_status,
        }

    services.event_queue(event_type=EventType.ORDER_STATUS_CHANGED, data=data, order_number=order.number)


@when_installed(SLUG)
def order_refunded(sender: Any, *, order: Order, event: OrderEvent, **kwargs: Any) -> None:
    def data() -> dict[str, Any]:
        return {"order": payloads.order_data(order), "refund": payloads.refund_data(event)}

    services.event_queue(event_type=EventType.ORDER_REFUNDED, data=data, order_number=order.number)

"""Order signals -> outbox rows, written in the order's own transaction
(the order services send these signals inside it); connected in
NotificationsConfig.ready()."""

from typing import Any

from lojista.notifications import services
from lojista.orders.models import Order, OrderEvent


def queue_order_placed_emails(
    sender: Any, *, order: Order, events: list[OrderEvent] | None = None, **kwargs: Any
) -> None:
    services.order_placed_emails_queue(order=order, events=events)


def queue_order_status_email(
    sender: Any, *, order: Order, event: OrderEvent, notify: bool = True, **kwargs: Any
) -> None:
    # Staff may send `notify: false` (the customer's email only).
    if notify:
        services.order_status_email_queue(order=order, event=event)
    services.order_shop_status_email_queue(order=order, event=event)


def queue_order_tracking_email(
    sender: Any, *, order: Order, event: OrderEvent, notify: bool = True, **kwargs: Any
) -> None:
    if notify:
        services.order_tracking_email_queue(order=order, event=event)

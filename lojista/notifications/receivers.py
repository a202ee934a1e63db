"""Order signals -> outbox rows, written in the order's own transaction
(the order services send these signals inside it)."""

from typing import Any

from django.dispatch import receiver

from lojista.notifications import services
from lojista.orders.models import Order, OrderEvent
from lojista.orders.signals import order_placed, order_status_changed, order_tracking_changed


@receiver(order_placed, dispatch_uid="notifications.order_placed")
def queue_order_placed_emails(
    sender: Any, *, order: Order, events: list[OrderEvent] | None = None, **kwargs: Any
) -> None:
    services.order_placed_emails_queue(order=order, events=events)


@receiver(order_status_changed, dispatch_uid="notifications.order_status_changed")
def queue_order_status_email(
    sender: Any, *, order: Order, event: OrderEvent, notify: bool = True, **kwargs: Any
) -> None:
    # The staff member may untick "notify the customer".
    if notify:
        services.order_status_email_queue(order=order, event=event)


@receiver(order_tracking_changed, dispatch_uid="notifications.order_tracking_changed")
def queue_order_tracking_email(
    sender: Any, *, order: Order, event: OrderEvent, notify: bool = True, **kwargs: Any
) -> None:
    if notify:
        services.order_tracking_email_queue(order=order, event=event)

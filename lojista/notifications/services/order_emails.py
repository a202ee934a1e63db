"""The order-email policy: which emails an order event queues, and to whom.

Called by the order signal receivers (receivers.py) inside the order's own
transaction, and by staff writing to a customer. The emails themselves (their
templates and variables) are the kinds of order_kinds.py.
"""

import uuid

from django.db import transaction

from lojista.core.i18n import shop_language, supported_language
from lojista.customers.models import User
from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.notifications.order_kinds import (
    NEW_ORDER,
    ORDER,
    ORDER_CANCELLED,
    ORDER_CANCELLED_SHOP,
    ORDER_CONFIRMATION,
    ORDER_CONTACT,
    ORDER_DELIVERED,
    ORDER_PROCESSED,
    order_ref,
)
from lojista.notifications.services.outbox import delivery_enqueue, new_message_id, outbox_queue, queued_event
from lojista.orders.models import Order, OrderEvent, OrderStatus
from lojista.orders.selectors import event_by
from lojista.orders.statuses import EventBy

STATUS_EMAILS: dict[str, str] = {
    OrderStatus.PROCESSED: ORDER_PROCESSED,
    OrderStatus.DELIVERED: ORDER_DELIVERED,
    OrderStatus.CANCELLED: ORDER_CANCELLED,
}


@transaction.atomic(savepoint=False)
def order_placed_emails_queue(*, order: Order, events: list[OrderEvent] | None = None) -> list[OutboxMessage]:
    """The shop's new-order email (when it has notification addresses) and
    the customer's confirmation, written in one INSERT. Their "email queued"
    events are appended to ``events`` when the placement collects its
    timeline (it writes them with its own), written here otherwise. A
    message already queued for the order (the signal sent again) is not
    queued twice. No savepoint: a failure fails the whole placement."""
    shop = NotificationSettings.load()
    wanted = []
    if shop.order_notification_emails:
        wanted.append(
            (
                NEW_ORDER,
                list(shop.order_notification_emails),
                shop_language(),
                f"order:{order.number}:new_order",
            )
        )
    wanted.append(
        (
            ORDER_CONFIRMATION,
            [order.email],
            supported_language(order.language),
            f"order:{order.number}:confirmation",
        )
    )
    queued = set(
        OutboxMessage.objects.filter(dedupe_key__in=[key for *_, key in wanted]).values_list(
            "dedupe_key", flat=True
        )
    )
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind=kind,
            subject_type=ORDER,
            subject_id=str(order.pk),
            order=order,
            recipients=recipients,
            language=language,
            dedupe_key=dedupe_key,
            context={},
            message_id=new_message_id(shop),
        )
        for kind, recipients, language, dedupe_key in wanted
        if dedupe_key not in queued
    )
    new_events = [queued_event(message) for message in messages]
    if events is None:
        OrderEvent.objects.bulk_create(new_events)
    else:
        events.extend(new_events)
    if messages:
        _deliver_on_commit([message.pk for message in messages])
    return messages


def _deliver_on_commit(message_ids: list[int]) -> None:
    """One delivery task for the placement's emails (bench/RESULTS.md, "emails")."""
    first, *also = message_ids

    # A function, not a partial: when the enqueue fails (the broker is down),
    # Django logs the callback by its __qualname__, which a partial lacks,
    # and the order's request would fail after its commit.
    def enqueue() -> None:
        delivery_enqueue(first, also=also)

    transaction.on_commit(enqueue, robust=True)


def order_status_email_queue(*, order: Order, event: OrderEvent) -> OutboxMessage | None:
    """The customer's email about the status change ``event``, if it has one.
    Each status is reached at most once, so it is its own dedupe key."""
    kind = STATUS_EMAILS.get(event.to_status)
    if kind is None:
        return None
    return outbox_queue(
        kind=kind,
        recipients=[order.email],
        language=supported_language(order.language),
        dedupe_key=f"order:{order.number}:{kind}",
        ref=order_ref(order),
        order=order,
        actor=event.actor,
    )


def order_shop_status_email_queue(*, order: Order, event: OrderEvent) -> OutboxMessage | None:
    """The shop's email about the status change ``event``: only a customer
    cancelling their own order, which the shop did not do itself, and only
    when the shop has notification addresses. Sent whatever the customer's
    email's ``notify``: it is the shop's to know."""
    if event.to_status != OrderStatus.CANCELLED or event_by(event) != EventBy.CUSTOMER:
        return None
    shop = NotificationSettings.load()
    if not shop.order_notification_emails:
        return None
    return outbox_queue(
        kind=ORDER_CANCELLED_SHOP,
        recipients=list(shop.order_notification_emails),
        language=shop_language(),
        dedupe_key=f"order:{order.number}:{ORDER_CANCELLED_SHOP}",
        ref=order_ref(order),
        order=order,
        actor=event.actor,
        shop=shop,
    )


def order_tracking_email_queue(*, order: Order, event: OrderEvent) -> OutboxMessage:
    """The Processed email again, which carries the tracking link, after staff
    set or changed it (``event``): one email per change."""
    kind = ORDER_PROCESSED
    return outbox_queue(
        kind=kind,
        recipients=[order.email],
        language=supported_language(order.language),
        dedupe_key=f"order:{order.number}:{kind}:tracking:{event.pk}",
        ref=order_ref(order),
        order=order,
        actor=event.actor,
    )


def order_contact_send(*, order: Order, message: str, actor: User | None) -> OutboxMessage:
    """Email the customer a free-text ``message`` from staff about ``order``."""
    return outbox_queue(
        kind=ORDER_CONTACT,
        recipients=[order.email],
        language=supported_language(order.language),
        dedupe_key=f"order:{order.number}:contact:{uuid.uuid4().hex}",
        ref=order_ref(order, {"message": message}),
        order=order,
        actor=actor,
        note=message,
    )

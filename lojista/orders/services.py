"""Writes of orders: place one from a paid checkout, move it through its statuses.

Placement is one transaction: the checkout row is locked first, so that the
customer's "complete" request and a payment provider's webhook racing for the
same checkout give one order; then the stock is sold, the number allocated,
the snapshot written and the checkout and cart closed. Any failure rolls all
of it back, the order number included. The signals of orders.signals are sent
inside the transaction, so what their receivers write (the emails' outbox
rows) commits or rolls back with the change.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.carts.services import cart_mark_converted
from lojista.catalog.models import copy_line
from lojista.checkout.errors import CheckoutCompleted, CheckoutOutdated
from lojista.checkout.models import Checkout, CheckoutLine
from lojista.core.errors import DomainError, InvalidInput
from lojista.core.validation import check_http_url
from lojista.customers.models import User
from lojista.inventory.services import stock_commit, stock_restock
from lojista.orders.errors import InvalidTransition, OrderNotFound, PaymentNotAccepted
from lojista.orders.models import Order, OrderEvent, OrderLine, OrderNumberCounter, OrderStatus, PaymentStatus
from lojista.orders.signals import order_placed, order_status_changed
from lojista.orders.statuses import (
    CANCEL_REASONS,
    CUSTOMER_TRANSITIONS,
    TRANSITIONS,
    CancelReason,
    allowed_transitions,
)
from lojista.payments.models import Payment

# What the order says about its payment, by the state of the payment that placed it.
PAYMENT_STATUS_OF: dict[str, str] = {
    Payment.Status.SUCCEEDED: PaymentStatus.PAID,
    Payment.Status.AWAITING: PaymentStatus.AWAITING_PAYMENT,
}


def _sold_items(lines: list[CheckoutLine]) -> dict[int, int]:
    """variant_id -> quantity of the lines whose variant still exists."""
    items: dict[int, int] = {}
    for line in lines:
        if line.variant_id is not None:
            items[line.variant_id] = items.get(line.variant_id, 0) + line.quantity
    return items


def _increment_counter() -> int | None:
    """Add one to the counter row and return the new value, in one statement
    (UPDATE … RETURNING, which SQLite ≥ 3.35 and PostgreSQL both have); None
    while the row does not exist."""
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE id = 1 RETURNING last")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _next_order_number() -> int:
    """The next number, unique and gap-free: the counter row stays locked by
    the UPDATE until the placement commits, so placements take numbers one at a
    time, and a placement that rolls back gives its number back."""
    number = _increment_counter()
    if number is not None:
        return number
    try:
        with transaction.atomic():
            OrderNumberCounter.objects.create(pk=1, last=settings.LOJISTA_FIRST_ORDER_NUMBER)
            return settings.LOJISTA_FIRST_ORDER_NUMBER
    except IntegrityError:
        # Another first placement created the row while we looked: take the next one.
        number = _increment_counter()
        assert number is not None
        return number


def _order_from(checkout: Checkout, payment: Payment, payment_status: str, number: int) -> Order:
    return Order.objects.create(
        number=number,
        checkout=checkout,
        payment=payment,
        customer_id=checkout.customer_id,
        email=checkout.email,
        language=checkout.language,
        status=OrderStatus.PENDING,
        payment_status=payment_status,
        payment_method=payment.gateway,
        currency=checkout.currency,
        subtotal=checkout.subtotal,
        shipping_price=checkout.shipping_price,
        total=checkout.total,
        shipping_address=checkout.shipping_address,
        shipping_method_code=checkout.shipping_method.code,
        shipping_method_name=checkout.shipping_method.name,
        utm_source=checkout.utm_source,
        utm_medium=checkout.utm_medium,
    )


def _lines_from(order: Order, lines: list[CheckoutLine]) -> list[OrderLine]:
    return OrderLine.objects.bulk_create(
        copy_line(line, OrderLine, order=order, line_total=line.line_total) for line in lines
    )


def _placed_before(checkout: Checkout) -> tuple[Order, bool]:
    """The order of a checkout that is no longer open, or why there is none."""
    existing = Order.objects.filter(checkout=checkout).first()
    if existing is not None:
        return existing, False
    status = Checkout.objects.filter(pk=checkout.pk).values_list("status", flat=True).get()
    if status == Checkout.Status.COMPLETED:
        raise CheckoutCompleted()
    raise CheckoutOutdated()


def _remember(order: Order, **related: list) -> None:
    """Keep what the placement wrote as ``order``'s related objects (lines,
    events), as prefetch_related would, so that showing the new order reads
    nothing back."""
    if not hasattr(order, "_prefetched_objects_cache"):
        order._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    for name, objects in related.items():
        queryset = getattr(order, name).all()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        order._prefetched_objects_cache[name] = queryset  # type: ignore[attr-defined]


@transaction.atomic
def order_place(*, checkout: Checkout, payment: Payment) -> tuple[Order, bool]:
    """Turn a checkout paid by ``payment`` into a Pending order; return it and
    whether it was created now. Idempotent: a checkout already placed returns
    its order (created False) and sells nothing again.

    The database decides which placement wins: a conditional UPDATE turns
    the open checkout into a completed one (ending any payment attempt's
    claim), which the customer's request and a payment provider's webhook,
    racing, cannot both do. The order copies ``checkout`` as given (with its
    lines and shipping method): those never change once it has started.

    Raises CheckoutOutdated for an outdated checkout (CheckoutCompleted for one
    completed without an order), PaymentNotAccepted unless the payment succeeded or awaits an
    offline payment, and InsufficientStock if the units are gone (nothing changes)."""
    if payment.checkout_id != checkout.pk:
        raise ValueError("The payment belongs to another checkout.")
    completed = Checkout.objects.filter(pk=checkout.pk, status=Checkout.Status.OPEN).update(
        status=Checkout.Status.COMPLETED,
        payment_attempt_key="",
        payment_attempt_until=None,
        updated_at=timezone.now(),
    )
    if not completed:
        return _placed_before(checkout)
    payment_status = PAYMENT_STATUS_OF.get(payment.status)
    if payment_status is None:
        raise PaymentNotAccepted()

    lines = list(checkout.lines.all())
    stock_commit(key=checkout.reservation_key, items=_sold_items(lines))
    # Taken as late as possible: the counter row is locked until commit.
    order = _order_from(checkout, payment, payment_status, _next_order_number())
    order_lines = _lines_from(order, lines)
    if checkout.cart is not None:
        cart_mark_converted(cart=checkout.cart)
    events = [OrderEvent(order=order, type=OrderEvent.Type.PLACED, to_status=OrderStatus.PENDING)]
    # Receivers queue the emails and add their "email queued" entries to the timeline.
    order_placed.send(sender=Order, order=order, events=events)
    OrderEvent.objects.bulk_create(events)
    _remember(order, lines=order_lines, events=events)
    return order, True


def _check_tracking_url(tracking_url: str, to: str) -> None:
    if not tracking_url:
        return
    if to != OrderStatus.PROCESSED:
        message = _("A tracking link can only be given when the order is processed.")
        raise InvalidInput.field("tracking_url", message)
    check_http_url("tracking_url", tracking_url)
    max_length = Order._meta.get_field("tracking_url").max_length
    if max_length is not None and len(tracking_url) > max_length:
        message = _("The tracking link is too long.")
        raise InvalidInput.field("tracking_url", message)


def _check_reason(reason: str, to: str) -> None:
    if to == OrderStatus.CANCELLED and reason not in CANCEL_REASONS:
        message = _("Choose a reason for cancelling: %(reasons)s.") % {"reasons": ", ".join(CANCEL_REASONS)}
        raise InvalidInput.field("reason", message)
    if to != OrderStatus.CANCELLED and reason:
        message = _("A reason is only given when cancelling.")
        raise InvalidInput.field("reason", message)


def _restock(order: Order) -> None:
    items: dict[int, int] = {}
    for variant_id, quantity in order.lines.filter(variant__isnull=False).values_list(
        "variant_id", "quantity"
    ):
        items[variant_id] = items.get(variant_id, 0) + quantity
    if items:
        stock_restock(items=items)


def _transition(
    *,
    order: Order,
    to: str,
    actor: User | None,
    table: Mapping[str, frozenset[str]],
    note: str,
    tracking_url: str,
    reason: str,
    restock: bool,
    notify: bool,
) -> Order:
    """Check and make one move of a locked order: the status check comes after
    the lock, so a second cancellation sees the first and restocks nothing."""
    _check_reason(reason, to)
    _check_tracking_url(tracking_url, to)
    order = Order.objects.select_for_update().get(pk=order.pk)
    from_status = order.status
    if to not in table.get(from_status, frozenset()):
        raise InvalidTransition(
            from_status=from_status, to_status=to, allowed=allowed_transitions(from_status, table=table)
        )
    cancelling = to == OrderStatus.CANCELLED
    if cancelling and restock:
        _restock(order)
    order.status = to
    if cancelling:
        order.cancel_reason = reason
    if tracking_url:
        order.tracking_url = tracking_url
    order.save(update_fields=["status", "cancel_reason", "tracking_url", "updated_at"])
    data: dict[str, object] = {"notify": notify}
    if cancelling:
        data.update(reason=reason, restock=restock)
    if tracking_url:
        data["tracking_url"] = tracking_url
    event = OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.STATUS_CHANGED,
        from_status=from_status,
        to_status=to,
        actor=actor,
        note=note,
        data=data,
    )
    order_status_changed.send(sender=Order, order=order, event=event, notify=notify)
    return order


@transaction.atomic
def order_transition(
    *,
    order: Order,
    to: str,
    actor: User | None,
    note: str = "",
    tracking_url: str = "",
    reason: str = "",
    restock: bool = True,
    notify: bool = True,
) -> Order:
    """Move ``order`` to status ``to`` as staff (or the system, ``actor`` None),
    following statuses.TRANSITIONS; return the updated order.

    Cancelling needs a reason from CANCEL_REASONS and puts the sold units back
    on hand unless ``restock`` is False. Processing may carry a tracking link.
    Raises InvalidTransition (nothing changes) for a move the table refuses."""
    return _transition(
        order=order,
        to=to,
        actor=actor,
        table=TRANSITIONS,
        note=note,
        tracking_url=tracking_url,
        reason=reason,
        restock=restock,
        notify=notify,
    )


@transaction.atomic
def order_cancel_by_customer(*, order: Order, customer: User) -> Order:
    """The customer cancels their own order, which they may only do while it
    is pending; the units always go back on hand."""
    if order.customer_id != customer.pk:
        raise OrderNotFound()
    return _transition(
        order=order,
        to=OrderStatus.CANCELLED,
        actor=customer,
        table=CUSTOMER_TRANSITIONS,
        note="",
        tracking_url="",
        reason=CancelReason.CUSTOMER_REQUEST,
        restock=True,
        notify=True,
    )


@dataclass(frozen=True)
class BulkResult:
    number: int
    ok: bool
    status: str | None = None
    error: DomainError | None = None


def orders_bulk_transition(
    *,
    numbers: list[int],
    to: str,
    actor: User | None,
    note: str = "",
    reason: str = "",
    restock: bool = True,
    notify: bool = True,
) -> list[BulkResult]:
    """Move each order of ``numbers`` to ``to``, each in its own transaction
    (deliberately not one: an order that may not move must not hold back the
    others). Returns one result per distinct number, in the order given.
    A missing or unknown cancellation reason refuses the whole batch."""
    _check_reason(reason, to)
    distinct = list(dict.fromkeys(numbers))
    orders = Order.objects.in_bulk(distinct, field_name="number")
    results = []
    for number in distinct:
        try:
            if number not in orders:
                raise OrderNotFound()
            order = order_transition(
                order=orders[number],
                to=to,
                actor=actor,
                note=note,
                reason=reason,
                restock=restock,
                notify=notify,
            )
        except DomainError as error:
            results.append(BulkResult(number=number, ok=False, error=error))
        else:
            results.append(BulkResult(number=number, ok=True, status=order.status))
    return results

"""Writes of orders: place one from a paid checkout, move it through its statuses.

Placement is one transaction: the checkout row is locked first, so that the
customer's "complete" request and a payment provider's webhook racing for the
same checkout give one order; then the stock is sold, the number allocated,
the snapshot written and the checkout and cart closed. Any failure rolls all
of it back, the order number included. The signals of orders.signals are sent
inside the transaction, so what their receivers write (the emails' outbox
rows) commits or rolls back with the change.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.carts.services import cart_mark_converted
from lojista.catalog.models import copy_line
from lojista.checkout.errors import CheckoutCompleted, CheckoutOutdated
from lojista.checkout.models import Checkout, CheckoutLine
from lojista.core.errors import DomainError, InvalidInput
from lojista.core.money import amount_text, format_money
from lojista.core.prefetch import remember_related
from lojista.core.queueing import enqueue_later
from lojista.core.validation import check_http_url
from lojista.customers.models import User
from lojista.inventory.services import stock_commit, stock_restock
from lojista.orders.errors import (
    InvalidTransition,
    ManualRefundNotAllowed,
    MarkPaidNotAllowed,
    OrderAlreadyPaid,
    OrderChanged,
    OrderNotFound,
    PaymentNotAccepted,
    RefundNotRetryable,
    TrackingNotAllowed,
)
from lojista.orders.models import (
    Fulfilment,
    InvoiceNumberCounter,
    Order,
    OrderEvent,
    OrderLine,
    OrderNumberCounter,
    OrderStatus,
    PaymentStatus,
)
from lojista.orders.selectors import REFUNDING
from lojista.orders.signals import order_placed, order_refunded, order_status_changed, order_tracking_changed
from lojista.orders.statuses import (
    CANCEL_REASONS,
    CUSTOMER_TRANSITIONS,
    TRANSITIONS,
    CancelReason,
    EventBy,
    allowed_transitions,
)
from lojista.payments.errors import PaymentGatewayUnavailable
from lojista.payments.models import Payment, Refund
from lojista.payments.services import (
    payment_record_offline,
    refund_execute,
    refund_open,
    refund_record_manual,
)

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


Counter = type[OrderNumberCounter] | type[InvoiceNumberCounter]


def _increment_counter(counter: Counter) -> int | None:
    """Add one to the counter row and return the new value, in one statement
    (UPDATE … RETURNING, which SQLite ≥ 3.35 and PostgreSQL both have); None
    while the row does not exist."""
    table = connection.ops.quote_name(counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE id = 1 RETURNING last")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _next_number(counter: Counter, first: int) -> int:
    """The next number of ``counter``, unique and gap-free: the counter row
    stays locked by the UPDATE until the transaction commits, so they take
    numbers one at a time, and one that rolls back gives its number back."""
    number = _increment_counter(counter)
    if number is not None:
        return number
    try:
        with transaction.atomic():
            counter.objects.create(pk=1, last=first)
            return first
    except IntegrityError:
        # Another first number created the row while we looked: take the next one.
        number = _increment_counter(counter)
        assert number is not None
        return number


def _next_order_number() -> int:
    return _next_number(OrderNumberCounter, settings.LOJISTA_FIRST_ORDER_NUMBER)


# Invoices are numbered 1, 2, 3… apart from orders: only paid orders have one.
FIRST_INVOICE_NUMBER = 1


def _next_invoice_number() -> int:
    return _next_number(InvoiceNumberCounter, FIRST_INVOICE_NUMBER)


def _order_from(
    checkout: Checkout, payment: Payment, payment_status: str, number: int, invoice_number: int | None
) -> Order:
    method = checkout.shipping_method
    now = timezone.now()
    return Order.objects.create(
        number=number,
        invoice_number=invoice_number,
        created_at=now,
        paid_at=now if invoice_number is not None else None,
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
        shipping_method_code=method.code,
        shipping_method_name=method.name,
        shipping_method_description=method.description,
        shipping_method_translations=method.translations,
        # A snapshot: the method's location may change, the order's does not.
        fulfilment=Fulfilment.PICKUP if method.is_pickup else Fulfilment.SHIPPING,
        pickup_location=method.pickup_location if method.is_pickup else "",
        pickup_details=method.pickup_details if method.is_pickup else "",
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
    if checkout.cart is not None:
        cart_mark_converted(cart=checkout.cart)
    # Taken as late as possible: the counter rows are locked until commit,
    # and every placement waits for them (issue 14: under load, the order
    # number counter is where concurrent checkouts queue).
    number = _next_order_number()
    # A card is paid at placement: its invoice is numbered now (an offline
    # payment's when staff mark it paid, order_mark_paid).
    invoice_number = _next_invoice_number() if payment_status == PaymentStatus.PAID else None
    order = _order_from(checkout, payment, payment_status, number, invoice_number)
    order_lines = _lines_from(order, lines)
    events = [OrderEvent(order=order, type=OrderEvent.Type.PLACED, to_status=OrderStatus.PENDING)]
    # Receivers queue the emails and add their "email queued" entries to the timeline.
    order_placed.send(sender=Order, order=order, events=events)
    OrderEvent.objects.bulk_create(events)
    # What the placement wrote: showing the new order reads nothing back.
    remember_related(order, lines=order_lines, events=events)
    return order, True


def _check_tracking_url(tracking_url: str, to: str) -> None:
    if not tracking_url:
        return
    if to != OrderStatus.PROCESSED:
        message = _("A tracking link can only be given when the order is processed.")
        raise InvalidInput.field("tracking_url", message)
    _check_tracking_link(tracking_url)


def _check_tracking_link(tracking_url: str) -> None:
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


def _restock(order: Order, actor: User | None) -> None:
    items: dict[int, int] = {}
    for variant_id, quantity in order.lines.filter(variant__isnull=False).values_list(
        "variant_id", "quantity"
    ):
        items[variant_id] = items.get(variant_id, 0) + quantity
    if items:
        # The stock history names the order by its number, in no language.
        stock_restock(items=items, note=f"#{order.number}", actor=actor)


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
    refund: bool,
    by: str,
    expected_status: str | None = None,
) -> Order:
    """Check and make one move of a locked order: the status check comes after
    the lock, so a second cancellation sees the first and restocks nothing
    (and refunds nothing). ``by`` says on the timeline who moved it
    (EventBy: the customer, staff or the system)."""
    _check_reason(reason, to)
    _check_tracking_url(tracking_url, to)
    order = Order.objects.select_for_update().get(pk=order.pk)
    from_status = order.status
    if expected_status is not None and from_status != expected_status:
        raise OrderChanged(expected=expected_status, status=from_status)
    if to not in table.get(from_status, frozenset()):
        raise InvalidTransition(
            from_status=from_status, to_status=to, allowed=allowed_transitions(from_status, table=table)
        )
    cancelling = to == OrderStatus.CANCELLED
    if cancelling and restock:
        _restock(order, actor)
    refund_opened = _open_refund(order) if cancelling and refund else None
    order.status = to
    if cancelling:
        order.cancel_reason = reason
    if tracking_url:
        order.tracking_url = tracking_url
    order.save(update_fields=["status", "cancel_reason", "tracking_url", "payment_status", "updated_at"])
    data: dict[str, object] = {"notify": notify, "by": by}
    if cancelling:
        data.update(reason=reason, restock=restock, refund=refund_opened is not None)
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
    if refund_opened is not None:
        _refund_requested(order, refund_opened, actor=actor)
    # The email is queued after the payment status changed, so it can say
    # that the money is on its way back.
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
    refund: bool = True,
    expected_status: str | None = None,
) -> Order:
    """Move ``order`` to status ``to`` as staff (or the system, ``actor`` None),
    following statuses.TRANSITIONS; return the updated order.

    ``expected_status``: the status the caller last saw (a back-office page
    rendered then); checked under the order's row lock, so a move decided on
    a stale page raises OrderChanged and changes nothing, even when the
    order's new status would allow it.

    Cancelling needs a reason from CANCEL_REASONS and puts the sold units back
    on hand unless ``restock`` is False; an order paid through a card gateway
    is refunded through it once the cancellation commits, unless ``refund``
    is False (see _open_refund). Processing may carry a tracking link.
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
        refund=refund,
        by=EventBy.STAFF if actor is not None else EventBy.SYSTEM,
        expected_status=expected_status,
    )


@transaction.atomic
def order_cancel_by_customer(*, order: Order, customer: User) -> Order:
    """The customer cancels their own order, which they may only do while it
    is pending; the units always go back on hand, and a card payment is
    refunded as when staff cancel."""
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
        refund=True,
        by=EventBy.CUSTOMER,
    )


@dataclass(frozen=True)
class BulkResult:
    number: int
    ok: bool
    status: str | None = None
    error: DomainError | None = None
    invoice_number: int | None = None


def orders_bulk_transition(
    *,
    numbers: list[int],
    to: str,
    actor: User | None,
    note: str = "",
    reason: str = "",
    restock: bool = True,
    notify: bool = True,
    refund: bool = True,
    seen: Mapping[int, str] | None = None,
) -> list[BulkResult]:
    """Move each order of ``numbers`` to ``to``, each in its own transaction
    (deliberately not one: an order that may not move must not hold back the
    others). Returns one result per distinct number, in the order given.
    A missing or unknown cancellation reason refuses the whole batch.

    ``seen`` maps order numbers to the status the staff member saw them in
    (the list they ticked them on): an order in another status now is
    refused with OrderChanged rather than moved from a status nobody looked
    at (a processed order cancelled from a list that showed it pending)."""
    _check_reason(reason, to)

    def move(order: Order) -> BulkResult:
        order = order_transition(
            order=order,
            to=to,
            actor=actor,
            note=note,
            reason=reason,
            restock=restock,
            notify=notify,
            refund=refund,
            expected_status=(seen or {}).get(order.number),
        )
        return BulkResult(number=order.number, ok=True, status=order.status)

    return _each_order(numbers, move)


def _each_order(numbers: list[int], act: Callable[[Order], BulkResult]) -> list[BulkResult]:
    """``act`` on each order of ``numbers``, each in its own transaction
    (deliberately not one: an order that may not change must not hold back
    the others): one result per distinct number, in the order given, a
    failed one carrying its error."""
    distinct = list(dict.fromkeys(numbers))
    orders = Order.objects.in_bulk(distinct, field_name="number")
    results = []
    for number in distinct:
        try:
            if number not in orders:
                raise OrderNotFound()
            results.append(act(orders[number]))
        except DomainError as error:
            results.append(BulkResult(number=number, ok=False, error=error))
    return results


# Offline payments received.


def _check_payment(order: Order, amount: Decimal | None, currency: str | None, paid_at: datetime) -> None:
    """The amount is the order's total, in its currency (a partial or larger
    payment is settled with the customer outside the app, then marked for the
    total: the order has one payment status, not a balance); the date is not
    in the future."""
    if currency is not None and currency.upper() != order.currency:
        message = _("The payment must be in the order's currency, %(currency)s.") % {
            "currency": order.currency
        }
        raise InvalidInput.field("amount", message)
    if amount is not None and amount != order.total:
        message = _("The amount must be the order's total, %(total)s.") % {
            "total": format_money(order.total, order.currency)
        }
        raise InvalidInput.field("amount", message)
    if paid_at > timezone.now():
        raise InvalidInput.field("paid_at", _("The payment date cannot be in the future."))


@transaction.atomic
def order_mark_paid(
    *,
    order: Order,
    actor: User | None,
    amount: Decimal | None = None,
    currency: str | None = None,
    paid_at: datetime | None = None,
    reference: str = "",
) -> Order:
    """Record that an order awaiting an offline payment (bank transfer, cash
    on delivery) was paid: ``payment_status`` becomes paid, its Payment
    succeeded with the shop's ``reference``, the invoice is numbered (gap-free,
    like orders), and the timeline says who recorded what amount and when it
    was paid (``paid_at``, default now). The order is locked before its
    payment status is read, so of two staff marking it at once one wins and
    the other gets OrderAlreadyPaid. Raises InvalidInput (nothing changes) for
    an amount other than the total, another currency or a future date,
    MarkPaidNotAllowed for a card order, a cancelled one or one refunded."""
    paid_at = paid_at or timezone.now()
    if timezone.is_naive(paid_at):
        paid_at = timezone.make_aware(paid_at)  # in the shop's time zone
    _check_payment(order, amount, currency, paid_at)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.payment_status == PaymentStatus.PAID:
        raise OrderAlreadyPaid()
    if order.payment_method != Payment.Gateway.OFFLINE or order.payment_id is None:
        raise MarkPaidNotAllowed(_("A card payment is paid when the order is placed."))
    if order.status == OrderStatus.CANCELLED:
        raise MarkPaidNotAllowed(_("A cancelled order cannot be marked as paid."))
    if order.payment_status != PaymentStatus.AWAITING_PAYMENT:
        raise MarkPaidNotAllowed()
    payment_record_offline(payment=Payment(pk=order.payment_id), reference=reference)
    order.payment_status = PaymentStatus.PAID
    order.paid_at = paid_at
    order.invoice_number = _next_invoice_number()
    order.save(update_fields=["payment_status", "paid_at", "invoice_number", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.PAID,
        actor=actor,
        data={
            "amount": amount_text(order.total),
            "currency": order.currency,
            "paid_at": paid_at.isoformat(),
            "reference": reference,
            "invoice_number": order.invoice_number,
        },
    )
    return order


def orders_bulk_mark_paid(
    *, numbers: list[int], actor: User | None, paid_at: datetime | None = None
) -> list[BulkResult]:
    """Mark each order of ``numbers`` paid for its total (order_mark_paid),
    each in its own transaction as orders_bulk_transition does: an order that
    may not be marked does not hold back the others. A future ``paid_at``
    refuses the whole batch. One result per distinct number, in the order given."""
    if paid_at is not None and timezone.is_naive(paid_at):
        paid_at = timezone.make_aware(paid_at)
    if paid_at is not None and paid_at > timezone.now():
        raise InvalidInput.field("paid_at", _("The payment date cannot be in the future."))

    def mark(order: Order) -> BulkResult:
        order = order_mark_paid(order=order, actor=actor, paid_at=paid_at)
        return BulkResult(
            number=order.number, ok=True, status=order.payment_status, invoice_number=order.invoice_number
        )

    return _each_order(numbers, mark)


# Refunds of cancelled orders.

# A refund the provider refused or could not be asked is tried this many
# times in all, after 1, 2, 4… minutes, before staff are asked to retry.
REFUND_ATTEMPTS = 5
REFUND_RETRY_DELAY = timedelta(minutes=1)


def _open_refund(order: Order) -> Refund | None:
    """Decide, in the cancellation's transaction, to give back the money of a
    paid order: through its card gateway (a pending Refund, sent after
    commit), with ``order.payment_status`` set to match (saved by the
    caller). Offline payments are refunded by hand (order_refund_record);
    an order awaiting payment has nothing to give back."""
    if order.payment_status != PaymentStatus.PAID or order.payment_method == Payment.Gateway.OFFLINE:
        return None
    if order.payment_id is None:
        return None
    refund = refund_open(payment=Payment(pk=order.payment_id), reason=_refund_reason(order))
    order.payment_status = PaymentStatus.REFUND_PENDING if refund is not None else PaymentStatus.REFUNDED
    return refund


def _refund_reason(order: Order) -> str:
    return f"order_cancelled: order {order.number}"


def _refund_requested(order: Order, refund: Refund, *, actor: User | None) -> None:
    OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.REFUND_REQUESTED,
        actor=actor,
        data=_refund_data(refund),
    )
    transaction.on_commit(lambda: _enqueue_refund(order.pk, attempt=1), robust=True)


def _refund_data(refund: Refund) -> dict[str, object]:
    return {
        "refund_id": str(refund.pk),
        "amount": str(refund.amount),
        "currency": refund.currency,
        "reference": refund.reference,
    }


def _enqueue_refund(order_id: int, *, attempt: int, run_after: datetime | None = None) -> bool:
    """Have send_order_refund run (later, given ``run_after``); False when
    the task backend cannot run a task later."""
    # Imported here: the task module wraps this one.
    from lojista.orders.tasks import send_order_refund

    return enqueue_later(send_order_refund, order_id, attempt, run_after=run_after)


def order_refund_send(*, order_id: int, attempt: int = REFUND_ATTEMPTS, actor: User | None = None) -> str:
    """Send the refund of cancelled order ``order_id`` through its gateway,
    outside any transaction, and record the outcome on the order: "refunded",
    "retry" (enqueued again, with a new idempotency key, after a delay
    doubling from REFUND_RETRY_DELAY), "failed" (the last attempt: the
    order's payment status becomes refund_failed, the provider's message is
    on the Refund and the timeline, and staff may retry), or "skipped" (no
    refund is due: done already). Safe to run twice at once: the provider
    sees one idempotency key per Refund, and only one outcome is recorded."""
    order = Order.objects.get(pk=order_id)
    if order.payment_status not in REFUNDING or order.payment_id is None:
        return "skipped"
    refund = refund_open(payment=Payment(pk=order.payment_id), reason=_refund_reason(order))
    if refund is None:  # refunded meanwhile
        _record_refund_outcome(order, None, actor=actor)
        return "refunded"
    try:
        refund = refund_execute(refund=refund)
    except PaymentGatewayUnavailable:
        refund.refresh_from_db()
        run_after = timezone.now() + REFUND_RETRY_DELAY * 2 ** (attempt - 1)
        if attempt < REFUND_ATTEMPTS and _enqueue_refund(order.pk, attempt=attempt + 1, run_after=run_after):
            return "retry"
        _record_refund_outcome(order, refund, actor=actor)
        return "failed"
    _record_refund_outcome(order, refund, actor=actor)
    return "refunded"


@transaction.atomic
def _record_refund_outcome(order: Order, refund: Refund | None, *, actor: User | None) -> None:
    """The order's payment status and a timeline entry for ``refund``'s
    outcome (None: the payment was found refunded already). One conditional
    UPDATE, so two senders racing record one success."""
    succeeded = refund is None or refund.status == Refund.Status.SUCCEEDED
    new_status = PaymentStatus.REFUNDED if succeeded else PaymentStatus.REFUND_FAILED
    updated = Order.objects.filter(pk=order.pk, payment_status__in=REFUNDING).update(
        payment_status=new_status, updated_at=timezone.now()
    )
    if not updated:
        return
    data = _refund_data(refund) if refund is not None else {}
    if succeeded:
        event = OrderEvent.objects.create(order=order, type=OrderEvent.Type.REFUNDED, actor=actor, data=data)
        order.payment_status = new_status
        order_refunded.send(sender=Order, order=order, event=event)
    else:
        assert refund is not None
        data["error"] = refund.error_message
        OrderEvent.objects.create(order=order, type=OrderEvent.Type.REFUND_FAILED, actor=actor, data=data)


# A refund still pending this long after the cancellation has outlived its
# retries (1 + 2 + 4 + 8 minutes): its task was lost in a crash.
STUCK_REFUND_AFTER = timedelta(minutes=30)


def refunds_reconcile(*, now: datetime | None = None) -> int:
    """Send once more, as the last attempt, the refunds of cancelled orders
    left pending by a crash or a lost task; their outcome (refunded, or
    refund_failed for staff to see) is recorded on the order. Returns how
    many were sent. Found through the payment-status index."""
    now = now or timezone.now()
    stuck = list(
        Order.objects.filter(
            payment_status=PaymentStatus.REFUND_PENDING, updated_at__lt=now - STUCK_REFUND_AFTER
        ).values_list("pk", flat=True)
    )
    for order_id in stuck:
        order_refund_send(order_id=order_id, attempt=REFUND_ATTEMPTS)
    return len(stuck)


def order_refund_retry(*, order: Order, actor: User | None) -> str:
    """Staff send a failed (or still pending) refund again, now, as the last
    attempt: the outcome ("refunded" or "failed") is on the order when this
    returns. Raises RefundNotRetryable when no refund is due."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.payment_status not in REFUNDING:
            raise RefundNotRetryable()
        OrderEvent.objects.create(
            order=order, type=OrderEvent.Type.REFUND_REQUESTED, actor=actor, data={"retry": True}
        )
    return order_refund_send(order_id=order.pk, attempt=REFUND_ATTEMPTS, actor=actor)


@transaction.atomic
def order_refund_record(*, order: Order, actor: User | None, reference: str = "", note: str = "") -> Order:
    """Record that the shop gave an offline payment's money back by hand (cash,
    bank transfer): the payment status becomes refunded, with a Refund row
    (its ``reference`` is the shop's, e.g. the transfer's id) and a timeline
    entry. An order awaiting payment may have been paid outside the app too.
    Raises ManualRefundNotAllowed for a card payment (refunded through its
    gateway) or an order with nothing to give back."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.payment_method != Payment.Gateway.OFFLINE:
        raise ManualRefundNotAllowed(
            _("A card payment is refunded through its gateway, when the order is cancelled.")
        )
    if (
        order.payment_status not in (PaymentStatus.PAID, PaymentStatus.AWAITING_PAYMENT)
        or order.payment_id is None
    ):
        raise ManualRefundNotAllowed()
    refund = refund_record_manual(
        payment=Payment(pk=order.payment_id), reference=reference, reason=f"manual: order {order.number}"
    )
    order.payment_status = PaymentStatus.REFUNDED
    order.save(update_fields=["payment_status", "updated_at"])
    event = OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.REFUNDED,
        actor=actor,
        note=note,
        data={**_refund_data(refund), "manual": True},
    )
    order_refunded.send(sender=Order, order=order, event=event)
    return order


# Tracking links and notes.


@transaction.atomic
def order_tracking_set(*, order: Order, tracking_url: str, actor: User | None, notify: bool = True) -> Order:
    """Set or change the tracking link of a processed or delivered order, with
    a timeline entry, and (``notify``) email it to the customer. The same
    link again changes nothing and sends nothing. Raises TrackingNotAllowed
    for an order not handed to the carrier (pending: give the link when
    processing it; cancelled)."""
    _check_tracking_link(tracking_url)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in (OrderStatus.PROCESSED, OrderStatus.DELIVERED):
        raise TrackingNotAllowed()
    if order.tracking_url == tracking_url:
        return order
    previous = order.tracking_url
    order.tracking_url = tracking_url
    order.save(update_fields=["tracking_url", "updated_at"])
    event = OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.TRACKING_CHANGED,
        actor=actor,
        data={"tracking_url": tracking_url, "previous": previous, "notify": notify},
    )
    order_tracking_changed.send(sender=Order, order=order, event=event, notify=notify)
    return order


@transaction.atomic
def order_note_add(*, order: Order, note: str, actor: User | None) -> OrderEvent:
    """An internal note of staff on ``order``'s timeline: never shown to the customer."""
    note = note.strip()
    if not note:
        raise InvalidInput.field("note", _("Write the note."))
    return OrderEvent.objects.create(order=order, type=OrderEvent.Type.NOTE, actor=actor, note=note)

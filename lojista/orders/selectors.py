"""Reads of orders: a customer's own, and every order for staff.

Lists are keyset-paginated on the order number, which grows with every
placement (numbers are handed out in commit order), so "newest first" is
"highest number first" and a page costs the same few queries however far in.
"""

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections
from django.db.models import BooleanField, Count, F, Func, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from lojista.core.pagination import Page, keyset_page
from lojista.core.prefetch import remember_related
from lojista.customers.models import User
from lojista.orders.errors import OrderNotFound
from lojista.orders.models import Order, OrderEvent, OrderLine, OrderStatus, PaymentStatus
from lojista.orders.statuses import TABS, EventBy, OrderTab, allowed_transitions
from lojista.payments.models import Payment, Refund

OrderPage = Page[Order]


def with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    """``orders`` with their customer, lines and timeline (with each event's actor)."""
    return orders.select_related("customer").prefetch_related(
        "lines", Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))
    )


def orders_with_details() -> QuerySet[Order]:
    return with_details(Order.objects.all())


def _page(orders: QuerySet[Order], *, cursor: str | None, limit: int) -> OrderPage:
    return keyset_page(orders, order=("-number",), cursor=cursor, limit=limit)


def customer_order_page(*, customer: User, cursor: str | None = None, limit: int = 20) -> OrderPage:
    return _page(orders_with_details().filter(customer=customer), cursor=cursor, limit=limit)


def customer_order(*, customer: User, number: int) -> Order:
    """The customer's order ``number``; another customer's is not found."""
    order = orders_with_details().filter(customer=customer, number=number).first()
    if order is None:
        raise OrderNotFound()
    return order


def placed_order(*, number: int, viewer: User | None, placed_here: Collection[int]) -> Order:
    """Order ``number`` with its lines, for its confirmation page: to the
    browser that placed it (``placed_here``, the numbers it placed) or to
    the customer who owns it; anyone else is told it is not found."""
    order = Order.objects.prefetch_related("lines").filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    owner = viewer is not None and order.customer_id is not None and order.customer_id == viewer.pk
    if not owner and number not in placed_here:
        raise OrderNotFound()
    return order


def _number_in(q: str) -> int | None:
    digits = q.removeprefix("#")
    return int(digits) if digits.isdigit() and len(digits) <= 10 else None


class _InSubquery(Func):
    """``column IN (subquery)``, written ``column = ANY(ARRAY(subquery))`` on
    PostgreSQL: the subquery runs once, first, and the column's index reads
    its ids, so an OR with other indexed conditions is one BitmapOr of index
    reads (an ``IN (subquery)`` inside an OR is a filter on every row)."""

    conditional = True
    output_field = BooleanField()
    arg_joiner = " IN "
    template = "%(expressions)s"

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY", template="%(expressions)s)", **extra_context
        )


def _is_email(q: str) -> bool:
    """Whether ``q`` is a whole email address (``ana@example.com``)."""
    try:
        validate_email(q)
    except ValidationError:
        return False
    return True


def matching(orders: QuerySet[Order], q: str) -> QuerySet[Order]:
    """Orders whose number is ``q`` (``#1001`` or ``1001``), or whose email,
    customer's name or shipping name contains it (case-insensitive). A
    whole email address finds the orders placed with that address, not
    the longer ones that contain it (``ana@example.com``, not
    ``joana@example.com``).

    On PostgreSQL each condition is an index read (the number's unique
    index, trigram indexes on the email, the shipping name and the
    customers' names: migration 0008, and the upper-cased email's b-tree
    for a whole address: 0009), so a search costs the orders found, not
    the orders kept; a ``q`` of fewer than three characters has no trigram
    and reads them all."""
    customers = User.objects.filter(name__icontains=q).values("pk")
    condition = (
        (Q(email__iexact=q) if _is_email(q) else Q(email__icontains=q))
        | Q(shipping_address__name__icontains=q)
        | Q(_InSubquery(F("customer_id"), Subquery(customers)))
    )
    number = _number_in(q)
    if number is not None:
        condition |= Q(number=number)
    return orders.filter(condition)


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the shop's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def staff_orders(
    *,
    statuses: Collection[str] | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    payment_status: str | None = None,
    q: str = "",
    numbers: Collection[int] | None = None,
) -> QuerySet[Order]:
    """The orders staff look for, newest (highest number) first: the one query
    behind the back office's list, its tabs and its CSV export.

    ``statuses`` None means every status (an empty set, none); the dates are
    calendar days in the shop's time zone, both included; ``q`` is an order
    number or part of an email or name; ``numbers``, when given, the orders
    ticked in a list (None: any number). Nothing is prefetched:
    orders_with_lines reads it in keyset chunks for the export, and
    staff_order_page pages it by number (the same few index reads however
    deep)."""
    orders = Order.objects.select_related("customer")
    if statuses is not None:
        orders = orders.filter(status__in=sorted(statuses))
    if created_from is not None:
        orders = orders.filter(created_at__gte=_start_of(created_from))
    if created_to is not None:
        orders = orders.filter(created_at__lt=_start_of(created_to + timedelta(days=1)))
    if payment_status:
        orders = orders.filter(payment_status=payment_status)
    if q:
        orders = matching(orders, q)
    if numbers is not None:
        orders = orders.filter(number__in=sorted(set(numbers)))
    return orders.order_by("-number")


def staff_order_page(
    *,
    statuses: Collection[str] | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    payment_status: str | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int = 20,
) -> OrderPage:
    orders = staff_orders(
        statuses=statuses,
        created_from=created_from,
        created_to=created_to,
        payment_status=payment_status,
        q=q,
    )
    page = _page(orders, cursor=cursor, limit=limit)
    _attach_details(page.items)
    _attach_payments(page.items)
    return page


def _attach_details(orders: list[Order]) -> None:
    """Read the lines and the timelines (with each event's actor) of
    ``orders`` with one query each, as with_details would, and hand them
    out in a plain loop: Django's prefetch builds a queryset per order and
    relation, which was most of the staff list's CPU."""
    by_id = {order.pk: order for order in orders}
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in OrderLine.objects.filter(order_id__in=list(by_id)):
        lines[line.order_id].append(line)
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    cache_order = OrderEvent._meta.get_field("order").set_cached_value  # type: ignore[union-attr]
    for event in OrderEvent.objects.filter(order_id__in=list(by_id)).select_related("actor"):
        cache_order(event, by_id[event.order_id])  # event_by reads the order's customer
        events[event.order_id].append(event)
    for order in orders:
        remember_related(order, lines=lines.get(order.pk, []), events=events.get(order.pk, []))


def staff_order_rows(
    *,
    statuses: Collection[str] | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    payment_status: str | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int = 20,
) -> OrderPage:
    """A page of staff_orders as the back office's list shows it: each order
    with its customer and nothing else (no lines, timeline or payments, which
    staff_order_page reads for the API), so the page is two index reads."""
    orders = staff_orders(
        statuses=statuses,
        created_from=created_from,
        created_to=created_to,
        payment_status=payment_status,
        q=q,
    )
    return _page(orders, cursor=cursor, limit=limit)


# A search finding at most this many orders is run once for the back
# office's page and tab counts (staff_order_rows_with_counts).
SEARCHED_AT_ONCE = 500


def staff_order_rows_with_counts(
    *,
    statuses: Collection[str] | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    payment_status: str | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int = 20,
    cap: int,
) -> tuple[OrderPage, dict[str, int]]:
    """The back office's list: a page of staff_order_rows in ``statuses``
    (its tab) and every tab's count (order_tab_counts with ``cap``), under
    the same filters.

    A search (``q``) is the costly part of both (trigram index reads), so
    it runs once: the numbers and statuses of what it finds, counted per
    tab in Python, and the page read by number among them (the unique
    index). A search finding more than SEARCHED_AT_ONCE orders is then
    read as before: the page, and the counts in one GROUP BY."""
    if q:
        searched = staff_orders(
            created_from=created_from, created_to=created_to, payment_status=payment_status, q=q
        )
        found = list(searched.order_by().values_list("number", "status")[: SEARCHED_AT_ONCE + 1])
        if len(found) <= SEARCHED_AT_ONCE:
            counts = {
                tab: min(sum(1 for _number, status in found if listed is None or status in listed), cap + 1)
                for tab, listed in TABS.items()
            }
            numbers = [number for number, status in found if statuses is None or status in statuses]
            return _page(staff_orders(numbers=numbers), cursor=cursor, limit=limit), counts
    page = staff_order_rows(
        statuses=statuses,
        created_from=created_from,
        created_to=created_to,
        payment_status=payment_status,
        q=q,
        cursor=cursor,
        limit=limit,
    )
    counts = order_tab_counts(
        created_from=created_from, created_to=created_to, payment_status=payment_status, q=q, cap=cap
    )
    return page, counts


# Orders streamed with their lines are read this many at a time: two
# queries per chunk (the orders, their lines), whatever the total.
EXPORT_CHUNK_SIZE = 2000


class ExportedLine(NamedTuple):
    product_name: str
    variant_name: str
    sku: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


class ExportedOrder(NamedTuple):
    """An order as the CSV export reads it: plain values, no model."""

    number: int
    created_at: datetime
    status: str
    payment_status: str
    payment_method: str
    customer_name: str | None  # None: a guest's order
    email: str
    shipping_method_name: str
    shipping_address: Any
    currency: str
    subtotal: Decimal
    shipping_price: Decimal
    total: Decimal
    utm_source: str
    utm_medium: str
    lines: list[ExportedLine]  # in the order they were bought


_EXPORTED_ORDER_FIELDS = (
    "pk",
    *("customer__name" if field == "customer_name" else field for field in ExportedOrder._fields[:-1]),
)


def orders_with_lines(
    orders: QuerySet[Order], *, chunk_size: int = EXPORT_CHUNK_SIZE
) -> Iterator[ExportedOrder]:
    """``orders`` (staff_orders: newest first) one by one, each with its
    lines, read ``chunk_size`` orders at a time as plain values (tuples, not
    models: the export of a million orders spends its time writing CSV, not
    building objects). Each chunk is a keyset page (the orders numbered
    below the last chunk's), read when the previous one has been written:
    memory stays that of one chunk however many orders there are, the
    first rows go out at once, and no cursor or transaction stays open
    while the response streams."""
    if orders.query.order_by != ("-number",):
        raise ValueError("orders_with_lines reads staff_orders, newest (highest number) first")
    rows = orders.values_list(*_EXPORTED_ORDER_FIELDS)
    last_number = None
    while True:
        page = rows if last_number is None else rows.filter(number__lt=last_number)
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        lines: dict[int, list[ExportedLine]] = defaultdict(list)
        for order_id, *line in (
            OrderLine.objects.filter(order_id__in=[row[0] for row in chunk])
            .order_by("order_id", "pk")
            .values_list("order_id", *ExportedLine._fields)
        ):
            lines[order_id].append(ExportedLine._make(line))
        for pk, *fields in chunk:
            yield ExportedOrder._make((*fields, lines.get(pk, [])))
        if len(chunk) < chunk_size:
            return
        last_number = chunk[-1][1]


def order_tab_counts(
    *,
    created_from: date | None = None,
    created_to: date | None = None,
    payment_status: str | None = None,
    q: str = "",
    cap: int | None = None,
) -> dict[str, int]:
    """How many orders each back-office tab (statuses.TABS) holds under the
    same filters as the list: one GROUP BY status, summed per tab.

    With ``cap``, each tab is counted on its own, all in one statement, and
    each count stops past ``cap`` orders (``cap + 1`` then means "more than
    cap"): a few thousand index entries per tab on a shop of a million
    orders, where the GROUP BY reads every order on each page view; All is
    the sum of the others. A search (``q``) reads every order
    anyway, so it is always counted in one pass, exactly."""
    orders = staff_orders(
        created_from=created_from, created_to=created_to, payment_status=payment_status, q=q
    )
    if cap is not None and not q:
        counts = _counts_up_to(
            {
                tab: orders.filter(status__in=sorted(statuses))
                for tab, statuses in TABS.items()
                if statuses is not None
            },
            cap,
        )
        # The other tabs share every status out, each to one (statuses.TABS,
        # a test pins it): All is their sum.
        counts[OrderTab.ALL] = min(sum(counts.values()), cap + 1)
        return counts
    by_status = dict(orders.order_by().values_list("status").annotate(count=Count("pk")))
    return {
        tab: sum(count for status, count in by_status.items() if statuses is None or status in statuses)
        for tab, statuses in TABS.items()
    }


def _counts_up_to(querysets: dict[str, QuerySet[Order]], cap: int) -> dict[str, int]:
    """COUNT over at most ``cap + 1`` rows of each of ``querysets`` (a LIMIT
    in a subquery, in no particular order, so the database picks the
    cheapest index), all in one statement: ``SELECT (SELECT COUNT(*) FROM
    (… LIMIT cap + 1)), (…), …``, one round trip where each count was its
    own."""
    selects: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        sql, sql_params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608 - Django's SQL, values as params
        params.extend(sql_params)
    with connections[Order.objects.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


class Audience(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


# What the customer sees of the timeline: what happened to their order, not
# the shop's internal notes, its email bookkeeping nor refund attempts that failed.
CUSTOMER_EVENT_TYPES = frozenset(
    {
        OrderEvent.Type.PLACED,
        OrderEvent.Type.STATUS_CHANGED,
        OrderEvent.Type.TRACKING_CHANGED,
        OrderEvent.Type.PAID,
        OrderEvent.Type.REFUNDED,
    }
)


def order_timeline(*, order: Order, audience: Audience) -> list[OrderEvent]:
    """``order``'s events, oldest first, as ``audience`` may see them. Staff
    see everything, with who did it (``actor``); the customer sees
    CUSTOMER_EVENT_TYPES only, and their schemas show no actor or data. Reads
    the events read with the order (staff_order_page, orders_with_details)
    when there are any."""
    events = list(order.events.all())
    if audience == Audience.STAFF:
        return events
    return [event for event in events if event.type in CUSTOMER_EVENT_TYPES]


def event_by(event: OrderEvent) -> str:
    """Who made ``event`` (statuses.EventBy): what its data says, or, for an
    event written before it said so, the customer when the actor is the
    order's customer, staff for another actor, the system for none."""
    by = event.data.get("by") if isinstance(event.data, dict) else None
    if by:
        return str(by)
    if event.actor_id is None:
        return EventBy.SYSTEM
    return EventBy.CUSTOMER if event.actor_id == event.order.customer_id else EventBy.STAFF


def _attach_payments(orders: list[Order]) -> None:
    """Read the payments of ``orders`` (with their refunds) in two queries,
    for order_payments."""
    payments = Payment.objects.filter(
        checkout_id__in=[order.checkout_id for order in orders if order.checkout_id is not None]
    ).prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")))
    by_checkout: dict[object, list[Payment]] = defaultdict(list)
    for payment in payments.order_by("created_at", "id"):
        by_checkout[payment.checkout_id].append(payment)
    for order in orders:
        order._payments = by_checkout.get(order.checkout_id, [])  # type: ignore[attr-defined]


def order_payments(order: Order) -> list[Payment]:
    """Every payment attempt for ``order``'s checkout, oldest first, each with
    its refunds: the one that paid, and any declined, or refunded because it
    charged twice. Read by staff_order and staff_order_page already."""
    if not hasattr(order, "_payments"):
        _attach_payments([order])
    return order._payments  # type: ignore[attr-defined]


def order_by_number(*, number: int) -> Order:
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    return order


def staff_order(*, number: int) -> Order:
    """The order with everything the staff read shows: customer, lines,
    timeline with actors, and its payment with its refunds."""
    order = orders_with_details().filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    _attach_payments([order])
    return order


# The payment statuses of an order whose money is on its way back (a
# cancelled card order's refund, sent or refused).
REFUNDING = frozenset({PaymentStatus.REFUND_PENDING, PaymentStatus.REFUND_FAILED})


@dataclass(frozen=True)
class OrderActions:
    """What staff may do with an order now, as the services decide it: the
    back office shows these buttons and no others (the services still check,
    under the order's lock, when one is pressed)."""

    transitions: list[str]  # order_transition's allowed next statuses
    tracking: bool  # order_tracking_set
    mark_paid: bool  # order_mark_paid
    refund_retry: bool  # order_refund_retry
    refund_record: bool  # order_refund_record


def order_actions(order: Order) -> OrderActions:
    offline = order.payment_method == Payment.Gateway.OFFLINE and order.payment_id is not None
    return OrderActions(
        transitions=allowed_transitions(order.status),
        tracking=order.status in (OrderStatus.PROCESSED, OrderStatus.DELIVERED),
        mark_paid=offline
        and order.payment_status == PaymentStatus.AWAITING_PAYMENT
        and order.status != OrderStatus.CANCELLED,
        refund_retry=order.payment_status in REFUNDING,
        refund_record=offline
        and order.payment_status in (PaymentStatus.PAID, PaymentStatus.AWAITING_PAYMENT),
    )

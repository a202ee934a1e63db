"""Reads of orders: a customer's own, and every order for staff.

Lists are keyset-paginated on the order number, which grows with every
placement (numbers are handed out in commit order), so "newest first" is
"highest number first" and a page costs the same few queries however far in.
"""

from django.db.models import Prefetch, Q, QuerySet

from lojista.core.pagination import Page, keyset_page
from lojista.customers.models import User
from lojista.orders.errors import OrderNotFound
from lojista.orders.models import Order, OrderEvent

OrderPage = Page[Order]


def orders_with_details() -> QuerySet[Order]:
    """Orders with their customer, lines and timeline (with each event's actor)."""
    return Order.objects.select_related("customer").prefetch_related(
        "lines", Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))
    )


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


def _number_in(q: str) -> int | None:
    digits = q.removeprefix("#")
    return int(digits) if digits.isdigit() and len(digits) <= 10 else None


def matching(orders: QuerySet[Order], q: str) -> QuerySet[Order]:
    """Orders whose number is ``q`` (``#1001`` or ``1001``), or whose email,
    customer's name or shipping name contains it (case-insensitive)."""
    condition = (
        Q(email__icontains=q) | Q(customer__name__icontains=q) | Q(shipping_address__name__icontains=q)
    )
    number = _number_in(q)
    if number is not None:
        condition |= Q(number=number)
    return orders.filter(condition)


def staff_order_page(
    *, status: str | None = None, q: str = "", cursor: str | None = None, limit: int = 20
) -> OrderPage:
    orders = orders_with_details()
    if status:
        orders = orders.filter(status=status)
    if q:
        orders = matching(orders, q)
    return _page(orders, cursor=cursor, limit=limit)


def order_by_number(*, number: int) -> Order:
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    return order


def staff_order(*, number: int) -> Order:
    order = orders_with_details().filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    return order

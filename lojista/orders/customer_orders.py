"""Customers as staff see them: each with how many orders they placed and
when they last ordered. Here and not in ``customers``, which sits below
orders and cannot read them.

Only registered customers (``customers.selectors.registered_customers``):
a guest's orders carry an email but no account, and are found in the order
list by that email.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from lojista.core.pagination import Page, keyset_page
from lojista.customers.models import User
from lojista.customers.selectors import registered_customers
from lojista.orders.models import Order


@dataclass(frozen=True)
class CustomerRow:
    customer: User
    order_count: int
    last_order_at: datetime | None


@dataclass(frozen=True)
class CustomerPage:
    rows: list[CustomerRow]
    # Pass it back as ``cursor`` for the next page; None on the last page.
    next_cursor: str | None


def _order_stats(customer_ids: list[int]) -> dict[int, tuple[int, datetime | None]]:
    """(number of orders, when the last was placed) per customer, in one
    grouped query over these customers' orders only."""
    rows = (
        Order.objects.filter(customer_id__in=customer_ids)
        .order_by()
        .values("customer_id")
        .annotate(count=Count("pk"), last=Max("created_at"))
    )
    return {row["customer_id"]: (row["count"], row["last"]) for row in rows}


def _rows(customers: list[User]) -> list[CustomerRow]:
    stats = _order_stats([customer.pk for customer in customers])
    return [CustomerRow(customer, *stats.get(customer.pk, (0, None))) for customer in customers]


def staff_customer_page(*, q: str = "", cursor: str | None = None, limit: int = 50) -> CustomerPage:
    """Registered customers, newest first, whose email or name contains
    ``q``: one keyset page of accounts, then one query for their orders'
    figures (two queries at any depth, never a GROUP BY over every
    customer). Raises InvalidInput for a cursor it did not hand out."""
    page = keyset_page(registered_customers(q=q), order=("-id",), cursor=cursor, limit=limit)
    return CustomerPage(rows=_rows(page.items), next_cursor=page.next_cursor)


def staff_customer_row(*, customer: User) -> CustomerRow:
    (row,) = _rows([customer])
    return row


def staff_customer_orders(*, customer: User, cursor: str | None = None, limit: int = 50) -> Page[Order]:
    """The customer's orders, newest (highest number) first, a keyset page."""
    return keyset_page(
        Order.objects.filter(customer=customer), order=("-number",), cursor=cursor, limit=limit
    )

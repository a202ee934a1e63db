"""Sales figures for the back office's home page: orders and revenue per day
of the shop, today, this week, and the orders waiting for the merchant.

Days are the shop's calendar days (settings.TIME_ZONE, whatever time zone
is active for the reader), weeks start on Monday. An order counts on the day
it was placed unless it was cancelled since; revenue is the sum of those
orders' totals in the shop's currency (settings.LOJISTA_CURRENCY). An order
in another currency (the shop changed currencies) is counted as an order but
not added to the revenue, since two currencies do not sum: it is counted
apart in ``other_currency_orders`` so the page can say so.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from lojista.orders.models import Order, OrderStatus
from lojista.orders.statuses import TABS, OrderTab

CHART_DAYS = 30
ZERO = Decimal("0.00")


@dataclass(frozen=True, kw_only=True)
class Sales:
    """Orders placed and not cancelled, and their revenue, over some days."""

    orders: int
    revenue: Decimal
    # Orders in another currency than the shop's: in ``orders``, not in ``revenue``.
    other_currency_orders: int


@dataclass(frozen=True, kw_only=True)
class DaySales(Sales):
    day: date


@dataclass(frozen=True)
class SalesOverview:
    currency: str
    today: Sales
    this_week: Sales
    # The last CHART_DAYS days, oldest first, today last; days without orders are zero.
    days: list[DaySales]


def shop_timezone() -> tzinfo:
    return timezone.get_default_timezone()


def shop_today() -> date:
    return timezone.localdate(timezone=shop_timezone())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=shop_timezone())


def _total(days: list[DaySales]) -> Sales:
    return Sales(
        orders=sum(day.orders for day in days),
        revenue=sum((day.revenue for day in days), ZERO),
        other_currency_orders=sum(day.other_currency_orders for day in days),
    )


def daily_sales(*, first: date, last: date) -> list[DaySales]:
    """Sales of each day from ``first`` to ``last`` (both included, the shop's
    days), oldest first, in one grouped query; days without orders are zero."""
    currency = settings.LOJISTA_CURRENCY
    rows = (
        Order.objects.filter(
            created_at__gte=_start_of(first), created_at__lt=_start_of(last + timedelta(days=1))
        )
        .exclude(status=OrderStatus.CANCELLED)
        .annotate(day=TruncDate("created_at", tzinfo=shop_timezone()))
        .order_by()
        .values("day")
        .annotate(
            orders=Count("pk"),
            revenue=Sum("total", filter=Q(currency=currency)),
            other_currency_orders=Count("pk", filter=~Q(currency=currency)),
        )
    )
    by_day = {row["day"]: row for row in rows}
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {})
        days.append(
            DaySales(
                day=day,
                orders=row.get("orders", 0),
                revenue=row.get("revenue") or ZERO,
                other_currency_orders=row.get("other_currency_orders", 0),
            )
        )
    return days


def sales_overview(*, today: date | None = None) -> SalesOverview:
    """Today, this week (from Monday) and the last CHART_DAYS days, from one
    query: the week is never longer than the chart."""
    today = today or shop_today()
    days = daily_sales(first=today - timedelta(days=CHART_DAYS - 1), last=today)
    monday = today - timedelta(days=today.weekday())
    return SalesOverview(
        currency=settings.LOJISTA_CURRENCY,
        today=_total(days[-1:]),
        this_week=_total([day for day in days if day.day >= monday]),
        days=days,
    )


def orders_waiting() -> dict[str, int]:
    """How many orders of the "Pending" tab wait in each status (pending:
    to prepare, processed: to deliver): one query on the tab's index."""
    statuses = sorted(TABS[OrderTab.PENDING] or ())
    counts = dict(
        Order.objects.filter(status__in=statuses).order_by().values_list("status").annotate(Count("pk"))
    )
    return {status: counts.get(status, 0) for status in statuses}

"""Sales figures of the home page: the shop's days and weeks, cancelled
orders left out, other currencies not summed, one query for 30 days."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lojista.orders.models import Order
from lojista.orders.reports import CHART_DAYS, daily_sales, orders_waiting, sales_overview, shop_today
from lojista.orders.services import order_transition
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

SAO_PAULO = ZoneInfo("America/Sao_Paulo")  # UTC-3, no daylight saving time since 2019


@pytest.fixture
def in_sao_paulo(settings):
    settings.TIME_ZONE = "America/Sao_Paulo"


def order_at(moment: datetime) -> Order:
    """An order placed at ``moment``."""
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(created_at=moment)
    return order


def set_order(order: Order, **values) -> None:
    Order.objects.filter(pk=order.pk).update(**values)


def test_an_order_at_half_past_eleven_at_night_belongs_to_that_local_day(in_sao_paulo):
    late = order_at(datetime(2026, 11, 3, 23, 30, tzinfo=SAO_PAULO))  # 02:30 on the 4th in UTC
    early = order_at(datetime(2026, 11, 4, 0, 10, tzinfo=SAO_PAULO))  # 03:10 on the 4th in UTC

    days = daily_sales(first=date(2026, 11, 3), last=date(2026, 11, 4))

    assert [(day.day, day.orders, day.revenue) for day in days] == [
        (date(2026, 11, 3), 1, late.total),
        (date(2026, 11, 4), 1, early.total),
    ]


def test_the_edges_of_the_period_are_the_shop_s_midnights(in_sao_paulo):
    order_at(datetime(2026, 11, 2, 23, 59, 59, tzinfo=SAO_PAULO))
    order_at(datetime(2026, 11, 3, 0, 0, tzinfo=SAO_PAULO))
    order_at(datetime(2026, 11, 3, 23, 59, 59, tzinfo=SAO_PAULO))
    order_at(datetime(2026, 11, 4, 0, 0, tzinfo=SAO_PAULO))

    (day,) = daily_sales(first=date(2026, 11, 3), last=date(2026, 11, 3))

    assert day.orders == 2


def test_days_without_orders_are_zero_and_cancelled_orders_do_not_count(staff):
    today = shop_today()
    kept = order_at(timezone.now())
    cancelled = order_at(timezone.now())
    order_transition(order=cancelled, to="cancelled", actor=staff, reason="other", refund=False)
    order_at(timezone.now() - timedelta(days=2))

    days = daily_sales(first=today - timedelta(days=3), last=today)

    assert [day.orders for day in days] == [0, 1, 0, 1]
    assert days[-1].revenue == kept.total
    assert days[0].revenue == Decimal("0.00")


def test_orders_in_another_currency_are_counted_but_not_summed(settings):
    settings.LOJISTA_CURRENCY = "EUR"
    euros = order_at(timezone.now())
    reais = order_at(timezone.now())
    set_order(reais, currency="BRL")

    (day,) = daily_sales(first=shop_today(), last=shop_today())

    assert (day.orders, day.revenue, day.other_currency_orders) == (2, euros.total, 1)


def test_the_overview_has_today_the_week_from_monday_and_thirty_days(in_sao_paulo):
    wednesday = date(2026, 11, 4)
    order_at(datetime(2026, 11, 1, 12, 0, tzinfo=SAO_PAULO))  # Sunday: the week before
    order_at(datetime(2026, 11, 2, 0, 0, tzinfo=SAO_PAULO))  # Monday, midnight
    today = [order_at(datetime(2026, 11, 4, hour, 0, tzinfo=SAO_PAULO)) for hour in (9, 22)]

    overview = sales_overview(today=wednesday)

    assert len(overview.days) == CHART_DAYS
    assert overview.days[-1].day == wednesday
    assert overview.days[0].day == wednesday - timedelta(days=CHART_DAYS - 1)
    assert overview.today.orders == 2
    assert overview.today.revenue == sum(order.total for order in today)
    assert overview.this_week.orders == 3
    assert sum(day.orders for day in overview.days) == 4


def test_the_overview_costs_one_query_however_many_orders(django_assert_num_queries):
    for _ in range(5):
        order_at(timezone.now() - timedelta(days=3))
    with django_assert_num_queries(1):
        sales_overview()


def test_orders_waiting_counts_pending_and_processed(staff):
    orders = [placed_order() for _ in range(4)]
    order_transition(order=orders[0], to="processed", actor=staff)
    order_transition(order=orders[1], to="processed", actor=staff)
    order_transition(order=orders[1], to="delivered", actor=staff)
    order_transition(order=orders[2], to="cancelled", actor=staff, reason="other", refund=False)

    assert orders_waiting() == {"pending": 1, "processed": 1}

"""The Closed tab's partial index (migration 0010, PostgreSQL): the
delivered orders by number, so the tab's pages are read from it rather than
from the number's index past every newer order not yet delivered."""

import pytest
from django.db import connection

from lojista.orders.models import Order
from lojista.orders.selectors import staff_order_rows, staff_orders
from lojista.orders.statuses import TABS
from tests.orders.factories import placed_order
from tests.orders.test_search import assert_migration_builds, pg_index, plan

pytestmark = pytest.mark.django_db

INDEX = "order_closed_tab_number_idx"


def test_the_closed_tab_lists_the_delivered_orders_newest_first():
    orders = [placed_order() for _ in range(5)]
    Order.objects.filter(pk__in=[order.pk for order in orders[:3]]).update(status="delivered")

    page = staff_order_rows(statuses=TABS["closed"], limit=2)
    rest = staff_order_rows(statuses=TABS["closed"], cursor=page.next_cursor, limit=2)

    assert [order.number for order in page.items + rest.items] == [order.number for order in orders[2::-1]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_on_postgresql_the_closed_tab_is_read_from_its_index():
    placed_order()
    first = staff_orders(statuses=TABS["closed"])[:26]
    deeper = staff_orders(statuses=TABS["closed"]).filter(number__lt=1_000_000)[:26]

    # A first page and one further in (a cursor is a number).
    for queryset in (first, deeper):
        assert INDEX in plan(queryset), plan(queryset)


@pytest.mark.django_db(transaction=True)
def test_the_migration_applies_and_reverts_on_either_database():
    built = {INDEX} if connection.vendor == "postgresql" else set()
    assert_migration_builds(
        before="0009_order_email_upper_index",
        after="0010_order_closed_tab_index",
        built=built,
        indexes=pg_index(INDEX),
    )

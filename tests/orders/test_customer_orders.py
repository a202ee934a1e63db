"""Customers as staff see them: registered customers only, each with their
number of orders and last order, in two queries per page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.customers.models import User
from lojista.orders.customer_orders import staff_customer_orders, staff_customer_page, staff_customer_row
from lojista.orders.models import Order
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


def a_customer(email: str, name: str = "") -> User:
    return User.objects.create_user(email, "a long password 1", name=name)


def test_a_page_has_each_customer_s_order_figures(customer, staff):
    older = placed_order(customer=customer, with_cart=False)
    newer = placed_order(customer=customer, with_cart=False)
    Order.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=9))
    placed_order(email="guest@example.com", with_cart=False)
    bia = a_customer("bia@example.com", "Bia")
    newer.refresh_from_db()

    page = staff_customer_page()

    assert [(row.customer, row.order_count, row.last_order_at) for row in page.rows] == [
        (bia, 0, None),
        (customer, 2, newer.created_at),
    ]
    assert staff_customer_row(customer=customer).order_count == 2


def test_a_page_costs_two_queries_however_deep(django_assert_num_queries):
    for number in range(7):
        buyer = a_customer(f"buyer{number}@example.com")
        placed_order(customer=buyer, with_cart=False)
    first = staff_customer_page(limit=3)

    with django_assert_num_queries(2):
        second = staff_customer_page(cursor=first.next_cursor, limit=3)

    assert [row.customer.email for row in second.rows] == [f"buyer{n}@example.com" for n in (3, 2, 1)]
    assert all(row.order_count == 1 for row in second.rows)


def test_search_narrows_the_customers(customer):
    a_customer("bia@example.com", "Bia Lima")

    assert [row.customer for row in staff_customer_page(q="SOUZA").rows] == [customer]
    assert [row.customer.email for row in staff_customer_page(q="bia@").rows] == ["bia@example.com"]


def test_a_customer_s_orders_come_newest_first_in_pages(customer):
    orders = [placed_order(customer=customer, with_cart=False) for _ in range(3)]
    placed_order(email="someone@example.com", with_cart=False)

    first = staff_customer_orders(customer=customer, limit=2)
    second = staff_customer_orders(customer=customer, cursor=first.next_cursor, limit=2)

    assert first.items == [orders[2], orders[1]]
    assert second.items == [orders[0]] and second.next_cursor is None

"""What the back office's order list and CSV export read: a page of rows
without details, ticked numbers, orders streamed with their lines."""

import pytest

from lojista.orders.models import Order
from lojista.orders.selectors import order_tab_counts, orders_with_lines, staff_order_rows, staff_orders
from lojista.orders.services import order_place, order_transition
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db


def test_ticked_numbers_narrow_the_query_and_unknown_ones_are_ignored():
    orders = [placed_order(email=f"buyer{i}@example.com") for i in range(3)]
    ticked = [orders[0].number, orders[2].number, orders[2].number, 999_999]

    assert [order.number for order in staff_orders(numbers=ticked)] == [orders[2].number, orders[0].number]
    assert list(staff_orders(numbers=[])) == []


def test_a_page_of_rows_reads_the_orders_and_their_customers_only(django_assert_num_queries, customer):
    orders = [placed_order(customer=customer) for _ in range(3)]

    with django_assert_num_queries(1):
        page = staff_order_rows(limit=2)
        names = [order.customer.name for order in page.items]

    assert [order.number for order in page.items] == [orders[2].number, orders[1].number]
    assert names == ["Ana Souza", "Ana Souza"]
    following = staff_order_rows(limit=2, cursor=page.next_cursor)
    assert [order.number for order in following.items] == [orders[0].number]
    assert following.next_cursor is None


def test_orders_stream_with_their_lines_a_chunk_at_a_time(django_assert_num_queries):
    for _ in range(5):
        checkout = checkout_for({stocked_variant(): 1, stocked_variant(): 2, stocked_variant(): 3})
        order_place(checkout=checkout, payment=payment_for(checkout))

    # Per chunk of 2: its orders (a keyset page), their lines; the last chunk is short.
    with django_assert_num_queries(3 + 3):
        streamed = [
            (order.number, [line.quantity for line in order.lines])
            for order in orders_with_lines(staff_orders(), chunk_size=2)
        ]

    assert streamed == [
        (number, [1, 2, 3]) for number in Order.objects.order_by("-number").values_list("number", flat=True)
    ]


def test_orders_stream_as_keyset_pages_of_the_newest_first_query_only():
    orders = [placed_order(email=f"buyer{i}@example.com") for i in range(4)]
    ticked = staff_orders(numbers=[orders[0].number, orders[2].number, orders[3].number])

    streamed = [order.number for order in orders_with_lines(ticked, chunk_size=2)]

    assert streamed == [orders[3].number, orders[2].number, orders[0].number]
    with pytest.raises(ValueError):
        next(orders_with_lines(staff_orders().order_by("number")))


def test_capped_tab_counts_stop_past_the_cap_except_for_a_search(staff):
    orders = [placed_order(email=f"buyer{i}@example.com") for i in range(5)]
    for order in orders[:3]:
        order_transition(order=order, to="cancelled", actor=staff, reason="other", refund=False)

    assert order_tab_counts(cap=2) == {"pending": 2, "closed": 0, "cancelled": 3, "all": 3}
    assert order_tab_counts(cap=10) == {"pending": 2, "closed": 0, "cancelled": 3, "all": 5}
    assert order_tab_counts(cap=2, q="example.com") == {"pending": 2, "closed": 0, "cancelled": 3, "all": 5}
    assert order_tab_counts(cap=2, payment_status="refunded") == order_tab_counts(payment_status="refunded")

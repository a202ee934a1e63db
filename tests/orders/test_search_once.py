"""The back office's list reads a search once for its page and its tab
counts (selectors.staff_order_rows_with_counts): the same orders, pages and
counts as the page and the counts read on their own, with one search
statement instead of two."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojista.orders.models import Order, OrderStatus
from lojista.orders.selectors import order_tab_counts, staff_order_rows, staff_order_rows_with_counts
from lojista.orders.services import order_transition
from lojista.orders.statuses import TABS
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

CAP = 10_000


@pytest.fixture
def shop(staff):
    """Seven orders of three buyers in every status, and one of someone else:
    five pending or processed, one delivered, two cancelled."""
    orders = [placed_order(email=f"buyer{i % 3}@example.com") for i in range(7)]
    orders.append(placed_order(email="someone@else.test"))
    order_transition(order=orders[1], to="processed", actor=staff)
    order_transition(order=orders[2], to="processed", actor=staff)
    order_transition(order=orders[2], to="delivered", actor=staff)
    for order in orders[3:5]:
        order_transition(order=order, to="cancelled", actor=staff, reason="other", refund=False)
    return [Order.objects.get(pk=order.pk) for order in orders]


def pages(read, **filters) -> list[list[int]]:
    """Every page's numbers, following the cursors, two orders a page."""
    found, cursor = [], None
    while True:
        page = read(**filters, cursor=cursor, limit=2)
        found.append([order.number for order in page.items])
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def with_counts(**filters):
    return staff_order_rows_with_counts(**filters, cap=CAP)[0]


QUERIES = ["buyer1@", "BUYER1@EXAMPLE.COM", "example.com", "else", "nobody", "#1003", "1003"]


@pytest.mark.parametrize("searched_at_once", [500, 2])
@pytest.mark.parametrize("q", QUERIES)
def test_the_same_pages_and_counts_as_read_on_their_own(shop, q, searched_at_once, monkeypatch):
    # With 2, most searches find more than are read at once: the page and counts are read as before.
    monkeypatch.setattr("lojista.orders.selectors.SEARCHED_AT_ONCE", searched_at_once)
    for statuses in TABS.values():
        assert pages(with_counts, statuses=statuses, q=q) == pages(staff_order_rows, statuses=statuses, q=q)
        _page, counts = staff_order_rows_with_counts(statuses=statuses, q=q, cap=CAP)
        assert counts == order_tab_counts(q=q, cap=CAP)


def test_the_filters_apply_to_the_page_and_the_counts(shop):
    page, counts = staff_order_rows_with_counts(
        statuses=TABS["all"], q="buyer", payment_status="paid", cap=CAP
    )

    assert [order.number for order in page.items] == [
        order.number
        for order in reversed(shop)
        if order.email.startswith("buyer") and order.payment_status == "paid"
    ]
    assert counts == order_tab_counts(q="buyer", payment_status="paid")


def test_a_search_runs_once_for_the_page_and_the_counts(shop):
    with CaptureQueriesContext(connection) as queries:
        page, counts = staff_order_rows_with_counts(statuses=TABS["pending"], q="buyer1@", cap=CAP)

    searching = [query["sql"] for query in queries.captured_queries if "LIKE" in query["sql"].upper()]
    assert len(searching) == 1, searching
    assert len(queries.captured_queries) == 2  # the search, then the page by number
    # buyer1@ placed orders 1 (processed) and 4 (cancelled).
    assert [order.number for order in page.items] == [shop[1].number]
    assert counts == {"pending": 1, "closed": 0, "cancelled": 1, "all": 2}


@pytest.mark.parametrize("cap", [1, 2, 3, 8, 100])
def test_capped_counts_are_exact_up_to_the_cap_and_all_is_the_other_tabs_sum(shop, cap):
    exact = order_tab_counts()
    assert exact == {"pending": 5, "closed": 1, "cancelled": 2, "all": 8}

    capped = order_tab_counts(cap=cap)

    assert capped == {tab: min(count, cap + 1) for tab, count in exact.items()}


def test_the_tabs_but_all_share_every_status_out_one_tab_each():
    # order_tab_counts counts All as the sum of the other tabs.
    shared = [status for tab, statuses in TABS.items() if statuses is not None for status in statuses]
    assert sorted(shared) == sorted(OrderStatus.values)

"""The back office's Orders list: tabs with counts, filters, search, keyset
pages, bad filters shown on the form, and a query count that does not grow
with the orders."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.orders.models import Order
from lojista.orders.services import order_transition
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

LIST = "/backoffice/orders/"


def listed(response) -> list[int]:
    """The order numbers of the page's rows, top to bottom."""
    return [int(number) for number in re.findall(r'name="numbers" value="(\d+)"', response.content.decode())]


def tab_counts(response) -> dict[str, int]:
    page = response.content.decode()
    found = re.findall(r'href="[^"]*tab=(\w+)[^"]*"[^>]*>[^<]*<span class="count">(\d+)</span>', page)
    return {tab: int(count) for tab, count in found}


@pytest.fixture
def shop(staff, customer):
    """Six orders, oldest first: two pending (one of the customer's), one
    processed, one delivered, two cancelled."""
    orders = [placed_order(email="ana@example.com", customer=customer)]
    orders += [placed_order(email=f"buyer{i}@example.com") for i in range(1, 6)]
    order_transition(order=orders[2], to="processed", actor=staff)
    order_transition(order=orders[3], to="processed", actor=staff)
    order_transition(order=orders[3], to="delivered", actor=staff)
    for order in orders[4:]:
        order_transition(order=order, to="cancelled", actor=staff, reason="other", refund=False)
    return [Order.objects.get(pk=order.pk) for order in orders]


def test_the_pending_tab_is_the_default_and_every_tab_shows_its_count(staff_client, shop):
    response = staff_client.get(LIST)

    assert response.status_code == 200
    assert listed(response) == [shop[2].number, shop[1].number, shop[0].number]
    assert tab_counts(response) == {"pending": 3, "closed": 1, "cancelled": 2, "all": 6}
    page = response.content.decode()
    assert f'href="/backoffice/orders/{shop[2].number}/"' in page
    assert 'aria-current="page">Pending' in page


@pytest.mark.parametrize(
    ("tab", "indexes"), [("closed", [3]), ("cancelled", [5, 4]), ("all", [5, 4, 3, 2, 1, 0])]
)
def test_each_tab_lists_its_statuses(staff_client, shop, tab, indexes):
    response = staff_client.get(LIST, {"tab": tab})

    assert listed(response) == [shop[index].number for index in indexes]


def test_the_columns_show_customer_status_payment_total_and_source(staff_client, customer):
    order = placed_order(customer=customer, utm_source="newsletter", utm_medium="email")

    page = staff_client.get(LIST).content.decode()

    assert "Ana Souza" in page
    assert "ana@example.com" in page
    assert '<span class="badge pending">Pending</span>' in page
    assert '<span class="badge paid">Paid</span>' in page
    assert "€30.00" in page  # one 25.00 line and 5.00 shipping
    assert "newsletter / email" in page
    assert f"#{order.number}" in page


def test_search_by_email_name_or_number_and_the_counts_follow(staff_client, shop):
    by_email = staff_client.get(LIST, {"tab": "all", "q": "buyer3@"})
    by_name = staff_client.get(LIST, {"tab": "all", "q": "ana souza"})
    by_number = staff_client.get(LIST, {"tab": "all", "q": f"#{shop[4].number}"})

    assert listed(by_email) == [shop[3].number]
    assert tab_counts(by_email) == {"pending": 0, "closed": 1, "cancelled": 0, "all": 1}
    # Every order of the factories ships to "Ana Souza"; the customer's own name matches too.
    assert len(listed(by_name)) == 6
    assert listed(by_number) == [shop[4].number]
    assert 'value="buyer3@"' in by_email.content.decode()


def test_filters_by_payment_status_and_dates_in_the_shop_time_zone(staff_client, shop):
    Order.objects.filter(pk=shop[0].pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()

    recent = staff_client.get(LIST, {"tab": "all", "created_from": today.isoformat()})
    old = staff_client.get(LIST, {"tab": "all", "created_to": (today - timedelta(days=5)).isoformat()})
    refunded = staff_client.get(LIST, {"tab": "all", "payment_status": "paid"})

    assert shop[0].number not in listed(recent)
    assert len(listed(recent)) == 5
    assert listed(old) == [shop[0].number]
    assert len(listed(refunded)) == 6


def test_the_tab_links_keep_the_filters_and_the_filter_form_keeps_the_tab(staff_client, shop):
    page = staff_client.get(LIST, {"tab": "cancelled", "q": "buyer"}).content.decode()

    assert 'href="/backoffice/orders/?q=buyer&amp;tab=all"' in page
    assert '<input type="hidden" name="tab" value="cancelled"' in page


def test_the_forms_show_what_each_view_asked_for_in_any_order(staff_client, shop, settings):
    """The blank forms are kept once rendered (views.orders._filter_fields
    and _bulk_fields): a search, a filter or another tab after them still
    shows its own values, and the blank tab its blank form, in the
    reader's language."""
    plain = staff_client.get(LIST, {"tab": "closed"}).content.decode()
    search = staff_client.get(LIST, {"tab": "closed", "q": "buyer3"}).content.decode()
    filtered = staff_client.get(LIST, {"tab": "closed", "payment_status": "paid"}).content.decode()
    other = staff_client.get(LIST, {"tab": "cancelled"}).content.decode()
    again = staff_client.get(LIST, {"tab": "closed"}).content.decode()

    assert '<input type="hidden" name="tab" value="closed"' in plain
    assert 'value="buyer3"' in search and 'value="buyer3"' not in again
    assert '<option value="paid" selected>' in filtered and '<option value="paid" selected>' not in again
    assert '<input type="hidden" name="tab" value="cancelled"' in other
    assert '<input type="hidden" name="tab" value="closed"' in again
    staff_client.post("/backoffice/language/", {"language": "pt-br", "next": LIST})
    portuguese = staff_client.get(LIST, {"tab": "closed"}).content.decode()
    assert "Ao cancelar" in portuguese and "When cancelling" in plain
    assert "Número, e-mail ou nome" in portuguese and "Number, email or name" in plain


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"tab": "archived"}, "Select a valid choice"),
        ({"created_from": "yesterday"}, "Enter a valid date"),
        ({"payment_status": "free"}, "Select a valid choice"),
        ({"created_from": "2026-05-02", "created_to": "2026-05-01"}, "The end date is before the start date"),
        ({"cursor": "not-a-cursor"}, "This page link is not valid"),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_filter_is_an_error_on_the_form_not_a_crash(staff_client, shop, params, error):
    response = staff_client.get(LIST, params)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert listed(response) == []


def test_keyset_pages_walk_every_order_once(staff_client, staff):
    orders = [placed_order() for _ in range(27)]

    first = staff_client.get(LIST)
    next_url = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.content.decode()).group(1)
    assert next_url.startswith("/backoffice/orders/?")  # also from the bulk view's page, at its own URL
    second = staff_client.get(next_url.replace("&amp;", "&"))

    assert listed(first) + listed(second) == [order.number for order in reversed(orders)]
    assert "First page" in second.content.decode()
    assert 'rel="next"' not in second.content.decode()


def test_the_query_count_does_not_grow_with_the_orders(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        placed_order()
    # Session, user, the page of orders with their customers, the four tab counts, the shop settings.
    with django_assert_max_num_queries(5) as few:
        assert len(listed(staff_client.get(LIST))) == 3

    for _ in range(27):
        placed_order()
    with django_assert_max_num_queries(len(few)):
        assert len(listed(staff_client.get(LIST))) == 25


def test_the_four_tab_counts_are_one_statement(staff_client, shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(5) as page:
        response = staff_client.get(LIST, {"tab": "closed"})

    counting = [query["sql"] for query in page.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counting) == 1, counting
    assert tab_counts(response) == {"pending": 3, "closed": 1, "cancelled": 2, "all": 6}
    assert listed(response) == [shop[3].number]


def test_a_search_is_read_once_for_the_page_and_the_counts(staff_client, shop, django_assert_max_num_queries):
    # Session, user, the search, the page by number, the shop settings.
    with django_assert_max_num_queries(5) as page:
        response = staff_client.get(LIST, {"tab": "cancelled", "q": "buyer"})

    searching = [query["sql"] for query in page.captured_queries if "LIKE" in query["sql"].upper()]
    assert len(searching) == 1, searching
    assert tab_counts(response) == {"pending": 2, "closed": 1, "cancelled": 2, "all": 5}
    assert listed(response) == [shop[5].number, shop[4].number]


def test_a_whole_email_finds_that_address_only(staff_client, shop):
    joana = placed_order(email="joana@example.com")

    whole = staff_client.get(LIST, {"tab": "all", "q": "ANA@example.com"})
    part = staff_client.get(LIST, {"tab": "all", "q": "ana@example"})

    assert listed(whole) == [shop[0].number]
    assert tab_counts(whole) == {"pending": 1, "closed": 0, "cancelled": 0, "all": 1}
    assert listed(part) == [joana.number, shop[0].number]


def test_the_page_escapes_what_customers_typed(staff_client):
    placed_order(
        email="x@example.com", shipping_address={"name": "<script>alert(1)</script>", "country": "BR"}
    )

    page = staff_client.get(LIST).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_tab_past_the_cap_says_so_rather_than_count_every_order(staff_client, shop, monkeypatch):
    monkeypatch.setattr("lojista.backoffice.views.orders.TAB_COUNT_CAP", 2)

    page = staff_client.get(LIST).content.decode()

    assert re.search(r'tab=pending"[^>]*>Pending <span class="count">2\+</span>', page)
    assert re.search(r'tab=closed"[^>]*>Closed <span class="count">1</span>', page)

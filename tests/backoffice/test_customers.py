"""The back office's Customers: the list (search, pages, order figures) and
a customer's page (details, orders, current cart)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojista.carts.services import cart_for_customer, cart_line_add
from lojista.customers.models import User
from lojista.inventory.models import Stock
from lojista.orders.models import Order
from tests.orders.factories import placed_order, stocked_variant

pytestmark = pytest.mark.django_db

LIST = "/backoffice/customers/"


def a_customer(email: str, name: str = "", **fields) -> User:
    return User.objects.create_user(email, "a long password 1", name=name, **fields)


def page_of(client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_list_shows_customers_with_their_orders(staff_client, customer):
    first = placed_order(customer=customer, with_cart=False)
    last = placed_order(customer=customer, with_cart=False)
    Order.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=30))
    Order.objects.filter(pk=last.pk).update(created_at=timezone.now() - timedelta(days=2))
    a_customer("bia@example.com", "Bia Lima")

    page = page_of(staff_client, LIST)

    assert f'href="/backoffice/customers/{customer.pk}/">Ana Souza</a>' in page
    assert "ana@example.com" in page and "bia@example.com" in page
    row = page[page.index("Ana Souza") : page.index("</tr>", page.index("Ana Souza"))]
    assert '<td class="num">2</td>' in row
    assert (timezone.localdate() - timedelta(days=2)).strftime("%m/%d/%Y") in row
    # Newest first
    assert page.index("bia@example.com") < page.index("ana@example.com")


def test_staff_and_owners_are_not_customers(staff_client, staff, owner, customer):
    page = page_of(staff_client, LIST)

    assert "ana@example.com" in page
    assert staff.email not in page and owner.email not in page
    assert staff_client.get(f"{LIST}{staff.pk}/").status_code == 404
    assert staff_client.get(f"{LIST}{owner.pk}/").status_code == 404
    assert staff_client.get(f"{LIST}999999/").status_code == 404


def test_search_by_email_or_name(staff_client, customer):
    a_customer("bia@example.com", "Bia Lima")
    a_customer("carla@shop.example", "Carla Souza")

    by_name = page_of(staff_client, LIST, q="souza")
    by_email = page_of(staff_client, LIST, q="BIA@")
    nothing = page_of(staff_client, LIST, q="nobody")

    assert "ana@example.com" in by_name and "carla@shop.example" in by_name
    assert "bia@example.com" not in by_name
    assert "bia@example.com" in by_email and "ana@example.com" not in by_email
    assert "No customer matches this search." in nothing
    assert 'value="souza"' in by_name


def test_pages_follow_each_other_and_keep_the_search(staff_client):
    for number in range(53):
        a_customer(f"buyer{number:02d}@example.com")
    a_customer("other@example.org")

    first = page_of(staff_client, LIST, q="buyer")
    assert len(re.findall(r'href="/backoffice/customers/\d+/"', first)) == 50
    cursor = first.split("cursor=")[1].split('"')[0]
    assert "q=buyer&amp;cursor=" in first

    second = page_of(staff_client, LIST, q="buyer", cursor=cursor)

    assert "buyer02@example.com" in second and "buyer00@example.com" in second
    assert "buyer52@example.com" not in second and "other@example.org" not in second
    assert "Next page" not in second
    assert '<a href="?q=buyer">First page</a>' in second


def test_a_tampered_cursor_shows_the_first_page(staff_client, customer):
    page = page_of(staff_client, LIST, cursor="not-a-cursor")

    assert "That page link is not valid" in page
    assert "ana@example.com" in page


def test_the_list_costs_the_same_queries_however_many_customers(staff_client, django_assert_max_num_queries):
    placed_order(customer=a_customer("one@example.com"), with_cart=False)
    few = queries_of(staff_client, LIST)
    for number in range(30):
        buyer = a_customer(f"buyer{number}@example.com")
        placed_order(customer=buyer, with_cart=False)
        placed_order(customer=buyer, with_cart=False)

    with django_assert_max_num_queries(few):
        staff_client.get(LIST)


def test_a_customer_page_shows_details_orders_and_cart(staff_client, customer):
    customer.language = "pt-br"
    customer.save()
    order = placed_order(customer=customer, with_cart=False)
    placed_order(email="someone@example.com")
    in_stock = stocked_variant(stock=5, price="12.00", name="Azul M")
    sold_out = stocked_variant(stock=2, price="30.00", name="Verde G")
    cart = cart_for_customer(customer=customer)
    cart_line_add(cart=cart, variant_id=in_stock.pk, quantity=2)
    cart_line_add(cart=cart, variant_id=sold_out.pk, quantity=1)
    Stock.objects.filter(variant=sold_out).update(quantity=0)

    page = page_of(staff_client, f"{LIST}{customer.pk}/")

    assert "<h1>Ana Souza</h1>" in page
    assert "Portuguese (Brazil)" in page and "Never" in page and "Active" in page
    assert f'href="/backoffice/orders/{order.number}/">#{order.number}</a>' in page
    assert re.findall(r'href="/backoffice/orders/(\d+)/"', page) == [str(order.number)]
    assert 'href="/backoffice/orders/?q=ana%40example.com&amp;tab=all"' in page
    assert "Azul M" in page and "Verde G" in page
    assert "This item is out of stock" in page
    assert "€24.00" in page  # the subtotal: the sold-out line counts for nothing


def test_a_customer_without_orders_or_cart(staff_client, customer):
    page = page_of(staff_client, f"{LIST}{customer.pk}/")

    assert "No orders yet." in page
    assert "The cart is empty." in page


def test_a_customer_s_orders_are_paged(staff_client, customer):
    orders = [placed_order(customer=customer, with_cart=False) for _ in range(52)]

    first = page_of(staff_client, f"{LIST}{customer.pk}/")
    cursor = first.split("?cursor=")[1].split('"')[0]
    second = page_of(staff_client, f"{LIST}{customer.pk}/", cursor=cursor)

    assert f"#{orders[-1].number}<" in first and f"#{orders[1].number}<" not in first
    assert f"#{orders[1].number}<" in second and f"#{orders[0].number}<" in second
    assert '<span class="count">52</span>' in first


def test_the_customer_page_costs_the_same_queries_however_many_orders(
    staff_client, customer, django_assert_max_num_queries
):
    placed_order(customer=customer, with_cart=False)
    cart = cart_for_customer(customer=customer)
    cart_line_add(cart=cart, variant_id=stocked_variant().pk, quantity=1)
    few = queries_of(staff_client, f"{LIST}{customer.pk}/")
    for _ in range(10):
        placed_order(customer=customer, with_cart=False)
        cart_line_add(cart=cart, variant_id=stocked_variant().pk, quantity=1)

    with django_assert_max_num_queries(few):
        staff_client.get(f"{LIST}{customer.pk}/")


def test_a_customer_s_own_text_is_escaped(staff_client):
    sneaky = a_customer("sneaky@example.com", "<script>alert(1)</script>")

    listed = page_of(staff_client, LIST)
    shown = page_of(staff_client, f"{LIST}{sneaky.pk}/")

    for page in (listed, shown):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_tampered_cursor_on_a_customer_page_shows_their_latest_orders(staff_client, customer):
    order = placed_order(customer=customer, with_cart=False)

    page = page_of(staff_client, f"{LIST}{customer.pk}/", cursor="eyJudW1iZXIiOiJ4In0")

    assert "That page link is not valid" in page
    assert f"#{order.number}<" in page


def test_owners_see_the_customers_too(owner_client, customer):
    assert "ana@example.com" in page_of(owner_client, LIST)
    assert "Ana Souza" in page_of(owner_client, f"{LIST}{customer.pk}/")


def test_customers_and_anonymous_visitors_are_kept_out(customer_client, client, customer):
    for path in (LIST, f"{LIST}{customer.pk}/"):
        assert customer_client.get(path).status_code == 403
        assert client.get(path).status_code == 302

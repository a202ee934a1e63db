"""My orders: the customer's orders with the status the merchant set, one
order's page (lines, totals, address, tracking link, timeline), its
printable invoice, and cancelling it while it is pending. Nobody sees
another's order."""

import pytest
from django.test import Client

from lojista.catalog.models import Variant
from lojista.customers.models import User
from lojista.inventory.models import Stock
from lojista.orders.models import Order, OrderStatus
from lojista.orders.services import order_note_add, order_tracking_set, order_transition
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

TRACKING = "https://track.example/parcel/AB123"


@pytest.fixture
def client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def test_my_orders_lists_the_customers_orders_newest_first_with_status_and_total(client, customer, staff):
    first = placed_order(customer=customer)
    second = placed_order(customer=customer, quantity=2)
    placed_order(customer=User.objects.create_user("bia@example.com", "x" * 12))  # not Ana's
    order_transition(order=first, to=OrderStatus.PROCESSED, actor=staff)

    response = client.get("/account/orders/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(f"Order #{second.number}") < page.index(f"Order #{first.number}")
    assert page.count("Order #") == 2
    assert ">Processed<" in page and ">Pending<" in page
    assert "€55.00" in page  # 2 x €25.00 + €5.00 shipping


def test_no_orders_yet_invites_to_shop(client):
    page = client.get("/account/orders/").content.decode()

    assert "You have no orders yet." in page


def test_my_orders_pages_with_a_cursor_and_a_bad_cursor_starts_over(client, customer, monkeypatch):
    monkeypatch.setattr("lojista.storefront.views.account.ORDERS_PER_PAGE", 2)
    orders = [placed_order(customer=customer) for _ in range(3)]

    first = client.get("/account/orders/").content.decode()
    next_url = next(part.split('"')[0] for part in first.split('href="') if "cursor=" in part.split('"')[0])
    second = client.get(next_url.replace("&amp;", "&")).content.decode()

    assert f"Order #{orders[0].number}" not in first and f"Order #{orders[0].number}" in second
    assert "Newest orders" in second
    assert client.get("/account/orders/?cursor=garbage")["Location"] == "/account/orders/"


def test_my_orders_needs_a_login(db):
    assert Client().get("/account/orders/")["Location"] == "/account/login/?next=/account/orders/"


def test_the_order_page_shows_lines_totals_address_tracking_and_the_customer_timeline(
    client, customer, staff
):
    order = placed_order(customer=customer)
    order_transition(order=order, to=OrderStatus.PROCESSED, actor=staff)
    order_tracking_set(order=order, tracking_url=TRACKING, actor=staff)
    order_note_add(order=order, note="Internal: fragile, double box", actor=staff)

    response = client.get(f"/account/orders/{order.number}/")

    page = response.content.decode()
    assert response.status_code == 200
    line = order.lines.get()
    assert line.product_name in page
    assert "€25.00" in page and "€30.00" in page
    assert "Rua Augusta 100" in page
    assert f'href="{TRACKING}"' in page
    assert "Status: Processed" in page and "Tracking link added" in page
    assert "Internal: fragile" not in page  # staff notes are never shown
    assert "Sam Staff" not in page
    assert "Cancel order" not in page  # processed: no longer the customer's to cancel
    assert f'href="/account/orders/{order.number}/invoice/"' in page


def test_another_customers_order_and_its_invoice_are_404(client):
    other = placed_order(customer=User.objects.create_user("bia@example.com", "x" * 12))
    guest = placed_order(customer=None)

    for number in (other.number, guest.number, 999_999, 2**40):
        assert client.get(f"/account/orders/{number}/").status_code == 404
        assert client.get(f"/account/orders/{number}/invoice/").status_code == 404
        assert client.post(f"/account/orders/{number}/cancel/", {"confirm": "on"}).status_code == 404
    other.refresh_from_db()
    assert other.status == OrderStatus.PENDING


def test_the_invoice_is_the_back_offices_with_a_way_back_to_the_order(client, customer):
    order = placed_order(customer=customer)

    response = client.get(f"/account/orders/{order.number}/invoice/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"#{order.number}" in page and "Ana Souza" in page and "€30.00" in page
    assert "orders/invoice.css" in page
    assert f'href="/account/orders/{order.number}/"' in page
    assert "Print" in page


def test_a_pending_order_is_cancelled_once_confirmed_and_its_units_go_back(client, customer):
    order = placed_order(customer=customer, quantity=2, stock=5)
    variant = Variant.objects.get(sku=order.lines.get().sku)
    page = client.get(f"/account/orders/{order.number}/").content.decode()
    assert "Cancel order" in page and "Yes, cancel this order" in page

    unconfirmed = client.post(f"/account/orders/{order.number}/cancel/", {})
    order.refresh_from_db()
    assert unconfirmed.status_code == 400 and order.status == OrderStatus.PENDING
    assert 'class="error"' in unconfirmed.content.decode()

    done = client.post(f"/account/orders/{order.number}/cancel/", {"confirm": "on"})

    assert done["Location"] == f"/account/orders/{order.number}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Stock.objects.get(variant=variant).quantity == 5
    after = client.get(done["Location"]).content.decode()
    assert f"Order #{order.number} is cancelled." in after and ">Cancelled<" in after
    assert "Cancel order" not in after


def test_an_order_the_shop_processed_meanwhile_cannot_be_cancelled(client, customer, staff):
    order = placed_order(customer=customer)
    order_transition(order=order, to=OrderStatus.PROCESSED, actor=staff)

    response = client.post(f"/account/orders/{order.number}/cancel/", {"confirm": "on"})

    assert response.status_code == 409
    assert "can no longer be cancelled" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PROCESSED


def test_cancelling_twice_answers_like_the_first_time(client, customer):
    order = placed_order(customer=customer)
    path = f"/account/orders/{order.number}/cancel/"

    first = client.post(path, {"confirm": "on"})
    second = client.post(path, {"confirm": "on"})

    assert first["Location"] == second["Location"] == f"/account/orders/{order.number}/"
    assert order.events.filter(to_status=OrderStatus.CANCELLED).count() == 1


def test_cancelling_needs_a_post(client, customer):
    order = placed_order(customer=customer)

    assert client.get(f"/account/orders/{order.number}/cancel/").status_code == 405


def test_text_from_the_order_is_escaped(client, customer):
    order = placed_order(customer=customer, shipping_address={"name": "<script>x</script>", "line1": "Rua 1"})

    page = client.get(f"/account/orders/{order.number}/").content.decode()

    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


# Session, user, the header's cart, the orders and their prefetches: the same for 1 or 8.
QUERY_BUDGET = 7


@pytest.mark.parametrize("count", [1, 8])
def test_my_orders_costs_the_same_queries_however_many_orders(
    client, customer, count, shop_settings_cached, django_assert_max_num_queries
):
    for _ in range(count):
        placed_order(customer=customer)

    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get("/account/orders/").status_code == 200


@pytest.mark.parametrize("quantity", [1, 3])
def test_the_order_page_has_a_query_budget(
    client, customer, quantity, shop_settings_cached, django_assert_max_num_queries
):
    order = placed_order(customer=customer, quantity=quantity)

    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(f"/account/orders/{order.number}/").status_code == 200

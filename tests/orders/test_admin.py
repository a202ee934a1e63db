"""The interim Django admin for orders: read-only, and orders are never deleted."""

import pytest

from lojista.orders.models import Order
from tests.orders.factories import placed_order

CHANGELIST = "/admin/orders/order/"

pytestmark = pytest.mark.django_db


def test_the_order_list_shows_and_searches_orders(admin_client):
    wanted = placed_order(email="maria@example.com")
    other = placed_order(email="joao@example.com")

    listing = admin_client.get(CHANGELIST)
    by_email = admin_client.get(CHANGELIST, {"q": "maria@"})
    by_number = admin_client.get(CHANGELIST, {"q": str(other.number)})
    by_text = admin_client.get(CHANGELIST, {"q": "nothing-like-this"})

    assert listing.status_code == by_email.status_code == by_number.status_code == by_text.status_code == 200
    assert b"maria@example.com" in listing.content and b"joao@example.com" in listing.content
    assert b"maria@example.com" in by_email.content and b"joao@example.com" not in by_email.content
    assert b"joao@example.com" in by_number.content and b"maria@example.com" not in by_number.content
    assert wanted.email.encode() not in by_text.content


def test_an_order_page_shows_its_lines_and_events_read_only(admin_client):
    order = placed_order()
    line = order.lines.get()

    response = admin_client.get(f"{CHANGELIST}{order.pk}/change/")

    assert response.status_code == 200
    assert line.sku.encode() in response.content
    assert b"Order placed" in response.content
    assert b'name="email"' not in response.content
    assert b"Save" not in response.content


def test_orders_cannot_be_added_changed_or_deleted(admin_client):
    order = placed_order()

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{order.pk}/delete/").status_code == 403
    admin_client.post(f"{CHANGELIST}{order.pk}/change/", {"email": "x@example.com"})
    admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"}
    )

    assert Order.objects.get(pk=order.pk).email == "ana@example.com"

"""The customer's orders: /api/v1/me/orders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import bearer
from lojista.customers.models import User
from lojista.inventory.models import Stock
from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_transition
from tests.orders.factories import ADDRESS, placed_order

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/me/orders"


@pytest.fixture
def other_customer(db) -> User:
    return User.objects.create_user("bruno@example.com", "another long password", name="Bruno Lima")


def on_hand(order: Order) -> int:
    return Stock.objects.get(variant_id=order.lines.get().variant_id).quantity


def test_orders_need_a_token(api):
    response = api.get(ORDERS)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_customer_sees_their_orders_newest_first(api, customer, customer_headers, other_customer):
    older, newer = placed_order(customer=customer), placed_order(customer=customer)
    placed_order(customer=other_customer)

    response = api.get(ORDERS, headers=customer_headers)

    assert response.status_code == 200
    body = response.json()
    assert [item["number"] for item in body["items"]] == [newer.number, older.number]
    assert body["next_cursor"] is None


def test_an_order_shows_its_snapshot(api, customer, customer_headers):
    order = placed_order(customer=customer, quantity=2, utm_source="newsletter", utm_medium="email")
    line = order.lines.get()

    response = api.get(f"{ORDERS}/{order.number}", headers=customer_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number
    assert (body["status"], body["payment_status"], body["payment_method"]) == ("pending", "paid", "test")
    assert body["email"] == "ana@example.com"
    assert body["lines"] == [
        {
            "variant_id": line.variant_id,
            "product_name": line.product_name,
            "variant_name": "",
            "sku": line.sku,
            "unit_price": {"amount": "25.00", "currency": "EUR"},
            "quantity": 2,
            "line_total": {"amount": "50.00", "currency": "EUR"},
        }
    ]
    assert body["subtotal"] == {"amount": "50.00", "currency": "EUR"}
    assert body["shipping"] == {"amount": "5.00", "currency": "EUR"}
    assert body["total"] == {"amount": "55.00", "currency": "EUR"}
    assert body["currency"] == "EUR"
    assert body["shipping_address"] == ADDRESS
    assert body["shipping_method"] == {"code": order.shipping_method_code, "name": "Sedex"}
    assert (body["tracking_url"], body["cancel_reason"]) == ("", "")
    assert (body["utm_source"], body["utm_medium"]) == ("newsletter", "email")
    assert body["created_at"]
    [placed] = body["events"]
    assert {key: placed[key] for key in ("type", "from_status", "to_status", "note")} == {
        "type": "placed",
        "from_status": "",
        "to_status": "pending",
        "note": "",
    }
    assert placed["at"]


def test_the_customer_timeline_hides_the_shops_internals(api, customer, customer_headers, staff):
    order = placed_order(customer=customer)
    order_transition(order=order, to="processed", actor=staff, note="Sent with Sedex")
    OrderEvent.objects.create(order=order, type=OrderEvent.Type.NOTE, actor=staff, note="Called the customer")

    events = api.get(f"{ORDERS}/{order.number}", headers=customer_headers).json()["events"]

    assert [event["type"] for event in events] == ["placed", "status_changed"]
    assert events[1]["note"] == "Sent with Sedex"
    assert all("actor" not in event and "data" not in event for event in events)


def test_another_customers_order_is_not_found(api, customer_headers, other_customer):
    order = placed_order(customer=other_customer)

    response = api.get(f"{ORDERS}/{order.number}", headers=customer_headers)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_number_is_not_found(api, customer_headers):
    assert api.get(f"{ORDERS}/99999", headers=customer_headers).status_code == 404


def test_a_number_that_is_not_a_number_is_invalid(api, customer_headers):
    response = api.get(f"{ORDERS}/abc", headers=customer_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_the_list_is_paginated_with_a_cursor(api, customer, customer_headers):
    numbers = [placed_order(customer=customer).number for _ in range(5)]

    first = api.get(ORDERS, {"limit": 2}, headers=customer_headers).json()
    second = api.get(ORDERS, {"limit": 2, "cursor": first["next_cursor"]}, headers=customer_headers).json()
    third = api.get(ORDERS, {"limit": 2, "cursor": second["next_cursor"]}, headers=customer_headers).json()

    seen = [item["number"] for page in (first, second, third) for item in page["items"]]
    assert seen == sorted(numbers, reverse=True)
    assert third["next_cursor"] is None


def test_a_malformed_cursor_is_invalid(api, customer_headers):
    response = api.get(ORDERS, {"cursor": "not-a-cursor"}, headers=customer_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def count_queries(request) -> int:
    with CaptureQueriesContext(connection) as context:
        assert request().status_code == 200
    return len(context)


def test_listing_costs_the_same_queries_for_1_and_10_orders(api, customer, customer_headers, staff):
    placed_order(customer=customer)
    one = count_queries(lambda: api.get(ORDERS, headers=customer_headers))
    for _ in range(9):
        order_transition(order=placed_order(customer=customer), to="processed", actor=staff)

    assert count_queries(lambda: api.get(ORDERS, headers=customer_headers)) == one


def test_the_customer_cancels_a_pending_order(api, customer, customer_headers):
    order = placed_order(customer=customer, quantity=2, stock=5)

    response = api.post(f"{ORDERS}/{order.number}/cancel", headers=customer_headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "customer_request")
    assert [event["to_status"] for event in body["events"]] == ["pending", "cancelled"]
    assert on_hand(order) == 5


def test_the_customer_cannot_cancel_a_processed_order(api, customer, customer_headers, staff):
    order = placed_order(customer=customer)
    order_transition(order=order, to="processed", actor=staff)

    response = api.post(f"{ORDERS}/{order.number}/cancel", headers=customer_headers)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["details"] == {"from": "processed", "to": "cancelled", "allowed": []}
    assert body["message"] == "An order that is processed cannot be changed to cancelled."
    assert Order.objects.get(pk=order.pk).status == "processed"


def test_cancelling_twice_is_a_conflict(api, customer, customer_headers):
    order = placed_order(customer=customer, quantity=1, stock=5)
    api.post(f"{ORDERS}/{order.number}/cancel", headers=customer_headers)

    response = api.post(f"{ORDERS}/{order.number}/cancel", headers=customer_headers)

    assert response.status_code == 409
    assert on_hand(order) == 5


def test_the_customer_cannot_cancel_someone_elses_order(api, customer_headers, other_customer):
    order = placed_order(customer=other_customer)

    response = api.post(f"{ORDERS}/{order.number}/cancel", headers=customer_headers)

    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_guest_order_belongs_to_no_token(api, customer_headers):
    order = placed_order(customer=None)

    assert api.get(f"{ORDERS}/{order.number}", headers=customer_headers).status_code == 404


def test_cancel_needs_a_token(api, customer):
    order = placed_order(customer=customer)

    assert api.post(f"{ORDERS}/{order.number}/cancel").status_code == 401
    assert api.post(f"{ORDERS}/{order.number}/cancel", headers=bearer("wrong")).status_code == 401
    assert Order.objects.get(pk=order.pk).status == "pending"

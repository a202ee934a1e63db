"""The back office's orders: /api/v1/admin/orders."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.renderers import JSONRenderer

from lojista.customers.models import User
from lojista.inventory.models import Stock
from lojista.orders.models import Order, OrderEvent
from lojista.orders.schemas import StaffOrderPageOut
from lojista.orders.selectors import staff_order
from lojista.orders.services import order_transition
from tests.orders.factories import ADDRESS, placed_order

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/admin/orders"
BULK = f"{ORDERS}/bulk-transitions"


def post(api, path: str, body: dict, headers: dict):
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


def on_hand(order: Order) -> int:
    return Stock.objects.get(variant_id=order.lines.get().variant_id).quantity


def numbers(response) -> list[int]:
    return [item["number"] for item in response.json()["items"]]


@pytest.fixture
def order(customer) -> Order:
    return placed_order(customer=customer, quantity=2, stock=10)


@pytest.fixture
def every_admin_request(order):
    """One request to each back-office endpoint, as (method, path, body)."""
    return [
        ("get", ORDERS, None),
        ("get", f"{ORDERS}/{order.number}", None),
        ("post", f"{ORDERS}/{order.number}/transitions", {"to": "processed"}),
        ("post", BULK, {"numbers": [order.number], "to": "processed"}),
    ]


def send(api, method: str, path: str, body: dict | None, headers: dict):
    if method == "get":
        return api.get(path, headers=headers)
    return post(api, path, body or {}, headers)


def test_the_back_office_needs_a_token(api, every_admin_request, order):
    for method, path, body in every_admin_request:
        response = send(api, method, path, body, {})
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_the_back_office_refuses_customers(api, every_admin_request, customer_headers, order):
    for method, path, body in every_admin_request:
        response = send(api, method, path, body, customer_headers)
        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_staff_see_every_order_newest_first(api, staff_headers, customer):
    first = placed_order(customer=customer)
    second = placed_order(customer=None, email="guest@example.com")

    response = api.get(ORDERS, headers=staff_headers)

    assert response.status_code == 200
    assert numbers(response) == [second.number, first.number]
    items = response.json()["items"]
    assert items[0]["customer"] is None
    assert items[1]["customer"] == {"id": customer.pk, "email": customer.email, "name": "Ana Souza"}


def test_staff_filter_by_status(api, staff_headers, staff):
    pending, processed = placed_order(), placed_order()
    order_transition(order=processed, to="processed", actor=staff)

    assert numbers(api.get(ORDERS, {"status": "processed"}, headers=staff_headers)) == [processed.number]
    assert numbers(api.get(ORDERS, {"status": "pending"}, headers=staff_headers)) == [pending.number]
    assert api.get(ORDERS, {"status": "shipped"}, headers=staff_headers).status_code == 422


@pytest.mark.parametrize("query", ["{number}", "#{number}", "MARIA@EXAMPLE", "maria oliveira", "Dona Maria"])
def test_staff_search_by_number_email_or_name(query, api, staff_headers):
    maria = User.objects.create_user("maria@example.com", "maria's long password", name="Maria Oliveira")
    wanted = placed_order(
        customer=maria, email="maria@example.com", shipping_address={**ADDRESS, "name": "Dona Maria"}
    )
    placed_order(email="other@example.com")

    response = api.get(ORDERS, {"q": query.format(number=wanted.number)}, headers=staff_headers)

    assert numbers(response) == [wanted.number]


def test_staff_search_finds_guest_orders_by_shipping_name(api, staff_headers):
    guest = placed_order(
        customer=None, email="g@example.com", shipping_address={**ADDRESS, "name": "Zé Guest"}
    )
    placed_order()

    assert numbers(api.get(ORDERS, {"q": "zé"}, headers=staff_headers)) == [guest.number]


def test_staff_list_is_paginated(api, staff_headers):
    placed = [placed_order().number for _ in range(5)]

    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(ORDERS, params, headers=staff_headers).json()
        seen += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == sorted(placed, reverse=True)


def count_queries(request) -> int:
    with CaptureQueriesContext(connection) as context:
        assert request().status_code == 200
    return len(context)


def test_staff_list_costs_the_same_queries_for_1_and_10_orders(api, staff_headers, staff, customer):
    placed_order(customer=customer)
    one = count_queries(lambda: api.get(ORDERS, {"q": "ana"}, headers=staff_headers))
    for _ in range(9):
        order_transition(order=placed_order(customer=customer), to="processed", actor=staff, note="packed")

    assert count_queries(lambda: api.get(ORDERS, {"q": "ana"}, headers=staff_headers)) == one


def test_a_page_of_the_staff_list_is_six_queries(
    api, staff_headers, staff, customer, django_assert_max_num_queries
):
    for _ in range(20):
        order_transition(order=placed_order(customer=customer), to="processed", actor=staff, note="packed")
    # The token with its user, the page of orders with their customers, their
    # lines, their timelines with actors, their payments, the payments' refunds.
    with django_assert_max_num_queries(6):
        assert len(api.get(ORDERS, {"tab": "all"}, headers=staff_headers).json()["items"]) == 20


def test_the_list_answers_each_order_as_its_schema_renders_it(
    api, staff_headers, staff, customer, django_capture_on_commit_callbacks
):
    """The list is built as plain dicts (schemas.staff_order_page_data): byte
    for byte what StaffOrderPageOut renders for the same orders read one by
    one (selectors.staff_order, the order's own endpoint), for orders with a
    customer, a guest, staff notes and tracking, a cancelled card order
    refunded, and on the next page."""
    mine = placed_order(customer=customer, quantity=2, utm_source="newsletter", utm_medium="email")
    order_transition(
        order=mine, to="processed", actor=staff, note="Packed", tracking_url="https://t.example/1"
    )
    OrderEvent.objects.create(order=mine, type=OrderEvent.Type.NOTE, actor=staff, note="Fragile")
    guest = placed_order(email="guest@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=guest, to="cancelled", actor=staff, reason="other")
    newest = placed_order(customer=customer)

    first = api.get(ORDERS, {"tab": "all", "limit": 2}, headers=staff_headers)
    cursor = first.json()["next_cursor"]
    following = api.get(ORDERS, {"tab": "all", "limit": 2, "cursor": cursor}, headers=staff_headers)

    def rendered(orders: list[Order], next_cursor: str | None) -> str:
        page = StaffOrderPageOut.model_validate(
            {"items": [staff_order(number=order.number) for order in orders], "next_cursor": next_cursor}
        )
        return JSONRenderer().render(None, page.model_dump(), response_status=200)

    assert first.status_code == following.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first.content.decode() == rendered([newest, guest], cursor)
    assert following.content.decode() == rendered([mine], None)
    assert first.json()["items"][1]["payments"][0]["refunds"][0]["status"] in ("pending", "succeeded")
    assert [note["note"] for note in following.json()["items"][0]["notes"]] == ["Packed", "Fragile"]


def test_the_staff_order_page_has_customer_notes_and_timeline(api, staff_headers, staff, order, customer):
    order_transition(order=order, to="processed", actor=staff, note="Packed by Sam")
    OrderEvent.objects.create(order=order, type=OrderEvent.Type.NOTE, actor=staff, note="Fragile")

    response = api.get(f"{ORDERS}/{order.number}", headers=staff_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["customer"] == {"id": customer.pk, "email": customer.email, "name": customer.name}
    sam = {"id": staff.pk, "email": staff.email, "name": "Sam Staff"}
    assert [(note["note"], note["actor"]) for note in body["notes"]] == [
        ("Packed by Sam", sam),
        ("Fragile", sam),
    ]
    ours = [event for event in body["events"] if event["type"] in ("placed", "status_changed", "note")]
    assert [(event["type"], event["to_status"], event["actor"]) for event in ours] == [
        ("placed", "pending", None),
        ("status_changed", "processed", sam),
        ("note", "", sam),
    ]
    assert ours[1]["data"] == {"notify": True, "by": "staff"}


def test_the_staff_order_page_of_an_unknown_number_is_not_found(api, staff_headers):
    assert api.get(f"{ORDERS}/424242", headers=staff_headers).status_code == 404


def test_staff_process_an_order_with_a_tracking_link(api, staff_headers, staff, order):
    link = "https://tracking.example.com/AB123"

    response = post(
        api,
        f"{ORDERS}/{order.number}/transitions",
        {"to": "processed", "tracking_url": link, "note": "Sedex", "notify": False},
        staff_headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["tracking_url"]) == ("processed", link)
    last = [event for event in body["events"] if event["type"] == "status_changed"][-1]
    assert (last["from_status"], last["to_status"], last["note"], last["actor"]["id"]) == (
        "pending",
        "processed",
        "Sedex",
        staff.pk,
    )
    assert last["data"] == {"notify": False, "tracking_url": link, "by": "staff"}


def test_staff_move_from_a_status_the_order_left_is_a_conflict(api, staff_headers, order):
    Order.objects.filter(pk=order.pk).update(status="processed")

    response = post(
        api,
        f"{ORDERS}/{order.number}/transitions",
        {"to": "cancelled", "reason": "other", "expected_status": "pending"},
        staff_headers,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "order_changed"
    assert response.json()["details"] == {"expected": "pending", "status": "processed"}
    assert Order.objects.get(pk=order.pk).status == "processed"


def test_staff_cancel_restocks_by_default(api, staff_headers, order):
    response = post(
        api,
        f"{ORDERS}/{order.number}/transitions",
        {"to": "cancelled", "reason": "out_of_stock"},
        staff_headers,
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "out_of_stock")
    assert on_hand(order) == 10


def test_staff_cancel_without_restock(api, staff_headers, order):
    response = post(
        api,
        f"{ORDERS}/{order.number}/transitions",
        {"to": "cancelled", "reason": "returned_goods", "restock": False},
        staff_headers,
    )

    assert response.status_code == 200
    assert on_hand(order) == 8


def test_staff_cancel_without_a_reason_is_invalid(api, staff_headers, order):
    response = post(api, f"{ORDERS}/{order.number}/transitions", {"to": "cancelled"}, staff_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "reason" in response.json()["details"]["fields"]
    assert Order.objects.get(pk=order.pk).status == "pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "shipped"}, "to"),
        ({"to": "cancelled", "reason": "bored"}, "reason"),
        ({"to": "processed", "tracking_url": "not a link"}, "tracking_url"),
    ],
)
def test_staff_transition_input_is_validated(body, field, api, staff_headers, order):
    response = post(api, f"{ORDERS}/{order.number}/transitions", body, staff_headers)

    assert response.status_code == 422
    assert field in response.json()["details"]["fields"]
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_refused_move_is_a_conflict(api, staff_headers, staff, order):
    order_transition(order=order, to="processed", actor=staff)
    order_transition(order=order, to="delivered", actor=staff)

    response = post(
        api, f"{ORDERS}/{order.number}/transitions", {"to": "cancelled", "reason": "other"}, staff_headers
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["details"] == {"from": "delivered", "to": "cancelled", "allowed": []}
    assert on_hand(order) == 8


def test_staff_transition_of_an_unknown_order_is_not_found(api, staff_headers):
    assert post(api, f"{ORDERS}/424242/transitions", {"to": "processed"}, staff_headers).status_code == 404


def test_bulk_moves_each_order_on_its_own(api, staff_headers, staff):
    pending, other_pending, delivered = placed_order(), placed_order(), placed_order()
    for status in ("processed", "delivered"):
        order_transition(order=delivered, to=status, actor=staff)

    response = post(
        api,
        BULK,
        {"numbers": [pending.number, delivered.number, 424242, other_pending.number], "to": "processed"},
        staff_headers,
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(result["number"], result["ok"], result["status"]) for result in results] == [
        (pending.number, True, "processed"),
        (delivered.number, False, None),
        (424242, False, None),
        (other_pending.number, True, "processed"),
    ]
    assert results[0]["error"] is None
    assert results[1]["error"]["code"] == "invalid_transition"
    assert results[1]["error"]["message"] == "An order that is delivered cannot be changed to processed."
    assert results[2]["error"]["code"] == "not_found"
    assert set(Order.objects.values_list("status", flat=True)) == {"processed", "delivered"}
    assert OrderEvent.objects.filter(actor=staff, to_status="processed").count() == 3


def test_bulk_cancel_restocks_and_a_repeated_number_counts_once(api, staff_headers):
    order = placed_order(quantity=2, stock=10)

    response = post(
        api,
        BULK,
        {"numbers": [order.number, order.number], "to": "cancelled", "reason": "other"},
        staff_headers,
    )

    assert [result["ok"] for result in response.json()["results"]] == [True]
    assert on_hand(order) == 10


def test_bulk_cancel_without_a_reason_changes_nothing(api, staff_headers, order):
    response = post(api, BULK, {"numbers": [order.number], "to": "cancelled"}, staff_headers)

    assert response.status_code == 422
    assert Order.objects.get(pk=order.pk).status == "pending"


@pytest.mark.parametrize("numbers_sent", [[], list(range(1, 502)), [0]])
def test_bulk_takes_1_to_500_numbers(numbers_sent, api, staff_headers):
    response = post(api, BULK, {"numbers": numbers_sent, "to": "processed"}, staff_headers)

    assert response.status_code == 422
    assert "numbers" in response.json()["details"]["fields"] or any(
        field.startswith("numbers.") for field in response.json()["details"]["fields"]
    )


def test_the_openapi_document_declares_the_errors(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/me/orders/{number}/cancel"]["post"]["responses"]) >= {
        "200",
        "401",
        "404",
        "409",
    }
    assert set(paths["/api/v1/admin/orders/{number}/transitions"]["post"]["responses"]) >= {
        "200",
        "401",
        "403",
        "404",
        "409",
        "422",
    }
    assert set(paths["/api/v1/admin/orders/bulk-transitions"]["post"]["responses"]) >= {
        "200",
        "401",
        "403",
        "422",
    }

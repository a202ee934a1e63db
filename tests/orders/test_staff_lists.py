"""The back office's order lists: one query for pages and exports, tabs
with counts, the timeline per audience, internal notes and tracking links."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conftest import bearer
from lojista.customers.models import ApiToken
from lojista.notifications.models import OutboxMessage
from lojista.orders.models import Order, OrderEvent
from lojista.orders.selectors import (
    Audience,
    order_tab_counts,
    order_timeline,
    staff_order_page,
    staff_orders,
)
from lojista.orders.services import order_note_add, order_transition
from lojista.orders.statuses import TABS, OrderTab
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/admin/orders"


def send(api, method: str, path: str, body: dict, headers: dict):
    return api.generic(method, path, json.dumps(body), content_type="application/json", headers=headers)


def numbers(orders) -> list[int]:
    return [order.number for order in orders]


@pytest.fixture
def shop(staff):
    """Six orders, oldest first: two pending, one processed, one delivered, two cancelled."""
    orders = [placed_order(email=f"buyer{i}@example.com") for i in range(6)]
    order_transition(order=orders[2], to="processed", actor=staff)
    order_transition(order=orders[3], to="processed", actor=staff)
    order_transition(order=orders[3], to="delivered", actor=staff)
    for order in orders[4:]:
        order_transition(order=order, to="cancelled", actor=staff, reason="other", refund=False)
    return [Order.objects.get(pk=order.pk) for order in orders]


def test_the_tabs_group_the_statuses_as_the_product_has_them():
    assert {
        "pending": {"pending", "processed"},
        "closed": {"delivered"},
        "cancelled": {"cancelled"},
        "all": None,
    } == TABS


def test_the_query_filters_by_statuses_dates_payment_status_and_search(shop):
    newest_first = numbers(reversed(shop))

    assert numbers(staff_orders()) == newest_first
    assert numbers(staff_orders(statuses=TABS[OrderTab.PENDING])) == newest_first[3:]
    assert numbers(staff_orders(statuses=set())) == []
    assert numbers(staff_orders(payment_status="paid", statuses={"cancelled"})) == newest_first[:2]
    assert numbers(staff_orders(q="buyer3@")) == [shop[3].number]
    assert numbers(staff_orders(q=f"#{shop[1].number}")) == [shop[1].number]

    Order.objects.filter(pk=shop[0].pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    assert numbers(staff_orders(created_from=today)) == newest_first[:5]
    assert numbers(staff_orders(created_to=today - timedelta(days=10))) == [shop[0].number]
    assert (
        numbers(staff_orders(created_from=today - timedelta(days=9), created_to=today - timedelta(days=1)))
        == []
    )


def test_keyset_pages_and_a_streamed_export_see_the_same_orders(shop):
    seen, cursor = [], None
    while True:
        page = staff_order_page(statuses=TABS[OrderTab.PENDING], cursor=cursor, limit=2)
        seen += numbers(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    exported = numbers(staff_orders(statuses=TABS[OrderTab.PENDING]).iterator(chunk_size=2))
    assert seen == exported == [shop[2].number, shop[1].number, shop[0].number]


def test_tab_counts_follow_the_same_filters(shop):
    assert order_tab_counts() == {"pending": 3, "closed": 1, "cancelled": 2, "all": 6}
    assert order_tab_counts(q="buyer5") == {"pending": 0, "closed": 0, "cancelled": 1, "all": 1}


def test_the_api_lists_a_tab_with_filters_and_counts_the_tabs(api, staff_headers, shop):
    response = api.get(f"{ORDERS}?tab=pending&status=processed&status=delivered", headers=staff_headers)
    assert [item["number"] for item in response.json()["items"]] == [shop[2].number]

    response = api.get(f"{ORDERS}?status=cancelled&payment_status=paid", headers=staff_headers)
    assert [item["number"] for item in response.json()["items"]] == [shop[5].number, shop[4].number]

    today = timezone.localdate().isoformat()
    response = api.get(f"{ORDERS}?created_from={today}&created_to={today}&q=buyer1", headers=staff_headers)
    assert [item["number"] for item in response.json()["items"]] == [shop[1].number]

    tabs = api.get(f"{ORDERS}/tabs", headers=staff_headers).json()["tabs"]
    assert [(tab["tab"], tab["label"], tab["count"]) for tab in tabs] == [
        ("pending", "Pending", 3),
        ("closed", "Closed", 1),
        ("cancelled", "Cancelled", 2),
        ("all", "All", 6),
    ]


def test_a_bad_filter_is_a_clear_error(api, staff_headers):
    for query in ("tab=open", "status=shipped", "created_from=yesterday", "payment_status=free"):
        response = api.get(f"{ORDERS}?{query}", headers=staff_headers)
        assert (response.status_code, response.json()["code"]) == (422, "invalid_input"), query


def test_internal_notes_are_for_staff_only(api, staff_headers, customer, staff):
    order = placed_order(customer=customer)

    response = send(
        api, "POST", f"{ORDERS}/{order.number}/notes", {"note": "Called: leave at the door"}, staff_headers
    )

    assert response.status_code == 201
    note = response.json()["events"][-1]
    assert (note["type"], note["note"], note["actor"]["id"]) == (
        "note",
        "Called: leave at the door",
        staff.pk,
    )
    assert response.json()["notes"][-1]["note"] == "Called: leave at the door"
    mine = api.get(f"/api/v1/me/orders/{order.number}", headers=bearer(ApiToken.issue(customer))).json()
    assert [event["type"] for event in mine["events"]] == ["placed"]
    assert "actor" not in mine["events"][0]


def test_an_empty_note_is_refused(api, staff_headers, staff):
    order = placed_order()

    for note in ("", "   "):
        response = send(api, "POST", f"{ORDERS}/{order.number}/notes", {"note": note}, staff_headers)
        assert response.status_code == 422
    assert not OrderEvent.objects.filter(order=order, type="note").exists()


def test_the_timeline_per_audience(staff):
    order = placed_order()
    order_transition(order=order, to="processed", actor=staff, tracking_url="https://track.example.com/1")
    order_note_add(order=order, note="Fragile", actor=staff)
    order = Order.objects.get(pk=order.pk)

    staff_view = [event.type for event in order_timeline(order=order, audience=Audience.STAFF)]
    customer_view = [event.type for event in order_timeline(order=order, audience=Audience.CUSTOMER)]

    assert "note" in staff_view and "email_queued" in staff_view
    assert customer_view == ["placed", "status_changed"]


@pytest.fixture
def processed(staff, django_capture_on_commit_callbacks):
    """A processed order whose emails so far were delivered (an email task
    sends the other due emails with its own, so left undelivered they would
    go out with the next one)."""
    with django_capture_on_commit_callbacks(execute=True):
        order = placed_order()
        return order_transition(order=order, to="processed", actor=staff)


def tracking(api, order: Order, headers: dict, **body):
    return send(api, "PUT", f"{ORDERS}/{order.number}/tracking", body, headers)


def test_a_tracking_link_is_set_after_processing_and_emailed(
    api, staff_headers, processed, staff, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = tracking(api, processed, staff_headers, tracking_url="https://track.example.com/AB1")

    assert response.status_code == 200
    body = response.json()
    assert body["tracking_url"] == "https://track.example.com/AB1"
    event = next(event for event in body["events"] if event["type"] == "tracking_changed")
    assert event["data"] == {"tracking_url": "https://track.example.com/AB1", "previous": "", "notify": True}
    assert event["actor"]["id"] == staff.pk
    [email] = mail.outbox
    assert email.to == [processed.email]
    assert "https://track.example.com/AB1" in email.body

    # Changed again: a second email; the same link again: nothing.
    with django_capture_on_commit_callbacks(execute=True):
        tracking(api, processed, staff_headers, tracking_url="https://track.example.com/AB2")
        tracking(api, processed, staff_headers, tracking_url="https://track.example.com/AB2")
    assert len(mail.outbox) == 2 and "AB2" in mail.outbox[1].body
    assert OrderEvent.objects.filter(order=processed, type="tracking_changed").count() == 2


def test_a_tracking_link_without_notifying(api, staff_headers, processed, staff):
    order_transition(order=processed, to="delivered", actor=staff, notify=False)
    before = OutboxMessage.objects.count()

    response = tracking(
        api, processed, staff_headers, tracking_url="https://track.example.com/Z", notify=False
    )

    assert (response.status_code, response.json()["tracking_url"]) == (200, "https://track.example.com/Z")
    assert OutboxMessage.objects.count() == before


def test_a_tracking_link_needs_a_shipped_order_and_a_web_address(api, staff_headers, staff):
    pending = placed_order()

    response = tracking(api, pending, staff_headers, tracking_url="https://track.example.com/1")
    assert (response.status_code, response.json()["code"]) == (409, "tracking_not_allowed")

    order_transition(order=pending, to="processed", actor=staff)
    for url in ("javascript:alert(1)", "", "https://track.example.com/" + "a" * 500):
        response = tracking(api, pending, staff_headers, tracking_url=url)
        assert response.status_code == 422, url
    assert Order.objects.get(pk=pending.pk).tracking_url == ""


def test_the_staff_read_shows_every_payment_attempt(api, staff_headers):
    order = placed_order()

    [payment] = api.get(f"{ORDERS}/{order.number}", headers=staff_headers).json()["payments"]

    assert payment == {
        "gateway": "test",
        "amount": {"amount": "30.00", "currency": "EUR"},
        "status": "succeeded",
        "reference": "",
        "refunds": [],
    }

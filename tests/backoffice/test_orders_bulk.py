"""Changing the ticked orders of the list at once: each order moves or is
refused on its own, with a message saying which and why; cancelling asks
for the reason, restock, refund and notify; bad input keeps the ticks."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from lojista.inventory.models import Stock
from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_place, order_transition
from lojista.payments.models import Payment, Refund
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db

BULK = "/backoffice/orders/bulk/"


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def on_hand(order: Order) -> int:
    return Stock.objects.get(variant_id=order.lines.get().variant_id).quantity


def offline_order() -> Order:
    checkout = checkout_for({stocked_variant(): 1})
    payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    order, _created = order_place(checkout=checkout, payment=payment)
    return order


def test_ticked_orders_move_and_the_list_comes_back_as_it_was(staff_client, staff):
    first, second, third = placed_order(), placed_order(), placed_order()

    response = staff_client.post(
        f"{BULK}?tab=pending&q=ana", {"numbers": [first.number, third.number], "action": "processed"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/backoffice/orders/?tab=pending&q=ana"
    assert (status_of(first), status_of(second), status_of(third)) == ("processed", "pending", "processed")
    assert texts(response) == [f"2 orders moved to Processed: #{first.number}, #{third.number}."]
    assert OrderEvent.objects.get(order=first, type="status_changed").actor == staff


def test_an_order_the_table_refuses_is_reported_and_the_others_still_move(staff_client, staff):
    movable = placed_order()
    delivered = placed_order()
    order_transition(order=delivered, to="processed", actor=staff)
    order_transition(order=delivered, to="delivered", actor=staff)

    response = staff_client.post(
        BULK,
        {
            "numbers": [movable.number, delivered.number],
            "action": "cancelled",
            "reason": "out_of_stock",
            "restock": "on",
        },
    )

    assert status_of(movable) == "cancelled"
    assert status_of(delivered) == "delivered"
    assert texts(response) == [
        f"1 order moved to Cancelled: #{movable.number}.",
        f"Not changed: #{delivered.number}. An order that is delivered cannot be changed to cancelled.",
    ]
    page = Client.get(staff_client, response["Location"]).content.decode()
    assert "An order that is delivered cannot be changed to cancelled." in page


def test_cancelling_restocks_refunds_and_emails_as_ticked(staff_client, django_capture_on_commit_callbacks):
    orders = [placed_order(quantity=2, stock=5), placed_order(quantity=1, stock=5)]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            BULK,
            {
                "numbers": [order.number for order in orders],
                "action": "cancelled",
                "reason": "customer_request",
                "restock": "on",
                "refund": "on",
                "notify": "on",
            },
        )

    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.cancel_reason, order.payment_status) == (
            "cancelled",
            "customer_request",
            "refunded",
        )
        assert on_hand(order) == 5
        assert Refund.objects.get(payment_id=order.payment_id).status == Refund.Status.SUCCEEDED
    assert sorted(message.to[0] for message in mail.outbox if "cancelled" in message.subject.lower()) == [
        "ana@example.com",
        "ana@example.com",
    ]


def test_cancelling_without_restock_refund_or_email_does_none_of_them(
    staff_client, django_capture_on_commit_callbacks
):
    order = placed_order(quantity=2, stock=5)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            BULK, {"numbers": [order.number], "action": "cancelled", "reason": "suspected_fraud"}
        )

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "paid")
    assert on_hand(order) == 3
    assert not Refund.objects.exists()
    assert mail.outbox == []


def test_cancelling_needs_a_reason_and_the_ticks_are_kept(staff_client):
    ticked, other = placed_order(), placed_order()

    response = staff_client.post(f"{BULK}?tab=all", {"numbers": [ticked.number], "action": "cancelled"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a reason for cancelling." in page
    assert f'value="{ticked.number}" aria-label="Tick order #{ticked.number}" checked' in page
    assert f'value="{other.number}" aria-label="Tick order #{other.number}">' in page
    assert status_of(ticked) == "pending"


def test_no_tick_asks_for_one(staff_client):
    placed_order()

    response = staff_client.post(BULK, {"action": "processed"})

    assert response.status_code == 400
    assert "Tick at least one order." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"numbers": ["1001"], "action": "pending"}, "Select a valid choice"),
        ({"numbers": ["1001"]}, "This field is required"),
        ({"numbers": ["abc"], "action": "processed"}, "An order number is not valid"),
        ({"numbers": [str(n) for n in range(1, 502)], "action": "processed"}, "Tick at most 500 orders"),
    ],
)
def test_bad_input_is_an_error_on_the_page(staff_client, data, error):
    response = staff_client.post(BULK, data)

    assert response.status_code == 400
    assert error in response.content.decode()


def test_an_unknown_number_is_reported_not_crashed(staff_client):
    response = staff_client.post(BULK, {"numbers": ["999999"], "action": "processed"})

    assert texts(response) == ["Not changed: #999999. This order does not exist."]


def test_offline_payments_are_marked_paid_and_card_ones_refused(staff_client, staff):
    offline, card = offline_order(), placed_order()

    response = staff_client.post(BULK, {"numbers": [offline.number, card.number], "action": "mark_paid"})

    offline.refresh_from_db()
    assert offline.payment_status == "paid"
    assert offline.invoice_number is not None
    assert texts(response) == [
        f"1 order marked as paid: #{offline.number}.",
        f"Not changed: #{card.number}. This order is already paid.",
    ]


def test_the_change_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    order = placed_order()

    response = client.post(BULK, {"numbers": [order.number], "action": "processed"})

    assert response.status_code == 403
    assert status_of(order) == "pending"


def test_the_list_offers_only_the_moves_the_table_allows(staff_client):
    placed_order()

    page = staff_client.get("/backoffice/orders/").content.decode()

    assert '<option value="processed">Mark as processed</option>' in page
    assert '<option value="delivered">Mark as delivered</option>' in page
    assert '<option value="cancelled">Cancel</option>' in page
    assert '<option value="pending">' not in page
    assert '<option value="returned_goods">Returned goods</option>' in page
    assert 'data-select-all="numbers"' in page


def test_an_order_moved_since_the_list_was_shown_is_refused(staff_client, staff):
    seen_pending = placed_order()
    page = staff_client.get("/backoffice/orders/").content.decode()
    assert f'name="seen" value="{seen_pending.number}:pending"' in page
    order_transition(order=seen_pending, to="processed", actor=staff)  # a colleague, meanwhile

    response = staff_client.post(
        BULK,
        {
            "numbers": [seen_pending.number],
            "seen": [f"{seen_pending.number}:pending"],
            "action": "cancelled",
            "reason": "other",
        },
    )

    assert texts(response) == [
        f"Not changed: #{seen_pending.number}. "
        "This order changed since you opened it: it is now Processed. Check and try again."
    ]
    assert status_of(seen_pending) == "processed"


def test_a_tampered_seen_status_is_an_error(staff_client):
    order = placed_order()

    response = staff_client.post(
        BULK, {"numbers": [order.number], "seen": [f"{order.number}:lost"], "action": "processed"}
    )

    assert response.status_code == 400
    assert "The page is not valid any more." in response.content.decode()
    assert status_of(order) == "pending"

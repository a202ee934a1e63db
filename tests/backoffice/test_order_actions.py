"""The order page's actions: each a POST that redirects back with a message,
or shows the page again with the error and changes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lojista.inventory.models import Stock
from lojista.notifications.models import OutboxMessage
from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_transition
from tests.backoffice.order_factories import order_of
from tests.orders.test_refunds import REFUSED, stripe_order

pytestmark = pytest.mark.django_db

STALE = "This order changed since you opened it: it is now Processed. Check and try again."


def url(order: Order, action: str) -> str:
    return f"/backoffice/orders/{order.number}/{action}/"


def text(response) -> str:
    return response.content.decode()


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def on_hand(order: Order) -> int:
    return Stock.objects.get(variant_id=order.lines.get().variant_id).quantity


def move(client: Client, order: Order, to: str, expected: str = "pending", **fields):
    data = {"to": to, "expected_status": expected, "notify": "on", **fields}
    return client.post(url(order, "status"), data, follow=True)


def emails(order: Order) -> list[str]:
    return list(OutboxMessage.objects.filter(order=order).order_by("pk").values_list("kind", flat=True))


# Status changes.


def test_processing_with_a_tracking_link(staff_client, staff):
    order = order_of()

    response = move(staff_client, order, "processed", tracking_url="https://track.example/AB1")

    assert response.redirect_chain == [(f"/backoffice/orders/{order.number}/", 302)]
    assert f"Order #{order.number} is now Processed." in text(response)
    order = fresh(order)
    assert (order.status, order.tracking_url) == ("processed", "https://track.example/AB1")
    event = OrderEvent.objects.filter(order=order, type="status_changed").get()
    assert (event.actor, event.data["notify"]) == (staff, True)
    assert "order_processed" in emails(order)
    assert "Email queued: Order processed" in text(response)


def test_not_emailing_the_customer(staff_client):
    order = order_of()

    staff_client.post(url(order, "status"), {"to": "processed", "expected_status": "pending"})

    assert fresh(order).status == "processed"
    assert "order_processed" not in emails(order)


def test_a_bad_tracking_link_is_shown_beside_the_field_and_nothing_changes(staff_client):
    order = order_of()

    response = move(staff_client, order, "processed", tracking_url="javascript:alert(1)")

    assert response.status_code == 400
    page = text(response)
    assert "Enter a valid URL." in page
    assert 'value="javascript:alert(1)"' in page  # what was typed is kept
    assert fresh(order).status == "pending"


def test_a_stale_page_changes_nothing_and_says_why(staff_client, staff):
    order = order_of()
    order_transition(order=order, to="processed", actor=staff)  # by someone else, meanwhile

    response = move(staff_client, order, "cancelled", expected="pending", reason="other", restock="on")

    assert response.status_code == 409
    assert STALE in text(response)
    assert fresh(order).status == "processed"
    assert on_hand(order) == 18
    # The page shows the order as it is now: its own next steps.
    assert 'name="expected_status" value="processed"' in text(response)


def test_cancelling_needs_a_reason(staff_client):
    order = order_of()

    response = move(staff_client, order, "cancelled", restock="on")

    assert response.status_code == 400
    assert "Choose a reason for cancelling." in text(response)
    assert fresh(order).status == "pending"


def test_cancelling_restocks_refunds_and_records_the_reason(staff_client, django_capture_on_commit_callbacks):
    order = order_of()

    with django_capture_on_commit_callbacks(execute=True):  # the refund is sent once the cancellation commits
        move(staff_client, order, "cancelled", reason="out_of_stock", restock="on", refund="on")
    response = staff_client.get(f"/backoffice/orders/{order.number}/")

    assert response.status_code == 200
    order = fresh(order)
    assert (order.status, order.cancel_reason, order.payment_status) == (
        "cancelled",
        "out_of_stock",
        "refunded",
    )
    assert on_hand(order) == 20
    page = text(response)
    assert "Items put back in stock" in page and "Out of stock" in page


def test_cancelling_without_restock_keeps_the_stock(staff_client):
    order = order_of()

    move(staff_client, order, "cancelled", reason="other")

    assert fresh(order).status == "cancelled"
    assert on_hand(order) == 18


def test_a_move_the_table_refuses_is_a_conflict(staff_client):
    order = order_of()

    response = move(staff_client, order, "delivered")

    assert response.status_code == 409
    assert "An order that is pending cannot be changed to delivered." in text(response)
    assert fresh(order).status == "pending"


def test_a_tampered_status_is_refused(staff_client):
    order = order_of()

    response = move(staff_client, order, "shipped")

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert fresh(order).status == "pending"


# Tracking links.


def test_changing_the_tracking_link_emails_it(staff_client, staff):
    order = order_of()
    order_transition(order=order, to="processed", actor=staff, notify=False)

    response = staff_client.post(
        url(order, "tracking"), {"tracking_url": "https://track.example/NEW", "notify": "on"}, follow=True
    )

    assert "The tracking link was saved." in text(response)
    assert fresh(order).tracking_url == "https://track.example/NEW"
    assert emails(order).count("order_processed") == 1
    assert "Tracking link changed" in text(response)


@pytest.mark.parametrize("link", ["", "not a link", "ftp://track.example/1"])
def test_an_invalid_tracking_link_is_refused_beside_the_field(staff_client, staff, link):
    order = order_of()
    order_transition(order=order, to="processed", actor=staff)

    response = staff_client.post(url(order, "tracking"), {"tracking_url": link})

    assert response.status_code == 400
    assert 'class="field invalid"' in text(response)
    assert fresh(order).tracking_url == ""


def test_a_tracking_link_on_a_pending_order_is_refused(staff_client):
    order = order_of()

    response = staff_client.post(url(order, "tracking"), {"tracking_url": "https://track.example/1"})

    assert response.status_code == 409
    assert "A tracking link can only be set on a processed or delivered order." in text(response)
    assert fresh(order).tracking_url == ""


# Notes.


def test_a_note_goes_on_the_timeline(staff_client, staff):
    order = order_of()

    response = staff_client.post(url(order, "notes"), {"note": "Called the customer"}, follow=True)

    assert "The note was added to the timeline." in text(response)
    note = OrderEvent.objects.get(order=order, type="note")
    assert (note.note, note.actor) == ("Called the customer", staff)
    assert "Called the customer" in text(response)


@pytest.mark.parametrize("note", ["", "   "])
def test_an_empty_note_is_refused(staff_client, note):
    order = order_of()

    response = staff_client.post(url(order, "notes"), {"note": note})

    assert response.status_code == 400
    assert "Write the note." in text(response)
    assert not OrderEvent.objects.filter(order=order, type="note").exists()


# Offline payments.


def test_marking_an_offline_order_paid_numbers_its_invoice(staff_client, staff):
    order = order_of(offline=True)

    response = staff_client.post(url(order, "mark-paid"), {"reference": "PIX 42"}, follow=True)

    order = fresh(order)
    assert (order.payment_status, order.invoice_number) == ("paid", 1)
    assert "The order is marked as paid: invoice 1." in text(response)
    assert OrderEvent.objects.get(order=order, type="paid").actor == staff
    assert "Mark as paid" not in text(response)


def test_a_transfer_that_arrived_days_ago_is_recorded_on_that_day(staff_client):
    order = order_of(offline=True)
    three_days_ago = timezone.localdate() - timedelta(days=3)

    staff_client.post(url(order, "mark-paid"), {"paid_on": three_days_ago.isoformat()})

    assert timezone.localtime(fresh(order).paid_at).date() == three_days_ago


def test_a_payment_date_in_the_future_is_refused(staff_client):
    order = order_of(offline=True)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = staff_client.post(url(order, "mark-paid"), {"paid_on": tomorrow.isoformat()})

    assert response.status_code in (400, 422)
    assert 'value="' + tomorrow.isoformat() + '"' in text(response)
    assert fresh(order).payment_status == "awaiting_payment"


def test_a_card_order_cannot_be_marked_paid(staff_client):
    order = order_of()

    response = staff_client.post(url(order, "mark-paid"), {})

    assert response.status_code == 409
    assert "This order is already paid." in text(response)


# Emailing the customer.


def test_emailing_the_customer(staff_client, staff):
    order = order_of()

    response = staff_client.post(
        url(order, "contact"), {"message": "Your parcel leaves tomorrow."}, follow=True
    )

    assert "Your message to ana@example.com is on its way." in text(response)
    message = OutboxMessage.objects.get(order=order, kind="order_contact")
    assert message.recipients == ["ana@example.com"]
    assert "Email queued: Message about an order" in text(response)
    queued = OrderEvent.objects.get(order=order, type="email_queued", data__email_id=message.pk)
    assert (queued.actor, queued.note) == (staff, "Your parcel leaves tomorrow.")
    assert "Your parcel leaves tomorrow." in text(response)


def test_an_empty_message_is_not_sent(staff_client):
    order = order_of()

    response = staff_client.post(url(order, "contact"), {"message": ""})

    assert response.status_code == 400
    assert "Write the message." in text(response)
    assert "order_contact" not in emails(order)


# Refunds.


def test_recording_an_offline_refund(staff_client, staff):
    order = order_of(offline=True)
    staff_client.post(url(order, "mark-paid"), {})

    response = staff_client.post(
        url(order, "refund/manual"), {"reference": "TRANSFER 9", "note": "Returned"}, follow=True
    )

    assert "The refund is recorded." in text(response)
    assert fresh(order).payment_status == "refunded"
    assert "TRANSFER 9" in text(response)


def test_a_card_payment_cannot_be_recorded_as_refunded_by_hand(staff_client):
    order = order_of()

    response = staff_client.post(url(order, "refund/manual"), {})

    assert response.status_code == 409
    assert "A card payment is refunded through its gateway" in text(response)
    assert fresh(order).payment_status == "paid"


def test_retrying_without_a_refund_due_is_refused(staff_client):
    order = order_of()

    response = staff_client.post(url(order, "refund/retry"))

    assert response.status_code == 409
    assert "This order has no refund to send again." in text(response)


# Every action.

ACTIONS = ["status", "tracking", "notes", "mark-paid", "contact", "refund/retry", "refund/manual"]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_is_a_post(staff_client, action):
    order = order_of()

    assert staff_client.get(url(order, action)).status_code == 405


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_on_an_unknown_order_is_a_404(staff_client, action):
    response = staff_client.post(f"/backoffice/orders/999999/{action}/", {"note": "x", "message": "x"})

    assert response.status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_customers_and_visitors_cannot_act(customer_client, action):
    order = order_of()

    assert customer_client.post(url(order, action), {"note": "x"}).status_code == 403
    response = Client().post(url(order, action), {"note": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/")
    assert not OrderEvent.objects.filter(order=order, type="note").exists()


def test_an_action_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    order = order_of()

    response = client.post(url(order, "notes"), {"note": "x"})

    assert response.status_code == 403
    assert not OrderEvent.objects.filter(order=order, type="note").exists()


@pytest.mark.django_db(transaction=True)  # a refund is sent once the cancellation commits
def test_a_refused_refund_is_shown_and_a_retry_refunds(staff_client, fake_stripe):
    order = stripe_order()
    fake_stripe.refund_error = REFUSED
    move(staff_client, order, "cancelled", reason="customer_request", refund="on")
    assert fresh(order).payment_status == "refund_failed"

    page = text(staff_client.get(f"/backoffice/orders/{order.number}/"))
    assert "Refund failed" in page and REFUSED["message"] in page
    assert "Retry the refund" in page

    fake_stripe.refund_error = None
    response = staff_client.post(url(order, "refund/retry"), follow=True)

    assert "The refund went through." in text(response)
    assert fresh(order).payment_status == "refunded"
    assert "Retry the refund" not in text(response)

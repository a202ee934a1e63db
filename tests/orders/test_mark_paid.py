"""Staff record an offline payment (bank transfer, cash on delivery) as
received: the order becomes paid, its invoice is numbered, the timeline says
who recorded what; one at a time or in bulk."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_mark_paid, order_place, order_transition
from lojista.payments.models import Payment
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/admin/orders"


def post(api, path: str, body: dict, headers: dict):
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


def offline_order(**fields) -> Order:
    checkout = checkout_for({stocked_variant(): 1}, **fields)
    payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    order, _ = order_place(checkout=checkout, payment=payment)
    return order


def mark_paid(api, order: Order, headers: dict, **body):
    return post(api, f"{ORDERS}/{order.number}/payments/mark-paid", body, headers)


def test_an_offline_order_is_awaiting_payment_without_an_invoice_and_a_card_one_is_paid_with_one():
    offline = offline_order()
    card = placed_order()

    assert (offline.payment_status, offline.invoice_number, offline.paid_at) == (
        "awaiting_payment",
        None,
        None,
    )
    assert (card.payment_status, card.invoice_number, card.paid_at) == ("paid", 1, card.created_at)


def test_staff_mark_an_offline_order_paid(api, staff_headers, staff):
    order = offline_order()
    paid_at = (timezone.now() - timedelta(days=2)).replace(microsecond=0)

    response = mark_paid(
        api,
        order,
        staff_headers,
        amount={"amount": str(order.total), "currency": "EUR"},
        paid_at=paid_at.isoformat(),
        reference="PIX E123",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["payment_status"], body["invoice_number"]) == ("paid", 1)
    assert body["paid_at"].startswith(paid_at.astimezone(timezone.get_current_timezone()).isoformat()[:19])
    [payment] = body["payments"]
    assert (payment["status"], payment["reference"]) == ("succeeded", "PIX E123")
    event = body["events"][-1]
    assert (event["type"], event["actor"]["id"]) == ("paid", staff.pk)
    assert event["data"] == {
        "amount": str(order.total),
        "currency": "EUR",
        "paid_at": paid_at.isoformat(),
        "reference": "PIX E123",
        "invoice_number": 1,
    }
    assert body["status"] == "pending"  # the status is another matter


def test_the_amount_and_date_default_to_the_total_and_now(api, staff_headers):
    order = offline_order()
    before = timezone.now()

    body = mark_paid(api, order, staff_headers).json()

    assert body["payment_status"] == "paid"
    order.refresh_from_db()
    assert before <= order.paid_at <= timezone.now()
    assert body["events"][-1]["data"]["amount"] == str(order.total)


def test_the_customer_sees_the_payment_on_their_timeline(api, customer, customer_headers, staff):
    order = offline_order(customer=customer)
    order_mark_paid(order=order, actor=staff)

    body = api.get(f"/api/v1/me/orders/{order.number}", headers=customer_headers).json()

    assert body["payment_status"] == "paid"
    assert body["invoice_number"] == 1
    assert [event["type"] for event in body["events"]] == ["placed", "paid"]


def test_marking_twice_is_a_conflict_and_changes_nothing(api, staff_headers):
    order = offline_order()
    mark_paid(api, order, staff_headers, reference="first")

    again = mark_paid(api, order, staff_headers, reference="second")

    assert (again.status_code, again.json()["code"]) == (409, "order_already_paid")
    order.refresh_from_db()
    assert order.invoice_number == 1
    assert Payment.objects.get().reference == "first"
    assert OrderEvent.objects.filter(order=order, type="paid").count() == 1


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ({"amount": "1.00", "currency": "EUR"}, "amount"),  # not the total
        ({"amount": "30.00", "currency": "BRL"}, "amount"),  # another currency
    ],
)
def test_another_amount_or_currency_is_refused(api, staff_headers, amount, field):
    order = offline_order()
    assert str(order.total) == "30.00"

    response = mark_paid(api, order, staff_headers, amount=amount)

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == [field]
    order.refresh_from_db()
    assert (order.payment_status, order.invoice_number) == ("awaiting_payment", None)


def test_a_date_in_the_future_is_refused(api, staff_headers):
    order = offline_order()

    response = mark_paid(api, order, staff_headers, paid_at=(timezone.now() + timedelta(hours=1)).isoformat())

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == ["paid_at"]
    assert Order.objects.get(pk=order.pk).payment_status == "awaiting_payment"


def test_a_card_order_or_a_cancelled_one_cannot_be_marked_paid(api, staff_headers, staff):
    card = placed_order()
    cancelled = offline_order()
    order_transition(order=cancelled, to="cancelled", reason="customer_request", actor=staff)

    for order, code in ((card, "order_already_paid"), (cancelled, "mark_paid_not_allowed")):
        response = mark_paid(api, order, staff_headers)
        assert (response.status_code, response.json()["code"]) == (409, code)
    assert Order.objects.get(pk=cancelled.pk).payment_status == "awaiting_payment"
    assert Order.objects.get(pk=cancelled.pk).invoice_number is None


def test_a_refunded_card_order_cannot_be_marked_paid(api, staff_headers):
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(payment_status="refunded")

    response = mark_paid(api, order, staff_headers)

    assert (response.status_code, response.json()["code"]) == (409, "mark_paid_not_allowed")


def test_invoice_numbers_follow_payment_order_without_gaps(staff):
    first, second = offline_order(), offline_order()
    card = placed_order()

    order_mark_paid(order=second, actor=staff)
    order_mark_paid(order=first, actor=staff)

    numbers = dict(Order.objects.values_list("pk", "invoice_number"))
    assert (numbers[card.pk], numbers[second.pk], numbers[first.pk]) == (1, 2, 3)


def test_a_refused_mark_takes_no_invoice_number(api, staff_headers, staff):
    order, other = offline_order(), offline_order()
    mark_paid(api, order, staff_headers, amount={"amount": "1.00", "currency": "EUR"})

    order_mark_paid(order=other, actor=staff)

    assert Order.objects.get(pk=other.pk).invoice_number == 1


def test_a_paid_offline_order_can_still_be_refunded_by_hand(api, staff_headers, staff):
    order = offline_order()
    order_mark_paid(order=order, actor=staff, reference="TED 1")
    cancelled = post(
        api, f"{ORDERS}/{order.number}/transitions", {"to": "cancelled", "reason": "other"}, staff_headers
    ).json()
    assert cancelled["payment_status"] == "paid"  # offline money goes back by hand

    response = post(api, f"{ORDERS}/{order.number}/refunds/manual", {"reference": "TED 2"}, staff_headers)

    assert response.status_code == 200
    assert response.json()["payment_status"] == "refunded"
    assert response.json()["payments"][0]["status"] == "refunded"


def test_cancelling_an_order_awaiting_payment_refunds_nothing(api, staff_headers):
    order = offline_order()

    body = post(
        api, f"{ORDERS}/{order.number}/transitions", {"to": "cancelled", "reason": "other"}, staff_headers
    ).json()

    assert body["payment_status"] == "awaiting_payment"
    assert body["payments"][0]["refunds"] == []
    assert "refund_requested" not in [event["type"] for event in body["events"]]


def test_bulk_mark_paid_gives_one_result_per_order(api, staff_headers):
    first, second = offline_order(), offline_order()
    card = placed_order()

    response = post(
        api,
        f"{ORDERS}/bulk-mark-paid",
        {"numbers": [first.number, card.number, second.number, first.number, 999999]},
        staff_headers,
    )

    assert response.status_code == 200
    results = {result["number"]: result for result in response.json()["results"]}
    assert list(results) == [first.number, card.number, second.number, 999999]
    assert (results[first.number]["ok"], results[first.number]["payment_status"]) == (True, "paid")
    assert results[first.number]["invoice_number"] == 2
    assert results[second.number]["invoice_number"] == 3
    assert results[card.number]["error"]["code"] == "order_already_paid"
    assert results[999999]["error"]["code"] == "not_found"


def test_bulk_mark_paid_refuses_a_future_date_for_all(api, staff_headers):
    order = offline_order()

    response = post(
        api,
        f"{ORDERS}/bulk-mark-paid",
        {"numbers": [order.number], "paid_at": (timezone.now() + timedelta(days=1)).isoformat()},
        staff_headers,
    )

    assert response.status_code == 422
    assert Order.objects.get(pk=order.pk).payment_status == "awaiting_payment"


def test_a_customer_cannot_mark_an_order_paid(api, customer_headers):
    order = offline_order()

    response = mark_paid(api, order, customer_headers)

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).payment_status == "awaiting_payment"

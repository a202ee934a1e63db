"""Cancelling a paid order gives the money back through the gateway that took
it, after the cancellation commits; staff see the outcome, retry a refund
the provider refused, and record offline refunds by hand."""

import json

import pytest
from django.core import mail
from django.db import transaction

from conftest import bearer
from lojista.customers.models import ApiToken
from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_place, order_refund_send, order_transition
from lojista.payments.models import Payment, Refund
from lojista.payments.services import payment_execute, payment_start
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

# Refunds to Stripe run outside any transaction: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

ORDERS = "/api/v1/admin/orders"
REFUSED = {
    "type": "invalid_request_error",
    "code": "balance_insufficient",
    "message": "Insufficient funds in Stripe balance to refund this charge.",
}


def post(api, path: str, body: dict, headers: dict):
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


def cancel(api, order: Order, headers: dict, **fields):
    body = {"to": "cancelled", "reason": "customer_request", **fields}
    return post(api, f"{ORDERS}/{order.number}/transitions", body, headers)


def stripe_order(**fields) -> Order:
    """A pending order paid by card through (the fake) Stripe."""
    checkout = checkout_for({stocked_variant(): 1}, **fields)
    payment, _ = payment_start(checkout=checkout, gateway="stripe", idempotency_key="k", request_hash="h")
    payment = payment_execute(payment=payment, payment_token="pm_card_visa")
    order, _ = order_place(checkout=checkout, payment=payment)
    return order


def offline_order() -> Order:
    checkout = checkout_for({stocked_variant(): 1})
    payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    order, _ = order_place(checkout=checkout, payment=payment)
    return order


def refund_requests(fake_stripe) -> list:
    return [request for request in fake_stripe.requests if request.path == "/v1/refunds"]


def event_types(order: Order) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order).order_by("created_at", "id").values_list("type", flat=True)
    )


def cancellation_email(order: Order):
    [email] = [email for email in mail.outbox if f"#{order.number} was cancelled" in email.subject]
    return email


def test_cancelling_a_test_card_order_refunds_it_and_says_so(api, staff_headers):
    order = placed_order()

    response = cancel(api, order, staff_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["payment_status"] == "refunded"
    [payment] = body["payments"]
    assert (payment["gateway"], payment["status"], payment["amount"]) == (
        "test",
        "refunded",
        {"amount": "30.00", "currency": "EUR"},
    )
    [refund] = payment["refunds"]
    assert refund["status"] == "succeeded"
    assert refund["reference"].startswith("test_re_")
    assert refund["amount"] == {"amount": "30.00", "currency": "EUR"}
    assert refund["reason"] == f"order_cancelled: order {order.number}"
    types = [event["type"] for event in body["events"]]
    assert types.index("status_changed") < types.index("refund_requested") < types.index("refunded")
    email = cancellation_email(order)
    assert "A refund of €30.00 was issued to your original payment method." in email.body


def test_a_stripe_refund_is_asked_for_once_and_only_after_the_cancellation_commits(staff, fake_stripe):
    order = stripe_order()

    with transaction.atomic():
        order_transition(order=order, to="cancelled", actor=staff, reason="out_of_stock")
        assert refund_requests(fake_stripe) == []  # nothing is sent for a change that may roll back
        assert Order.objects.get(pk=order.pk).payment_status == "refund_pending"

    [request] = refund_requests(fake_stripe)
    refund = Refund.objects.get()
    assert request.params == {"payment_intent": order.payment.reference, "amount": "3000"}
    assert request.idempotency_key == f"refund:{refund.pk}"
    assert Order.objects.get(pk=order.pk).payment_status == "refunded"
    assert Payment.objects.get(pk=order.payment_id).status == "refunded"
    assert event_types(order).count("refunded") == 1
    # Sending it again (a task delivered twice) asks Stripe nothing more.
    assert order_refund_send(order_id=order.pk) == "skipped"
    assert len(refund_requests(fake_stripe)) == 1


def test_a_cancellation_that_rolls_back_refunds_nothing(staff, fake_stripe):
    order = stripe_order()

    with pytest.raises(RuntimeError), transaction.atomic():
        order_transition(order=order, to="cancelled", actor=staff, reason="out_of_stock")
        raise RuntimeError("rolled back")

    assert refund_requests(fake_stripe) == []
    assert not Refund.objects.exists()
    assert Order.objects.get(pk=order.pk).payment_status == "paid"


def test_a_refused_refund_shows_the_providers_message_and_a_retry_refunds(api, staff_headers, fake_stripe):
    order = stripe_order()
    fake_stripe.refund_error = REFUSED

    cancelled = cancel(api, order, staff_headers).json()

    # The test task backend cannot run a task later, so the first failure is the last.
    assert (cancelled["status"], cancelled["payment_status"]) == ("cancelled", "refund_failed")
    [failed] = cancelled["payments"][0]["refunds"]
    assert (failed["status"], failed["error_message"]) == ("failed", REFUSED["message"])
    [event] = [event for event in cancelled["events"] if event["type"] == "refund_failed"]
    assert event["data"]["error"] == REFUSED["message"]

    fake_stripe.refund_error = None
    response = post(api, f"{ORDERS}/{order.number}/refunds/retry", {}, staff_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["payment_status"] == "refunded"
    assert [refund["status"] for refund in body["payments"][0]["refunds"]] == ["failed", "succeeded"]
    assert len(fake_stripe.refunds) == 1
    keys = [request.idempotency_key for request in refund_requests(fake_stripe)]
    assert len(set(keys)) == 2  # Stripe would replay the refusal to the first key
    again = post(api, f"{ORDERS}/{order.number}/refunds/retry", {}, staff_headers)
    assert (again.status_code, again.json()["code"]) == (409, "refund_not_retryable")


def test_a_refused_refund_is_tried_again_later_when_the_backend_can_wait(staff, fake_stripe, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    order = stripe_order()
    fake_stripe.refund_error = REFUSED
    order_transition(order=order, to="cancelled", actor=staff, reason="out_of_stock")  # enqueued, not run

    assert order_refund_send(order_id=order.pk, attempt=1) == "retry"
    assert Order.objects.get(pk=order.pk).payment_status == "refund_pending"

    fake_stripe.refund_error = None
    assert order_refund_send(order_id=order.pk, attempt=2) == "refunded"
    assert Order.objects.get(pk=order.pk).payment_status == "refunded"
    assert len(fake_stripe.refunds) == 1


def test_cancelling_with_refund_false_keeps_the_money(api, staff_headers, fake_stripe):
    order = stripe_order()

    body = cancel(api, order, staff_headers, refund=False).json()

    assert (body["status"], body["payment_status"]) == ("cancelled", "paid")
    assert refund_requests(fake_stripe) == []
    assert not Refund.objects.exists()
    assert "refund" not in cancellation_email(order).body.lower()
    change = next(event for event in body["events"] if event["type"] == "status_changed")
    assert change["data"]["refund"] is False


def test_bulk_cancellations_take_the_refund_flag(api, staff_headers):
    kept, refunded = placed_order(), placed_order()
    bulk = f"{ORDERS}/bulk-transitions"

    post(
        api,
        bulk,
        {"numbers": [kept.number], "to": "cancelled", "reason": "other", "refund": False},
        staff_headers,
    )
    post(api, bulk, {"numbers": [refunded.number], "to": "cancelled", "reason": "other"}, staff_headers)

    assert Order.objects.get(pk=kept.pk).payment_status == "paid"
    assert Order.objects.get(pk=refunded.pk).payment_status == "refunded"


def test_a_customer_cancelling_their_paid_order_is_refunded(api, customer, fake_stripe):
    order = stripe_order(customer=customer)
    headers = bearer(ApiToken.issue(customer))

    response = post(api, f"/api/v1/me/orders/{order.number}/cancel", {}, headers)

    assert response.status_code == 200
    assert response.json()["payment_status"] == "refunded"
    assert [event["type"] for event in response.json()["events"]][-1] == "refunded"
    assert len(fake_stripe.refunds) == 1


def test_an_offline_order_is_refunded_by_hand(api, staff_headers, staff):
    order = offline_order()
    cancelled = cancel(api, order, staff_headers).json()
    assert cancelled["payment_status"] == "awaiting_payment"  # nothing went through the app

    response = post(
        api,
        f"{ORDERS}/{order.number}/refunds/manual",
        {"reference": "TED 123", "note": "Paid back"},
        staff_headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["payment_status"] == "refunded"
    [refund] = body["payments"][0]["refunds"]
    assert (refund["status"], refund["reference"]) == ("succeeded", "TED 123")
    event = body["events"][-1]
    assert (event["type"], event["note"], event["data"]["manual"], event["actor"]["id"]) == (
        "refunded",
        "Paid back",
        True,
        staff.pk,
    )
    again = post(api, f"{ORDERS}/{order.number}/refunds/manual", {}, staff_headers)
    assert (again.status_code, again.json()["code"]) == (409, "manual_refund_not_allowed")


def test_a_card_payment_cannot_be_recorded_as_refunded_by_hand(api, staff_headers):
    order = placed_order()

    response = post(api, f"{ORDERS}/{order.number}/refunds/manual", {}, staff_headers)

    assert (response.status_code, response.json()["code"]) == (409, "manual_refund_not_allowed")
    assert Order.objects.get(pk=order.pk).payment_status == "paid"
    assert not Refund.objects.exists()

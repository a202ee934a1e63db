"""Paying with Stripe: the app's request and Stripe's webhook, in any order and
any number of times, place one order. Stripe itself is faked at the HTTP
boundary; signatures are real."""

import urllib.request

import pytest

from lojista.orders.models import Order
from lojista.payments.models import Payment, Refund
from tests.completion.shop import complete, new_cart, open_shop, start_checkout, variant_with_stock
from tests.completion.test_concurrency import call, run_together

WEBHOOK = "/api/v1/payments/stripe/webhook"


def deliver(api, fake_stripe, intent_id: str):
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[intent_id])
    return api.generic(
        "POST",
        WEBHOOK,
        payload,
        content_type="application/json",
        headers={"Stripe-Signature": fake_stripe.sign(payload)},
    )


def awaiting_3ds(api):
    """A checkout whose card payment waits for the customer's 3-D Secure."""
    open_shop()
    mug = variant_with_stock(5)
    checkout = start_checkout(api, new_cart(api, {mug: 1})).json()
    response = complete(
        api, checkout["id"], key="k1", method="stripe", token="pm_card_authenticationRequired"
    )
    assert response.status_code == 202, response.content
    return checkout, response.json()["payment"]


@pytest.mark.django_db(transaction=True)
def test_a_card_that_needs_confirming_becomes_an_order_when_stripe_confirms(api, fake_stripe):
    checkout, payment = awaiting_3ds(api)
    assert payment["client_secret"]
    assert not Order.objects.exists()
    intent_id = Payment.objects.get().reference
    fake_stripe.confirm(intent_id)

    for _ in range(3):  # Stripe delivers at least once
        assert deliver(api, fake_stripe, intent_id).status_code == 200

    order = Order.objects.get()
    assert (order.status, order.payment_status, order.payment_method) == ("pending", "paid", "stripe")
    assert api.get(f"/api/v1/checkouts/{checkout['id']}").json()["order_number"] == order.number
    again = complete(api, checkout["id"], key="k1", method="stripe", token="pm_card_authenticationRequired")
    assert (again.status_code, again.json()["order"]["number"]) == (200, order.number)


@pytest.mark.django_db(transaction=True)
def test_a_card_paid_at_once_places_the_order_and_the_late_webhook_changes_nothing(api, fake_stripe):
    open_shop()
    checkout = start_checkout(api, new_cart(api, {variant_with_stock(5): 1})).json()

    response = complete(api, checkout["id"], method="stripe", token="pm_card_visa")

    assert response.status_code == 201
    assert fake_stripe.requests[-1].params["amount"] == "1740"  # 12.50 + 4.90, in cents
    assert deliver(api, fake_stripe, Payment.objects.get().reference).status_code == 200
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_webhook_racing_the_apps_request_places_one_order(api, fake_stripe, live_server):
    checkout, _ = awaiting_3ds(api)
    intent_id = Payment.objects.get().reference
    fake_stripe.confirm(intent_id)
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[intent_id])
    signature = fake_stripe.sign(payload)

    def act(index: int) -> int:
        if index == 0:  # the app, back from 3-D Secure, asks again with its key
            status, _ = call(
                live_server.url,
                "POST",
                f"/api/v1/checkouts/{checkout['id']}/complete",
                {"payment_method": "stripe", "payment_token": "pm_card_authenticationRequired"},
                {"Idempotency-Key": "k1"},
            )
            return status
        request = urllib.request.Request(
            live_server.url + WEBHOOK,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    statuses = run_together(4, act)

    # The app's answer depends on who reads the payment first: the order (201,
    # or 200 when a webhook placed it), or 202 when no webhook had recorded
    # Stripe's success yet (the app then polls the checkout, as documented).
    assert statuses[0] in (200, 201, 202)
    assert statuses[1:] == [200, 200, 200]
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_late_confirmation_of_a_payment_the_order_did_not_use_is_refunded_and_recorded(api, fake_stripe):
    checkout, _ = awaiting_3ds(api)
    first = Payment.objects.get()
    # The customer gives up on 3-D Secure and pays with another card.
    paid = complete(api, checkout["id"], key="k2", method="stripe", token="pm_card_visa")
    assert paid.status_code == 201, paid.content
    order = Order.objects.get()
    # ...then confirms the first one after all: Stripe tells us it succeeded.
    fake_stripe.confirm(first.reference)

    assert deliver(api, fake_stripe, first.reference).status_code == 200

    first.refresh_from_db()
    assert first.status == "refunded"
    [sent] = fake_stripe.refunds
    assert sent["payment_intent"] == first.reference
    [refund] = Refund.objects.all()
    assert (refund.payment, refund.amount, refund.currency) == (first, first.amount, "EUR")
    assert (refund.status, refund.reference) == ("succeeded", sent["id"])
    assert str(order.number) in refund.reason
    assert Order.objects.get().payment.reference != first.reference
    again = complete(api, checkout["id"], key="k3", method="stripe", token="pm_card_visa")
    assert (again.status_code, again.json()["details"]["order_number"]) == (409, order.number)

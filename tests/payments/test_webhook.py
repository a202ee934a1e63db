"""POST /api/v1/payments/stripe/webhook: signed events settle payments, once."""

import logging
import time
from unittest import mock

import pytest
from django.test import Client

from lojista.checkout.errors import CheckoutCompleted
from lojista.payments.errors import PaymentGatewayUnavailable
from lojista.payments.models import Payment
from lojista.payments.signals import payment_succeeded

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/stripe/webhook"


@pytest.fixture
def succeeded_calls():
    """What payment_succeeded's receivers see. The other apps' receivers
    (orders placing the order) are unplugged: these tests are about payments."""
    calls: list[tuple[str, str]] = []

    def receiver(sender, payment, **kwargs):
        calls.append((str(payment.pk), payment.status))

    with mock.patch.object(payment_succeeded, "receivers", []):
        payment_succeeded.connect(receiver, weak=False)
        yield calls


@pytest.fixture
def pending(make_checkout, fake_stripe):
    """A Stripe payment waiting for 3-D Secure, and its intent at Stripe."""
    checkout = make_checkout()
    intent = {
        "id": "pi_pending",
        "object": "payment_intent",
        "amount": 1250,
        "currency": "eur",
        "status": "requires_action",
        "client_secret": "pi_pending_secret_x",
        "metadata": {"checkout_id": str(checkout.pk)},
        "last_payment_error": None,
    }
    fake_stripe.intents[intent["id"]] = intent
    payment = Payment.objects.create(
        checkout=checkout,
        gateway="stripe",
        status="requires_action",
        amount=checkout.total,
        currency="EUR",
        idempotency_key="k",
        request_hash="h",
        reference=intent["id"],
        client_secret=intent["client_secret"],
    )
    intent["metadata"]["payment_id"] = str(payment.pk)
    return payment


def deliver(api: Client, payload: bytes, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return api.post(URL, payload, content_type="application/json", headers=headers)


def status_of(payment: Payment) -> str:
    return Payment.objects.get(pk=payment.pk).status


def test_a_signed_success_settles_the_payment_and_tells_the_receivers(
    api, fake_stripe, pending, succeeded_calls
):
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    response = deliver(api, payload, fake_stripe.sign(payload))

    assert response.status_code == 200
    assert response.json() == {"received": True}
    assert status_of(pending) == "succeeded"
    assert succeeded_calls == [(str(pending.pk), "succeeded")]


def test_a_success_delivered_three_times_settles_once_and_tells_each_time(
    api, fake_stripe, pending, succeeded_calls
):
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    answers = [deliver(api, payload, fake_stripe.sign(payload)).status_code for _ in range(3)]

    assert answers == [200, 200, 200]
    assert Payment.objects.filter(status="succeeded").count() == 1
    # Sent on every delivery, so a receiver that failed the first time can
    # finish its work; receivers are idempotent (see payments/signals.py).
    assert succeeded_calls == [(str(pending.pk), "succeeded")] * 3


def test_a_failure_marks_the_payment_declined_with_stripes_reason(api, fake_stripe, pending, succeeded_calls):
    payload = fake_stripe.event("payment_intent.payment_failed", fake_stripe.fail(pending.reference))

    assert deliver(api, payload, fake_stripe.sign(payload)).status_code == 200

    row = Payment.objects.get(pk=pending.pk)
    assert (row.status, row.error_code, row.error_message) == (
        "declined",
        "card_declined",
        "Your card was declined.",
    )
    assert succeeded_calls == []


def test_a_failure_arriving_after_the_success_changes_nothing(api, fake_stripe, pending, succeeded_calls):
    failed = fake_stripe.event("payment_intent.payment_failed", fake_stripe.fail(pending.reference))
    succeeded = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    deliver(api, succeeded, fake_stripe.sign(succeeded))
    response = deliver(api, failed, fake_stripe.sign(failed))

    assert response.status_code == 200
    assert status_of(pending) == "succeeded"
    assert len(succeeded_calls) == 1


def test_a_success_after_a_failure_settles_the_payment(api, fake_stripe, pending, succeeded_calls):
    failed = fake_stripe.event("payment_intent.payment_failed", fake_stripe.fail(pending.reference))
    succeeded = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    deliver(api, failed, fake_stripe.sign(failed))
    deliver(api, succeeded, fake_stripe.sign(succeeded))

    row = Payment.objects.get(pk=pending.pk)
    assert (row.status, row.error_code, row.error_message) == ("succeeded", "", "")


def test_an_intent_whose_creation_answer_was_lost_is_found_by_its_metadata(
    api, fake_stripe, pending, succeeded_calls
):
    Payment.objects.filter(pk=pending.pk).update(status="processing", reference="", client_secret="")
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm("pi_pending"))

    assert deliver(api, payload, fake_stripe.sign(payload)).status_code == 200

    row = Payment.objects.get(pk=pending.pk)
    assert (row.status, row.reference) == ("succeeded", "pi_pending")


def test_an_unknown_intent_is_acknowledged_and_logged(api, fake_stripe, pending, succeeded_calls, caplog):
    intent = {
        **fake_stripe.intents[pending.reference],
        "id": "pi_elsewhere",
        "status": "succeeded",
        "metadata": {},
    }
    payload = fake_stripe.event("payment_intent.succeeded", intent)

    with caplog.at_level(logging.INFO, logger="lojista.payments"):
        response = deliver(api, payload, fake_stripe.sign(payload))

    assert response.status_code == 200
    assert response.json() == {"received": True}
    assert status_of(pending) == "requires_action"
    assert succeeded_calls == []
    assert any("pi_elsewhere" in record.getMessage() for record in caplog.records)


def test_other_event_types_are_acknowledged_and_ignored(api, fake_stripe, pending, succeeded_calls):
    intent = {**fake_stripe.intents[pending.reference], "status": "canceled"}
    payload = fake_stripe.event("payment_intent.canceled", intent)

    assert deliver(api, payload, fake_stripe.sign(payload)).status_code == 200
    assert status_of(pending) == "requires_action"


def _signed_badly(fake_stripe, payload: bytes, how: str) -> tuple[bytes, str | None]:
    if how == "wrong secret":
        return payload, fake_stripe.sign(payload, secret="whsec_someone_else")
    if how == "tampered payload":
        return payload.replace(b'"amount": 1250', b'"amount": 1'), fake_stripe.sign(payload)
    if how == "old timestamp":
        return payload, fake_stripe.sign(payload, timestamp=int(time.time()) - 301)
    if how == "missing header":
        return payload, None
    if how == "garbled header":
        return payload, "v1=abc"
    # "not an event": correctly signed, but not JSON.
    garbage = b"{not json"
    return garbage, fake_stripe.sign(garbage)


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "tampered payload", "old timestamp", "missing header", "garbled header", "not an event"],
)
def test_a_badly_signed_delivery_is_refused_and_changes_nothing(
    api, fake_stripe, pending, succeeded_calls, how
):
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))
    body, signature = _signed_badly(fake_stripe, payload, how)

    response = deliver(api, body, signature)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert status_of(pending) == "requires_action"
    assert succeeded_calls == []


def test_without_a_webhook_secret_nothing_is_accepted(api, fake_stripe, pending, succeeded_calls, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    assert deliver(api, payload, fake_stripe.sign(payload, secret="")).status_code == 400
    assert status_of(pending) == "requires_action"


def test_the_webhook_needs_no_csrf_token(fake_stripe, pending, succeeded_calls):
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    response = deliver(Client(enforce_csrf_checks=True), payload, fake_stripe.sign(payload))

    assert response.status_code == 200


def failing_receiver(error: Exception):
    def receiver(sender, payment, **kwargs):
        raise error

    return receiver


def test_a_business_outcome_of_a_receiver_is_acknowledged(api, fake_stripe, pending, succeeded_calls):
    payment_succeeded.connect(failing_receiver(CheckoutCompleted()), weak=False)
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    assert deliver(api, payload, fake_stripe.sign(payload)).status_code == 200
    assert status_of(pending) == "succeeded"


@pytest.mark.parametrize("error", [RuntimeError("boom"), PaymentGatewayUnavailable()])
def test_an_unexpected_or_passing_failure_answers_500_so_stripe_retries(
    api, fake_stripe, pending, succeeded_calls, error
):
    payment_succeeded.connect(failing_receiver(error), weak=False)
    payload = fake_stripe.event("payment_intent.succeeded", fake_stripe.confirm(pending.reference))

    response = deliver(api, payload, fake_stripe.sign(payload))

    assert response.status_code == 500
    assert response.json()["code"] == "webhook_failed"
    # The payment did succeed at Stripe: that is recorded; the retry tells the receivers again.
    assert status_of(pending) == "succeeded"

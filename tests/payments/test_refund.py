"""payment_refund: money goes back once, through the gateway that took it,
and each refund is recorded."""

import pytest
from django.db import transaction

from lojista.payments.errors import PaymentGatewayUnavailable, PaymentNotRefundable
from lojista.payments.models import Payment, Refund
from lojista.payments.services import payment_execute, payment_refund, payment_start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid(make_checkout):
    """``paid("stripe", "pm_card_visa")`` -> a payment executed with that token."""

    def paid(gateway: str, token: str | None) -> Payment:
        payment, _ = payment_start(
            checkout=make_checkout(), gateway=gateway, idempotency_key="k", request_hash="h"
        )
        return payment_execute(payment=payment, payment_token=token)

    return paid


def test_a_stripe_payment_is_refunded_at_stripe_once(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")

    refunded = payment_refund(payment=payment, reason="test")
    again = payment_refund(payment=payment, reason="test")

    assert (refunded.status, again.status) == ("refunded", "refunded")
    refunds = [r for r in fake_stripe.requests if r.path == "/v1/refunds"]
    assert len(refunds) == 1
    assert refunds[0].params == {"payment_intent": payment.reference, "amount": "1250"}
    [refund] = Refund.objects.all()
    assert refunds[0].idempotency_key == f"refund:{refund.pk}"
    assert len(fake_stripe.refunds) == 1
    assert (refund.payment, refund.amount, refund.currency) == (payment, payment.amount, "EUR")
    assert (refund.status, refund.reference, refund.reason) == (
        "succeeded",
        fake_stripe.refunds[0]["id"],
        "test",
    )


def test_a_payment_already_refunded_at_stripe_is_marked_refunded(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")
    fake_stripe.intents[payment.reference]["refunded"] = True  # refunded from Stripe's dashboard

    assert payment_refund(payment=payment, reason="test").status == "refunded"


def test_an_awaited_offline_payment_is_just_marked_refunded(paid, fake_stripe):
    payment = paid("offline", None)

    assert payment_refund(payment=payment, reason="test").status == "refunded"
    assert fake_stripe.requests == []
    assert not Refund.objects.exists()  # no money was taken, so none goes back


def test_a_declined_payment_cannot_be_refunded(paid):
    payment = paid("test", "tok_chargeDeclined")

    with pytest.raises(PaymentNotRefundable):
        payment_refund(payment=payment, reason="test")

    assert Payment.objects.get(pk=payment.pk).status == "declined"


def test_stripe_unreachable_leaves_the_payment_succeeded_and_the_refund_failed(paid, fake_stripe, settings):
    payment = paid("stripe", "pm_card_visa")
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(PaymentGatewayUnavailable):
        payment_refund(payment=payment, reason="test")

    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    failed = Refund.objects.get()
    assert (failed.status, failed.reference) == ("failed", "")

    settings.STRIPE_API_BASE = fake_stripe.url
    assert payment_refund(payment=payment, reason="test").status == "refunded"
    # A new refund with a key of its own: Stripe replays its first answer to a key, errors included.
    failed.refresh_from_db()
    retried = Refund.objects.exclude(pk=failed.pk).get()
    assert (failed.status, retried.status, retried.reference) == (
        "failed",
        "succeeded",
        fake_stripe.refunds[0]["id"],
    )


def test_a_refund_stripe_refused_keeps_its_message_and_is_retried_with_a_new_key(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")
    fake_stripe.refund_error = {
        "type": "invalid_request_error",
        "code": "balance_insufficient",
        "message": "Insufficient funds in Stripe balance to refund this charge.",
    }

    with pytest.raises(PaymentGatewayUnavailable):
        payment_refund(payment=payment, reason="test")
    fake_stripe.refund_error = None
    assert payment_refund(payment=payment, reason="test").status == "refunded"

    failed, retried = Refund.objects.order_by("created_at")
    assert (failed.status, failed.error_message) == (
        "failed",
        "Insufficient funds in Stripe balance to refund this charge.",
    )
    assert retried.status == "succeeded"
    keys = [r.idempotency_key for r in fake_stripe.requests if r.path == "/v1/refunds"]
    assert keys == [f"refund:{failed.pk}", f"refund:{retried.pk}"]
    assert len(fake_stripe.refunds) == 1


def test_a_stripe_refund_refuses_to_run_inside_a_transaction(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")

    with pytest.raises(RuntimeError), transaction.atomic():
        payment_refund(payment=payment, reason="test")

    assert fake_stripe.refunds == []

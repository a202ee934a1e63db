"""payment_refund: money goes back once, through the gateway that took it."""

import pytest
from django.db import transaction

from lojista.payments.errors import PaymentGatewayUnavailable, PaymentNotRefundable
from lojista.payments.models import Payment
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

    refunded = payment_refund(payment=payment)
    again = payment_refund(payment=payment)

    assert (refunded.status, again.status) == ("refunded", "refunded")
    refunds = [r for r in fake_stripe.requests if r.path == "/v1/refunds"]
    assert len(refunds) == 1
    assert refunds[0].params == {"payment_intent": payment.reference}
    assert refunds[0].idempotency_key == f"refund:{payment.pk}"
    assert len(fake_stripe.refunds) == 1


def test_a_payment_already_refunded_at_stripe_is_marked_refunded(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")
    fake_stripe.intents[payment.reference]["refunded"] = True  # refunded from Stripe's dashboard

    assert payment_refund(payment=payment).status == "refunded"


def test_an_awaited_offline_payment_is_just_marked_refunded(paid, fake_stripe):
    payment = paid("offline", None)

    assert payment_refund(payment=payment).status == "refunded"
    assert fake_stripe.requests == []


def test_a_declined_payment_cannot_be_refunded(paid):
    payment = paid("test", "tok_chargeDeclined")

    with pytest.raises(PaymentNotRefundable):
        payment_refund(payment=payment)

    assert Payment.objects.get(pk=payment.pk).status == "declined"


def test_stripe_unreachable_leaves_the_payment_succeeded(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")
    fake_stripe.stop()

    with pytest.raises(PaymentGatewayUnavailable):
        payment_refund(payment=payment)

    assert Payment.objects.get(pk=payment.pk).status == "succeeded"


def test_a_stripe_refund_refuses_to_run_inside_a_transaction(paid, fake_stripe):
    payment = paid("stripe", "pm_card_visa")

    with pytest.raises(RuntimeError), transaction.atomic():
        payment_refund(payment=payment)

    assert fake_stripe.refunds == []

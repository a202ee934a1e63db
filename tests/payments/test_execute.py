"""payment_execute through each gateway, with Stripe faked over real HTTP.

payment_execute refuses to run inside a transaction, so these tests run
without the usual test transaction around them."""

import re
import socket
from decimal import Decimal

import pytest
from django.db import transaction

from lojista.core.errors import InvalidInput
from lojista.payments.errors import PaymentGatewayUnavailable
from lojista.payments.gateways import minor_units
from lojista.payments.models import Payment
from lojista.payments.services import payment_execute, payment_start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def start(make_checkout):
    """``start("stripe", total="12.50")`` -> a processing payment of a new checkout."""

    def start(gateway: str, *, total: str = "12.50", currency: str = "EUR", key: str = "key-1") -> Payment:
        checkout = make_checkout(total=total, currency=currency)
        payment, _ = payment_start(checkout=checkout, gateway=gateway, idempotency_key=key, request_hash="h")
        return payment

    return start


def stored(payment: Payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def test_offline_awaits_the_money_without_a_token(start):
    payment = payment_execute(payment=start("offline"), payment_token=None)

    assert stored(payment).status == "awaiting"


def test_the_test_card_tok_visa_pays(start):
    payment = payment_execute(payment=start("test"), payment_token="tok_visa")

    row = stored(payment)
    assert row.status == "succeeded"
    assert re.fullmatch(r"test_ch_[0-9a-f]{32}", row.reference)


def test_the_test_card_tok_charge_declined_is_declined(start):
    payment = payment_execute(payment=start("test"), payment_token="tok_chargeDeclined")

    row = stored(payment)
    assert (row.status, row.error_code, row.error_message) == (
        "declined",
        "card_declined",
        "Your card was declined.",
    )


def test_an_unknown_test_token_is_declined_as_invalid(start):
    payment = payment_execute(payment=start("test"), payment_token="tok_whatever")

    assert (stored(payment).status, stored(payment).error_code) == ("declined", "invalid_token")


@pytest.mark.parametrize("gateway", ["test", "stripe"])
def test_a_card_payment_without_a_token_is_invalid_input(start, fake_stripe, gateway):
    payment = start(gateway)

    with pytest.raises(InvalidInput) as refused:
        payment_execute(payment=payment, payment_token=None)

    assert "payment_token" in refused.value.details["fields"]
    assert stored(payment).status == "processing"
    assert fake_stripe.requests == []


def test_stripe_pays_the_server_total_in_minor_units_with_the_payment_as_idempotency_key(start, fake_stripe):
    payment = start("stripe", total="12.50", currency="EUR")

    result = payment_execute(payment=payment, payment_token="pm_card_visa")

    [request] = fake_stripe.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.idempotency_key == str(payment.pk)
    assert request.params["amount"] == "1250"
    assert request.params["currency"] == "eur"
    assert request.params["metadata"] == {
        "payment_id": str(payment.pk),
        "checkout_id": str(payment.checkout_id),
    }
    assert request.params["payment_method"] == "pm_card_visa"
    assert request.params["confirm"] == "true"
    assert request.params["automatic_payment_methods"] == {"enabled": "true", "allow_redirects": "never"}
    row = stored(result)
    assert row.status == "succeeded"
    assert fake_stripe.intents[row.reference]["status"] == "succeeded"


def test_a_zero_decimal_currency_is_sent_in_whole_units(start, fake_stripe):
    payment_execute(payment=start("stripe", total="1500.00", currency="JPY"), payment_token="pm_card_visa")

    assert fake_stripe.requests[0].params["amount"] == "1500"
    assert fake_stripe.requests[0].params["currency"] == "jpy"


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.50", "EUR", 1250), ("0.99", "usd", 99), ("1500", "JPY", 1500), ("3.250", "BHD", 3250)],
)
def test_minor_units(amount, currency, minor):
    assert minor_units(Decimal(amount), currency) == minor


def test_an_amount_finer_than_the_currency_allows_is_refused():
    with pytest.raises(ValueError):
        minor_units(Decimal("1500.50"), "JPY")


def test_a_declined_stripe_card_is_declined_with_stripes_reason(start, fake_stripe):
    payment = payment_execute(payment=start("stripe"), payment_token="pm_card_chargeDeclined")

    row = stored(payment)
    assert (row.status, row.error_code, row.error_message) == (
        "declined",
        "card_declined",
        "Your card was declined.",
    )
    # The intent Stripe created for the attempt, so that its webhooks find the payment.
    assert row.reference in fake_stripe.intents


def test_an_unknown_stripe_payment_method_is_declined_as_invalid(start, fake_stripe):
    payment = payment_execute(payment=start("stripe"), payment_token="pm_forged")

    assert (stored(payment).status, stored(payment).error_code) == ("declined", "invalid_token")


def test_3d_secure_requires_action_then_a_retry_reads_the_confirmed_intent(start, fake_stripe):
    payment = payment_execute(payment=start("stripe"), payment_token="pm_card_authenticationRequired")
    row = stored(payment)
    assert row.status == "requires_action"
    assert row.client_secret == fake_stripe.intents[row.reference]["client_secret"]

    fake_stripe.confirm(row.reference)
    again = payment_execute(payment=row, payment_token="pm_card_authenticationRequired")

    assert stored(again).status == "succeeded"
    assert [(r.method, r.path) for r in fake_stripe.requests] == [
        ("POST", "/v1/payment_intents"),
        ("GET", f"/v1/payment_intents/{row.reference}"),
    ]


def test_a_failed_authentication_is_declined_on_the_next_read(start, fake_stripe):
    payment = payment_execute(payment=start("stripe"), payment_token="pm_card_authenticationRequired")
    fake_stripe.fail(stored(payment).reference)

    again = payment_execute(payment=stored(payment), payment_token="pm_card_authenticationRequired")

    assert (stored(again).status, stored(again).error_code) == ("declined", "card_declined")


@pytest.mark.parametrize(("gateway", "token"), [("test", "tok_visa"), ("stripe", "pm_card_visa")])
def test_a_paid_payment_is_never_charged_again(start, fake_stripe, gateway, token):
    paid = payment_execute(payment=start(gateway), payment_token=token)
    asked = len(fake_stripe.requests)

    again = payment_execute(payment=paid, payment_token=token)

    assert len(fake_stripe.requests) == asked
    assert (again.status, again.reference) == ("succeeded", stored(paid).reference)


def test_a_declined_payment_is_not_charged_again(start):
    declined = payment_execute(payment=start("test"), payment_token="tok_chargeDeclined")

    again = payment_execute(payment=declined, payment_token="tok_chargeDeclined")

    assert again.status == "declined"
    assert again.updated_at == stored(declined).updated_at


def test_a_lost_answer_is_asked_again_with_the_same_key_and_stripe_charges_once(start, fake_stripe):
    payment = start("stripe")
    payment_execute(payment=payment, payment_token="pm_card_visa")
    # As if the process died before recording Stripe's answer.
    Payment.objects.filter(pk=payment.pk).update(status="processing", reference="")

    again = payment_execute(payment=stored(payment), payment_token="pm_card_visa")

    assert stored(again).status == "succeeded"
    assert [r.idempotency_key for r in fake_stripe.requests] == [str(payment.pk)] * 2
    assert len(fake_stripe.intents) == 1
    assert stored(again).reference in fake_stripe.intents


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stripe_unreachable_leaves_the_payment_processing_for_a_retry(start, fake_stripe, settings):
    real_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port()}"
    payment = start("stripe")

    with pytest.raises(PaymentGatewayUnavailable) as unavailable:
        payment_execute(payment=payment, payment_token="pm_card_visa")

    assert (unavailable.value.status, unavailable.value.code) == (503, "payment_unavailable")
    assert stored(payment).status == "processing"

    settings.STRIPE_API_BASE = real_base
    assert payment_execute(payment=stored(payment), payment_token="pm_card_visa").status == "succeeded"


def test_a_wrong_stripe_key_makes_stripe_unavailable_not_declined(start, fake_stripe, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    payment = start("stripe")

    with pytest.raises(PaymentGatewayUnavailable):
        payment_execute(payment=payment, payment_token="pm_card_visa")

    assert stored(payment).status == "processing"


def test_payment_execute_refuses_to_run_inside_a_transaction(start, fake_stripe):
    payment = start("stripe")

    with pytest.raises(RuntimeError), transaction.atomic():
        payment_execute(payment=payment, payment_token="pm_card_visa")

    assert fake_stripe.requests == []
    assert stored(payment).status == "processing"

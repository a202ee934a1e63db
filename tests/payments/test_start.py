"""payment_start: one Payment per (checkout, Idempotency-Key), whatever the number of requests."""

import threading
from collections import Counter

import pytest
from django.db import connection

from lojista.core.errors import InvalidInput
from lojista.payments.errors import IdempotencyKeyReused
from lojista.payments.models import Payment
from lojista.payments.services import payment_start

pytestmark = pytest.mark.django_db


def test_a_new_key_starts_a_processing_payment_for_the_checkout_total(make_checkout):
    checkout = make_checkout(total="12.50", currency="EUR")

    payment, created = payment_start(
        checkout=checkout, gateway="test", idempotency_key="k1", request_hash="h1"
    )

    assert created is True
    assert (payment.status, payment.gateway, payment.amount, payment.currency) == (
        "processing",
        "test",
        checkout.total,
        "EUR",
    )


def test_the_same_key_and_request_return_the_same_payment(make_checkout):
    checkout = make_checkout()
    first, _ = payment_start(checkout=checkout, gateway="test", idempotency_key="k1", request_hash="h1")

    again, created = payment_start(checkout=checkout, gateway="test", idempotency_key="k1", request_hash="h1")

    assert created is False
    assert again.pk == first.pk
    assert Payment.objects.count() == 1


def test_the_same_key_with_another_request_is_refused(make_checkout):
    checkout = make_checkout()
    payment_start(checkout=checkout, gateway="test", idempotency_key="k1", request_hash="h1")

    with pytest.raises(IdempotencyKeyReused) as refused:
        payment_start(checkout=checkout, gateway="offline", idempotency_key="k1", request_hash="h2")

    assert (refused.value.status, refused.value.code) == (422, "idempotency_key_reused")
    assert Payment.objects.get().gateway == "test"


def test_keys_belong_to_their_checkout(make_checkout):
    one, other = make_checkout(), make_checkout()

    first, _ = payment_start(checkout=one, gateway="test", idempotency_key="k1", request_hash="h1")
    second, created = payment_start(checkout=other, gateway="test", idempotency_key="k1", request_hash="h2")

    assert created is True
    assert second.pk != first.pk


def test_a_payment_method_the_shop_does_not_offer_is_refused(make_checkout, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(InvalidInput) as refused:
        payment_start(checkout=make_checkout(), gateway="stripe", idempotency_key="k1", request_hash="h1")

    assert "payment_method" in refused.value.details["fields"]
    assert not Payment.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_requests_with_one_key_share_one_payment(make_checkout):
    checkout = make_checkout()
    racers = 8
    barrier = threading.Barrier(racers)
    results: list[tuple[str, bool]] = []
    errors: Counter = Counter()
    lock = threading.Lock()

    def start() -> None:
        try:
            barrier.wait()
            payment, created = payment_start(
                checkout=checkout, gateway="test", idempotency_key="double-tap", request_hash="h1"
            )
            with lock:
                results.append((str(payment.pk), created))
        except Exception as exc:
            with lock:
                errors[type(exc).__name__] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len({payment_id for payment_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (racers - 1) + [True]
    assert Payment.objects.count() == 1

"""The order placed when a payment succeeds after the customer's request (Stripe's webhook)."""

import logging

import pytest

from lojista.checkout.models import Checkout
from lojista.inventory.models import Stock
from lojista.orders.models import Order
from lojista.orders.services import order_place
from lojista.payments.models import Payment
from lojista.payments.signals import payment_succeeded
from tests.orders.factories import checkout_for, payment_for, stocked_variant

pytestmark = pytest.mark.django_db


def succeeded(payment: Payment) -> None:
    payment_succeeded.send(sender=Payment, payment=payment)


def test_a_succeeded_payment_places_the_order():
    shirt = stocked_variant(stock=10)
    checkout = checkout_for({shirt: 2})
    payment = payment_for(checkout)

    succeeded(payment)

    order = Order.objects.get()
    assert (order.checkout_id, order.payment_id, order.payment_status) == (checkout.pk, payment.pk, "paid")
    assert Stock.objects.get(variant=shirt).quantity == 8


def test_the_signal_delivered_again_places_nothing_more():
    shirt = stocked_variant(stock=10)
    payment = payment_for(checkout_for({shirt: 2}))
    succeeded(payment)

    succeeded(payment)

    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=shirt).quantity == 8


def test_stock_gone_after_the_payment_refunds_it_after_the_transaction(
    django_capture_on_commit_callbacks, caplog
):
    shirt = stocked_variant(stock=1)
    checkout = checkout_for({shirt: 2}, hold=False)
    payment = payment_for(checkout)

    with (
        caplog.at_level(logging.WARNING, logger="lojista.orders.completion"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        succeeded(payment)
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED

    # One refund after the commit (besides /metrics' counters, counted on commit too).
    assert len([callback for callback in callbacks if callback.__module__ != "lojista.core.metrics"]) == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
    assert not Order.objects.exists()
    assert Stock.objects.get(variant=shirt).quantity == 1
    assert Checkout.objects.get(pk=checkout.pk).status == Checkout.Status.OPEN
    assert "insufficient_stock" in caplog.text


def test_an_outdated_checkout_paid_for_is_refunded(django_capture_on_commit_callbacks):
    payment = payment_for(checkout_for({stocked_variant(): 1}, status=Checkout.Status.OUTDATED))

    with django_capture_on_commit_callbacks(execute=True):
        succeeded(payment)

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
    assert not Order.objects.exists()


def test_a_payment_already_refunded_places_nothing(django_capture_on_commit_callbacks):
    payment = payment_for(checkout_for({stocked_variant(): 1}), status=Payment.Status.REFUNDED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        succeeded(payment)

    assert callbacks == []
    assert not Order.objects.exists()


def test_a_second_payment_for_a_placed_checkout_is_refunded(django_capture_on_commit_callbacks):
    shirt = stocked_variant(stock=10)
    checkout = checkout_for({shirt: 1})
    offline = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    order_place(checkout=checkout, payment=offline)
    card = payment_for(checkout)

    with django_capture_on_commit_callbacks(execute=True):
        succeeded(card)

    assert Order.objects.get().payment_id == offline.pk
    assert Payment.objects.get(pk=card.pk).status == Payment.Status.REFUNDED
    assert Payment.objects.get(pk=offline.pk).status == Payment.Status.AWAITING
    assert Stock.objects.get(variant=shirt).quantity == 9

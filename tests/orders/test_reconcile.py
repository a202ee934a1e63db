"""The reconciliation sweep: money taken that a crash left neither an order
nor a refund is placed as the order, or given back when it cannot be."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.checkout.models import Checkout
from lojista.core.scheduler import periodic_tasks
from lojista.inventory.models import Stock
from lojista.orders.completion import payments_reconcile
from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_transition, refunds_reconcile
from lojista.orders.tasks import reconcile_payments
from lojista.payments.models import Payment, Refund
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db


def left_behind(payment: Payment, minutes: int = 10) -> Payment:
    """As if the worker that took this money died ``minutes`` ago."""
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))
    return payment


def test_money_taken_by_a_dead_attempt_becomes_the_order():
    shirt = stocked_variant(stock=10)
    checkout = checkout_for({shirt: 2})
    payment = left_behind(payment_for(checkout))

    assert reconcile_payments.enqueue().return_value == 1

    order = Order.objects.get()
    assert (order.checkout_id, order.payment_id, order.payment_status) == (checkout.pk, payment.pk, "paid")
    assert Stock.objects.get(variant=shirt).quantity == 8
    assert Checkout.objects.get(pk=checkout.pk).status == Checkout.Status.COMPLETED
    assert payments_reconcile() == 0  # settled once


def test_money_for_a_checkout_that_cannot_be_placed_is_refunded_and_recorded(
    django_capture_on_commit_callbacks,
):
    payment = left_behind(payment_for(checkout_for({stocked_variant(): 1}, status=Checkout.Status.OUTDATED)))

    with django_capture_on_commit_callbacks(execute=True):
        payments_reconcile()

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
    refund = Refund.objects.get(payment=payment)
    assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, payment.amount)
    assert "checkout_not_placeable" in refund.reason
    assert not Order.objects.exists()


def test_a_second_charge_for_a_placed_order_is_refunded(django_capture_on_commit_callbacks):
    checkout = checkout_for({stocked_variant(): 1})
    first = payment_for(checkout)
    assert payments_reconcile(now=timezone.now() + timedelta(minutes=10)) == 1
    second = left_behind(payment_for(checkout))

    with django_capture_on_commit_callbacks(execute=True):
        payments_reconcile()

    assert Order.objects.get().payment_id == first.pk
    assert Payment.objects.get(pk=second.pk).status == Payment.Status.REFUNDED
    assert "order_paid_by_another_payment" in Refund.objects.get(payment=second).reason


def test_recent_payments_and_attempts_still_in_flight_are_left_to_their_request():
    recent = payment_for(checkout_for({stocked_variant(): 1}))
    claimed_checkout = checkout_for({stocked_variant(): 1})
    Checkout.objects.filter(pk=claimed_checkout.pk).update(
        payment_attempt_key="k", payment_attempt_until=timezone.now() + timedelta(minutes=1)
    )
    in_flight = left_behind(payment_for(claimed_checkout))

    assert payments_reconcile() == 0

    assert not Order.objects.exists()
    statuses = set(Payment.objects.filter(pk__in=[recent.pk, in_flight.pk]).values_list("status", flat=True))
    assert statuses == {Payment.Status.SUCCEEDED}


def test_the_sweep_is_scheduled():
    every = {periodic.path: periodic.every for periodic in periodic_tasks()}
    assert every["lojista.orders.tasks.reconcile_payments"] == 300


def test_a_refund_left_pending_by_a_lost_task_is_sent_by_the_sweep():
    order = placed_order()
    # Cancelled, but the refund task queued after commit never ran (this
    # test's transaction never commits): the refund stays pending.
    order_transition(order=order, to="cancelled", reason="customer_request", actor=None)
    assert Order.objects.get(pk=order.pk).payment_status == "refund_pending"
    assert payments_reconcile() == 0 and refunds_reconcile() == 0  # not stuck yet

    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now() - timedelta(minutes=31))
    assert reconcile_payments.enqueue().return_value == 1

    order.refresh_from_db()
    assert order.payment_status == "refunded"
    assert Refund.objects.get(payment_id=order.payment_id).status == Refund.Status.SUCCEEDED
    assert OrderEvent.objects.filter(order=order, type=OrderEvent.Type.REFUNDED).exists()


def test_money_whose_refund_the_provider_refused_is_left_to_staff():
    payment = left_behind(payment_for(checkout_for({stocked_variant(): 1}, status=Checkout.Status.OUTDATED)))
    Refund.objects.create(
        payment=payment, amount=payment.amount, currency=payment.currency, reason="r", status="failed"
    )

    assert payments_reconcile() == 0

    assert Refund.objects.filter(payment=payment).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED

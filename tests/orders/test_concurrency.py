"""Proofs on PostgreSQL that racing placements and cancellations stay exact.

Each thread has its own connection (its own transaction) and a Barrier
releases them together, so that they really contend for the rows.
"""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from lojista.inventory.models import Stock
from lojista.orders.models import Order, OrderEvent, OrderLine
from lojista.orders.services import order_mark_paid, order_place, order_transition
from lojista.payments.models import Payment
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(attempts: list[Callable[[], object]]) -> tuple[Counter, list[object]]:
    """Run each attempt in its own thread, all started together; return the
    outcomes counted by name ("ok" or the exception's class) and the results."""
    barrier = threading.Barrier(len(attempts))
    outcomes: Counter = Counter()
    results: list[object] = []
    lock = threading.Lock()

    def run(attempt: Callable[[], object]) -> None:
        result = None
        try:
            barrier.wait()
            result = attempt()
            outcome = "ok"
        except Exception as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1
            results.append(result)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, results


def test_racing_placements_take_every_number_once_without_gaps():
    shirt = stocked_variant(stock=1000)
    checkouts = [checkout_for({shirt: 1}) for _ in range(50)]
    payments = [payment_for(checkout) for checkout in checkouts]

    outcomes, _results = race(
        [
            lambda checkout=checkout, payment=payment: order_place(checkout=checkout, payment=payment)
            for checkout, payment in zip(checkouts, payments, strict=True)
        ]
    )

    assert outcomes == {"ok": 50}
    assert sorted(Order.objects.values_list("number", flat=True)) == list(range(1001, 1051))
    assert Stock.objects.get(variant=shirt).quantity == 950


def test_racing_placements_of_one_checkout_place_one_order():
    shirt = stocked_variant(stock=10)
    checkout = checkout_for({shirt: 2})
    payment = payment_for(checkout)

    outcomes, results = race([lambda: order_place(checkout=checkout, payment=payment) for _ in range(20)])

    assert outcomes == {"ok": 20}
    assert sorted(created for _order, created in results) == [False] * 19 + [True]
    assert {order.pk for order, _created in results} == {Order.objects.get().pk}
    assert OrderLine.objects.count() == 1
    assert Stock.objects.get(variant=shirt).quantity == 8


def test_racing_cancellations_cancel_once_and_restock_once():
    order = placed_order(quantity=2, stock=10)
    variant_id = order.lines.get().variant_id

    outcomes, _results = race(
        [
            lambda: order_transition(order=order, to="cancelled", actor=None, reason="suspected_fraud")
            for _ in range(10)
        ]
    )

    assert outcomes == {"ok": 1, "InvalidTransition": 9}
    assert Stock.objects.get(variant_id=variant_id).quantity == 10
    assert OrderEvent.objects.filter(order=order, to_status="cancelled").count() == 1


def test_two_staff_moving_the_same_pending_page_make_one_move(staff):
    # Processing then cancelling would both be allowed one after the other;
    # decided on the same pending page, only the first may happen.
    order = placed_order(quantity=2, stock=10)
    moves = [
        lambda: order_transition(order=order, to="processed", actor=staff, expected_status="pending"),
        lambda: order_transition(
            order=order, to="cancelled", actor=staff, reason="other", expected_status="pending"
        ),
    ]

    outcomes, _results = race(moves)

    assert outcomes == {"ok": 1, "OrderChanged": 1}
    assert OrderEvent.objects.filter(order=order, type="status_changed").count() == 1


def test_racing_marks_of_one_offline_order_record_one_payment(staff):
    checkout = checkout_for({stocked_variant(): 1})
    payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    order, _ = order_place(checkout=checkout, payment=payment)

    outcomes, _results = race(
        [lambda n=n: order_mark_paid(order=order, actor=staff, reference=f"ref {n}") for n in range(10)]
    )

    assert outcomes == {"ok": 1, "OrderAlreadyPaid": 9}
    order.refresh_from_db()
    assert (order.payment_status, order.invoice_number) == ("paid", 1)
    assert OrderEvent.objects.filter(order=order, type="paid").count() == 1
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"


def test_racing_marks_of_many_orders_number_their_invoices_without_gaps(staff):
    orders = []
    for _ in range(20):
        checkout = checkout_for({stocked_variant(): 1})
        payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
        orders.append(order_place(checkout=checkout, payment=payment)[0])

    outcomes, _results = race(
        [lambda order=order: order_mark_paid(order=order, actor=staff) for order in orders]
    )

    assert outcomes == {"ok": 20}
    assert sorted(Order.objects.values_list("invoice_number", flat=True)) == list(range(1, 21))

"""orders.selectors.order_actions: the buttons the back office shows are
exactly the moves the services accept, in every state an order can be in."""

import itertools

import pytest
from django.db import transaction

from lojista.core.errors import Conflict
from lojista.orders import services
from lojista.orders.models import Order, OrderStatus, PaymentStatus
from lojista.orders.selectors import order_actions
from lojista.payments.models import Payment
from tests.orders.factories import checkout_for, payment_for, stocked_variant

pytestmark = pytest.mark.django_db

GATEWAYS = [Payment.Gateway.TEST, Payment.Gateway.OFFLINE]
STATES = list(itertools.product(OrderStatus.values, PaymentStatus.values))


class _Undo(Exception):
    pass


def accepted(attempt) -> bool:
    """Whether the service accepts ``attempt`` (a refusal is a Conflict); undone either way."""
    try:
        with transaction.atomic():
            attempt()
            raise _Undo
    except _Undo:
        return True
    except Conflict:
        return False


def order_of(gateway: str) -> Order:
    checkout = checkout_for({stocked_variant(): 1})
    status = Payment.Status.AWAITING if gateway == Payment.Gateway.OFFLINE else Payment.Status.SUCCEEDED
    order, _created = services.order_place(
        checkout=checkout, payment=payment_for(checkout, status=status, gateway=gateway)
    )
    return order


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_the_actions_are_the_ones_the_services_accept(gateway, staff):
    order = order_of(gateway)
    seen = set()
    for status, payment_status in STATES:
        Order.objects.filter(pk=order.pk).update(status=status, payment_status=payment_status)
        order.refresh_from_db()
        actions = order_actions(order)
        state = (gateway, status, payment_status)

        moves = [
            target
            for target in OrderStatus.values
            if accepted(
                lambda target=target: services.order_transition(
                    order=order, to=target, actor=staff, reason="other" if target == "cancelled" else ""
                )
            )
        ]
        assert actions.transitions == moves, state
        assert actions.tracking == accepted(
            lambda: services.order_tracking_set(order=order, tracking_url="https://t.example/1", actor=staff)
        ), state
        assert actions.mark_paid == accepted(lambda: services.order_mark_paid(order=order, actor=staff)), (
            state
        )
        assert actions.refund_record == accepted(
            lambda: services.order_refund_record(order=order, actor=staff)
        ), state
        seen |= {
            name
            for name in ("tracking", "mark_paid", "refund_record", "refund_retry")
            if getattr(actions, name)
        }
        assert actions.refund_retry == accepted(
            lambda: services.order_refund_retry(order=order, actor=staff)
        ), state
    # Each button is shown somewhere (the comparison is not vacuous).
    offline_only = {"mark_paid", "refund_record"}
    expected = {"tracking", "refund_retry"} | (offline_only if gateway == Payment.Gateway.OFFLINE else set())
    assert seen == expected

"""A bulk change made from a list that no longer holds: an order moved by
someone else since the staff member saw it is refused, not overwritten."""

import pytest

from lojista.inventory.models import Stock
from lojista.orders.errors import OrderChanged
from lojista.orders.models import Order
from lojista.orders.services import order_transition, orders_bulk_transition
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


def test_an_order_moved_since_it_was_seen_is_refused_and_left_alone(staff):
    unchanged, moved = placed_order(quantity=2, stock=5), placed_order(quantity=2, stock=5)
    order_transition(order=moved, to="processed", actor=staff)  # by a colleague, after the list was shown

    results = orders_bulk_transition(
        numbers=[unchanged.number, moved.number],
        to="cancelled",
        actor=staff,
        reason="out_of_stock",
        refund=False,
        seen={unchanged.number: "pending", moved.number: "pending"},
    )

    assert [(result.number, result.ok) for result in results] == [
        (unchanged.number, True),
        (moved.number, False),
    ]
    error = results[1].error
    assert isinstance(error, OrderChanged)
    assert (error.code, error.details) == ("order_changed", {"expected": "pending", "status": "processed"})
    assert (
        str(error.message)
        == "This order changed since you opened it: it is now Processed. Check and try again."
    )
    assert Order.objects.get(pk=moved.pk).status == "processed"
    assert Stock.objects.get(variant_id=moved.lines.get().variant_id).quantity == 3


def test_without_what_was_seen_any_allowed_move_is_made(staff):
    order = placed_order()
    order_transition(order=order, to="processed", actor=staff)

    (result,) = orders_bulk_transition(
        numbers=[order.number], to="cancelled", actor=staff, reason="other", refund=False, seen={}
    )

    assert result.ok

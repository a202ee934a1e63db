"""order_transition and order_cancel_by_customer: the state machine, its events and stock effects."""

import pytest

from lojista.core.errors import InvalidInput
from lojista.inventory.models import Stock
from lojista.orders.errors import InvalidTransition, OrderChanged, OrderNotFound
from lojista.orders.models import Order, OrderEvent, OrderStatus
from lojista.orders.services import order_cancel_by_customer, order_transition
from lojista.orders.statuses import CANCEL_REASONS, CUSTOMER_TRANSITIONS, TRANSITIONS
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

MOVES = [(source, target) for source in OrderStatus.values for target in OrderStatus.values]
ALLOWED = [(source, target) for source, target in MOVES if target in TRANSITIONS[source]]
REFUSED = [(source, target) for source, target in MOVES if target not in TRANSITIONS[source]]


def on_hand(order: Order) -> int:
    return Stock.objects.get(variant_id=order.lines.get().variant_id).quantity


def order_in(status: str, **fields) -> Order:
    order = placed_order(**fields)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def last_change(order: Order) -> OrderEvent:
    return OrderEvent.objects.filter(order=order, type="status_changed").last()


def reason_for(target: str) -> str:
    return "other" if target == OrderStatus.CANCELLED else ""


def test_the_table_matches_the_product_rules():
    assert ALLOWED == [
        ("pending", "processed"),
        ("pending", "cancelled"),
        ("processed", "delivered"),
        ("processed", "cancelled"),
    ]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_move_is_made_and_recorded(source, target, staff):
    order = order_in(source)

    moved = order_transition(order=order, to=target, actor=staff, note="by phone", reason=reason_for(target))

    assert moved.status == target
    assert Order.objects.get(pk=order.pk).status == target
    event = last_change(order)
    assert (event.type, event.from_status, event.to_status, event.actor, event.note) == (
        "status_changed",
        source,
        target,
        staff,
        "by phone",
    )
    assert event.data["notify"] is True


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_move_is_refused_and_changes_nothing(source, target, staff):
    order = order_in(source)
    stock_before = on_hand(order)

    with pytest.raises(InvalidTransition) as raised:
        order_transition(order=order, to=target, actor=staff, reason=reason_for(target))

    assert raised.value.status == 409
    assert raised.value.code == "invalid_transition"
    assert raised.value.details == {
        "from": source,
        "to": target,
        "allowed": sorted(TRANSITIONS[source], key=OrderStatus.values.index),
    }
    assert Order.objects.get(pk=order.pk).status == source
    assert OrderEvent.objects.filter(order=order, type="status_changed").count() == 0
    assert on_hand(order) == stock_before


def test_the_refusal_names_both_statuses(staff):
    order = order_in(OrderStatus.DELIVERED)

    with pytest.raises(InvalidTransition) as raised:
        order_transition(order=order, to=OrderStatus.PENDING, actor=staff)

    assert str(raised.value.message) == "An order that is delivered cannot be changed to pending."


def test_an_unknown_status_is_refused(staff):
    order = placed_order()

    with pytest.raises(InvalidTransition) as raised:
        order_transition(order=order, to="shipped", actor=staff)

    assert raised.value.details["to"] == "shipped"


def test_cancelling_restocks_the_units_and_records_the_reason(staff):
    order = placed_order(quantity=3, stock=10)
    assert on_hand(order) == 7

    cancelled = order_transition(order=order, to="cancelled", actor=staff, reason="out_of_stock")

    assert on_hand(order) == 10
    assert cancelled.cancel_reason == "out_of_stock"
    event = last_change(order)
    # The test card payment is refunded too (tests/orders/test_refunds.py).
    assert event.data == {
        "notify": True,
        "by": "staff",
        "reason": "out_of_stock",
        "restock": True,
        "refund": True,
    }


def test_cancelling_without_restock_leaves_the_stock_alone(staff):
    order = placed_order(quantity=3, stock=10)

    order_transition(order=order, to="cancelled", actor=staff, reason="returned_goods", restock=False)

    assert on_hand(order) == 7
    assert last_change(order).data["restock"] is False


def test_cancelling_an_order_whose_variant_was_deleted_restocks_nothing(staff):
    order = placed_order()
    order.lines.get().variant.delete()

    cancelled = order_transition(order=order, to="cancelled", actor=staff, reason="other")

    assert cancelled.status == "cancelled"


@pytest.mark.parametrize("reason", ["", "changed_my_mind"])
def test_cancelling_needs_a_known_reason(reason, staff):
    order = placed_order(quantity=2, stock=10)

    with pytest.raises(InvalidInput) as raised:
        order_transition(order=order, to="cancelled", actor=staff, reason=reason)

    assert "reason" in raised.value.details["fields"]
    assert Order.objects.get(pk=order.pk).status == "pending"
    assert on_hand(order) == 8


def test_every_cancel_reason_is_accepted(staff):
    for reason in CANCEL_REASONS:
        order = placed_order()
        assert (
            order_transition(order=order, to="cancelled", actor=staff, reason=reason).cancel_reason == reason
        )


def test_a_reason_is_refused_for_other_moves(staff):
    order = placed_order()

    with pytest.raises(InvalidInput):
        order_transition(order=order, to="processed", actor=staff, reason="other")


def test_cancelling_twice_is_refused_and_restocks_once(staff):
    order = placed_order(quantity=2, stock=10)
    order_transition(order=order, to="cancelled", actor=staff, reason="customer_request")

    with pytest.raises(InvalidTransition) as raised:
        order_transition(order=order, to="cancelled", actor=staff, reason="customer_request")

    assert raised.value.details == {"from": "cancelled", "to": "cancelled", "allowed": []}
    assert on_hand(order) == 10
    assert OrderEvent.objects.filter(order=order, to_status="cancelled").count() == 1


def test_processing_keeps_the_tracking_link(staff):
    order = placed_order()
    link = "https://rastreamento.correios.com.br/?objeto=AB123456789BR"

    processed = order_transition(order=order, to="processed", actor=staff, tracking_url=link)

    assert Order.objects.get(pk=order.pk).tracking_url == link == processed.tracking_url
    assert last_change(order).data == {"notify": True, "by": "staff", "tracking_url": link}
    delivered = order_transition(order=processed, to="delivered", actor=staff)
    assert delivered.tracking_url == link


@pytest.mark.parametrize("link", ["not a link", "ftp://example.com/x", "https://example.com/" + "x" * 500])
def test_a_bad_tracking_link_is_refused(link, staff):
    order = placed_order()

    with pytest.raises(InvalidInput) as raised:
        order_transition(order=order, to="processed", actor=staff, tracking_url=link)

    assert "tracking_url" in raised.value.details["fields"]
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_tracking_link_only_goes_with_processing(staff):
    order = order_in(OrderStatus.PROCESSED)

    with pytest.raises(InvalidInput):
        order_transition(order=order, to="delivered", actor=staff, tracking_url="https://example.com/t")


def test_notify_false_is_recorded(staff):
    order = placed_order()

    order_transition(order=order, to="processed", actor=staff, notify=False)

    assert last_change(order).data == {"notify": False, "by": "staff"}


def test_the_system_may_move_an_order_without_an_actor():
    order = placed_order()

    order_transition(order=order, to="processed", actor=None)

    assert last_change(order).actor is None


def test_the_customer_cancels_a_pending_order_and_the_units_go_back(customer):
    order = placed_order(customer=customer, quantity=2, stock=5)

    cancelled = order_cancel_by_customer(order=order, customer=customer)

    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "customer_request")
    assert on_hand(order) == 5
    event = last_change(order)
    assert (event.actor, event.data["restock"]) == (customer, True)


@pytest.mark.parametrize("status", [OrderStatus.PROCESSED, OrderStatus.DELIVERED, OrderStatus.CANCELLED])
def test_the_customer_may_not_cancel_once_the_order_left_pending(status, customer):
    order = order_in(status, customer=customer)

    with pytest.raises(InvalidTransition) as raised:
        order_cancel_by_customer(order=order, customer=customer)

    assert raised.value.details["allowed"] == sorted(CUSTOMER_TRANSITIONS[status])
    assert Order.objects.get(pk=order.pk).status == status


def test_a_customer_cannot_cancel_someone_elses_order(customer, staff):
    order = placed_order(customer=staff)

    with pytest.raises(OrderNotFound):
        order_cancel_by_customer(order=order, customer=customer)

    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_move_decided_on_a_stale_status_is_refused_and_changes_nothing(staff):
    order = order_in(OrderStatus.PROCESSED)

    # The page showed it pending; someone processed it meanwhile. Cancelling is
    # allowed from processed too, but it is not what was decided on.
    with pytest.raises(OrderChanged) as refusal:
        order_transition(order=order, to="cancelled", actor=staff, reason="other", expected_status="pending")

    assert refusal.value.code == "order_changed"
    assert refusal.value.status == 409
    assert refusal.value.details == {"expected": "pending", "status": "processed"}
    assert str(refusal.value.message) == (
        "This order changed since you opened it: it is now Processed. Check and try again."
    )
    assert Order.objects.get(pk=order.pk).status == "processed"
    assert on_hand(order) == 9
    assert last_change(order) is None


def test_a_move_from_the_expected_status_is_made(staff):
    order = placed_order()

    moved = order_transition(order=order, to="processed", actor=staff, expected_status="pending")

    assert moved.status == "processed"

"""order_place: one open, paid checkout becomes exactly one Pending order."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from lojista.carts.models import Cart
from lojista.checkout.errors import CheckoutCompleted, CheckoutOutdated
from lojista.checkout.models import Checkout
from lojista.inventory.errors import InsufficientStock
from lojista.inventory.models import Reservation, Stock
from lojista.orders.errors import PaymentNotAccepted
from lojista.orders.models import Order, OrderEvent, OrderLine, OrderNumberCounter
from lojista.orders.services import order_place
from lojista.orders.signals import order_placed
from lojista.payments.models import Payment
from tests.orders.factories import ADDRESS, checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db


def on_hand(variant) -> int:
    return Stock.objects.get(variant=variant).quantity


def test_placing_snapshots_the_checkout_into_a_pending_order(customer):
    shirt = stocked_variant(price="25.00", name="M")
    hat = stocked_variant(price="12.50")
    checkout = checkout_for(
        {shirt: 2, hat: 1}, customer=customer, language="pt-br", utm_source="instagram", utm_medium="social"
    )
    payment = payment_for(checkout)

    order, created = order_place(checkout=checkout, payment=payment)

    assert created is True
    order.refresh_from_db()
    assert order.number == 1001
    assert order.status == "pending"
    assert order.payment_status == "paid"
    assert order.payment_method == "test"
    assert (order.customer, order.email, order.language) == (customer, "ana@example.com", "pt-br")
    assert order.checkout == checkout
    assert order.payment == payment
    assert (order.subtotal, order.shipping_price, order.total) == (
        Decimal("62.50"),
        Decimal("5.00"),
        Decimal("67.50"),
    )
    assert order.currency == "EUR"
    assert order.shipping_address == ADDRESS
    assert order.shipping_method_code == checkout.shipping_method.code
    assert order.shipping_method_name == "Sedex"
    assert (order.utm_source, order.utm_medium) == ("instagram", "social")
    lines = {line.variant_id: line for line in order.lines.all()}
    assert set(lines) == {shirt.pk, hat.pk}
    assert (lines[shirt.pk].product_name, lines[shirt.pk].variant_name, lines[shirt.pk].sku) == (
        shirt.product.name,
        "M",
        shirt.sku,
    )
    assert (lines[shirt.pk].unit_price, lines[shirt.pk].quantity, lines[shirt.pk].line_total) == (
        Decimal("25.00"),
        2,
        Decimal("50.00"),
    )


def test_placing_sells_the_stock_and_drops_the_hold():
    shirt = stocked_variant(stock=10)
    checkout = checkout_for({shirt: 3})

    order_place(checkout=checkout, payment=payment_for(checkout))

    assert on_hand(shirt) == 7
    assert not Reservation.objects.filter(key=checkout.reservation_key).exists()


def test_placing_without_a_hold_still_sells_the_free_units():
    shirt = stocked_variant(stock=2)
    checkout = checkout_for({shirt: 2}, hold=False)

    order_place(checkout=checkout, payment=payment_for(checkout))

    assert on_hand(shirt) == 0


def test_placing_completes_the_checkout_and_converts_the_cart(customer):
    checkout = checkout_for({stocked_variant(): 1}, customer=customer)

    order_place(checkout=checkout, payment=payment_for(checkout))

    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.COMPLETED
    cart = Cart.objects.get(pk=checkout.cart_id)
    assert cart.status == Cart.Status.CONVERTED
    assert cart.closed_at is not None


def test_a_checkout_without_a_cart_is_placed_too():
    checkout = checkout_for({stocked_variant(): 1}, with_cart=False)

    order, created = order_place(checkout=checkout, payment=payment_for(checkout))

    assert created and order.lines.count() == 1


def test_placing_writes_the_placed_event():
    order = placed_order()

    event = OrderEvent.objects.get(order=order, type="placed")
    assert (event.from_status, event.to_status, event.actor) == ("", "pending", None)


@pytest.mark.parametrize(
    ("payment_status", "order_payment_status"),
    [(Payment.Status.SUCCEEDED, "paid"), (Payment.Status.AWAITING, "awaiting_payment")],
)
def test_the_order_payment_status_follows_the_payment(payment_status, order_payment_status):
    checkout = checkout_for({stocked_variant(): 1})
    payment = payment_for(checkout, status=payment_status, gateway=Payment.Gateway.OFFLINE)

    order, _created = order_place(checkout=checkout, payment=payment)

    assert order.payment_status == order_payment_status
    assert order.payment_method == "offline"


@pytest.mark.parametrize(
    "payment_status",
    [
        Payment.Status.PROCESSING,
        Payment.Status.REQUIRES_ACTION,
        Payment.Status.DECLINED,
        Payment.Status.REFUNDED,
    ],
)
def test_a_payment_not_accepted_places_nothing(payment_status):
    shirt = stocked_variant(stock=5)
    checkout = checkout_for({shirt: 1})

    with pytest.raises(PaymentNotAccepted):
        order_place(checkout=checkout, payment=payment_for(checkout, status=payment_status))

    assert not Order.objects.exists()
    assert on_hand(shirt) == 5
    assert Checkout.objects.get(pk=checkout.pk).status == Checkout.Status.OPEN


def test_placing_twice_returns_the_same_order_and_sells_once():
    shirt = stocked_variant(stock=10)
    checkout = checkout_for({shirt: 2})
    payment = payment_for(checkout)

    first, first_created = order_place(checkout=checkout, payment=payment)
    second, second_created = order_place(checkout=checkout, payment=payment)

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1
    assert on_hand(shirt) == 8


def test_an_outdated_checkout_is_refused():
    shirt = stocked_variant(stock=5)
    checkout = checkout_for({shirt: 1}, status=Checkout.Status.OUTDATED)

    with pytest.raises(CheckoutOutdated):
        order_place(checkout=checkout, payment=payment_for(checkout))

    assert not Order.objects.exists()
    assert on_hand(shirt) == 5


def test_a_checkout_completed_without_an_order_is_refused():
    checkout = checkout_for({stocked_variant(): 1}, status=Checkout.Status.COMPLETED)

    with pytest.raises(CheckoutCompleted):
        order_place(checkout=checkout, payment=payment_for(checkout))

    assert not Order.objects.exists()


def test_a_payment_of_another_checkout_is_a_programming_error():
    checkout = checkout_for({stocked_variant(): 1})
    other = checkout_for({stocked_variant(): 1})

    with pytest.raises(ValueError):
        order_place(checkout=checkout, payment=payment_for(other))


def test_missing_stock_rolls_everything_back_including_the_number():
    plenty, scarce = stocked_variant(stock=10), stocked_variant(stock=1)
    first = placed_order()  # 1001
    checkout = checkout_for({plenty: 2, scarce: 2}, hold=False)

    with pytest.raises(InsufficientStock) as raised:
        order_place(checkout=checkout, payment=payment_for(checkout))

    assert raised.value.details["lines"] == [{"variant_id": scarce.pk, "requested": 2, "available": 1}]
    assert list(Order.objects.values_list("number", flat=True)) == [first.number]
    assert OrderNumberCounter.objects.get(pk=1).last == first.number
    assert (on_hand(plenty), on_hand(scarce)) == (10, 1)
    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.OPEN
    assert Cart.objects.get(pk=checkout.cart_id).status == Cart.Status.OPEN
    assert placed_order().number == first.number + 1


def test_numbers_follow_each_other_from_the_first_number():
    numbers = [placed_order().number for _ in range(3)]

    assert numbers == [1001, 1002, 1003]


@override_settings(LOJISTA_FIRST_ORDER_NUMBER=5000)
def test_the_first_number_is_a_setting():
    assert [placed_order().number for _ in range(2)] == [5000, 5001]


def test_a_variant_deleted_since_the_checkout_is_still_sold_by_name():
    kept, gone = stocked_variant(stock=5), stocked_variant(stock=5)
    checkout = checkout_for({kept: 1, gone: 1})
    gone.delete()

    order, _created = order_place(checkout=checkout, payment=payment_for(checkout))

    assert sorted(order.lines.values_list("sku", "variant_id")) == sorted(
        [(kept.sku, kept.pk), (gone.sku, None)]
    )
    assert on_hand(kept) == 4


def test_an_untracked_variant_sells_without_stock():
    made_to_order = stocked_variant(stock=0, track_stock=False)
    checkout = checkout_for({made_to_order: 3}, hold=False)

    order, created = order_place(checkout=checkout, payment=payment_for(checkout))

    assert created and order.lines.get().quantity == 3


# Completing the checkout (a conditional UPDATE), its lines; stock_commit's 5
# (no savepoint of its own); the number (UPDATE … RETURNING), a paid order's
# invoice number (another), the order, its lines, the cart, the timeline (one
# INSERT); and the placement's own savepoint and its release, as tests run
# inside a transaction. 19 before issue 8; 14 before invoice numbers (issue 10).
PLACEMENT_BUDGET = 15


def placement_queries(line_count: int) -> int:
    placed_order()  # the number counter exists from the first placement on
    checkout = checkout_for({stocked_variant(): 1 for _ in range(line_count)})
    payment = payment_for(checkout)
    with CaptureQueriesContext(connection) as context:
        order_place(checkout=checkout, payment=payment)
    assert OrderLine.objects.filter(order__checkout=checkout).count() == line_count
    return len(context)


@pytest.mark.parametrize("line_count", [1, 30])
def test_placement_itself_stays_within_its_query_budget(monkeypatch, line_count):
    """order_place's own queries, without what the receivers of order_placed
    (the emails' outbox) add inside its transaction."""
    monkeypatch.setattr(order_placed, "receivers", [])

    assert placement_queries(line_count) <= PLACEMENT_BUDGET


def test_placement_with_its_receivers_costs_the_same_for_1_and_30_lines():
    assert placement_queries(30) == placement_queries(1)

"""What the webhooks add to placing an order, inside its transaction: a
few queries, the same however many lines the order has and however many
endpoints subscribe."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojista.extensions.order_webhooks import receivers
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from lojista.orders.services import order_place
from lojista.orders.signals import order_placed
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db

UID = "order_webhooks.order_placed"
# The install flags are cached (decision 210), read by the first placement.
# Uninstalled: nothing. Installed, no endpoint subscribed: the endpoints.
UNINSTALLED_COST = 0
NO_ENDPOINT_COST = 1
# With endpoints: the endpoints, then the order's JSON (its lines, its
# payments and their refunds; the timeline is in hand), and one INSERT of
# the rows; a customer's order also reads the customer.
WITH_ENDPOINTS_COST = 5


def placement_queries(lines: int, customer=None) -> int:
    checkout = checkout_for({stocked_variant(): 1 for _ in range(lines)}, customer=customer)
    payment = payment_for(checkout)
    with CaptureQueriesContext(connection) as context:
        order_place(checkout=checkout, payment=payment)
    return len(context)


def webhooks_cost(lines: int = 1, customer=None) -> int:
    """The placement's queries with the receiver, less those without it."""
    placed_order()  # the order-number counter exists from the first placement on, the flags are cached
    with_receiver = placement_queries(lines, customer)
    order_placed.disconnect(dispatch_uid=UID)
    try:
        without = placement_queries(lines, customer)
    finally:
        order_placed.connect(receivers.order_placed, dispatch_uid=UID)
    return with_receiver - without


def test_uninstalled_it_costs_nothing(db):
    Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])

    assert webhooks_cost() == UNINSTALLED_COST


def test_installed_without_subscribers_it_costs_one_query(installed):
    Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.refunded"])

    assert webhooks_cost() == NO_ENDPOINT_COST
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(("endpoints", "lines", "by_customer"), [(1, 1, False), (3, 1, False), (3, 30, True)])
def test_with_endpoints_it_costs_the_same_however_many_lines_and_endpoints(
    installed, customer, endpoints, lines, by_customer
):
    for n in range(endpoints):
        Endpoint.objects.create(url=f"https://8.8.8.8/{n}", events=["order.placed"])

    cost = webhooks_cost(lines, customer if by_customer else None)

    assert cost == WITH_ENDPOINTS_COST + (1 if by_customer else 0)
    assert Delivery.objects.count() == 2 * endpoints  # one per endpoint, for each placement with it

"""placed_order: an order's confirmation is for the browser that placed it
or the customer who owns it; anyone else finds nothing."""

import pytest

from lojista.orders.errors import OrderNotFound
from lojista.orders.selectors import placed_order
from tests.orders.factories import placed_order as make_order

pytestmark = pytest.mark.django_db


def test_the_browser_that_placed_it_sees_it_with_its_lines():
    order = make_order()

    found = placed_order(number=order.number, viewer=None, placed_here=[order.number])

    assert found == order
    assert len(found.lines.all()) == 1


def test_its_customer_sees_it_from_any_browser(customer):
    order = make_order(customer=customer)

    assert placed_order(number=order.number, viewer=customer, placed_here=[]) == order


@pytest.mark.parametrize("placed_here", [[], [999_999]])
def test_anyone_else_finds_nothing(placed_here, staff):
    order = make_order()

    with pytest.raises(OrderNotFound):
        placed_order(number=order.number, viewer=None, placed_here=placed_here)
    with pytest.raises(OrderNotFound):
        placed_order(number=order.number, viewer=staff, placed_here=placed_here)


def test_an_unknown_number_is_not_found():
    with pytest.raises(OrderNotFound):
        placed_order(number=424242, viewer=None, placed_here=[424242])

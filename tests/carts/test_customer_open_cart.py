"""The customer's current cart, read without creating one."""

import pytest

from lojista.carts.models import Cart
from lojista.carts.selectors import customer_open_cart
from lojista.carts.services import cart_for_customer

pytestmark = pytest.mark.django_db


def test_the_open_cart_or_none(customer):
    assert customer_open_cart(customer=customer) is None
    assert not Cart.objects.exists()

    Cart.objects.create(customer=customer, status=Cart.Status.CONVERTED)
    assert customer_open_cart(customer=customer) is None

    cart = cart_for_customer(customer=customer)
    assert customer_open_cart(customer=customer) == cart

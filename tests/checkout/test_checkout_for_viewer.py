"""The checkout a viewer may see comes with its lines, shipping method and
cart in two statements; a checkout they may not see is refused after one."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lojista.checkout.errors import CheckoutNotFound
from lojista.checkout.selectors import checkout_for_viewer
from lojista.customers.models import User
from tests.checkout.helpers import cart_with, start_ok

pytestmark = pytest.mark.django_db


def test_the_checkout_comes_with_its_lines_in_order_its_method_and_its_cart(shipping, shirt, mug):
    cart = cart_with((mug, 2), (shirt, 1))
    started = start_ok(Client(), cart.token)

    with CaptureQueriesContext(connection) as queries:
        checkout = checkout_for_viewer(checkout_id=started["id"], viewer=None)
        lines = [(line.sku, line.quantity) for line in checkout.lines.all()]
        method, cart_token = checkout.shipping_method.code, checkout.cart.token

    assert lines == [(mug.sku, 2), (shirt.sku, 1)]
    assert (method, cart_token) == ("pt-standard", cart.token)
    assert len(queries) == 2


def test_someone_elses_checkout_is_refused_without_reading_its_lines(
    api, shipping, customer, customer_headers, shirt
):
    started = start_ok(api, cart_with((shirt, 1), customer=customer).token, headers=customer_headers)
    other = User.objects.create_user("bia@example.com", "another long password", name="Bia")

    with CaptureQueriesContext(connection) as queries, pytest.raises(CheckoutNotFound):
        checkout_for_viewer(checkout_id=started["id"], viewer=other)

    assert len(queries) == 1

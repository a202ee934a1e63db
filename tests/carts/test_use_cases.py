"""The cart's use cases called as a web view calls them, without the API:
showing a cart, and logging in with a guest cart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lojista.carts.models import Cart
from lojista.carts.services import cart_for_customer, cart_line_add, cart_show, customer_token_login
from lojista.customers.auth import user_for_token
from lojista.customers.errors import InvalidCredentials
from lojista.customers.models import LoginFailure
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt():
    return make_variant(make_product("Camiseta"), name="M", price="25.00", stock=3)


def test_showing_a_cart_tells_a_price_change_once(shirt):
    cart = Cart.objects.create()
    cart_line_add(cart=cart, variant_id=shirt.pk, quantity=1)
    shirt.price = Decimal("30.00")
    shirt.save()

    first = cart_show(cart=cart)
    second = cart_show(cart=cart)

    assert [line.problem for line in first.lines] == ["price_changed"]
    assert [line.problem for line in second.lines] == [None]
    assert second.subtotal == Decimal("30.00")


def test_showing_a_cart_counts_as_activity(shirt):
    cart = Cart.objects.create()
    long_ago = timezone.now() - timedelta(days=10)
    Cart.objects.filter(pk=cart.pk).update(updated_at=long_ago)
    cart.refresh_from_db()

    cart_show(cart=cart)

    cart.refresh_from_db()
    assert cart.updated_at > long_ago + timedelta(days=9)


def test_the_token_login_merges_the_guest_cart_and_says_what_changed(customer, shirt):
    guest = Cart.objects.create()
    cart_line_add(cart=guest, variant_id=shirt.pk, quantity=2)
    own = cart_for_customer(customer=customer)
    cart_line_add(cart=own, variant_id=shirt.pk, quantity=2)

    login = customer_token_login(
        email="ANA@example.com",
        password="correct horse battery",
        client_address="192.0.2.1",
        guest_cart_token=guest.token,
    )

    assert login.customer == customer
    assert login.token is not None and user_for_token(login.token) == customer
    assert login.cart == own
    # 2 + 2 is more than the 3 in stock: the stock is what is kept.
    assert dict(own.lines.values_list("variant_id", "requested_quantity")) == {shirt.pk: 3}
    assert len(login.messages) == 2
    assert "only 3 are available" in login.messages[1]
    guest.refresh_from_db()
    assert guest.status == Cart.Status.MERGED


def test_a_failed_token_login_merges_nothing_and_counts_as_a_failure(customer, shirt):
    guest = Cart.objects.create()
    cart_line_add(cart=guest, variant_id=shirt.pk, quantity=1)

    with pytest.raises(InvalidCredentials):
        customer_token_login(
            email="ana@example.com",
            password="wrong",
            client_address="192.0.2.1",
            guest_cart_token=guest.token,
        )

    guest.refresh_from_db()
    assert guest.status == Cart.Status.OPEN
    assert LoginFailure.objects.filter(email="ana@example.com").count() == 1

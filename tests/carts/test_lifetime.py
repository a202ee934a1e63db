"""Carts expire after a time without activity; the scheduler purges them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.carts.models import Cart, CartLine
from lojista.carts.services import carts_purge_expired
from lojista.carts.tasks import purge_expired_carts
from lojista.customers.models import User
from tests.carts.helpers import add, get_cart, new_cart
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt():
    return make_variant(make_product("Camiseta"), stock=10)


def idle(cart: Cart, *, days: float) -> None:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=days))


def a_cart(*, customer: User | None = None, lines: int = 0, idle_days: float) -> Cart:
    cart = Cart.objects.create(customer=customer)
    for _ in range(lines):
        variant = make_variant(make_product())
        CartLine.objects.create(
            cart=cart, variant=variant, product_name="P", sku=variant.sku, requested_quantity=1, price_seen=1
        )
    idle(cart, days=idle_days)
    return cart


def test_carts_past_their_lifetime_are_purged_and_the_others_kept(customer):
    bia = User.objects.create_user("bia@example.com", "another passphrase", name="Bia")
    expired = [
        a_cart(customer=customer, lines=1, idle_days=90.1),
        a_cart(lines=1, idle_days=30.1),
        a_cart(idle_days=2.1),
    ]
    kept = [
        a_cart(customer=bia, lines=1, idle_days=89.9),
        a_cart(lines=1, idle_days=29.9),
        a_cart(lines=1, idle_days=2.1),
        a_cart(idle_days=1.9),
    ]

    assert carts_purge_expired() == 3

    remaining = set(Cart.objects.values_list("pk", flat=True))
    assert remaining == {cart.pk for cart in kept}
    assert not CartLine.objects.filter(cart_id__in=[cart.pk for cart in expired]).exists()


def test_lifetimes_come_from_the_settings(settings):
    settings.LOJISTA_CART_TTL_GUEST_DAYS = 5
    settings.LOJISTA_CART_TTL_EMPTY_GUEST_DAYS = 1
    a_cart(lines=1, idle_days=5.1)
    a_cart(idle_days=1.1)
    kept = a_cart(lines=1, idle_days=4.9)

    assert carts_purge_expired() == 2
    assert list(Cart.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_periodic_task_purges(customer):
    a_cart(customer=customer, idle_days=91)

    result = purge_expired_carts.enqueue()

    assert result.return_value == 1
    assert not Cart.objects.exists()


def test_changing_a_cart_counts_as_activity(api, shirt):
    token = new_cart(api)["token"]
    cart = Cart.objects.get(token=token)
    idle(cart, days=29)

    add(api, token, shirt.pk, 1)

    cart.refresh_from_db()
    assert timezone.now() - cart.updated_at < timedelta(minutes=1)


def test_reading_a_cart_counts_as_activity(api, shirt):
    token = new_cart(api)["token"]
    add(api, token, shirt.pk, 1)
    cart = Cart.objects.get(token=token)
    idle(cart, days=29)

    get_cart(api, token)

    assert carts_purge_expired() == 0
    cart.refresh_from_db()
    assert timezone.now() - cart.updated_at < timedelta(minutes=1)

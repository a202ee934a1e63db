"""checkout_hold_stock: before payment, hold the checkout's lines for another period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.checkout.errors import CheckoutCompleted, CheckoutExpired, CheckoutOutdated
from lojista.checkout.models import Checkout
from lojista.checkout.services import checkout_hold_stock, checkout_start
from lojista.inventory.errors import InsufficientStock
from lojista.inventory.models import Reservation
from lojista.inventory.services import stock_set
from tests.catalog.factories import hold
from tests.checkout.helpers import ADDRESS, cart_with, holds

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkout(shipping, shirt, mug) -> Checkout:
    cart = cart_with((shirt, 2), (mug, 1))
    return checkout_start(
        cart=cart,
        customer=None,
        email="ana@example.com",
        shipping_address=ADDRESS,
        shipping_method_code="pt-standard",
    )


def expire(checkout: Checkout) -> None:
    past = timezone.now() - timedelta(minutes=1)
    Checkout.objects.filter(pk=checkout.pk).update(expires_at=past)
    Reservation.objects.filter(key=checkout.reservation_key).update(expires_at=past)
    checkout.refresh_from_db()


def test_an_open_checkout_holds_its_stock_for_another_period(checkout, shirt, mug):
    earlier = checkout.expires_at

    checkout_hold_stock(checkout=checkout)

    checkout.refresh_from_db()
    assert checkout.expires_at > earlier
    reservations = Reservation.objects.filter(key=checkout.reservation_key)
    assert {(r.variant_id, r.quantity, r.expires_at) for r in reservations} == {
        (shirt.pk, 2, checkout.expires_at),
        (mug.pk, 1, checkout.expires_at),
    }


def test_an_expired_checkout_whose_stock_is_still_there_is_held_again(checkout, shirt, mug):
    expire(checkout)
    before = timezone.now()

    checkout_hold_stock(checkout=checkout)

    checkout.refresh_from_db()
    assert checkout.expires_at >= before + timedelta(minutes=60)
    assert not checkout.is_expired
    assert holds(checkout.reservation_key) == {shirt.pk: 2, mug.pk: 1}
    assert (
        Reservation.objects.get(key=checkout.reservation_key, variant=shirt).expires_at == checkout.expires_at
    )


def test_an_expired_checkout_whose_stock_was_taken_is_refused(checkout, shirt):
    expire(checkout)
    hold(shirt, 9, minutes=30, key="cart:someone-else")
    expired_at = checkout.expires_at

    with pytest.raises(CheckoutExpired) as refused:
        checkout_hold_stock(checkout=checkout)

    assert (refused.value.status, refused.value.code) == (409, "checkout_expired")
    assert refused.value.details == {"lines": [{"variant_id": shirt.pk, "requested": 2, "available": 1}]}
    checkout.refresh_from_db()
    assert checkout.expires_at == expired_at
    assert Checkout.objects.get(pk=checkout.pk).status == Checkout.Status.OPEN


def test_an_open_checkout_short_of_stock_is_refused_with_insufficient_stock(checkout, shirt):
    stock_set(variant_id=shirt.pk, quantity=1)  # a stock count found fewer than held

    with pytest.raises(InsufficientStock) as refused:
        checkout_hold_stock(checkout=checkout)

    assert refused.value.details == {"lines": [{"variant_id": shirt.pk, "requested": 2, "available": 1}]}


def test_a_line_whose_variant_was_deleted_cannot_be_held(checkout, mug):
    mug.delete()

    with pytest.raises(InsufficientStock) as refused:
        checkout_hold_stock(checkout=checkout)

    assert refused.value.details["lines"][0]["sku"] == mug.sku


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (Checkout.Status.COMPLETED, CheckoutCompleted, "checkout_completed"),
        (Checkout.Status.OUTDATED, CheckoutOutdated, "checkout_outdated"),
    ],
)
def test_a_closed_checkout_is_refused(checkout, status, error, code):
    Checkout.objects.filter(pk=checkout.pk).update(status=status)
    Reservation.objects.all().delete()

    with pytest.raises(error) as refused:
        checkout_hold_stock(checkout=checkout)

    assert (refused.value.status, refused.value.code) == (409, code)
    assert not Reservation.objects.exists()

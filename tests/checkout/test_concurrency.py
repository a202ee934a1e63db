"""A flash sale: many buyers start checkouts for the last units at once."""

import threading

import pytest
from django.db import connection

from lojista.checkout.models import Checkout, ShippingMethod, ShippingZone
from lojista.checkout.services import checkout_start
from lojista.inventory.errors import InsufficientStock
from lojista.inventory.models import Reservation
from tests.catalog.factories import make_product, make_variant
from tests.checkout.helpers import ADDRESS, cart_with

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 40
UNITS = 10


def test_a_flash_sale_holds_exactly_the_units_there_are():
    zone = ShippingZone.objects.create(name="Portugal", countries=["PT"])
    ShippingMethod.objects.create(zone=zone, code="pt-standard", name="Standard", price="4.90")
    variant = make_variant(make_product("Edição limitada"), price="30.00", stock=UNITS)
    carts = [cart_with((variant, 1)) for _ in range(BUYERS)]
    barrier = threading.Barrier(BUYERS)
    results: list[object] = []

    def buy(cart) -> None:
        try:
            barrier.wait()
            results.append(
                checkout_start(
                    cart=cart,
                    customer=None,
                    email="buyer@example.com",
                    shipping_address=ADDRESS,
                    shipping_method_code="pt-standard",
                )
            )
        except Exception as exc:  # counted below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(cart,)) for cart in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    started = [result for result in results if isinstance(result, Checkout)]
    refused = [result for result in results if isinstance(result, InsufficientStock)]
    assert (len(started), len(refused), len(results)) == (UNITS, BUYERS - UNITS, BUYERS)
    assert Checkout.objects.count() == UNITS
    assert sorted(Reservation.objects.values_list("quantity", flat=True)) == [1] * UNITS
    assert set(Reservation.objects.values_list("key", flat=True)) == {
        checkout.reservation_key for checkout in started
    }

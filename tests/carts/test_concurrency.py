"""Double taps and parallel devices lose nothing and create no second cart."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from lojista.carts.models import Cart, CartLine
from lojista.carts.services import cart_for_customer, cart_line_add
from tests.catalog.factories import make_product, make_variant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_at_once(work: Callable[[], object]) -> list[object]:
    """Run ``work`` in THREADS threads released together; return each result."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # the assertion below shows it
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_adds_of_the_same_variant_at_once_are_all_counted():
    variant = make_variant(make_product(), stock=100)
    cart = Cart.objects.create()

    results = run_at_once(lambda: cart_line_add(cart=cart, variant_id=variant.pk, quantity=1))

    assert not [result for result in results if isinstance(result, Exception)]
    assert CartLine.objects.get(cart=cart).requested_quantity == THREADS


def test_devices_asking_for_the_customers_cart_at_once_get_the_same_one(customer):
    results = run_at_once(lambda: cart_for_customer(customer=customer).pk)

    assert not [result for result in results if isinstance(result, Exception)]
    assert len(set(results)) == 1
    assert Cart.objects.filter(customer=customer).count() == 1

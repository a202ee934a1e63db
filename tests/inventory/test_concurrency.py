"""Proofs on PostgreSQL that racing buyers never oversell and never deadlock.

Each thread has its own database connection (its own transaction), and a
Barrier releases them all at once so that they really contend for the rows.
"""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from lojista.inventory.errors import InsufficientStock
from lojista.inventory.models import Reservation
from lojista.inventory.services import stock_commit, stock_reserve
from tests.inventory.support import in_minutes, on_hand

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 30
UNITS = 10


def race(attempts: list[Callable[[], None]]) -> Counter:
    """Run each attempt in its own thread, all started together; count the
    outcomes by name ("ok" or the exception's class name)."""
    barrier = threading.Barrier(len(attempts))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(attempt: Callable[[], None]) -> None:
        try:
            barrier.wait()
            attempt()
            outcome = "ok"
        except Exception as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_racing_sales_sell_exactly_the_units_on_hand(make_variant):
    shirt = make_variant(UNITS)

    outcomes = race([lambda n=n: stock_commit(key=f"order:{n}", items={shirt.pk: 1}) for n in range(BUYERS)])

    assert outcomes == {"ok": UNITS, InsufficientStock.__name__: BUYERS - UNITS}
    assert on_hand(shirt) == 0


def test_racing_reservations_hold_exactly_the_units_on_hand(make_variant):
    shirt = make_variant(UNITS)

    outcomes = race(
        [
            lambda n=n: stock_reserve(key=f"checkout:{n}", items={shirt.pk: 1}, expires_at=in_minutes(15))
            for n in range(BUYERS)
        ]
    )

    assert outcomes == {"ok": UNITS, InsufficientStock.__name__: BUYERS - UNITS}
    assert Reservation.objects.filter(variant=shirt).count() == UNITS
    assert on_hand(shirt) == UNITS


def test_baskets_naming_the_same_variants_in_opposite_orders_do_not_deadlock(make_variant):
    rounds = 25
    shirt, hat, scarf = make_variant(100), make_variant(100), make_variant(100)

    def buy_forwards() -> None:
        for n in range(rounds):
            stock_commit(key=f"forwards:{n}", items={shirt.pk: 1, hat.pk: 1, scarf.pk: 1})

    def buy_backwards() -> None:
        for n in range(rounds):
            stock_commit(key=f"backwards:{n}", items={scarf.pk: 2, hat.pk: 2, shirt.pk: 2})

    outcomes = race([buy_forwards, buy_backwards])

    assert outcomes == {"ok": 2}
    assert (on_hand(shirt), on_hand(hat), on_hand(scarf)) == (25, 25, 25)

"""What the extension costs: the sweep reads only the rows due (its query
count does not grow with the carts and checkouts not due), the receivers a
few queries on a checkout start and on an order's placement."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojista.checkout.models import Checkout
from lojista.core.extensions import extension_uninstall, installed_slugs
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from lojista.extensions.abandoned_checkouts.services import abandoned_checkouts_sweep
from lojista.inventory.models import Reservation
from tests.completion.shop import new_cart, start_checkout, variant_with_stock
from tests.extensions.abandoned_checkouts.recovery_helpers import (
    T0,
    abandoned_row,
    at,
    begin_checkout,
    minutes,
)
from tests.orders.factories import checkout_for, payment_for, placed_order

Status = AbandonedCheckout.Status
pytestmark = pytest.mark.django_db


def sweep_queries() -> int:
    with time_machine.travel(T0, tick=False), CaptureQueriesContext(connection) as captured:
        abandoned_checkouts_sweep()
    return len(captured)


def not_due(count: int, mug) -> None:
    """Rows that are watched, mid-sequence or already sent, none due at T0,
    and carts and checkouts nobody watches."""
    for n in range(count):
        abandoned_row(status=Status.WATCHING, abandoned_at=None, started_at=T0, due_at=T0 + minutes(60))
        abandoned_row(email=f"later{n}@example.com", variant=mug, next_reminder_at=T0 + minutes(n + 1))
        abandoned_row(
            email=f"done{n}@example.com", status=Status.REMINDED, link_expires_at=T0 + minutes(n + 1)
        )
        checkout_for({mug: 1}, hold=False)


def test_the_sweep_costs_the_same_however_many_rows_are_not_due(auto, mug):
    not_due(1, mug)
    few = sweep_queries()
    not_due(30, mug)
    many = sweep_queries()

    assert few == many
    # The settings; per phase, a locked read of the due rows that finds none
    # (each in a transaction: a savepoint here); the expiry's UPDATE; the
    # purge's read.
    assert many <= 11


def test_the_sweep_costs_a_bounded_number_of_queries_per_due_reminder(auto, mug, smtp):
    for n in range(3):
        abandoned_row(email=f"a{n}@example.com", variant=mug, next_reminder_at=T0 - minutes(1))
    three = sweep_queries()
    for n in range(3):
        abandoned_row(email=f"b{n}@example.com", variant=mug, next_reminder_at=T0 - minutes(1))
    for n in range(3):
        abandoned_row(email=f"c{n}@example.com", variant=mug, next_reminder_at=T0 - minutes(1))
    six = sweep_queries()

    # Per reminder: the install flag and auto_send (checked before each
    # send), the Reminder row and the outbox row (each in a savepoint), the
    # row's new state: 12 statements with the savepoints'.
    per_reminder = (six - three) / 3
    assert per_reminder <= 12, per_reminder


def checkout_start_queries(api, mug) -> int:
    token = new_cart(api, {mug: 1})
    installed_slugs()  # the flags, as every request but the first after a change finds them
    with CaptureQueriesContext(connection) as captured:
        assert start_checkout(api, token).status_code == 201
    return len(captured)


def test_watching_a_checkout_costs_four_queries_more(api, installed, mug):
    watched = checkout_start_queries(api, mug)
    extension_uninstall(slug=SLUG)
    unwatched = checkout_start_queries(api, mug)

    # Its lines, the settings, the UPDATE of the cart's watched row (none
    # here) and the INSERT; the install flags are cached in both.
    assert watched - unwatched == 4
    assert AbandonedCheckout.objects.count() == 1


def placement_queries(mug) -> int:
    from lojista.orders.services import order_place

    checkout = checkout_for({mug: 1}, email="nobody@example.com")
    payment = payment_for(checkout)
    installed_slugs()  # the flags, as every placement but the first after a change finds them
    with CaptureQueriesContext(connection) as captured:
        order_place(checkout=checkout, payment=payment)
    return len(captured)


def test_an_order_nothing_answers_costs_one_indexed_lookup(installed, mug):
    placed_order()  # the counters
    abandoned_row(email="ana@example.com", variant=mug)
    installed_cost = placement_queries(mug)
    extension_uninstall(slug=SLUG)
    uninstalled_cost = placement_queries(mug)

    assert installed_cost - uninstalled_cost == 1


def abandon(api, variant, count: int, prefix: str) -> list[str]:
    """``count`` guests' checkouts of one unit each, started one after the
    other a little over an hour before T0: all due at T0, each at its own
    time, each holding its unit. Their reservation keys."""
    ids = []
    for n in range(count):
        with at(T0 - minutes(61) + timedelta(seconds=n)):
            ids.append(begin_checkout(api, {variant: 1}, email=f"{prefix}{n}@example.com")[1])
    return [Checkout.objects.get(pk=pk).reservation_key for pk in ids]


def test_deciding_the_due_checkouts_costs_the_same_however_many_are_due(api, auto, shop):
    """The detection reads a batch, releases its holds and writes its
    outcome in a fixed number of statements (bench/data.py decides 10,000
    checkouts in a sweep): 3 due cost what 30 cost."""
    teapot = variant_with_stock(100, price="30.00", name="Bule")
    keys = abandon(api, teapot, 3, "few")
    with time_machine.travel(T0, tick=False), CaptureQueriesContext(connection) as few:
        result = abandoned_checkouts_sweep()
    assert (result.abandoned, result.holds_released) == (3, 3)

    keys += abandon(api, teapot, 30, "many")
    with time_machine.travel(T0 + minutes(1), tick=False), CaptureQueriesContext(connection) as many:
        result = abandoned_checkouts_sweep()

    assert (result.abandoned, result.holds_released) == (30, 30)
    assert len(many) == len(few)
    assert not Reservation.objects.filter(key__in=keys).exists()
    rows = AbandonedCheckout.objects.filter(email__startswith="many")
    assert {(row.status, row.abandoned_at, row.next_step) for row in rows} == {
        (Status.ABANDONED, T0 + minutes(1), 0)
    }
    # One sequence each, its first step an hour after abandonment (the
    # default schedule); the rows of "few" kept theirs.
    assert {row.next_reminder_at for row in rows} == {T0 + minutes(61)}
    assert (
        AbandonedCheckout.objects.filter(email__startswith="few", next_reminder_at=T0 + minutes(60)).count()
        == 3
    )

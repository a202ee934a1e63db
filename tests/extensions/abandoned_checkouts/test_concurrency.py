"""Two workers sweeping at once (PostgreSQL): every due row is taken by one
of them (SELECT … FOR UPDATE SKIP LOCKED), so each reminder is sent exactly
once and each checkout is decided once, however the rows fall between them."""

import threading
from collections import Counter

import pytest
import time_machine
from django.db import connection

from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Reminder
from lojista.extensions.abandoned_checkouts.services import SweepResult, abandoned_checkouts_sweep
from lojista.notifications.models import OutboxMessage
from tests.extensions.abandoned_checkouts.recovery_helpers import T0, abandoned_row, minutes
from tests.orders.factories import checkout_for

Status = AbandonedCheckout.Status
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUE_REMINDERS = 200
DUE_CHECKOUTS = 40


def two_workers() -> list[SweepResult]:
    barrier = threading.Barrier(2)
    results: list[SweepResult] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            with time_machine.travel(T0, tick=False):
                result = abandoned_checkouts_sweep()
            with lock:
                results.append(result)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return results


def test_two_sweeps_at_once_send_each_reminder_exactly_once(auto, mug, smtp):
    for n in range(DUE_REMINDERS):
        abandoned_row(email=f"customer{n}@example.com", variant=mug, next_reminder_at=T0 - minutes(n % 7))
    for n in range(DUE_CHECKOUTS):
        checkout = checkout_for({mug: 1}, email=f"watched{n}@example.com", hold=False)
        abandoned_row(
            email=checkout.email,
            variant=mug,
            checkout=checkout,
            status=Status.WATCHING,
            abandoned_at=None,
            started_at=T0 - minutes(61),
            due_at=T0 - minutes(1),
        )

    results = two_workers()

    assert sum(result.reminders_sent for result in results) == DUE_REMINDERS
    assert sum(result.abandoned for result in results) == DUE_CHECKOUTS
    assert Reminder.objects.count() == DUE_REMINDERS
    assert OutboxMessage.objects.filter(kind="abandoned_checkout_1").count() == DUE_REMINDERS
    per_address = Counter(address for received in smtp.received for address in received.rcpt_tos)
    assert len(per_address) == DUE_REMINDERS and set(per_address.values()) == {1}
    assert not AbandonedCheckout.objects.filter(status=Status.WATCHING).exists()

"""Proof on PostgreSQL that workers claiming batches at the same time never
deadlock, never send an email twice and leave none behind.

Each thread is a worker with its own connection, taking the delivery tasks
in turn as db_worker processes sharing one queue do; a Barrier starts them
together so that their claims really overlap.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from lojista.notifications.models import OutboxMessage
from lojista.notifications.order_kinds import ORDER_CONTACT, order_ref
from lojista.notifications.services import outbox
from tests.notifications.factories import make_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4
EMAILS = 120


def test_racing_batch_claims_send_every_email_once(smtp):
    order = make_order()
    for index in range(EMAILS):
        outbox.outbox_queue(
            kind=ORDER_CONTACT,
            recipients=[f"buyer{index}@example.com"],
            language="en",
            dedupe_key=f"contact:{index}",
            ref=order_ref(order, {"message": "Hello"}),
            order=order,
        )
    ids = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))
    # The rows were delivered on commit (immediate backend): queue them again.
    OutboxMessage.objects.update(
        status=OutboxMessage.Status.READY, attempts=0, next_attempt_at=timezone.now()
    )
    smtp.received.clear()
    barrier = threading.Barrier(WORKERS)
    errors: list[Exception] = []

    def worker(tasks: list[int]) -> None:
        try:
            barrier.wait()
            for message_id in tasks:
                outbox.outbox_deliver(message_id=message_id, batch=5)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(ids[index::WORKERS],)) for index in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    received = sorted(item.message["Message-ID"] for item in smtp.received)
    assert received == sorted(OutboxMessage.objects.values_list("message_id", flat=True))

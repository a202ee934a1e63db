"""Two workers at once send no delivery twice: each attempt is claimed by
one conditional UPDATE (PostgreSQL, real concurrency)."""

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lojista.core.extensions import extension_install
from lojista.extensions.order_webhooks import services
from lojista.extensions.order_webhooks.apps import SLUG
from lojista.extensions.order_webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DELIVERIES = 12


def in_threads(function, count: int = 2) -> list[BaseException]:
    """Run ``function`` in ``count`` threads released at once; their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            function()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def due_deliveries(endpoint: Endpoint) -> None:
    past = timezone.now() - services.SWEEP_GRACE - timedelta(minutes=1)
    Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            event_type="order.placed",
            event_id=uuid.uuid4(),
            payload=f'{{"n": {n}}}',
            next_attempt_at=past,
        )
        for n in range(DELIVERIES)
    )


def test_two_sweeps_at_once_send_each_delivery_once(receiver):
    extension_install(slug=SLUG)
    endpoint = Endpoint.objects.create(url=receiver.url, events=["order.placed"])
    due_deliveries(endpoint)

    assert in_threads(services.deliveries_sweep) == []

    sent = Counter(request.headers["lojista-delivery"] for request in receiver.requests)
    assert len(sent) == DELIVERIES and set(sent.values()) == {1}
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.SUCCEEDED, 1)}


def test_two_workers_racing_for_one_delivery_send_it_once(receiver):
    extension_install(slug=SLUG)
    endpoint = Endpoint.objects.create(url=receiver.url, events=["order.placed"])
    due_deliveries(endpoint)
    first = Delivery.objects.order_by("pk").first()
    outcomes: list[str] = []

    assert in_threads(lambda: outcomes.append(services.delivery_send(delivery_id=first.pk)), count=4) == []

    assert sorted(outcomes) == ["skipped", "skipped", "skipped", "succeeded"]
    assert len(receiver.requests) == 1

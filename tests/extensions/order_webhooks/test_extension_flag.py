"""Uninstalled, the extension writes and sends nothing; deliveries written
before the uninstall wait, unsent, and go out once it is installed again."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from lojista.core.extensions import extension_install, extension_uninstall
from lojista.core.scheduler import enqueue_due
from lojista.extensions.order_webhooks import services
from lojista.extensions.order_webhooks.apps import SLUG
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from lojista.extensions.order_webhooks.tasks import deliver, sweep
from lojista.orders.services import order_transition
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

SWEEP = "lojista.extensions.order_webhooks.tasks.sweep"
Status = Delivery.Status


def test_uninstalled_nothing_is_written_or_sent(db, receiver, commit, staff):
    Endpoint.objects.create(url=receiver.url, events=["order.placed", "order.status_changed"])

    order = commit(placed_order)
    commit(order_transition, order=order, to="processed", actor=staff)

    assert not Delivery.objects.exists()
    assert receiver.requests == []
    assert SWEEP not in enqueue_due(timezone.now())


def test_a_delivery_enqueued_just_before_the_uninstall_is_not_sent(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueue_on_commit:
        placed_order()
    extension_uninstall(slug=SLUG)

    for callback in enqueue_on_commit:
        callback()  # the task runs after the uninstall

    assert Delivery.objects.get().status == Status.READY
    assert receiver.requests == []


def test_waiting_deliveries_are_not_sent_while_off_and_are_sent_once_installed_again(
    endpoint, receiver, commit
):
    receiver.status = 500
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        commit(placed_order)
    extension_uninstall(slug=SLUG)
    receiver.status = 200

    later = start + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        assert SWEEP not in enqueue_due(later)
        sweep.enqueue()  # a run enqueued before the uninstall
        deliver.enqueue(Delivery.objects.get().pk)
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().status == Status.READY

    extension_install(slug=SLUG)
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert SWEEP in enqueue_due(later + timedelta(minutes=1))  # the ImmediateBackend ran it

    assert len(receiver.requests) == 2
    assert receiver.requests[1].body == receiver.requests[0].body
    assert Delivery.objects.get().status == Status.SUCCEEDED


def test_the_pages_answer_404_while_uninstalled(owner_client, db):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])

    assert owner_client.get("/backoffice/order-webhooks/").status_code == 404
    assert owner_client.get(f"/backoffice/order-webhooks/{endpoint.pk}/").status_code == 404


def test_ping_and_retry_services_do_nothing_more_once_uninstalled(endpoint, receiver, commit):
    delivery = commit(services.endpoint_ping, endpoint=endpoint)
    assert len(receiver.requests) == 1
    extension_uninstall(slug=SLUG)
    Delivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED)

    commit(services.delivery_retry, delivery=delivery)

    assert len(receiver.requests) == 1

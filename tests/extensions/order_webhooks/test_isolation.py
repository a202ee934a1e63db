"""A webhook endpoint that hangs never delays an order or an email: with the
production task backend (tasks queued in the database), completing a
checkout only writes the delivery row and its task, the default worker
sends the emails without ever running a webhook, and the hanging endpoint
costs the webhooks worker its time limit."""

import time

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from lojista.core.extensions import extension_install
from lojista.extensions.order_webhooks import sender
from lojista.extensions.order_webhooks.apps import SLUG
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from tests.completion.shop import complete, new_cart, open_shop, start_checkout, variant_with_stock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "webhooks"]}
    }
    open_shop()


def run_worker(queue: str) -> float:
    """Run ``db_worker --queue-name <queue> --batch`` until its queue is
    empty; return how long it took."""
    started = time.monotonic()
    Worker(
        queue_names=[queue],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"test-{queue}",
        excluded_queue_names=[],
    ).run()
    return time.monotonic() - started


@pytest.mark.parametrize("fault", ["hangs", "answers 500"])
def test_a_broken_endpoint_delays_neither_the_order_nor_its_emails(api, receiver, smtp, monkeypatch, fault):
    monkeypatch.setattr(sender, "TOTAL_TIMEOUT", 2.0)  # 10 s in production
    if fault == "hangs":
        receiver.hang = True
    else:
        receiver.status = 500
    extension_install(slug=SLUG)
    Endpoint.objects.create(url=receiver.url, events=["order.placed"])
    token = new_cart(api, {variant_with_stock(5): 1})
    checkout = start_checkout(api, token).json()

    started = time.monotonic()
    response = complete(api, checkout["id"])
    request_seconds = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert request_seconds < 1.5  # it never waited for the endpoint
    assert receiver.requests == []
    queued = set(DBTaskResult.objects.values_list("queue_name", "task_path"))
    assert ("webhooks", "lojista.extensions.order_webhooks.tasks.deliver") in queued
    assert all(queue == "default" for queue, path in queued if "order_webhooks" not in path)

    # The emails' worker: sends the confirmation, runs no webhook.
    email_seconds = run_worker("default")
    assert smtp.to("ana@example.com")
    assert email_seconds < 1.5
    assert receiver.requests == []
    assert Delivery.objects.get().status == Delivery.Status.READY

    # The webhooks' worker: the attempt costs it at most the time limit.
    webhook_seconds = run_worker("webhooks")
    assert len(receiver.wait_for(1)) == 1
    assert webhook_seconds < sender.TOTAL_TIMEOUT + 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.READY, 1)
    expected = "No answer within 2 seconds." if fault == "hangs" else "HTTP 500."
    assert delivery.last_error == expected

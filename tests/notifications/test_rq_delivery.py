"""Emails of real orders delivered through RQ on a real Redis (TASKS_BACKEND=rq):
the queue carries "deliver row N" only, the outbox row decides. A job
enqueued twice, two workers at once, a Redis that lost the jobs: each email
arrives once."""

from collections import Counter

import pytest
from django.db.models import F

from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.notifications.services import outbox
from tests.orders.factories import placed_order
from tests.rq_workers import (
    jobs_done_by_each_worker,
    jobs_waiting,
    run_burst,
    scheduled_jobs,
    start_worker,
    stop,
    wait_for,
    worker_env,
    workers_ready,
)

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboxMessage.Status
ORDERS = 3


def notify_the_shop() -> None:
    shop = NotificationSettings.load()
    shop.order_notification_emails = ["orders@shop.example"]
    shop.save()


def assert_each_email_arrived_once(smtp) -> None:
    rows = list(OutboxMessage.objects.values_list("message_id", "status"))
    assert rows and {status for _id, status in rows} == {Status.SENT}
    arrived = Counter(item.message["Message-ID"] for item in smtp.received)
    assert arrived == Counter(message_id for message_id, _status in rows)


def test_order_emails_wait_in_redis_until_a_worker_sends_each_once(rq_redis, smtp):
    notify_the_shop()
    for i in range(ORDERS):
        placed_order(email=f"buyer{i}@example.com")

    # Committed: one "deliver rows N and M" job per placement, in Redis, nothing sent yet.
    assert OutboxMessage.objects.count() == 2 * ORDERS
    assert jobs_waiting() == ORDERS and smtp.received == []
    # A job per email once more (a retry and a sweep racing, a client retrying the enqueue).
    for message_id in OutboxMessage.objects.values_list("pk", flat=True):
        outbox.delivery_enqueue(message_id)
    assert jobs_waiting() == 3 * ORDERS

    run_burst()
    run_burst()  # a second worker finds only done rows

    assert jobs_waiting() == 0
    assert_each_email_arrived_once(smtp)
    for i in range(ORDERS):
        assert len(smtp.to(f"buyer{i}@example.com")) == 1


def test_jobs_lost_with_redis_are_enqueued_again_by_the_sweep(rq_redis, settings, smtp, caplog):
    notify_the_shop()
    rq_queues = settings.RQ_QUEUES
    # Redis is down when the order commits: the order is placed all the same.
    settings.RQ_QUEUES = {
        name: {**config, "URL": "redis://127.0.0.1:1/4"} for name, config in rq_queues.items()
    }
    order = placed_order(email="buyer@example.com")
    assert order.pk is not None and "ConnectionError" in caplog.text
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.READY}

    settings.RQ_QUEUES = rq_queues  # back, empty
    assert jobs_waiting() == 0
    run_burst()
    assert smtp.received == []
    # The sweep's grace period passes: it enqueues what no worker claimed.
    OutboxMessage.objects.update(next_attempt_at=F("next_attempt_at") - outbox.SWEEP_GRACE)
    assert outbox.outbox_sweep() == 2
    run_burst()

    assert_each_email_arrived_once(smtp)
    assert len(smtp.to("buyer@example.com")) == 1


@pytest.mark.postgres
def test_two_rqworker_processes_send_each_email_once(rq_redis, smtp):
    notify_the_shop()
    smtp.delay = 0.02  # each worker is busy a while: the other takes the next job
    env = worker_env(rq_redis, EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}")
    workers = [start_worker(env, f"mail-{i}") for i in range(2)]
    try:
        wait_for(lambda: workers_ready(2), what="two workers")
        for i in range(10):
            placed_order(email=f"buyer{i}@example.com")
            for message_id in OutboxMessage.objects.filter(status=Status.READY).values_list("pk", flat=True):
                outbox.delivery_enqueue(message_id)  # each job twice (or more)
        wait_for(lambda: len(smtp.received) >= 20, what="20 emails")
        wait_for(lambda: jobs_waiting() == 0, what="an empty queue")
        busy = jobs_done_by_each_worker()
    finally:
        errors = [stop(worker) for worker in workers]

    assert all(worker.returncode == 0 for worker in workers), errors
    assert len(busy) == 2 and all(busy), f"each worker ran jobs: {busy}"
    assert_each_email_arrived_once(smtp)


@pytest.mark.postgres
def test_a_failed_email_is_retried_by_rqs_scheduler_when_due(rq_redis, smtp):
    smtp.drop = {"buyer@example.com"}  # the server hangs up: a transient failure
    env = worker_env(rq_redis, EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}", EMAIL_RETRY_SECONDS="3")
    worker = start_worker(env, "mail")
    try:
        wait_for(lambda: workers_ready(1), what="the worker")
        placed_order(email="buyer@example.com")
        # The retry waits in RQ's scheduled registry, not on the queue.
        wait_for(lambda: scheduled_jobs() == 1, what="a retry scheduled")
        assert jobs_waiting() == 0 and OutboxMessage.objects.get().status == Status.READY
        smtp.drop = set()
        wait_for(lambda: OutboxMessage.objects.filter(status=Status.SENT).exists(), what="the retry")
    finally:
        error = stop(worker)

    assert worker.returncode == 0, error
    assert_each_email_arrived_once(smtp)
    assert OutboxMessage.objects.get().attempts == 2

"""Order webhooks delivered through RQ on a real Redis (TASKS_BACKEND=rq), on
the "webhooks" queue, to a real local receiver: each event arrives once,
whether its job is enqueued twice or two workers race for it."""

from collections import Counter

import pytest

from lojista.extensions.order_webhooks import services
from lojista.extensions.order_webhooks.models import Delivery
from tests.orders.factories import placed_order
from tests.rq_workers import (
    jobs_done_by_each_worker,
    jobs_waiting,
    run_burst,
    start_worker,
    stop,
    wait_for,
    worker_env,
    workers_ready,
)

pytestmark = pytest.mark.django_db(transaction=True)

Status = Delivery.Status


def assert_each_event_arrived_once(receiver) -> None:
    deliveries = list(Delivery.objects.values_list("event_id", "status"))
    assert deliveries and {status for _id, status in deliveries} == {Status.SUCCEEDED}
    arrived = Counter(request.headers["lojista-delivery"] for request in receiver.requests)
    assert arrived == Counter(str(event_id) for event_id, _status in deliveries)


def test_webhooks_wait_on_their_queue_until_a_worker_posts_each_once(rq_redis, endpoint, receiver):
    orders = [placed_order() for _ in range(3)]

    count = Delivery.objects.count()
    assert count >= len(orders)
    assert jobs_waiting("webhooks") == count  # the emails' jobs are on "default"
    assert receiver.requests == []
    for delivery_id in Delivery.objects.values_list("pk", flat=True):
        services.delivery_enqueue(delivery_id)  # each job twice

    run_burst("webhooks")
    run_burst("webhooks")

    assert jobs_waiting("webhooks") == 0
    assert_each_event_arrived_once(receiver)
    placed = [body["data"]["order"]["number"] for body in receiver.bodies() if body["type"] == "order.placed"]
    assert sorted(placed) == sorted(order.number for order in orders)


@pytest.mark.postgres
def test_two_rqworker_processes_post_each_webhook_once(rq_redis, endpoint, receiver):
    receiver.delay = 0.02  # each worker is busy a while: the other takes the next job
    env = worker_env(rq_redis, WEBHOOKS_ALLOW_PRIVATE_URLS="true")
    workers = [start_worker(env, f"hooks-{i}", "webhooks") for i in range(2)]
    try:
        wait_for(lambda: workers_ready(2), what="two workers")
        for _ in range(10):
            placed_order()
            for delivery_id in Delivery.objects.filter(status=Status.READY).values_list("pk", flat=True):
                services.delivery_enqueue(delivery_id)  # each job twice (or more)
        count = Delivery.objects.count()
        wait_for(lambda: len(receiver.requests) >= count, what=f"{count} webhooks")
        wait_for(lambda: jobs_waiting("webhooks") == 0, what="an empty queue")
        wait_for(
            lambda: not Delivery.objects.exclude(status=Status.SUCCEEDED).exists(), what="recorded outcomes"
        )
        busy = jobs_done_by_each_worker()
    finally:
        errors = [stop(worker) for worker in workers]

    assert all(worker.returncode == 0 for worker in workers), errors
    assert len(busy) == 2 and all(busy), f"each worker ran jobs: {busy}"
    assert_each_event_arrived_once(receiver)

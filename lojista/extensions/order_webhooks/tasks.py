"""Background work of the order webhooks, on the "webhooks" queue (its own
worker: `db_worker --queue-name webhooks`): one attempt of one delivery
(enqueued when the row commits, again after a failure, and by the sweep),
and the sweep, which run_scheduler enqueues every minute (apps.py)."""

from django_tasks import task

from lojista.core.extensions import when_installed
from lojista.extensions.order_webhooks import services
from lojista.extensions.order_webhooks.apps import SLUG

QUEUE = "webhooks"


@task(queue_name=QUEUE)
@when_installed(SLUG)
def deliver(delivery_id: int) -> str:
    return services.delivery_send(delivery_id=delivery_id)


@task(queue_name=QUEUE)
@when_installed(SLUG)
def sweep() -> dict[str, int]:
    return {"enqueued": services.deliveries_sweep(), "pruned": services.deliveries_prune()}

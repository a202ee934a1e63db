"""Background work of notifications: delivery of one outbox email, with the
other due ones over the same connection (enqueued when the row commits, and
again by the sweep), and the sweep, which run_scheduler enqueues every
minute (registered in apps.py)."""

from django_tasks import task

from lojista.notifications.services.outbox import DELIVERY_BATCH, outbox_deliver, outbox_sweep


@task()
def deliver_outbox_message(message_id: int, also: list[int] | None = None) -> str:
    # ``also``: the other emails of the transaction that queued this one.
    return outbox_deliver(message_id=message_id, batch=DELIVERY_BATCH, also=also or ())


@task()
def sweep_outbox() -> int:
    return outbox_sweep()

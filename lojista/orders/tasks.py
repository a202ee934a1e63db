"""Background work of orders: enqueued by `run_scheduler`."""

from django_tasks import task

from lojista.orders.completion import payments_reconcile


@task()
def reconcile_payments() -> int:
    return payments_reconcile()

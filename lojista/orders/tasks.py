"""Background work of orders: enqueued by `run_scheduler`."""

from django_tasks import task

from lojista.orders.completion import payments_reconcile
from lojista.orders.services import order_refund_send, refunds_reconcile


@task()
def reconcile_payments() -> int:
    """Money a crash left behind: payments that are neither an order nor
    refunded, and refunds of cancelled orders that were never sent."""
    return payments_reconcile() + refunds_reconcile()


@task()
def send_order_refund(order_id: int, attempt: int) -> str:
    return order_refund_send(order_id=order_id, attempt=attempt)

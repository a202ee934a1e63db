"""Background work of the inventory: enqueued by `run_scheduler` every minute."""

from django_tasks import task

from lojista.inventory.services import reservations_release_expired


@task()
def release_expired_reservations() -> int:
    return reservations_release_expired()

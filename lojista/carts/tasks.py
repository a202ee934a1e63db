"""Background work of carts, enqueued by run_scheduler (registered in apps.py)."""

from django_tasks import task

from lojista.carts.services import carts_purge_expired


@task()
def purge_expired_carts() -> int:
    return carts_purge_expired()

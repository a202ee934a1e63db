"""Background work of accounts, enqueued by run_scheduler (LOJISTA_PERIODIC_TASKS)."""

from django_tasks import task

from lojista.customers.services import login_failures_purge


@task()
def purge_login_failures() -> int:
    return login_failures_purge()

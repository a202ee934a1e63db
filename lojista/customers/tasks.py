"""Background work of accounts, enqueued by run_scheduler (registered in apps.py)."""

from django_tasks import task

from lojista.customers.services import login_failures_purge, tokens_purge_expired


@task()
def purge_login_failures() -> int:
    """Old login failures and expired API tokens; returns how many rows went."""
    return login_failures_purge() + tokens_purge_expired()

"""The extension's periodic task (registered in AbandonedCheckoutsConfig.ready)."""

from django_tasks import task

from lojista.core.extensions import when_installed
from lojista.extensions.abandoned_checkouts import services
from lojista.extensions.abandoned_checkouts.apps import SLUG


@task()
@when_installed(SLUG)  # under @task(): a run enqueued just before an uninstall does nothing
def sweep() -> str:
    return str(services.abandoned_checkouts_sweep())

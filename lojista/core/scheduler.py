"""Periodic tasks without a beat process (``manage.py run_scheduler``).

``settings.LOJISTA_PERIODIC_TASKS`` maps a task's dotted path to its interval
in seconds. Time is cut into slots of that interval (slot = epoch seconds //
interval); the scheduler that inserts the ``ScheduledRun`` row of a task's
current slot enqueues it. The unique constraint on (task_path, slot) turns
every other scheduler's insert into an IntegrityError, so several schedulers
(one per machine) enqueue each slot exactly once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from lojista.core.models import ScheduledRun

# Slot rows are kept at least this long, and always for two intervals of the
# slowest task: a scheduler must still find the row of a slot it is in.
RUN_RETENTION = timedelta(days=1)


def check_periodic_tasks() -> None:
    """Fail at start-up, naming the entry, rather than on every pass."""
    for task_path, interval in settings.LOJISTA_PERIODIC_TASKS.items():
        if not isinstance(interval, int) or interval <= 0:
            raise ImproperlyConfigured(
                f"LOJISTA_PERIODIC_TASKS[{task_path!r}]: the interval must be a positive number of seconds."
            )
        try:
            task = import_string(task_path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"LOJISTA_PERIODIC_TASKS: cannot import {task_path!r}: {exc}") from exc
        if not callable(getattr(task, "enqueue", None)):
            raise ImproperlyConfigured(f"LOJISTA_PERIODIC_TASKS: {task_path!r} is not a task (use @task()).")


def enqueue_due(now: datetime) -> list[str]:
    """Enqueue every periodic task whose slot at ``now`` no scheduler has
    enqueued yet; return the paths of those this call enqueued."""
    enqueued = []
    for task_path, interval in settings.LOJISTA_PERIODIC_TASKS.items():
        if _enqueue_once(task_path=task_path, slot=int(now.timestamp()) // interval):
            enqueued.append(task_path)
    return enqueued


@transaction.atomic
def _enqueue_once(*, task_path: str, slot: int) -> bool:
    # The claim and the queued task (a row, with the database backend) commit
    # together: a crash between them cannot lose the slot. A concurrent
    # inserter of the same slot waits for this commit, then fails.
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(task_path=task_path, slot=slot)
    except IntegrityError:
        return False
    import_string(task_path).enqueue()
    return True


def prune_runs(now: datetime) -> int:
    """Delete slot rows no scheduler can need any more; return how many."""
    slowest = max(settings.LOJISTA_PERIODIC_TASKS.values(), default=0)
    keep = max(RUN_RETENTION, timedelta(seconds=2 * slowest))
    deleted, _ = ScheduledRun.objects.filter(enqueued_at__lt=now - keep).delete()
    return deleted

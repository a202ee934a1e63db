"""Enqueueing a task to run later, the same way on every task backend."""

from datetime import datetime, timedelta
from typing import Any

from django_tasks.base import Task


def not_before(when: datetime) -> datetime:
    """``when`` rounded up to a whole second. RQ's scheduler keeps a job's
    time in whole seconds, dropping the fraction: unrounded, a retry would
    run up to a second before its row is due, be skipped by the row's claim,
    and wait for the sweep (minutes) instead."""
    if when.microsecond == 0:
        return when
    return when.replace(microsecond=0) + timedelta(seconds=1)


def enqueue_later(task: Task[Any, Any], *args: Any, run_after: datetime | None = None) -> bool:
    """Enqueue ``task(*args)``, not before ``run_after`` when given; False
    (nothing enqueued) when the backend cannot run a task later: the caller's
    sweep then picks the row up once it is due."""
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=not_before(run_after))
    task.enqueue(*args)
    return True

"""Periodic tasks without a beat process (``manage.py run_scheduler``).

Each app registers its periodic tasks from its ``AppConfig.ready()``::

    register_periodic(release_expired_reservations, every=timedelta(minutes=1))

Time is cut into slots of the task's interval (slot = epoch seconds //
interval); the scheduler that inserts the ``ScheduledRun`` row of a task's
current slot enqueues it. The unique constraint on (task_path, slot) turns
every other scheduler's insert into an IntegrityError, so several schedulers
(one per machine) enqueue each slot exactly once.

A task that belongs to an extension (its module is inside an app whose
AppConfig is an ``ExtensionConfig``) is skipped, its slot left unclaimed,
while the extension is not installed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from lojista.core.extensions import ExtensionConfig, installed_slugs
from lojista.core.models import ScheduledRun

# Slot rows are kept at least this long, and always for two intervals of the
# slowest task: a scheduler must still find the row of a slot it is in.
RUN_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class PeriodicTask:
    task: Any  # a django_tasks Task
    path: str  # the task's dotted path: the ScheduledRun key
    every: int  # seconds
    extension: str | None  # the slug of the extension it belongs to


_registry: dict[str, PeriodicTask] = {}


def register_periodic(task: Any, *, every: timedelta) -> None:
    """Enqueue ``task`` (a ``@task()``) once every ``every``, a whole number of
    seconds. Call it from ``AppConfig.ready()``; registering the same task again
    with the same interval is a no-op. Mistakes fail at start-up."""
    if not callable(getattr(task, "enqueue", None)):
        raise ImproperlyConfigured(f"register_periodic: {task!r} is not a task (use @task()).")
    seconds = every.total_seconds()
    if seconds <= 0 or seconds != int(seconds):
        raise ImproperlyConfigured(f"register_periodic: {task.module_path}: every must be whole seconds > 0.")
    app = apps.get_containing_app_config(task.module_path)
    periodic = PeriodicTask(
        task=task,
        path=task.module_path,
        every=int(seconds),
        extension=app.slug if isinstance(app, ExtensionConfig) else None,
    )
    if _registry.get(periodic.path, periodic) != periodic:
        raise ImproperlyConfigured(f"register_periodic: {periodic.path} is registered with another interval.")
    _registry[periodic.path] = periodic


def periodic_tasks() -> list[PeriodicTask]:
    """Every registered periodic task, in registration (INSTALLED_APPS) order."""
    return list(_registry.values())


def enqueue_due(now: datetime) -> list[str]:
    """Enqueue every periodic task whose slot at ``now`` no scheduler has
    enqueued yet; return the paths of those this call enqueued."""
    tasks = periodic_tasks()
    installed = installed_slugs() if any(periodic.extension for periodic in tasks) else set()
    enqueued = []
    for periodic in tasks:
        if periodic.extension is not None and periodic.extension not in installed:
            continue
        if _enqueue_once(periodic, slot=int(now.timestamp()) // periodic.every):
            enqueued.append(periodic.path)
    return enqueued


@transaction.atomic
def _enqueue_once(periodic: PeriodicTask, *, slot: int) -> bool:
    # The claim and the queued task (a row, with the database backend) commit
    # together: a crash between them cannot lose the slot. A concurrent
    # inserter of the same slot waits for this commit, then fails.
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(task_path=periodic.path, slot=slot)
    except IntegrityError:
        return False
    periodic.task.enqueue()
    return True


def prune_runs(now: datetime) -> int:
    """Delete slot rows no scheduler can need any more; return how many."""
    slowest = max((periodic.every for periodic in _registry.values()), default=0)
    keep = max(RUN_RETENTION, timedelta(seconds=2 * slowest))
    deleted, _ = ScheduledRun.objects.filter(enqueued_at__lt=now - keep).delete()
    return deleted

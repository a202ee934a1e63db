import time
from typing import Any

from django.db import DatabaseError
from django.utils import timezone

from lojista.core import metrics
from lojista.observability.models import Heartbeat

# A worker writes its heartbeat at most this often (seconds): a worker
# finishing hundreds of tasks a second writes once, not hundreds of times.
HEARTBEAT_INTERVAL = 10.0
_last_beats: dict[str, float] = {}


def heartbeat(*, name: str, force: bool = False) -> None:
    """Record that a worker of kind ``name`` is alive now (at most once per
    HEARTBEAT_INTERVAL per process, unless ``force``)."""
    now = time.monotonic()
    if not force and now - _last_beats.get(name, -HEARTBEAT_INTERVAL) < HEARTBEAT_INTERVAL:
        return
    _last_beats[name] = now
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


def task_finished_receiver(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' task_finished, in the worker that ran the task (the
    database worker, RQ's, or the request itself with the immediate backend)."""
    try:
        heartbeat(name=f"tasks:{task_result.task.queue_name}")
    except DatabaseError:
        # A heartbeat must never fail the task's bookkeeping; a worker whose
        # database is gone shows as silent, which is the truth.
        return


def order_placed_receiver(sender: Any, **kwargs: Any) -> None:
    """Sent inside the placement's transaction: counted once it commits."""
    metrics.count(metrics.ORDERS_PLACED)

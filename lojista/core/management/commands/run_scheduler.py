"""Enqueue the periodic tasks the apps registered (core.scheduler.register_periodic) when they are due.

Safe to run on several machines at once (see lojista/core/scheduler.py). The
tasks themselves run in the task worker (`manage.py db_worker`).
"""

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.core.scheduler import enqueue_due, prune_runs

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 3600


class Command(BaseCommand):
    help = "Enqueue due periodic tasks every few seconds until stopped (SIGINT or SIGTERM)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one pass and exit (for cron and tests).")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between passes (default 5).")

    def handle(self, *args, once: bool, tick: float, **options):
        if tick <= 0:
            raise CommandError(_("--tick must be a positive number of seconds."))
        if once:
            run_pass()
            prune_runs(timezone.now())
            return
        stop = threading.Event()
        with stop_on_signals(stop):
            logger.info("Scheduler started: a pass every %s s.", tick)
            loop(stop, tick)
        logger.info("Scheduler stopped.")


def run_pass() -> None:
    for task_path in enqueue_due(timezone.now()):
        logger.info("Enqueued %s", task_path)


def loop(stop: threading.Event, tick: float) -> None:
    next_prune = time.monotonic()
    while not stop.is_set():
        # A long-lived process: drop a connection the database closed (restart, timeout).
        close_old_connections()
        try:
            run_pass()
            if time.monotonic() >= next_prune:
                prune_runs(timezone.now())
                next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        except Exception:
            # Keep scheduling through a database outage; the next pass retries.
            logger.exception("Scheduler pass failed; retrying in %s s.", tick)
        stop.wait(tick)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGINT or SIGTERM (the current pass finishes first);
    restore the previous handlers afterwards."""

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()  # nothing more: the handler interrupts whatever the main thread was doing

    previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

"""The periodic-task scheduler: each slot of each task is enqueued once, however
many schedulers run. Tests use the ImmediateBackend, so an enqueued task has
already run when enqueue() returns. Each test registers its own tasks on an
empty registry (the apps' own registrations are checked at the end)."""

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection
from django_tasks import task

from lojista.core import scheduler
from lojista.core.management.commands import run_scheduler
from lojista.core.models import ScheduledRun
from lojista.core.scheduler import enqueue_due, periodic_tasks, prune_runs, register_periodic

RUNS: list[str] = []
MINUTELY = "tests.core.test_scheduler.count_minutely"
HOURLY = "tests.core.test_scheduler.count_hourly"

# 12:00:00 UTC, the start of a minute and of an hour.
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@task()
def count_minutely() -> None:
    RUNS.append("minutely")


@task()
def count_hourly() -> None:
    RUNS.append("hourly")


STOP_SIGNAL = [signal.SIGTERM]


@task()
def stop_the_scheduler() -> None:
    """Sends the running scheduler a signal from inside its own pass."""
    RUNS.append("stopper")
    signal.raise_signal(STOP_SIGNAL[0])


@task()
def every_two_days() -> None:
    RUNS.append("every two days")


APPS_REGISTRY = dict(scheduler._registry)


def register(*tasks_and_intervals) -> None:
    """Register on an empty registry (the fixture gives the apps' one back)."""
    scheduler._registry.clear()
    for periodic, every in tasks_and_intervals:
        register_periodic(periodic, every=every)


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    RUNS.clear()
    monkeypatch.setattr(scheduler, "_registry", {})
    register((count_minutely, timedelta(minutes=1)), (count_hourly, timedelta(hours=1)))


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_however_often_it_is_checked():
    assert enqueue_due(NOON) == [MINUTELY, HOURLY]
    assert enqueue_due(NOON + timedelta(seconds=59)) == []

    assert RUNS == ["minutely", "hourly"]
    assert ScheduledRun.objects.count() == 2


@pytest.mark.django_db
def test_the_next_slot_enqueues_again_each_task_on_its_own_interval():
    enqueue_due(NOON)

    assert enqueue_due(NOON + timedelta(seconds=60)) == [MINUTELY]
    assert enqueue_due(NOON + timedelta(minutes=60)) == [MINUTELY, HOURLY]
    assert RUNS == ["minutely", "hourly", "minutely", "minutely", "hourly"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_enqueue_a_slot_once():
    register((count_minutely, timedelta(minutes=1)))
    schedulers = 8
    start = threading.Barrier(schedulers)
    results: list[list[str]] = []

    def scheduler() -> None:
        try:
            start.wait()
            results.append(enqueue_due(NOON))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [[]] * (schedulers - 1) + [[MINUTELY]]
    assert RUNS == ["minutely"]
    assert ScheduledRun.objects.count() == 1


@pytest.mark.django_db
def test_prune_forgets_old_slots_but_keeps_those_of_slow_tasks():
    register((count_minutely, timedelta(minutes=1)), (every_two_days, timedelta(days=2)))
    every_two_days_path = "tests.core.test_scheduler.every_two_days"
    now = datetime.now(UTC)
    for task_path, age in [
        (MINUTELY, timedelta(hours=1)),
        (MINUTELY, timedelta(days=5)),
        (every_two_days_path, timedelta(days=3)),
    ]:
        run = ScheduledRun.objects.create(task_path=task_path, slot=int((now - age).timestamp()))
        ScheduledRun.objects.filter(pk=run.pk).update(enqueued_at=now - age)

    assert prune_runs(now) == 1

    kept = {
        (run.task_path, round((now - run.enqueued_at) / timedelta(hours=1)))
        for run in ScheduledRun.objects.all()
    }
    assert kept == {(MINUTELY, 1), (every_two_days_path, 72)}


@pytest.mark.django_db
def test_run_scheduler_once_enqueues_due_tasks_and_logs_them(caplog):
    with caplog.at_level(logging.INFO):
        call_command("run_scheduler", "--once")
        call_command("run_scheduler", "--once")

    assert sorted(RUNS) == ["hourly", "minutely"]
    assert f"Enqueued {MINUTELY}" in caplog.text


def test_register_periodic_refuses_what_is_not_a_task():
    with pytest.raises(ImproperlyConfigured, match="is not a task"):
        register_periodic(RUNS, every=timedelta(minutes=1))


@pytest.mark.parametrize("every", [timedelta(0), timedelta(seconds=-60), timedelta(seconds=1.5)])
def test_register_periodic_refuses_an_interval_that_is_not_whole_positive_seconds(every):
    with pytest.raises(ImproperlyConfigured, match="whole seconds"):
        register_periodic(count_minutely, every=every)


def test_registering_again_is_a_no_op_but_another_interval_is_refused():
    register_periodic(count_minutely, every=timedelta(minutes=1))

    with pytest.raises(ImproperlyConfigured, match="another interval"):
        register_periodic(count_minutely, every=timedelta(minutes=2))

    assert [(periodic.path, periodic.every) for periodic in periodic_tasks()] == [
        (MINUTELY, 60),
        (HOURLY, 3600),
    ]


def test_the_apps_register_their_periodic_tasks_from_ready():
    """The table that was LOJISTA_PERIODIC_TASKS, now registered by each app."""
    assert {path: periodic.every for path, periodic in APPS_REGISTRY.items()} == {
        "lojista.inventory.tasks.release_expired_reservations": 60,
        "lojista.customers.tasks.purge_login_failures": 3600,
        "lojista.customers.tasks.purge_expired_tokens": 3600,
        "lojista.carts.tasks.purge_expired_carts": 3600,
        "lojista.notifications.tasks.sweep_outbox": 60,
        "lojista.orders.tasks.reconcile_payments": 300,
        "lojista.extensions.order_webhooks.tasks.sweep": 60,
        "tests.sample_extension.tasks.note_minute": 60,
        "lojista.extensions.abandoned_checkouts.tasks.sweep": 60,
    }
    extensions = {path: periodic.extension for path, periodic in APPS_REGISTRY.items() if periodic.extension}
    assert extensions == {
        "lojista.extensions.abandoned_checkouts.tasks.sweep": "abandoned-checkouts",
        "lojista.extensions.order_webhooks.tasks.sweep": "order-webhooks",
        "tests.sample_extension.tasks.note_minute": "sample-extension",
    }


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.django_db(transaction=True)
def test_run_scheduler_loops_until_a_signal_then_restores_handlers(signum):
    register((stop_the_scheduler, timedelta(minutes=1)), (count_minutely, timedelta(minutes=1)))
    STOP_SIGNAL[0] = signum
    handler_before = signal.getsignal(signum)

    call_command("run_scheduler", "--tick", "0.01")

    assert RUNS == ["stopper", "minutely"]
    assert signal.getsignal(signum) is handler_before


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_survives_a_failed_pass(monkeypatch, caplog):
    passes = []

    def database_down_once(now):
        passes.append(now)
        if len(passes) == 1:
            raise DatabaseError("connection refused")
        signal.raise_signal(signal.SIGTERM)
        return []

    monkeypatch.setattr(run_scheduler, "enqueue_due", database_down_once)

    call_command("run_scheduler", "--tick", "0.01")

    assert len(passes) == 2
    assert "Scheduler pass failed" in caplog.text

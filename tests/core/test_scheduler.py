"""The periodic-task scheduler: each slot of each task is enqueued once, however
many schedulers run. Tests use the ImmediateBackend, so an enqueued task has
already run when enqueue() returns."""

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django_tasks import task

from lojista.core.management.commands import run_scheduler
from lojista.core.models import ScheduledRun
from lojista.core.scheduler import enqueue_due, prune_runs

RUNS: list[str] = []
MINUTELY = "tests.core.test_scheduler.count_minutely"
HOURLY = "tests.core.test_scheduler.count_hourly"
STOPPER = "tests.core.test_scheduler.stop_the_scheduler"

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


@pytest.fixture(autouse=True)
def periodic_tasks(settings):
    RUNS.clear()
    settings.LOJISTA_PERIODIC_TASKS = {MINUTELY: 60, HOURLY: 3600}


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
def test_concurrent_schedulers_enqueue_a_slot_once(settings):
    settings.LOJISTA_PERIODIC_TASKS = {MINUTELY: 60}
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
def test_prune_forgets_old_slots_but_keeps_those_of_slow_tasks(settings):
    every_two_days = "tests.core.test_scheduler.every_two_days"  # prune reads only the intervals
    settings.LOJISTA_PERIODIC_TASKS = {MINUTELY: 60, every_two_days: 2 * 24 * 3600}
    now = datetime.now(UTC)
    for task_path, age in [
        (MINUTELY, timedelta(hours=1)),
        (MINUTELY, timedelta(days=5)),
        (every_two_days, timedelta(days=3)),
    ]:
        run = ScheduledRun.objects.create(task_path=task_path, slot=int((now - age).timestamp()))
        ScheduledRun.objects.filter(pk=run.pk).update(enqueued_at=now - age)

    assert prune_runs(now) == 1

    kept = {
        (run.task_path, round((now - run.enqueued_at) / timedelta(hours=1)))
        for run in ScheduledRun.objects.all()
    }
    assert kept == {(MINUTELY, 1), (every_two_days, 72)}


@pytest.mark.django_db
def test_run_scheduler_once_enqueues_due_tasks_and_logs_them(caplog):
    with caplog.at_level(logging.INFO):
        call_command("run_scheduler", "--once")
        call_command("run_scheduler", "--once")

    assert sorted(RUNS) == ["hourly", "minutely"]
    assert f"Enqueued {MINUTELY}" in caplog.text


@pytest.mark.django_db
def test_run_scheduler_refuses_a_path_that_is_not_a_task(settings):
    settings.LOJISTA_PERIODIC_TASKS = {"tests.core.test_scheduler.RUNS": 60}

    with pytest.raises(CommandError, match="is not a task"):
        call_command("run_scheduler", "--once")

    assert not ScheduledRun.objects.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.django_db(transaction=True)
def test_run_scheduler_loops_until_a_signal_then_restores_handlers(settings, signum):
    settings.LOJISTA_PERIODIC_TASKS = {STOPPER: 60, MINUTELY: 60}
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

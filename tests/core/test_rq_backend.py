"""TASKS_BACKEND=rq: the tasks go to RQ on Redis (REDIS_URL), through the same
Django tasks API; the database backend stays the default. The deliveries
through it: tests/notifications/test_rq_delivery.py and
tests/extensions/order_webhooks/test_rq_delivery.py."""

from datetime import UTC, datetime

import pytest
from django_tasks.signals import task_enqueued

from lojista.core.queueing import enqueue_later, not_before
from lojista.notifications.services.outbox import BATCH_SECONDS, LEASE
from lojista.notifications.tasks import deliver_outbox_message
from tests.core.test_production_settings import production_env, run, settings_of

RQ = "django_tasks_rq.RQBackend"


def test_the_database_backend_is_the_default_and_needs_no_redis():
    env = production_env()
    env.pop("TASKS_BACKEND", None)
    values = settings_of(env, "TASKS", "INSTALLED_APPS")

    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in values["INSTALLED_APPS"]


@pytest.mark.parametrize("name", ["rq", RQ])
def test_tasks_backend_rq_sends_both_queues_to_redis_url(name):
    values = settings_of(
        production_env(TASKS_BACKEND=name, REDIS_URL="redis://redis.internal:6379/2"),
        "TASKS",
        "RQ_QUEUES",
        "INSTALLED_APPS",
    )

    assert values["TASKS"]["default"] == {"BACKEND": RQ, "QUEUES": ["default", "webhooks"]}
    assert {name: queue["URL"] for name, queue in values["RQ_QUEUES"].items()} == {
        "default": "redis://redis.internal:6379/2",
        "webhooks": "redis://redis.internal:6379/2",
    }
    assert "django_rq" in values["INSTALLED_APPS"]  # its rqworker command


def test_check_deploy_is_clean_with_the_rq_backend():
    """The backend's own checks: django_rq installed, each queue configured."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(TASKS_BACKEND="rq")
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_later_run_is_rounded_up_to_the_whole_second_rq_keeps():
    assert not_before(datetime(2026, 1, 1, 12, 0, 0, 1, tzinfo=UTC)) == datetime(
        2026, 1, 1, 12, 0, 1, tzinfo=UTC
    )
    assert not_before(datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC)) == datetime(
        2026, 1, 1, 12, 0, 5, tzinfo=UTC
    )


def test_a_backend_that_cannot_run_later_enqueues_nothing():
    """The test settings' ImmediateBackend runs no task later: the caller's
    sweep sends the row once due."""
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(record)
    try:
        assert not deliver_outbox_message.get_backend().supports_defer
        assert enqueue_later(deliver_outbox_message, 1, run_after=datetime(2026, 1, 1, tzinfo=UTC)) is False
    finally:
        task_enqueued.disconnect(record)
    assert enqueued == []


def test_rq_never_stops_a_job_that_still_owns_its_rows(settings):
    """RQ's job timeout is at least the outbox's lease (decision 187)."""
    for queue in settings.RQ_QUEUES.values():
        assert queue["DEFAULT_TIMEOUT"] >= LEASE.total_seconds() > BATCH_SECONDS

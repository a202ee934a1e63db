"""The real worker (`manage.py db_worker`, database task backend, a file
SQLite database) killed with SIGKILL in the middle of a batch: another worker
and the sweep deliver every email; none is lost."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 15

PLACE_ORDERS = f"""
from lojista.notifications.models import NotificationSettings
from tests.notifications.factories import place_order
shop = NotificationSettings.load()
shop.order_notification_emails = ["orders@shop.example"]
shop.save()
for i in range({ORDERS}):
    place_order(email=f"buyer{{i}}@example.com")
"""

# What ten minutes would do: the dead worker's lease runs out, and the sweep
# hands its rows to the next worker.
AFTER_THE_LEASE = """
from django.db.models import F
from lojista.notifications.services import outbox
from lojista.notifications.models import OutboxMessage
OutboxMessage.objects.update(next_attempt_at=F("next_attempt_at") - outbox.LEASE - outbox.SWEEP_GRACE)
outbox.outbox_sweep()
"""

REPORT = """
from lojista.notifications.models import OutboxMessage
for row in OutboxMessage.objects.all():
    print("row", row.message_id, row.status)
"""


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", *args]
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_loses_no_email(tmp_path, smtp):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lojista.settings",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": f"smtp://{smtp.host}:{smtp.port}",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", PLACE_ORDERS)
    smtp.delay = 0.05  # slow enough to kill the worker in the middle

    first = worker(env)
    wait_for(lambda: len(smtp.received) >= 8)
    first.kill()
    first.wait()
    assert len(smtp.received) < 2 * ORDERS, "the worker finished before it was killed"

    manage(env, "shell", "-c", AFTER_THE_LEASE)
    second = worker(env, "--batch")
    assert second.wait(timeout=60) == 0

    report = manage(env, "shell", "-c", REPORT).stdout.splitlines()
    rows = dict(line.split()[1:] for line in report if line.startswith("row "))
    assert len(rows) == 2 * ORDERS and set(rows.values()) == {"sent"}
    received_ids = [item.message["Message-ID"] for item in smtp.received]
    assert set(received_ids) == set(rows)  # every email arrived
    # At most the one the killed worker had handed to the server arrives twice.
    assert len(received_ids) - len(set(received_ids)) <= 1
    for i in range(ORDERS):
        assert smtp.to(f"buyer{i}@example.com")

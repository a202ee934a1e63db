"""RQ on Redis (database 4) for the tests of TASKS_BACKEND=rq: the settings
that send tasks there, a worker run in this process, and real `rqworker`
processes that share the test database (PostgreSQL, transactional tests)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django_rq
import redis
from django.db import connection
from rq import SimpleWorker, Worker
from rq.registry import ScheduledJobRegistry

from tests.redis_helpers import redis_url

ROOT = Path(__file__).resolve().parents[1]
QUEUES = ["default", "webhooks"]
JOB_CLASS = "django_tasks_rq.Job"


def use_rq(settings) -> str:
    """Have the tasks of this test go to RQ on an empty Redis database 4 (as
    TASKS_BACKEND=rq does); return its URL."""
    url = redis_url(4)
    redis.Redis.from_url(url).flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    settings.RQ_QUEUES = {name: {"URL": url, "DEFAULT_TIMEOUT": 600} for name in QUEUES}
    return url


def jobs_waiting(queue: str = "default") -> int:
    return django_rq.get_queue(queue).count


def scheduled_jobs(queue: str = "default") -> int:
    """Jobs enqueued to run later (``run_after``), which a worker started
    with --with-scheduler moves to the queue when due."""
    return ScheduledJobRegistry(queue=django_rq.get_queue(queue)).count


def run_burst(*queues: str) -> None:
    """One worker in this process (it sees the test's transaction) runs every
    job waiting on ``queues``, then stops."""
    worker = django_rq.get_worker(*(queues or QUEUES), job_class=JOB_CLASS, worker_class=SimpleWorker)
    worker.work(burst=True)


def worker_env(redis: str, **extra: str) -> dict[str, str]:
    """The environment of a worker process of the shop under test: its
    database (the test database, which a transactional test commits to)."""
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "a worker process needs a database it can see"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lojista.settings",
        "ENV_FILE": os.devnull,
        "DEBUG": "0",
        "SECRET_KEY": "rq-worker-test-" + "0123456789abcdef" * 4,
        "SITE_URL": "http://127.0.0.1:8000",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_worker(env: dict[str, str], name: str, *queues: str) -> subprocess.Popen:
    """`manage.py rqworker` as docs/operations.md runs it, in a process of its own."""
    command = ["manage.py", "rqworker", "--job-class", JOB_CLASS, "--with-scheduler", "--name", name]
    return subprocess.Popen(
        [sys.executable, *command, *(queues or QUEUES)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 60, what: str = "a condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def workers_ready(count: int) -> bool:
    return len(Worker.all(connection=django_rq.get_connection())) >= count


def jobs_done_by_each_worker() -> list[int]:
    return [worker.successful_job_count for worker in Worker.all(connection=django_rq.get_connection())]


def stop(process: subprocess.Popen) -> str:
    """A warm shutdown (SIGTERM: the job under way finishes); its stderr."""
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()  # never leave a worker behind the test
        _out, err = process.communicate()
    return err

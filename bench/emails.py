"""Email delivery through the real worker processes (issue 14): a backlog of
EMAILS queued order emails drained by one, then two `manage.py db_worker`
processes (the command of `make run` and of deploy/systemd's
lojista-worker.service), then two `manage.py rqworker` processes with
TASKS_BACKEND=rq, to a local SMTP sink.

Each scenario gets a fresh PostgreSQL database (migrated, the demo shop
seeded) and a backlog made as placement makes it: EMAILS / 2 paid orders of
three lines, half in English, half in Portuguese, each with its new-order
email to the shop and its confirmation to the buyer in the outbox, and its
delivery task on the queue (rows written in bulk, the tasks
enqueued through Django's tasks API as the placement's on_commit does: one
per order, for its two emails).
Then the workers start, with production settings (DEBUG off) and
EMAIL_URL pointing at the sink, and the clock runs until every outbox row
is recorded sent.

The sink is aiosmtpd in a process of its own that only keeps each
message's Message-ID and arrival time: what is measured is the workers, not
the test server's parsing (in production the SMTP server is another
machine). Every email must arrive exactly once: the Message-IDs the sink
got are compared with those of the rows recorded sent. Each line also
gives the workers' CPU per email (/proc: the workers and the jobs they
forked) and the transactions committed per email (pg_stat_database,
without the drain's own polling): figures that stay meaningful on a busy
machine, where the wall-clock rate does not.

Run: ``make bench-emails`` (BENCH_DATABASE_URL names the PostgreSQL server;
BENCH_DB_NAME the database made, and dropped, for each scenario). EMAILS
(default 10000) sizes the backlog; BENCH_EMAILS_SCENARIOS (default
db1,db2,rq2; also rq1) chooses the scenarios (RQ's are skipped without Redis);
BENCH_BASELINE_SECONDS (default 15) is pgbench's run; BENCH_EMAILS_TIMEOUT
(default 1800) how long a drain may take before the run fails.
"""

import multiprocessing
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (
    PYTHON,
    ROOT,
    _free_port,
    bench_database,
    fsync_ms,
    pgbench_tps,
    server_env,
    stop_processes,
)

EMAILS = int(os.environ.get("EMAILS", "10000"))
TARGET_RATE = 300  # emails/s with two workers
TARGET_DRAIN = 40.0  # seconds for a 10,000-email backlog
# Redis database of this benchmark's RQ queue (emptied before and after).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SHOP_ADDRESS = "orders@shop.example"
MESSAGE_ID = re.compile(rb"^Message-ID: (.+?)\r?$", re.MULTILINE | re.IGNORECASE)
LOG = Path(os.environ.get("BENCH_EMAILS_LOG", "/tmp/bench-emails-workers.log"))
TIMEOUT = float(os.environ.get("BENCH_EMAILS_TIMEOUT", "1800"))


@dataclass(frozen=True)
class Scenario:
    name: str
    backend: str  # TASKS_BACKEND
    workers: int

    def command(self, index: int) -> list[str]:
        if self.backend == "rq":
            # As docs/operations.md, "A broker-backed queue", runs them.
            return [
                "manage.py",
                "rqworker",
                "--job-class",
                "django_tasks_rq.Job",
                "--with-scheduler",
                "--name",
                f"bench-emails-{index}",
                "default",
            ]
        return ["manage.py", "db_worker"]  # as deploy/systemd/lojista-worker.service


SCENARIOS = {
    "db1": Scenario("db_worker x1", "db", 1),
    "db2": Scenario("db_worker x2", "db", 2),
    "rq1": Scenario("rqworker x1", "rq", 1),
    "rq2": Scenario("rqworker x2", "rq", 2),
}


@dataclass(frozen=True)
class Drain:
    seconds: float  # workers started -> last row recorded sent
    first_to_last: float  # first email received -> last
    connections: int
    worker_cpu: float  # seconds of CPU of the workers (and their forked jobs)
    commits: int  # transactions the database committed for the drain


# The SMTP sink.


class Sink:
    """An aiosmtpd handler that keeps each message's Message-ID and when the
    first and last arrived, nothing else."""

    def __init__(self) -> None:
        self.message_ids: list[bytes] = []
        self.connections = 0
        self.first = 0.0
        self.last = 0.0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not hasattr(session, "counted"):
            session.counted = True
            self.connections += 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content)
        self.message_ids.append(found.group(1) if found else b"")
        self.last = time.monotonic()
        self.first = self.first or self.last
        return "250 OK"


def _serve(port: int, commands: Connection) -> None:
    """The SMTP sink, run in its own process and driven through ``commands``."""
    import logging

    from aiosmtpd.controller import Controller

    # The SMTP server logs every command at INFO: not what is measured.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    commands.send("ready")
    while (command := commands.recv()) != "stop":
        if command == "report":
            commands.send((list(sink.message_ids), sink.connections, sink.last - sink.first))
    controller.stop()


# The backlog, written by this script run as a Django process (`fill`).


def fill(emails: int) -> None:
    """``emails`` due outbox rows for emails / 2 paid orders, and a delivery
    task for each, in the order placement would enqueue them."""
    from decimal import Decimal

    from django.conf import settings
    from django.db import transaction

    from lojista.notifications.models import NotificationSettings, OutboxMessage
    from lojista.notifications.services.outbox import delivery_enqueue
    from lojista.orders.models import Order, OrderLine

    shop = NotificationSettings.load()
    shop.order_notification_emails = [SHOP_ADDRESS]
    shop.save()
    orders = Order.objects.bulk_create(
        Order(
            number=100_000 + index,
            email=f"buyer{index}@example.com",
            language="pt-br" if index % 2 else "en",
            payment_status="paid",
            payment_method="test",
            currency="EUR",
            subtotal=Decimal("60.00"),
            shipping_price=Decimal("5.00"),
            total=Decimal("65.00"),
            shipping_address={"name": "Ana Souza", "line1": "Rua Augusta 100", "city": "São Paulo"},
            shipping_method_code="sedex",
            shipping_method_name="Sedex",
        )
        for index in range(emails // 2)
    )
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order=order,
                product_name=f"Product {line}",
                sku=f"SKU-{line}",
                unit_price=Decimal("20.00"),
                quantity=1,
                line_total=Decimal("20.00"),
            )
            for order in orders
            for line in range(3)
        ),
        batch_size=2000,
    )
    rows = [
        OutboxMessage(
            dedupe_key=f"order:{order.number}:{kind}",
            kind=kind,
            subject_type="order",
            subject_id=str(order.pk),
            order=order,
            recipients=[recipient],
            language=order.language or settings.LANGUAGE_CODE,
            message_id=f"<{order.number}.{kind}@bench>",
        )
        for order in orders
        for kind, recipient in (("new_order", SHOP_ADDRESS), ("order_confirmation", order.email))
    ]
    OutboxMessage.objects.bulk_create(rows, batch_size=2000)
    with transaction.atomic():
        # One task per placement, for its two emails, as order_placed_emails_queue enqueues them.
        for new_order, confirmation in zip(rows[::2], rows[1::2], strict=True):
            delivery_enqueue(new_order.pk, also=[confirmation.pk])


def _env(database_url: str, backend: str, smtp_port: int) -> dict[str, str]:
    env = {
        **server_env(database_url),
        "TASKS_BACKEND": backend,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEFAULT_FROM_EMAIL": "Lojista <shop@shop.example>",
    }
    # Each worker counts in its own memory: no metrics files (set, even
    # empty, the variable has prometheus-client write them to the cwd).
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _count_sent(database_url: str) -> tuple[int, int]:
    """(sent, failed) outbox rows."""
    out = subprocess.run(
        [
            "psql",
            "-qAt",
            database_url,
            "-c",
            "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'failed') "
            "FROM notifications_outboxmessage WHERE message_id LIKE '%@bench>'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    sent, failed = out.strip().split("|")
    return int(sent), int(failed)


def _sent_message_ids(database_url: str) -> list[bytes]:
    out = subprocess.run(
        [
            "psql",
            "-qAt",
            database_url,
            "-c",
            "SELECT message_id FROM notifications_outboxmessage WHERE status = 'sent'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(line.encode() for line in out.splitlines() if line)


def _commits(database_url: str) -> int:
    """Transactions committed in the database so far (pg_stat_database; a
    backend's count is in once it has exited or been idle a second)."""
    out = subprocess.run(
        [
            "psql",
            "-qAt",
            database_url,
            "-c",
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip())


def _cpu_seconds(pid: int) -> float:
    """CPU time of process ``pid`` and of its children it waited for (RQ's
    forked jobs), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), counted after the name.
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _wait_for_drain(database_url: str, workers: list[subprocess.Popen]) -> tuple[float, int]:
    """Seconds until every email is recorded, and how many times the rows
    were counted (each a transaction of its own, left out of the drain's)."""
    started = time.monotonic()
    polls = 0
    while True:
        sent, failed = _count_sent(database_url)
        polls += 1
        if sent + failed >= EMAILS:
            return time.monotonic() - started, polls
        for worker in workers:
            if worker.poll() is not None:
                raise RuntimeError(f"a worker exited with {worker.returncode}")
        if time.monotonic() - started > TIMEOUT:
            raise RuntimeError(f"{EMAILS - sent} emails still unsent after {TIMEOUT:.0f} s")
        time.sleep(0.1)


def measure(server_database_url: str, scenario: Scenario) -> Drain:
    port = _free_port()
    commands, server_end = multiprocessing.Pipe()
    sink = multiprocessing.get_context("fork").Process(target=_serve, args=(port, server_end), daemon=True)
    sink.start()
    assert commands.recv() == "ready"
    try:
        with bench_database(server_database_url) as url:
            env = _env(url, scenario.backend, port)
            if scenario.backend == "rq":
                _flush_redis()
            subprocess.run([str(PYTHON), __file__, "fill", str(EMAILS)], cwd=ROOT, env=env, check=True)
            time.sleep(1.5)  # the fill's counts reach pg_stat_database
            commits_before = _commits(url)
            log = open(LOG, "w")  # noqa: SIM115 (closed with the workers)
            workers = [
                subprocess.Popen(
                    [str(PYTHON), *scenario.command(index)],
                    cwd=ROOT,
                    env=env,
                    # journald's part in production; kept for a failed run.
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                for index in range(scenario.workers)
            ]
            try:
                seconds, polls = _wait_for_drain(url, workers)
                worker_cpu = sum(_cpu_seconds(worker.pid) for worker in workers)
            finally:
                stop_processes(workers)
                log.close()
            time.sleep(1.5)
            # Less the drain's polls and this count itself.
            commits = _commits(url) - commits_before - polls - 1
            sent, failed = _count_sent(url)
            commands.send("report")
            received, connections, first_to_last = commands.recv()
            assert failed == 0, f"{scenario.name}: {failed} emails failed"
            assert sent == EMAILS, f"{scenario.name}: {sent} of {EMAILS} sent"
            assert sorted(received) == _sent_message_ids(url), f"{scenario.name}: not each exactly once"
            return Drain(seconds, first_to_last, connections, worker_cpu, commits)
    finally:
        commands.send("stop")
        sink.join(timeout=10)
        if scenario.backend == "rq":
            _flush_redis()


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def run(server_database_url: str) -> list[str]:
    lines = []
    fsync = fsync_ms()
    lines.append(
        "baseline  pg_test_fsync: not found"
        if fsync is None
        else f"baseline  pg_test_fsync commit (fdatasync)   {fsync:.3f} ms"
    )
    tps = pgbench_tps(server_database_url, seconds=int(os.environ.get("BENCH_BASELINE_SECONDS", "15")))
    lines.append(f"baseline  pgbench tpcb-like (scale 10, 8 clients)   {tps:.0f} tps")
    for line in lines:
        print(line, flush=True)
    scenarios = [SCENARIOS[key] for key in os.environ.get("BENCH_EMAILS_SCENARIOS", "db1,db2,rq2").split(",")]
    if any(scenario.backend == "rq" for scenario in scenarios) and not _redis_available():
        print(f"rqworker: skipped, no Redis at {REDIS_URL}", flush=True)
        scenarios = [scenario for scenario in scenarios if scenario.backend != "rq"]
    # A 10,000 backlog in 40 s, scaled to EMAILS when a smaller run is asked for.
    drain_target = TARGET_DRAIN * EMAILS / 10_000
    for scenario in scenarios:
        drain = measure(server_database_url, scenario)
        rate = EMAILS / drain.seconds
        if scenario.workers == 2:  # the targets are for two workers
            drained = "met" if drain.seconds < drain_target else "missed"
            drain_verdict = f"target < {drain_target:.0f} s: {drained}"
            rate_verdict = f"target >= {TARGET_RATE}: {'met' if rate >= TARGET_RATE else 'missed'}"
        else:
            drain_verdict = rate_verdict = "no target"
        line = (
            f"emails {scenario.name:14} {EMAILS} emails drained in {drain.seconds:6.1f} s "
            f"({drain_verdict})  {rate:6.0f} emails/s ({rate_verdict}; {rate / tps:.0%} of pgbench tps)  "
            f"first-to-last email {EMAILS / drain.first_to_last:5.0f}/s  "
            f"SMTP connections {drain.connections}  each exactly once  "
            f"workers' CPU {drain.worker_cpu * 1000 / EMAILS:.2f} ms/email  "
            f"commits {drain.commits / EMAILS:.2f}/email"
        )
        lines.append(line)
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:
        os.environ["DJANGO_SETTINGS_MODULE"] = "lojista.settings"
        import django

        django.setup()
        fill(int(sys.argv[2]))
        sys.exit(0)
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL=postgres://user@host:5432/any_db: the benchmarks run on PostgreSQL.")
    run(database_url)

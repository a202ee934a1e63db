"""The scale-out check of issue 14 (``make bench-scale``): two gunicorn
instances behind nginx, two RQ task workers on Redis, a shared Redis cache,
one PostgreSQL database, emails to an SMTP sink, and the same scenarios
against one instance without nginx to compare.

- **flash sale**: one variant with FLASH_UNITS units, FLASH_BUYERS buyers at
  once, each running the whole journey (cart, line, checkout, complete) until
  the variant is sold out: exactly FLASH_UNITS orders, stock 0, no 5xx.
- **burst**: BURST_ORDERS orders of distinct variants from BURST_CLIENTS
  clients; then the task workers drain the outbox, and every order's emails
  (the customer's confirmation, the shop's new-order email) must have reached
  the sink exactly once, to the right recipients, each outbox row ``sent``.
- **shared throttle**: with the rate limits on, failed logins for one email
  through nginx land on both instances; the RATE_LIMIT_LOGIN_EMAIL-th + 1 is
  429 with the Redis cache, and (the contrast) not with the local-memory one.

The figures are orders/s for one instance and for two behind nginx, each
with its ratio to the trivial endpoint's requests/s under the same
configuration (the baseline), and the time the two workers take to drain the
burst's emails. Sizes shrink for a quick run with SCALE_FLASH_UNITS,
SCALE_FLASH_BUYERS, SCALE_BURST_ORDERS, SCALE_BURST_CLIENTS; SCALE_PGBENCH=0
skips the pgbench baseline; SCALE_CLIENT_TIMEOUT (300 s) is how long a
client waits for an answer. The servers' and workers' own logs go to
$TMPDIR/lojista-scale-logs.

Redis databases 7 (cache), 8 (queue) and 9 (throttle check) are emptied at
the start of each configuration: do not point this at a Redis that holds
anything of value in them (SCALE_REDIS, default redis://127.0.0.1:6379).
"""

import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import driver
from bench.driver import Client, Journey, Report, drive
from bench.flows import ADDRESS, SHIPPING_METHOD
from bench.server import (
    GUNICORN,
    PYTHON,
    ROOT,
    WORKERS,
    _free_port,
    _psql,
    bench_database,
    fsync_ms,
    pgbench_tps,
    server_env,
    stop_processes,
    wrk,
)

FLASH_UNITS = int(os.environ.get("SCALE_FLASH_UNITS", "1000"))
FLASH_BUYERS = int(os.environ.get("SCALE_FLASH_BUYERS", "200"))
BURST_ORDERS = int(os.environ.get("SCALE_BURST_ORDERS", "5000"))
BURST_CLIENTS = int(os.environ.get("SCALE_BURST_CLIENTS", "32"))
REDIS = os.environ.get("SCALE_REDIS", "redis://127.0.0.1:6379").rstrip("/")
CACHE_DB, QUEUE_DB, THROTTLE_DB = 7, 8, 9
# The driver's processes: the load generator shares the two cores too.
DRIVER_PROCESSES = 2
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The throttle checked: failed logins for one email (RATE_LIMIT_LOGIN_EMAIL).
LOGIN_LIMIT = 20
DRAIN_TIMEOUT = float(os.environ.get("SCALE_DRAIN_TIMEOUT", "600"))


# --- the database, read and written with psql -----------------------------


def _query(database_url: str, sql: str) -> list[list[str]]:
    out = subprocess.run(
        ["psql", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", database_url, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def _scalar(database_url: str, sql: str) -> int:
    return int(_query(database_url, sql)[0][0])


def _make_variants(database_url: str, *, prefix: str, count: int, units: int) -> list[int]:
    """``count`` published variants of one new product, ``units`` each in
    stock, set-based; their ids in order."""
    _psql(
        database_url,
        f"""
        WITH product AS (
            INSERT INTO catalog_product
                (name, slug, description, images, is_published, created_at, updated_at)
            VALUES ('Scale {prefix}', 'scale-{prefix}', '', '[]', true, now(), now()) RETURNING id
        ), variants AS (
            INSERT INTO catalog_variant
                (name, sku, options, price, track_stock, is_published, position, product_id)
            SELECT 'V' || n, 'SCALE-{prefix}-' || n, '{{}}', 12.50, true, true, n, product.id
            FROM product, generate_series(1, {count}) AS n RETURNING id
        )
        INSERT INTO inventory_stock (variant_id, quantity, updated_at) SELECT id, {units}, now() FROM variants
        """,
    )
    rows = _query(
        database_url, f"SELECT id FROM catalog_variant WHERE sku LIKE 'SCALE-{prefix}-%' ORDER BY position"
    )
    return [int(row[0]) for row in rows]


def _last_order_id(database_url: str) -> int:
    return _scalar(database_url, "SELECT coalesce(max(id), 0) FROM orders_order")


# --- the SMTP sink ------------------------------------------------------------

MESSAGE_ID = re.compile(rb"^Message-ID: (.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class _Sink:
    """An aiosmtpd handler that keeps each message's Message-ID and envelope recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, tuple[str, ...]]] = []

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content)
        message_id = found.group(1).decode() if found else ""
        self.received.append((message_id, tuple(sorted(envelope.rcpt_tos))))
        return "250 OK"


def _serve_smtp(port: int, commands: Connection) -> None:
    """The sink, in a process of its own, driven through ``commands``
    ("report": what was received since the last report; "stop")."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    commands.send("ready")
    while commands.recv() != "stop":
        commands.send(list(sink.received))
        sink.received.clear()  # each check sees what arrived since the last one
    controller.stop()


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Connection]]:
    port = _free_port()
    commands, server_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve_smtp, args=(port, server_end))
    process.start()
    try:
        assert commands.recv() == "ready"
        yield port, commands
    finally:
        commands.send("stop")
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


# --- Redis, task workers, nginx ----------------------------------------------


def _redis(db: int) -> str:
    return f"{REDIS}/{db}"


def _flush(db: int) -> None:
    import redis

    redis.Redis.from_url(_redis(db)).flushdb()


# Where the servers' and workers' own logs go (printed at the start of a run).
LOGS = Path(tempfile.gettempdir()) / "lojista-scale-logs"


def _log(name: str):
    """An open file (appended to) for a process's stderr."""
    return (LOGS / f"{name}.log").open("ab")


@contextmanager
def task_workers(database_url: str, env: dict[str, str], count: int = 2) -> Iterator[None]:
    """``count`` ``manage.py rqworker`` processes, as docs/operations.md runs them."""
    processes = []
    command = ["manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
    try:
        for index in range(count):
            worker_env = {**server_env(database_url), **env, "LOG_LEVEL": "WARNING"}
            processes.append(
                subprocess.Popen(
                    [
                        str(PYTHON),
                        *command,
                        "--name",
                        f"scale-{uuid.uuid4().hex[:8]}-{index}",
                        "default",
                        "webhooks",
                    ],
                    cwd=ROOT,
                    env=worker_env,
                    stdout=subprocess.DEVNULL,
                    stderr=_log(f"rqworker-{index}"),
                )
            )
        yield
    finally:
        stop_processes(processes)


NGINX_CONF = """\
# Generated by bench/scale.py for one run (deploy/nginx/lojista.conf is the
# commented example for a real deployment).
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream lojista {{
        least_conn;
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://lojista;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Which instance answered: how the throttle check sees that its
            # requests went to both.
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextmanager
def nginx(upstreams: list[str]) -> Iterator[str]:
    """Debian's nginx as an unprivileged process, balancing ``upstreams``
    (base URLs); yields its base URL."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="lojista-nginx-") as directory:
        servers = "\n".join(f"        server {urlsplit(url).netloc};" for url in upstreams)
        conf = Path(directory) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=directory, servers=servers, port=port))
        process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", directory, "-e", f"{directory}/error.log"],
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(lambda: _get_status(base + "/healthz") == 200, 15, "nginx", process)
            yield base
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful: finish what is under way
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _get_status(url: str) -> int | None:
    parts = urlsplit(url)
    try:
        connection = HTTPConnection(parts.netloc, timeout=2)
        connection.request("GET", parts.path)
        status = connection.getresponse().status
        connection.close()
        return status
    except OSError:
        return None


def _wait_for(condition: Callable[[], bool], seconds: float, what: str, process=None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass
class Deployment:
    """What one configuration runs: its base URL (nginx or the one instance)."""

    name: str
    base: str
    instances: int


@contextmanager
def _gunicorn(database_url: str, env: dict[str, str]) -> Iterator[str]:
    """bench/server.py's gunicorn (4 sync workers), waited for longer: on a
    machine busy with other benchmarks its workers can take more than the
    30 s it waits to start."""
    port = _free_port()
    command = [str(GUNICORN), "lojista.wsgi:application", "--workers", str(WORKERS)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    # LOG_LEVEL=ERROR: not a line for each 4xx the scenarios expect.
    environment = {**server_env(database_url), "LOG_LEVEL": "ERROR", **env}
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=_log("gunicorn"))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _get_status(base + "/healthz") == 200, 180, "gunicorn", process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


@contextmanager
def deployment(
    database_url: str, *, instances: int, env: dict[str, str], workers: int = 2
) -> Iterator[Deployment]:
    """``instances`` gunicorn instances (behind nginx when more than one),
    ``workers`` RQ workers, all with ``env`` on top of the production settings."""
    with ExitStack() as stack:
        bases = [stack.enter_context(_gunicorn(database_url, env)) for _ in range(instances)]
        if workers:
            stack.enter_context(task_workers(database_url, env, workers))
        if instances == 1:
            yield Deployment("1 instance", bases[0], 1)
        else:
            yield Deployment(f"{instances} instances + nginx", stack.enter_context(nginx(bases)), instances)


# --- the load: buyers running the whole journey (bench/driver.py) -------------

# A flash sale's 200 buyers queue for 4 (or 8) sync workers: on a machine
# busy with other work a request can wait longer than the driver's 30 s,
# and a buyer who gave up is not what this check is about.
driver.TIMEOUT_SECONDS = float(os.environ.get("SCALE_CLIENT_TIMEOUT", "300"))

SOLD_OUT = "sold out"


def buyer(variant_of: Callable[[int, int], int | None], *, refusable: bool) -> Journey:
    """A journey: a new cart, one line of ``variant_of(client index,
    iteration)`` (None: nothing left to buy), a checkout, its completion with
    the test card. ``refusable``: a sold-out answer (409) is expected, and
    the buyer then goes home (its later journeys send nothing)."""
    refusals = (201, 409) if refusable else (201,)

    def journey(client: Client, index: int) -> None:
        variant_id = variant_of(index, client.iteration)
        if client.state == SOLD_OUT or variant_id is None:
            return
        _, cart = client.post("/api/v1/carts", step="create cart", expect=(201,))
        token = cart["token"]
        client.post(
            f"/api/v1/carts/{token}/lines",
            json={"variant_id": variant_id, "quantity": 1},
            step="add line",
            expect=(200,),
        )
        body = {"email": f"buyer{index}.{client.iteration}@example.com", "shipping_address": ADDRESS}
        status, checkout = client.post(
            f"/api/v1/carts/{token}/checkout",
            json={**body, "shipping_method": SHIPPING_METHOD},
            step="start checkout",
            expect=refusals,
        )
        if status == 409:
            # Once every unit is held or sold the line is at quantity 0
            # (cart_not_checkoutable); a buyer racing for the last ones is
            # told the stock is short.
            if checkout.get("code") not in {"cart_not_checkoutable", "insufficient_stock"}:
                raise AssertionError(f"start refused with {checkout!r}")
            client.state = SOLD_OUT
            return
        status, placed = client.post(
            f"/api/v1/checkouts/{checkout['id']}/complete",
            json={"payment_method": "test", "payment_token": "tok_visa"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
            step="complete",
            expect=refusals,
        )
        if status == 409:
            if placed.get("code") != "insufficient_stock":
                raise AssertionError(f"completion refused with {placed!r}")
            client.state = SOLD_OUT

    return journey


def _five_xx(report: Report) -> int:
    return sum(step.errors.get("5xx", 0) for step in report.steps.values())


# --- the scenarios --------------------------------------------------------------


@dataclass
class Figure:
    scenario: str
    deployment: str
    value: float
    unit: str
    target: str
    met: bool | None
    ratio: str
    checks: list[str]

    def line(self) -> str:
        verdict = {True: "met", False: "MISSED", None: "-"}[self.met]
        return (
            f"{self.scenario:28} {self.deployment:20} {self.value:8.1f} {self.unit:9} "
            f"target {self.target:24} {verdict:7} {self.ratio}  [{'; '.join(self.checks)}]"
        )


def _report_lines(title: str, report: Report) -> None:
    print(f"  {title}:", flush=True)
    for line in report.lines():
        print(f"    {line}", flush=True)


def flash_sale(database_url: str, where: Deployment, healthz_rps: float) -> Figure:
    """One variant, FLASH_UNITS units, FLASH_BUYERS buyers until it is sold out."""
    [variant] = _make_variants(
        database_url, prefix=f"flash-{uuid.uuid4().hex[:6]}", count=1, units=FLASH_UNITS
    )
    first = _last_order_id(database_url)
    # Each buyer tries until a sold-out answer: enough tries to sell the lot.
    tries = -(-FLASH_UNITS // FLASH_BUYERS) * 2 + 2
    report = drive(
        where.base,
        buyer(lambda _index, _iteration: variant, refusable=True),
        clients=FLASH_BUYERS,
        iterations=tries,
        processes=DRIVER_PROCESSES,
    )
    _report_lines(f"flash sale, {where.name}", report)
    orders = _scalar(
        database_url,
        "SELECT count(DISTINCT o.id) FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id "
        f"WHERE o.id > {first} AND l.variant_id = {variant}",
    )
    units = _scalar(
        database_url,
        f"SELECT coalesce(sum(l.quantity), 0) FROM orders_orderline l WHERE l.variant_id = {variant}",
    )
    stock = _scalar(database_url, f"SELECT quantity FROM inventory_stock WHERE variant_id = {variant}")
    refusals = sum(step.statuses.get("409", 0) for step in report.steps.values())
    checks = [
        f"orders {orders}/{FLASH_UNITS}",
        f"stock {stock}",
        f"oversold {max(0, units - FLASH_UNITS)}",
        f"5xx {_five_xx(report)}",
        f"other errors {report.errors - _five_xx(report)}",
        f"409 refusals {refusals}",
        f"journey p95 {report.journey_p95_ms:.0f} ms",
    ]
    correct = orders == FLASH_UNITS and stock == 0 and units == FLASH_UNITS and report.errors == 0
    rate = orders / report.wall_seconds
    return Figure(
        "flash sale",
        where.name,
        rate,
        "orders/s",
        f"{FLASH_UNITS} orders, stock 0, 0 5xx",
        correct,
        f"{rate / healthz_rps:.1%} of /healthz",
        checks,
    )


def burst(database_url: str, where: Deployment, healthz_rps: float, variants: list[int]) -> Figure:
    """An order of each of ``variants``, from BURST_CLIENTS clients."""
    first = _last_order_id(database_url)

    def variant_of(index: int, iteration: int) -> int | None:
        number = iteration * BURST_CLIENTS + index
        return variants[number] if number < len(variants) else None

    report = drive(
        where.base,
        buyer(variant_of, refusable=False),
        clients=BURST_CLIENTS,
        iterations=-(-len(variants) // BURST_CLIENTS),
        processes=DRIVER_PROCESSES,
    )
    _report_lines(f"burst, {where.name}", report)
    orders = _scalar(database_url, f"SELECT count(*) FROM orders_order WHERE id > {first}")
    rate = orders / report.wall_seconds
    checks = [
        f"orders {orders}/{len(variants)}",
        f"errors {report.errors} (5xx {_five_xx(report)})",
        f"journey p95 {report.journey_p95_ms:.0f} ms",
        f"{report.wall_seconds:.1f} s",
    ]
    return Figure(
        "burst (distinct variants)",
        where.name,
        rate,
        "orders/s",
        f"{len(variants)} orders, 0 errors",
        orders == len(variants) and report.errors == 0,
        f"{rate / healthz_rps:.1%} of /healthz",
        checks,
    )


def _outbox_pending(database_url: str, first_order: int) -> int:
    return _scalar(
        database_url,
        "SELECT count(*) FROM notifications_outboxmessage "
        f"WHERE order_id > {first_order} AND status <> 'sent'",
    )


def emails_delivered(database_url: str, where: Deployment, sink: Connection, first_order: int) -> Figure:
    """Wait for the workers to drain the outbox of every order after
    ``first_order``, then check each email reached the sink exactly once."""
    began = time.monotonic()
    deadline = began + DRAIN_TIMEOUT
    while (pending := _outbox_pending(database_url, first_order)) and time.monotonic() < deadline:
        time.sleep(0.5)
    drained = time.monotonic() - began
    rows = _query(
        database_url,
        "SELECT m.message_id, m.kind, m.status, m.recipients::text, o.email "
        "FROM notifications_outboxmessage m JOIN orders_order o ON o.id = m.order_id "
        f"WHERE m.order_id > {first_order}",
    )
    orders = _scalar(database_url, f"SELECT count(*) FROM orders_order WHERE id > {first_order}")
    shop = json.loads(
        _query(
            database_url, "SELECT order_notification_emails::text FROM notifications_notificationsettings"
        )[0][0]
    )
    sink.send("report")
    received: Counter[str] = Counter()
    recipients: dict[str, set[tuple[str, ...]]] = {}
    for message_id, rcpt in sink.recv():
        received[message_id] += 1
        recipients.setdefault(message_id, set()).add(rcpt)
    expected_kinds = {"order_confirmation": 1, "new_order": 1 if shop else 0}
    kinds = Counter(row[1] for row in rows)
    problems = Counter[str]()
    for message_id, kind, status, rcpt_json, customer in rows:
        want = (customer,) if kind == "order_confirmation" else tuple(sorted(shop))
        if status != "sent":
            problems[f"{kind} {status}"] += 1
        if received[message_id] != 1:
            problems[f"{kind} received {received[message_id]} times"] += 1
        elif recipients[message_id] != {tuple(sorted(json.loads(rcpt_json)))} or tuple(
            sorted(json.loads(rcpt_json))
        ) != tuple(sorted(want)):
            problems[f"{kind} to the wrong recipients"] += 1
    for kind, per_order in expected_kinds.items():
        if kinds[kind] != orders * per_order:
            problems[f"{kinds[kind]} {kind} rows for {orders} orders"] += 1
    # A batch also takes other due rows: the demo orders' emails, which
    # seed_demo queued before the workers ran, leave with the first batch.
    known = {row[0] for row in _query(database_url, "SELECT message_id FROM notifications_outboxmessage")}
    ours = {row[0] for row in rows}
    earlier = sum(count for message_id, count in received.items() if message_id in known - ours)
    strays = sum(count for message_id, count in received.items() if message_id not in known)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    if duplicates:
        problems["duplicates at the sink"] = duplicates
    checks = [
        f"{len(rows)} emails for {orders} orders",
        f"pending {pending}",
        f"sink: {sum(received[row[0]] for row in rows)} of these, {earlier} of earlier orders, "
        f"{strays} unknown",
        f"problems {dict(problems) or 'none'}",
    ]
    rate = len(rows) / drained if drained > 0 else 0.0
    return Figure(
        "emails drained (2 workers)",
        where.name,
        drained,
        "s",
        "each exactly once",
        not problems and not pending and strays == 0,
        f"{rate:.0f} emails/s after the burst",
        checks,
    )


def _login(base: str, email: str) -> tuple[int, str, str]:
    """A failed login through ``base``: its status, error code, upstream."""
    netloc = urlsplit(base).netloc
    connection = HTTPConnection(netloc, timeout=30)
    connection.request(
        "POST",
        "/api/v1/auth/login",
        body=json.dumps({"email": email, "password": "not-the-password"}),
        headers={"Content-Type": "application/json"},
    )
    response = connection.getresponse()
    body = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, body.get("code", ""), response.getheader("X-Upstream", "")


def shared_throttle(database_url: str, cache_url: str, label: str) -> Figure:
    """Two instances with the rate limits on and ``cache_url``: LOGIN_LIMIT + 1
    failed logins for one email through nginx."""
    env = {
        "RATE_LIMITS": "on",
        "CACHE_URL": cache_url,
        "RATE_LIMIT_LOGIN_EMAIL": f"{LOGIN_LIMIT}/h",
        # The database's failed-login count (shared whatever the cache) would
        # answer 429 first: this check is about the cache's rate limits.
        "LOGIN_MAX_FAILURES": "100000",
        "TRUSTED_PROXIES": "1",
    }
    with deployment(database_url, instances=2, env=env, workers=0) as where:
        email = f"throttle-{uuid.uuid4().hex[:8]}@example.com"
        answers = [_login(where.base, email) for _ in range(LOGIN_LIMIT + 1)]
    statuses = [status for status, _code, _upstream in answers]
    upstreams = Counter(upstream for _status, _code, upstream in answers)
    held = all(status == 401 for status in statuses[:LOGIN_LIMIT]) and answers[-1][:2] == (
        429,
        "rate_limited",
    )
    return Figure(
        f"shared throttle ({label})",
        "2 instances + nginx",
        float(statuses[-1]),
        "status",
        f"#{LOGIN_LIMIT + 1} is 429",
        held if "redis" in cache_url else None,
        f"first {LOGIN_LIMIT}: {dict(Counter(statuses[:LOGIN_LIMIT]))}",
        [
            f"upstreams {dict(upstreams)}",
            f"#{LOGIN_LIMIT + 1}: {answers[-1][0]} {answers[-1][1] or ''}".strip(),
        ],
    )


def healthz(base: str, seconds: int = 5) -> float:
    wrk(base + "/healthz", seconds=2)
    return wrk(base + "/healthz", seconds=seconds).requests_per_second


def run(server_database_url: str) -> list[str]:
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir()
    lines = [f"logs of the servers and workers: {LOGS}"]
    try:
        fsync = fsync_ms()
    except subprocess.CalledProcessError:  # another run's pg_test_fsync holds its file in /tmp
        fsync = None
    lines.append(f"baseline  pg_test_fsync commit (fdatasync): {f'{fsync:.3f} ms' if fsync else 'not found'}")
    if os.environ.get("SCALE_PGBENCH", "1") != "0":
        lines.append(
            f"baseline  pgbench tpcb-like (scale 10, 8 clients): {pgbench_tps(server_database_url):.0f} tps"
        )
    for line in lines:
        print(line, flush=True)
    figures: list[Figure] = []
    with bench_database(server_database_url) as url, smtp_sink() as (smtp_port, sink):
        env = {
            "CACHE_URL": _redis(CACHE_DB),
            "TASKS_BACKEND": "rq",
            "REDIS_URL": _redis(QUEUE_DB),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "TEST_GATEWAY_ENABLED": "true",
        }
        variants = _make_variants(url, prefix="burst", count=BURST_ORDERS, units=1_000_000)
        for instances in (1, 2):
            _flush(CACHE_DB)
            _flush(QUEUE_DB)
            deploy_env = {**env, "TRUSTED_PROXIES": "1"} if instances > 1 else env
            with deployment(url, instances=instances, env=deploy_env) as where:
                rps = healthz(where.base)
                print(f"baseline  {where.name}: /healthz {rps:.0f} req/s (wrk, 16 connections)", flush=True)
                first = _last_order_id(url)
                for figure in (
                    flash_sale(url, where, rps),
                    burst(url, where, rps, variants),
                    emails_delivered(url, where, sink, first),
                ):
                    figures.append(figure)
                    print(figure.line(), flush=True)
        for cache_url, label in ((_redis(THROTTLE_DB), "Redis cache"), ("locmemcache://", "local memory")):
            _flush(THROTTLE_DB)
            figure = shared_throttle(url, cache_url, label)
            figures.append(figure)
            print(figure.line(), flush=True)
    rates = {(figure.scenario, figure.deployment): figure.value for figure in figures}
    for scenario in ("flash sale", "burst (distinct variants)"):
        one, two = rates.get((scenario, "1 instance")), rates.get((scenario, "2 instances + nginx"))
        if one and two:
            lines.append(f"{scenario}: orders/s, 2 instances + nginx / 1 instance = {two / one:.2f}")
            print(lines[-1], flush=True)
    return lines + [figure.line() for figure in figures]


if __name__ == "__main__":
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL=postgres://user@host:5432/any_db: the benchmarks run on PostgreSQL.")
    missing = [tool for tool in ("wrk", "psql") if not shutil.which(tool)]
    if not os.access(NGINX, os.X_OK):
        missing.append("nginx")
    if missing:
        sys.exit(f"Missing: {', '.join(missing)}; `make bench-tools` installs them (Debian's packages).")
    run(database_url)

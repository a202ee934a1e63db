"""The shop's flows under concurrency, through gunicorn (issue 14):
checkout completion over distinct variants, a flash sale on one variant,
add to cart, and the statements each step costs.

Run: ``make bench-flows`` (``BENCH_DATABASE_URL`` names the PostgreSQL
server; a database is created for the run and dropped after). Shorter runs
while developing: ``python bench/flows.py --seconds 5``. Other server
configurations: ``--workers 6``, ``--worker-class gthread --threads 4``.
Where the time goes: ``--profile 60`` also runs 60 journeys in-process
(Django's test client) and prints the CPU time per request and
pyinstrument's profile (HTML in var/flows-profile.html).

The carts the checkout and flash-sale journeys buy are made beforehand, by
set-based SQL, with one line each (a distinct variant per cart for the
checkout scenario, the one hot variant for the flash sale): the journeys are
"start checkout + complete", the two requests the targets count. Payments go
through the built-in test gateway (card token ``tok_visa``). Emails are
queued as outbox rows and task rows in the database, as in production; no
worker runs during the bench (delivering them is bench/emails.py's).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.driver import Client, Report, drive, driver_cost
from bench.server import (
    PYTHON,
    ROOT,
    bench_database,
    fsync_ms,
    gunicorn,
    pgbench_tps,
    server_env,
    wrk,
)

SCENARIOS = ("baselines", "counts", "checkout", "flash", "add")
CHECKOUT_CLIENTS = 32
FLASH_BUYERS = 200
FLASH_STOCK = 1000
FLASH_ATTEMPTS_PER_BUYER = 6  # 1,200 attempts for 1,000 units: 200 must be refused
ADD_CLIENTS = 16
# Enough carts for 32 clients at twice the target rate for 60 s.
CARTS_PER_CHECKOUT_CLIENT = 600
ADDRESS = {
    "name": "Ana Souza",
    "line1": "Rua Augusta 100",
    "city": "Lisboa",
    "postal_code": "1100-053",
    "country": "PT",
}
SHIPPING_METHOD = "pt-standard"  # seed_demo's
# The test gateway pays the orders (server_env already allows it with DEBUG off).
APP_ENV = {"TEST_GATEWAY_ENABLED": "true"}


def _query(database_url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", "-qAt", "-v", "ON_ERROR_STOP=1", database_url, "-c", sql], capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


def seed(database_url: str, *, checkout_clients: int, carts_per_client: int, profile_carts: int = 0) -> None:
    """Variants with stock and carts ready to check out, in a few set-based
    statements: one variant (10 units) per checkout cart, the flash sale's
    variant (FLASH_STOCK units) and its buyers' carts."""
    variants = checkout_clients * carts_per_client
    flash_carts = FLASH_BUYERS * FLASH_ATTEMPTS_PER_BUYER
    _query(
        database_url,
        f"""
        BEGIN;
        INSERT INTO catalog_product (name, slug, description, images, is_published, created_at, updated_at)
        SELECT 'Bench item ' || n, 'bench-item-' || n, '', '[]'::jsonb, true, now(), now()
        FROM generate_series(0, {variants - 1}) AS n
        UNION ALL SELECT 'Flash sale item', 'bench-flash', '', '[]'::jsonb, true, now(), now();
        INSERT INTO catalog_variant (name, sku, options, price, track_stock, is_published, position,
                                     product_id)
        SELECT '', upper(slug), '{{}}'::jsonb, 10.00, true, true, 0, id
        FROM catalog_product WHERE slug LIKE 'bench-%';
        INSERT INTO inventory_stock (variant_id, quantity, updated_at)
        SELECT id, CASE WHEN sku = 'BENCH-FLASH' THEN {FLASH_STOCK} ELSE 10 END, now()
        FROM catalog_variant WHERE sku LIKE 'BENCH-%';
        INSERT INTO carts_cart (token, status, language, created_at, updated_at)
        SELECT 'co-' || (n / {carts_per_client}) || '-' || (n % {carts_per_client}),
               'open', 'en', now(), now()
        FROM generate_series(0, {variants - 1}) AS n
        UNION ALL
        SELECT 'fs-' || (n / {FLASH_ATTEMPTS_PER_BUYER}) || '-' || (n % {FLASH_ATTEMPTS_PER_BUYER}),
               'open', 'en', now(), now()
        FROM generate_series(0, {flash_carts - 1}) AS n
        UNION ALL
        SELECT 'pr-' || n, 'open', 'en', now(), now() FROM generate_series(0, {profile_carts - 1}) AS n;
        INSERT INTO carts_cartline (product_name, variant_name, sku, requested_quantity, price_seen,
                                    created_at, cart_id, variant_id)
        SELECT p.name, '', v.sku, 1, v.price, now(), c.id, v.id
        FROM carts_cart c
        JOIN catalog_variant v ON v.sku = CASE
            WHEN c.token LIKE 'fs-%' THEN 'BENCH-FLASH'
            WHEN c.token LIKE 'pr-%' THEN 'BENCH-ITEM-' || (split_part(c.token, '-', 2)::int % {variants})
            ELSE 'BENCH-ITEM-' || (split_part(c.token, '-', 2)::int * {carts_per_client}
                                   + split_part(c.token, '-', 3)::int) END
        JOIN catalog_product p ON p.id = v.product_id
        WHERE c.token LIKE 'co-%' OR c.token LIKE 'fs-%' OR c.token LIKE 'pr-%';
        COMMIT;
        ANALYZE;
        """,
    )


def _buy(client: Client, cart_token: str, *, refusable: bool = False) -> bool:
    """Start a checkout of the cart and pay it with the test card: True when
    an order was placed, False when the flash sale refused it (409)."""
    body = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": SHIPPING_METHOD}
    status, checkout = client.post(
        f"/api/v1/carts/{cart_token}/checkout",
        json=body,
        step="start checkout",
        expect=(201, 409) if refusable else (201,),
    )
    if status == 409:
        if checkout.get("code") != "cart_not_checkoutable":
            raise AssertionError(f"start refused with {checkout!r}")
        return False
    status, placed = client.post(
        f"/api/v1/checkouts/{checkout['id']}/complete",
        json={"payment_method": "test", "payment_token": "tok_visa"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        step="complete",
        expect=(201, 409) if refusable else (201,),
    )
    if status == 409:
        if placed.get("code") != "insufficient_stock":
            raise AssertionError(f"completion refused with {placed!r}")
        return False
    return True


def checkout_journey(client: Client, index: int) -> None:
    _buy(client, f"co-{index}-{client.iteration}")


def flash_journey(client: Client, index: int) -> None:
    _buy(client, f"fs-{index}-{client.iteration}", refusable=True)


def add_to_cart_setup(client: Client, index: int) -> list[int]:
    _, page = client.get("/api/v1/products?limit=20", expect=(200,))
    ids = [variant["id"] for product in page["items"] for variant in product["variants"]]
    if not ids:
        raise AssertionError("no variant to add")
    return ids


def add_to_cart_journey(client: Client, index: int) -> None:
    _, cart = client.post("/api/v1/carts", step="create cart", expect=(201,))
    variant = client.state[(index + client.iteration) % len(client.state)]
    client.post(
        f"/api/v1/carts/{cart['token']}/lines",
        json={"variant_id": variant, "quantity": 1},
        step="add line",
        expect=(200,),
    )


@dataclass(frozen=True)
class Figure:
    scenario: str
    measured: str
    target: str
    met: bool
    ratio: str

    def line(self) -> str:
        verdict = "met" if self.met else "MISSED"
        return f"{self.scenario:44} {self.measured:40} target {self.target:28} {verdict:6} {self.ratio}"


def _errors(report: Report) -> int:
    return report.errors


def _print_report(title: str, report: Report) -> None:
    print(f"-- {title}", flush=True)
    for line in report.lines():
        print("   " + line, flush=True)


def flash_sale_check(database_url: str) -> dict[str, int]:
    """What the database says after the flash sale."""
    row = _query(
        database_url,
        """
        SELECT (SELECT count(DISTINCT l.order_id) FROM orders_orderline l
                JOIN catalog_variant v ON v.id = l.variant_id WHERE v.sku = 'BENCH-FLASH'),
               (SELECT coalesce(sum(l.quantity), 0) FROM orders_orderline l
                JOIN catalog_variant v ON v.id = l.variant_id WHERE v.sku = 'BENCH-FLASH'),
               (SELECT s.quantity FROM inventory_stock s
                JOIN catalog_variant v ON v.id = s.variant_id WHERE v.sku = 'BENCH-FLASH')
        """,
    )
    orders, units, stock = (int(value) for value in row.split("|"))
    return {"orders": orders, "units": units, "stock": stock}


def statement_counts(database_url: str) -> dict[str, dict[int, int]]:
    """Statements per request, counted in-process (Django's test client
    against the bench database), for carts of 1 and 30 lines."""
    out = subprocess.run(
        [str(PYTHON), str(Path(__file__).resolve()), "--count-statements"],
        cwd=ROOT,
        env={**server_env(database_url), **APP_ENV, "DJANGO_SETTINGS_MODULE": "lojista.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    counts: dict[str, dict[int, int]] = {}
    for line in out.splitlines():
        if line.startswith("count "):
            _, step, lines, value = line.split("|")
            counts.setdefault(step, {})[int(lines)] = int(value)
    return counts


def profile(database_url: str, rounds: int) -> None:
    """Print the CPU time per request and pyinstrument's profile of
    ``rounds`` journeys, in-process (see ``_profile``)."""
    html = ROOT / "var" / "flows-profile.html"  # var/ is not versioned
    html.parent.mkdir(exist_ok=True)
    out = subprocess.run(
        [
            str(PYTHON),
            str(Path(__file__).resolve()),
            "--profile-in-process",
            str(rounds),
            "--profile-html",
            str(html),
        ],
        cwd=ROOT,
        env={**server_env(database_url), **APP_ENV, "DJANGO_SETTINGS_MODULE": "lojista.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"-- profile, in-process, {rounds} journeys (HTML: {html})", flush=True)
    for line in out.splitlines():
        if line.startswith("cpu |"):
            _, step, ms = line.split("|")
            print(f"   CPU per request  {step:16} {float(ms):6.2f} ms", flush=True)
        elif line.startswith("wall |"):
            print(
                f"   wall per journey (create, add, read, start, complete) {line.split('|')[2]} ms",
                flush=True,
            )
        else:
            print("   " + line, flush=True)


def _count_statements() -> None:
    """In the child process: print ``count |step|lines|statements`` lines."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(SERVER_NAME="localhost")
    skus = [f"BENCH-ITEM-{n}" for n in range(1000, 1031)]
    from lojista.catalog.models import Variant
    from lojista.core.extensions import installed_slugs
    from lojista.notifications.models import NotificationSettings

    ids = dict(Variant.objects.filter(sku__in=skus).values_list("sku", "pk"))

    def measure(step: str, lines: int, method: str, path: str, body: Any = None, **headers: str) -> Any:
        # The steady state: the extension flags and the email settings are
        # cached for a few seconds (decision 210), read again only after a
        # change or once the copy expired.
        installed_slugs()
        NotificationSettings.load()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, body, content_type="application/json", headers=headers)
        if response.status_code >= 300:
            raise AssertionError(f"{step}: {response.status_code} {response.content[:300]!r}")
        print(f"count |{step}|{lines}|{len(queries)}")
        return response.json()

    for lines, offset in ((1, 0), (30, 1)):
        token = client.post("/api/v1/carts").json()["token"]
        for n in range(lines):
            sku = skus[offset + n]
            # The line that makes the count is the last one.
            if n == lines - 1:
                measure(
                    "add to cart",
                    lines,
                    "post",
                    f"/api/v1/carts/{token}/lines",
                    {"variant_id": ids[sku], "quantity": 1},
                )
            else:
                client.post(
                    f"/api/v1/carts/{token}/lines",
                    {"variant_id": ids[sku], "quantity": 1},
                    content_type="application/json",
                )
        measure("cart read", lines, "get", f"/api/v1/carts/{token}")
        body = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": SHIPPING_METHOD}
        checkout = measure("start checkout", lines, "post", f"/api/v1/carts/{token}/checkout", body)
        measure(
            "complete",
            lines,
            "post",
            f"/api/v1/checkouts/{checkout['id']}/complete",
            {"payment_method": "test", "payment_token": "tok_visa"},
            **{"Idempotency-Key": str(uuid.uuid4())},
        )


def _profile(rounds: int, html: str | None) -> None:
    """In a child process: each request of the add-to-cart and checkout
    journeys ``rounds`` times through Django's test client (in-process, no
    server), the CPU time per request, and pyinstrument's profile of them."""
    import time

    import django

    django.setup()
    from django.test import Client as DjangoClient
    from pyinstrument import Profiler

    from lojista.catalog.models import Variant

    client = DjangoClient(SERVER_NAME="localhost")
    tokens = [f"pr-{n}" for n in range(rounds * 3)]  # the seed's carts for the profile
    variant = Variant.objects.filter(sku="BENCH-ITEM-0").values_list("pk", flat=True).get()
    body = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": SHIPPING_METHOD}
    cpu: dict[str, float] = {}

    def call(step: str, method: str, path: str, data: Any = None, **headers: str) -> Any:
        begun = time.process_time()
        response = getattr(client, method)(path, data, content_type="application/json", headers=headers)
        cpu[step] = cpu.get(step, 0.0) + time.process_time() - begun
        if response.status_code >= 300:
            raise AssertionError(f"{step}: {response.status_code} {response.content[:300]!r}")
        return response.json()

    def journeys(cart_tokens: list[str]) -> None:
        for token in cart_tokens:
            cart = call("create cart", "post", "/api/v1/carts")
            call(
                "add line",
                "post",
                f"/api/v1/carts/{cart['token']}/lines",
                {"variant_id": variant, "quantity": 1},
            )
            call("cart read", "get", f"/api/v1/carts/{cart['token']}")
            checkout = call("start checkout", "post", f"/api/v1/carts/{token}/checkout", body)
            payment = {"payment_method": "test", "payment_token": "tok_visa"}
            key = {"Idempotency-Key": str(uuid.uuid4())}
            call("complete", "post", f"/api/v1/checkouts/{checkout['id']}/complete", payment, **key)

    journeys(tokens[:rounds])  # warm up
    cpu.clear()
    begun = time.perf_counter()
    journeys(tokens[rounds : 2 * rounds])
    wall = time.perf_counter() - begun
    for step, seconds in cpu.items():
        print(f"cpu |{step}|{seconds / rounds * 1000:.2f}")
    print(f"wall |one journey|{wall / rounds * 1000:.2f}")
    profiler = Profiler(interval=0.001)
    with profiler:
        journeys(tokens[2 * rounds :])
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    if html:
        Path(html).write_text(profiler.output_html())


@contextmanager
def _database(server_database_url: str, dev_database: str | None) -> Iterator[tuple[str, bool]]:
    """A fresh, seeded database for the run, or (while developing) one made
    before: (its URL, whether it is fresh)."""
    if dev_database:
        yield dev_database, False
        return
    with bench_database(server_database_url) as url:
        yield url, True


def run(server_database_url: str, args: argparse.Namespace) -> list[Figure]:
    seconds = args.seconds
    extra_env = dict(APP_ENV)
    if args.worker_class != "sync":
        extra_env["GUNICORN_CMD_ARGS"] = f"--worker-class {args.worker_class} --threads {args.threads}"
    config = f"gunicorn {args.workers} {args.worker_class} workers" + (
        f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    print(f"server: {config}; driver: {args.processes} processes", flush=True)
    figures: list[Figure] = []
    only = set(args.only.split(","))
    tps = math.nan
    if "baselines" in only:
        try:
            fsync = fsync_ms()
        except subprocess.CalledProcessError:  # another run's pg_test_fsync shares its file in /tmp
            fsync = None
        print(f"baseline  pg_test_fsync commit: {f'{fsync:.3f} ms' if fsync else 'not found'}", flush=True)
        tps = pgbench_tps(server_database_url, seconds=min(15, max(5, int(seconds))))
        print(f"baseline  pgbench tpcb-like (scale 10, 8 clients): {tps:.0f} tps", flush=True)
    carts_per_client = max(50, min(CARTS_PER_CHECKOUT_CLIENT, int(seconds * 10)))
    orders_per_second = math.nan
    counts: dict[str, dict[int, int]] = {}
    with _database(server_database_url, args.dev_database) as (url, fresh):
        if fresh:
            seed(
                url,
                checkout_clients=CHECKOUT_CLIENTS,
                carts_per_client=carts_per_client,
                profile_carts=3 * args.profile,
            )
        else:
            carts_per_client = CARTS_PER_CHECKOUT_CLIENT
        if "counts" in only:
            counts = statement_counts(url)
        if args.profile:
            profile(url, args.profile)
        with gunicorn(url, workers=args.workers, extra_env=extra_env) as base:
            wrk(base + "/healthz", seconds=2)
            healthz = wrk(base + "/healthz", seconds=min(10, max(3, int(seconds))))
            print(
                f"baseline  /healthz: {healthz.requests_per_second:.0f} req/s, p95 {healthz.p95_ms:.1f} ms "
                f"(wrk, 16 connections); the driver's own CPU: {driver_cost(base):.0f} µs/request",
                flush=True,
            )
            base_rps = healthz.requests_per_second

            def of_healthz(requests_per_second: float) -> str:
                return f"{requests_per_second / base_rps:.1%} of /healthz req/s"

            if "checkout" in only:
                # Checkout completion, distinct variants.
                report = drive(
                    base,
                    checkout_journey,
                    clients=CHECKOUT_CLIENTS,
                    seconds=seconds,
                    iterations=carts_per_client,
                    processes=args.processes,
                )
                _print_report(f"checkout completion, {CHECKOUT_CLIENTS} clients, {seconds:.0f} s", report)
                orders_per_second = report.journeys_per_second
                complete = report.steps.get("complete")
                start = report.steps.get("start checkout")
                journey_p95 = report.journey_p95_ms
                figures.append(
                    Figure(
                        "checkout (start+complete), 32 clients",
                        f"{orders_per_second:.0f} orders/s",
                        ">= 150 orders/s",
                        orders_per_second >= 150,
                        f"{orders_per_second / tps:.1%} of pgbench tps; "
                        + of_healthz(report.requests_per_second),
                    )
                )
                figures.append(
                    Figure(
                        "checkout journey p95 (start + complete)",
                        f"{journey_p95:.0f} ms (start {start.p95_ms if start else 0:.0f}, "
                        f"complete {complete.p95_ms if complete else 0:.0f})",
                        "< 100 ms",
                        journey_p95 < 100,
                        f"{journey_p95 / healthz.p95_ms:.1f}x /healthz p95",
                    )
                )
                figures.append(Figure("checkout errors", f"{_errors(report)}", "0", _errors(report) == 0, ""))

            if "flash" in only:
                # Flash sale.
                report = drive(
                    base,
                    flash_journey,
                    clients=FLASH_BUYERS,
                    iterations=FLASH_ATTEMPTS_PER_BUYER,
                    processes=args.processes,
                )
                _print_report(f"flash sale, {FLASH_BUYERS} buyers, {FLASH_STOCK} units", report)
                state = flash_sale_check(url)
                refusals = sum(step.statuses.get("409", 0) for step in report.steps.values())
                five_xx = sum(step.errors.get("5xx", 0) for step in report.steps.values())
                flash_rate = state["orders"] / report.wall_seconds
                print(f"   database after: {state}; clean 409 refusals {refusals}", flush=True)
                figures.append(
                    Figure(
                        "flash sale: orders, stock after, oversold",
                        f"{state['orders']} orders, stock {state['stock']}, "
                        f"oversold {max(0, state['units'] - FLASH_STOCK)}",
                        "1000, 0, 0",
                        state["orders"] == FLASH_STOCK
                        and state["stock"] == 0
                        and state["units"] == FLASH_STOCK,
                        "",
                    )
                )
                figures.append(
                    Figure(
                        "flash sale: 5xx / other errors",
                        f"{five_xx} / {_errors(report) - five_xx}",
                        "0 5xx",
                        five_xx == 0 and _errors(report) == 0,
                        "",
                    )
                )
                figures.append(
                    Figure(
                        "flash sale throughput",
                        f"{flash_rate:.0f} orders/s",
                        f">= {0.8 * orders_per_second:.0f} (80% of distinct)",
                        flash_rate >= 0.8 * orders_per_second,
                        f"{flash_rate / orders_per_second:.0%} of the distinct-variant figure",
                    )
                )

            if "add" in only:
                # Add to cart, 16 clients, then one alone.
                add_seconds = min(seconds, 20)
                report = drive(
                    base,
                    add_to_cart_journey,
                    clients=ADD_CLIENTS,
                    seconds=add_seconds,
                    processes=args.processes,
                    setup=add_to_cart_setup,
                )
                _print_report(f"add to cart, {ADD_CLIENTS} clients, {add_seconds:.0f} s", report)
                add = report.steps["add line"]
                figures.append(
                    Figure(
                        "add to cart (create + add), 16 clients",
                        f"{report.requests_per_second:.0f} req/s, add p95 {add.p95_ms:.0f} ms",
                        ">= 600 req/s, p95 < 50 ms",
                        report.requests_per_second >= 600 and add.p95_ms < 50 and report.errors == 0,
                        of_healthz(report.requests_per_second),
                    )
                )
                report = drive(
                    base,
                    add_to_cart_journey,
                    clients=1,
                    seconds=min(seconds, 10),
                    processes=1,
                    setup=add_to_cart_setup,
                )
                _print_report("add to cart, one client", report)
                add = report.steps["add line"]
                figures.append(
                    Figure(
                        "add to cart, one client alone: add p50",
                        f"{add.p50_ms:.1f} ms",
                        "< 5 ms",
                        add.p50_ms < 5 and report.errors == 0,
                        f"{add.p50_ms / healthz.p50_ms:.1f}x /healthz p50 (16 conns)",
                    )
                )
    for step, by_lines in counts.items():
        constant = len(set(by_lines.values())) == 1
        figures.append(
            Figure(
                f"statements: {step}",
                " / ".join(
                    f"{value} ({lines} line{'s' if lines > 1 else ''})" for lines, value in by_lines.items()
                ),
                "constant in lines",
                constant,
                "",
            )
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FLOWS_SECONDS", 60)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FLOWS_WORKERS", 4)))
    parser.add_argument("--worker-class", default=os.environ.get("FLOWS_WORKER_CLASS", "sync"))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("FLOWS_THREADS", 4)))
    parser.add_argument("--processes", type=int, default=2, help="load driver processes")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma-separated, of: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--dev-database", default=None, help="an already seeded database (development)")
    parser.add_argument("--count-statements", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="also profile N journeys in-process (CPU per request, pyinstrument)",
    )
    parser.add_argument("--profile-in-process", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--profile-html", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_statements:
        _count_statements()
        return
    if args.profile_in_process:
        _profile(args.profile_in_process, args.profile_html)
        return
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL=postgres://user@host:5432/any_db: the benchmarks run on PostgreSQL.")
    figures = run(database_url, args)
    print("== flows", flush=True)
    for figure in figures:
        print(figure.line(), flush=True)


if __name__ == "__main__":
    main()

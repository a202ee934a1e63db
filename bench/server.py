"""Benchmarks through the real server (issue 14): gunicorn with 4 sync
workers, as in production, against a PostgreSQL database made for the run,
driven by ``wrk`` (Debian's package) for single endpoints.

Each figure is printed with its baseline, measured in the same run on the
same machine: the requests/s of a trivial endpoint (``/healthz``, one
``SELECT 1``) under the same gunicorn configuration; PostgreSQL's own
limits (``pgbench`` TPS, ``pg_test_fsync`` commit latency) are printed too.
The cache is Redis (``BENCH_REDIS_URL``, database 10, emptied first), as a
deployment with several workers has it.

Run: ``make bench-server`` (``BENCH_DATABASE_URL`` names the PostgreSQL
server; a database ``lojista_bench`` is created on it and dropped after).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_p95.lua"
# Several benchmark runs may share one PostgreSQL server: each names its own.
DATABASE = os.environ.get("BENCH_DB_NAME", "lojista_bench")
WORKERS = 4
# A key good enough for production's checks; this server lives for one run.
SECRET_KEY = "bench-only-secret-key-" + "0123456789abcdef" * 3


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    errors: int


def _server_url(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(database_url: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", database_url, "-c", sql], check=True)


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off), plain HTTP on the loopback, no rate
    limits (the load comes from one address)."""
    return {
        **os.environ,
        "ENV_FILE": os.devnull,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "SITE_URL": "http://127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "RATE_LIMITS": "off",
        "DATABASE_URL": database_url,
        "ALLOW_TEST_GATEWAY_IN_PRODUCTION": "true",
    }


@contextmanager
def bench_database(server_database_url: str) -> Iterator[str]:
    """A fresh database with the demo shop in it, dropped afterwards."""
    maintenance = _server_url(server_database_url, "postgres")
    url = _server_url(server_database_url, DATABASE)
    _psql(maintenance, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _psql(maintenance, f"CREATE DATABASE {DATABASE}")
    try:
        env = server_env(url)
        for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
            subprocess.run(
                [str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        yield url
    finally:
        _psql(maintenance, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


@contextmanager
def gunicorn(
    database_url: str, *, workers: int = WORKERS, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """The shop under gunicorn (sync workers); yields its base URL."""
    port = _free_port()
    command = [
        str(GUNICORN),
        "lojista.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    env = {**server_env(database_url), **(extra_env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/healthz", process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def stop_processes(processes: list[subprocess.Popen], seconds: float = 60) -> None:
    """SIGTERM to each (a warm shutdown: work under way finishes), then wait;
    one that does not stop within ``seconds`` is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def wrk(url: str, *, seconds: int = 10, connections: int = 16, threads: int = 2) -> Load:
    """``wrk`` against one URL; p50 and p95 from its latency histogram."""
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(WRK_SCRIPT), url],
        check=True,
        capture_output=True,
        text=True,
    )
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = float(re.search(r"p50_us=([\d.]+)", out).group(1)) / 1000  # type: ignore[union-attr]
    p95 = float(re.search(r"p95_us=([\d.]+)", out).group(1)) / 1000  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(count) for count in socket_errors.groups())
    return Load(rate, p50, p95, errors)


def pgbench_tps(server_database_url: str, *, scale: int = 10, clients: int = 8, seconds: int = 15) -> float:
    """PostgreSQL's own transactions/s (tpcb-like) on this machine."""
    maintenance = _server_url(server_database_url, "postgres")
    name = f"{DATABASE}_pgbench"
    url = _server_url(server_database_url, name)
    _psql(maintenance, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _psql(maintenance, f"CREATE DATABASE {name}")
    try:
        subprocess.run(["pgbench", "-q", "-i", "-s", str(scale), url], check=True, capture_output=True)
        out = subprocess.run(
            ["pgbench", "-c", str(clients), "-j", "2", "-T", str(seconds), url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    finally:
        _psql(maintenance, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fsync_ms() -> float | None:
    """One 8 kB write + fdatasync, in ms (``pg_test_fsync``), or None
    when the tool is not installed."""
    tool = shutil.which("pg_test_fsync") or next(
        (str(path) for path in sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_test_fsync"))), None
    )
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as scratch:  # its own file: runs may overlap
        command = [tool, "-s", "2", "-f", str(Path(scratch) / "fsync.out")]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"fdatasync\s+([\d.]+) ops/sec\s+([\d.]+) usecs/op", out)
    return float(match.group(2)) / 1000 if match else None


# A deployment with several gunicorn workers shares its cache (rate limits,
# sessions, the catalog listing) through Redis, as docs/operations.md says.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")


def fresh_redis(url: str = REDIS_URL) -> str:
    """The benchmark's Redis database, emptied; exits when Redis is not there."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        sys.exit(f"Redis is needed at {url} (BENCH_REDIS_URL): {exc}")
    return url


ENDPOINTS = {
    "trivial endpoint (/healthz)": "/healthz",
    "product list API (20 per page)": "/api/v1/products",
    "storefront home": "/",
}


def run(server_database_url: str) -> list[str]:
    lines = []
    fsync = fsync_ms()
    if fsync is None:
        lines.append("baseline  pg_test_fsync: not found")
    else:
        lines.append(f"baseline  pg_test_fsync commit (fdatasync)   {fsync:.3f} ms")
    tps = pgbench_tps(server_database_url)
    lines.append(f"baseline  pgbench tpcb-like (scale 10, 8 clients)   {tps:.0f} tps")
    cache = {"CACHE_URL": fresh_redis()}
    with bench_database(server_database_url) as url, gunicorn(url, extra_env=cache) as base:
        for path in ENDPOINTS.values():
            wrk(base + path, seconds=2)  # warm every worker's connection and caches
        baseline: Load | None = None
        for name, path in ENDPOINTS.items():
            load = wrk(base + path)
            baseline = baseline or load
            ratio = load.requests_per_second / baseline.requests_per_second
            lines.append(
                f"{name:34} {load.requests_per_second:8.0f} req/s  p50 {load.p50_ms:6.1f} ms  "
                f"p95 {load.p95_ms:6.1f} ms  errors {load.errors}  ({ratio:.0%} of the trivial endpoint)"
            )
    return lines


if __name__ == "__main__":
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL=postgres://user@host:5432/any_db: the benchmarks run on PostgreSQL.")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench-tools` installs it (Debian's package).")
    for line in run(database_url):
        print(line, flush=True)

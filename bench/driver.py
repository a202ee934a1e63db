"""A multi-process load driver for multi-step journeys over real HTTP
(issue 14): the flows benchmarks (bench/flows.py) and the scale-out check
(bench/scale.py) use it.

    report = drive(base_url, journey, clients=32, seconds=60, processes=2, setup=None)
    for line in report.lines():
        print(line)

``journey(client, index)`` performs one journey: ``index`` is the client's
number (0 .. clients - 1, unique across processes), ``client.iteration`` the
number of journeys this client started before this one, ``client.state``
what ``setup(client, index)`` returned (``setup`` runs once per client, in
the client's process, before the clock starts; its requests are not
counted). Each request is ``client.get/post/put/patch/delete(path, json=...,
headers=..., step="name", expect=(201,))`` and returns ``(status, body)``,
the body parsed as JSON (``None`` when empty, the text when it is not
JSON).

Errors are counted, never swallowed: a 5xx answer, a socket error (the
connection is dropped and the journey abandoned), a status outside the
step's ``expect`` (the journey is abandoned), or an exception raised by the
journey itself ("unexpected"; the first messages are kept in the report).
Answers in 4xx that a step expects (a flash sale's 409) are in the status
counts only.

Clients are threads, each with its own ``http.client`` connection, spread
over ``processes`` processes (forked, so a journey may be any function or
closure). HTTP/1.1 keep-alive is used where the server keeps the connection
(gunicorn's gthread or gevent workers); its sync workers close every
connection after one answer, and the client reconnects, as a browser would.
The driver's own CPU time is in the report: it shares the machine with the
server.
"""

from __future__ import annotations

import http.client
import json as jsonlib
import math
import multiprocessing
import resource
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

Journey = Callable[["Client", int], Any]
Setup = Callable[["Client", int], Any]

SAMPLES_KEPT = 5
TIMEOUT_SECONDS = 30.0


class StepFailed(Exception):
    """A step answered a status its journey did not expect."""


class SocketFailed(Exception):
    """The connection failed (refused, reset, timed out)."""


@dataclass
class _Tally:
    """What one process measured."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    journeys: int = 0
    journeys_failed: int = 0
    journey_ms: list[float] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    started: float = math.inf
    finished: float = 0.0
    cpu_seconds: float = 0.0

    def sample(self, message: str) -> None:
        if len(self.samples) < SAMPLES_KEPT:
            self.samples.append(message)


class Client:
    """One simulated user: one connection, used by one thread."""

    def __init__(self, base_url: str, tally: _Tally | None, lock: threading.Lock) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.iteration = 0
        self.state: Any = None
        self._tally = tally
        self._lock = lock
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        step: str | None = None,
        expect: Iterable[int] | None = None,
    ) -> tuple[int, Any]:
        step = step or f"{method} {path}"
        body = None if json is None else jsonlib.dumps(json).encode()
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        begun = time.perf_counter()
        try:
            connection = self._connect()
            connection.request(method, self.prefix + path, body=body, headers=all_headers)
            response = connection.getresponse()
            raw = response.read()
            status = response.status
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self._count(step, None, time.perf_counter() - begun, "socket", f"{step}: {error!r}")
            raise SocketFailed(f"{step}: {error!r}") from error
        elapsed = time.perf_counter() - begun
        parsed: Any = None
        if raw:
            try:
                parsed = jsonlib.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
        if status >= 500:
            self._count(step, status, elapsed, "5xx", f"{step}: {status} {raw[:200]!r}")
        elif expect is not None and status not in tuple(expect):
            self._count(step, status, elapsed, "unexpected", f"{step}: {status} {raw[:200]!r}")
        else:
            self._count(step, status, elapsed, None, None)
        if expect is not None and status not in tuple(expect):
            raise StepFailed(f"{step}: {status}")
        return status, parsed

    def _count(
        self, step: str, status: int | None, seconds: float, error: str | None, message: str | None
    ) -> None:
        if self._tally is None:  # setup: not measured, but failures still raise
            if error is not None and error != "unexpected":
                raise StepFailed(f"setup {message}")
            return
        with self._lock:
            self._tally.latencies[step].append(seconds * 1000)
            self._tally.statuses[step][status if status is not None else "socket"] += 1
            if error is not None:
                self._tally.errors[step][error] += 1
                if message:
                    self._tally.sample(message)

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("DELETE", path, **kwargs)


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


@dataclass(frozen=True)
class StepReport:
    name: str
    count: int
    errors: dict[str, int]
    statuses: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True)
class Report:
    steps: dict[str, StepReport]
    journeys: int
    journeys_failed: int
    journeys_per_second: float
    journey_p50_ms: float
    journey_p95_ms: float
    journey_p99_ms: float
    wall_seconds: float
    requests: int
    requests_per_second: float
    driver_cpu_seconds: float
    error_samples: list[str]
    journey_exceptions: int

    @property
    def errors(self) -> int:
        """Every 5xx, socket error, unexpected status, and journey that
        raised."""
        return sum(step.error_count for step in self.steps.values()) + self.journey_exceptions

    @property
    def driver_cpu_us_per_request(self) -> float:
        return self.driver_cpu_seconds / self.requests * 1e6 if self.requests else math.nan

    def lines(self) -> list[str]:
        out = [
            f"journeys {self.journeys} ({self.journeys_failed} failed) in {self.wall_seconds:.1f} s: "
            f"{self.journeys_per_second:.1f}/s, journey p50 {self.journey_p50_ms:.1f} ms "
            f"p95 {self.journey_p95_ms:.1f} ms p99 {self.journey_p99_ms:.1f} ms; "
            f"{self.requests_per_second:.0f} req/s; errors {self.errors}; "
            f"driver CPU {self.driver_cpu_us_per_request:.0f} µs/request"
        ]
        for step in self.steps.values():
            statuses = " ".join(f"{status}:{count}" for status, count in sorted(step.statuses.items()))
            errors = " ".join(f"{kind}:{count}" for kind, count in sorted(step.errors.items())) or "0"
            out.append(
                f"  step {step.name:18} n={step.count:<7} {step.per_second:7.1f}/s  "
                f"p50 {step.p50_ms:6.1f} ms  p95 {step.p95_ms:6.1f} ms  p99 {step.p99_ms:6.1f} ms  "
                f"statuses {statuses}  errors {errors}"
            )
        out.extend(f"  error sample: {sample}" for sample in self.error_samples)
        return out


def _report(tallies: list[_Tally], journey_exceptions: int) -> Report:
    started = min(tally.started for tally in tallies)
    finished = max(tally.finished for tally in tallies)
    wall = max(finished - started, 1e-9)
    steps: dict[str, StepReport] = {}
    names: list[str] = []
    for tally in tallies:
        names.extend(name for name in tally.latencies if name not in names)
    for name in names:
        latencies = [value for tally in tallies for value in tally.latencies.get(name, [])]
        statuses: Counter = Counter()
        errors: Counter = Counter()
        for tally in tallies:
            statuses.update(tally.statuses.get(name, {}))
            errors.update(tally.errors.get(name, {}))
        steps[name] = StepReport(
            name=name,
            count=len(latencies),
            errors=dict(errors),
            statuses={str(key): value for key, value in statuses.items()},
            p50_ms=_percentile(latencies, 0.50),
            p95_ms=_percentile(latencies, 0.95),
            p99_ms=_percentile(latencies, 0.99),
            per_second=len(latencies) / wall,
        )
    journey_ms = [value for tally in tallies for value in tally.journey_ms]
    journeys = sum(tally.journeys for tally in tallies)
    requests = sum(step.count for step in steps.values())
    report = Report(
        steps=steps,
        journeys=journeys,
        journeys_failed=sum(tally.journeys_failed for tally in tallies),
        journeys_per_second=(journeys - sum(t.journeys_failed for t in tallies)) / wall,
        journey_p50_ms=_percentile(journey_ms, 0.50),
        journey_p95_ms=_percentile(journey_ms, 0.95),
        journey_p99_ms=_percentile(journey_ms, 0.99),
        wall_seconds=wall,
        requests=requests,
        requests_per_second=requests / wall,
        driver_cpu_seconds=sum(tally.cpu_seconds for tally in tallies),
        error_samples=[sample for tally in tallies for sample in tally.samples][:SAMPLES_KEPT],
        journey_exceptions=journey_exceptions,
    )
    return report


def _run_process(
    base_url: str,
    journey: Journey,
    setup: Setup | None,
    indexes: list[int],
    seconds: float | None,
    iterations: int | None,
    barrier: Any,
    results: Any,
) -> None:
    tally = _Tally()
    lock = threading.Lock()
    exceptions = [0]
    clients: dict[int, Client] = {}
    setup_errors: list[str] = []

    def prepare(index: int) -> None:
        client = Client(base_url, None, lock)
        try:
            if setup is not None:
                client.state = setup(client, index)
        except Exception as error:  # reported: the run stops
            setup_errors.append(f"setup of client {index}: {error!r}")
        client._tally = tally
        clients[index] = client

    threads = [threading.Thread(target=prepare, args=(index,)) for index in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    barrier.wait()  # every process has set its clients up: the clock starts
    start = time.monotonic()
    deadline = start + seconds if seconds is not None else math.inf
    cpu_before = time.process_time()

    def run(index: int) -> None:
        client = clients[index]
        while client.iteration < (iterations if iterations is not None else math.inf):
            if time.monotonic() >= deadline:
                break
            begun = time.perf_counter()
            try:
                journey(client, index)
                failed = False
            except (StepFailed, SocketFailed):
                failed = True
            except Exception as error:
                failed = True
                with lock:
                    exceptions[0] += 1
                    tally.sample(
                        f"journey of client {index} raised {error!r}: {traceback.format_exc(limit=3)}"
                    )
            with lock:
                tally.journeys += 1
                tally.journeys_failed += failed
                if not failed:
                    tally.journey_ms.append((time.perf_counter() - begun) * 1000)
            client.iteration += 1
        client.close()

    if not setup_errors:
        threads = [threading.Thread(target=run, args=(index,)) for index in indexes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    tally.started = start
    tally.finished = time.monotonic()
    tally.cpu_seconds = time.process_time() - cpu_before
    tally.samples = setup_errors + tally.samples
    # defaultdicts and Counters pickle as plain dicts for the parent.
    results.put(
        (
            {
                "latencies": dict(tally.latencies),
                "statuses": {key: dict(value) for key, value in tally.statuses.items()},
                "errors": {key: dict(value) for key, value in tally.errors.items()},
                "journeys": tally.journeys,
                "journeys_failed": tally.journeys_failed,
                "journey_ms": tally.journey_ms,
                "samples": tally.samples,
                "started": tally.started,
                "finished": tally.finished,
                "cpu_seconds": tally.cpu_seconds,
                "setup_failed": bool(setup_errors),
            },
            exceptions[0],
        )
    )


def drive(
    base_url: str,
    journey: Journey,
    *,
    clients: int,
    seconds: float | None = None,
    iterations: int | None = None,
    processes: int = 2,
    setup: Setup | None = None,
) -> Report:
    """Run ``clients`` concurrent clients, each repeating ``journey`` for
    ``seconds`` or ``iterations`` times (whichever ends first), spread over
    ``processes`` processes. Raises if a client's setup failed."""
    if seconds is None and iterations is None:
        raise ValueError("give seconds or iterations")
    processes = max(1, min(processes, clients))
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()
    shares = [list(range(clients))[number::processes] for number in range(processes)]
    workers = [
        context.Process(
            target=_run_process,
            args=(base_url, journey, setup, share, seconds, iterations, barrier, results),
            daemon=True,
        )
        for share in shares
    ]
    for worker in workers:
        worker.start()
    collected = []
    for _ in workers:
        collected.append(results.get(timeout=(seconds or 3600) + 600))
    for worker in workers:
        worker.join(timeout=30)
        if worker.exitcode not in (0, None):
            raise RuntimeError(f"driver process {worker.pid} exited with {worker.exitcode}")
    tallies = []
    exceptions = 0
    setup_failures: list[str] = []
    for data, raised in collected:
        if data.pop("setup_failed"):
            setup_failures.extend(data["samples"])
        tally = _Tally()
        for key, value in data.items():
            setattr(tally, key, value)
        tallies.append(tally)
        exceptions += raised
    if setup_failures:
        raise RuntimeError("setup failed: " + "; ".join(setup_failures[:SAMPLES_KEPT]))
    return _report(tallies, exceptions)


def driver_cost(base_url: str, path: str = "/healthz", *, requests: int = 2000) -> float:
    """The driver's own CPU per request, in µs, on one connection."""
    client = Client(base_url, _Tally(), threading.Lock())
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(requests):
        client.get(path)
    after = resource.getrusage(resource.RUSAGE_SELF)
    client.close()
    return (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / requests * 1e6


__all__ = ["Client", "Report", "SocketFailed", "StepFailed", "StepReport", "drive", "driver_cost"]

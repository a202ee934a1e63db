"""Through gunicorn with several workers and PROMETHEUS_MULTIPROC_DIR, as
docs/operations.md deploys it: whichever worker answers a scrape, it counts
what every worker saw."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from tests.completion.shop import ADDRESS, open_shop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lojista.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


def post(url: str, body: bytes = b"{}") -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def refusals(base: str) -> float:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "lojista_checkout_failures_total" and sample.labels["step"] == "start"
    )


def test_every_worker_answers_the_sum_of_all_workers_counts(server):

    open_shop()
    body = json.dumps(
        {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"}
    )
    statuses = []
    for _ in range(12):
        with urllib.request.urlopen(urllib.request.Request(f"{server}/api/v1/carts", data=b"")) as response:
            token = json.loads(response.read())["token"]
        # An empty cart cannot be checked out: a refusal with its code.
        statuses.append(post(f"{server}/api/v1/carts/{token}/checkout", body.encode()))

    assert set(statuses) == {409}
    assert {refusals(server) for _ in range(10)} == {12}

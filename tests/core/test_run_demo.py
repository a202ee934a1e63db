"""`make run` (scripts/run-demo) checks its address before starting anything."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def busy_port():
    """A port on 127.0.0.1 another program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def run_demo(addr: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "run-demo")],
        env={**os.environ, "LOJISTA_ADDR": addr},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("form", ["127.0.0.1:{port}", "{port}"])
def test_a_busy_port_stops_the_demo_before_it_claims_to_run(busy_port, form):
    result = run_demo(form.format(port=busy_port))

    assert result.returncode != 0
    assert "running on" not in result.stdout
    assert f"Cannot serve on {form.format(port=busy_port)}: Address already in use" in result.stderr
    assert "LOJISTA_ADDR=127.0.0.1:8001 make run" in result.stderr  # how to choose another


def test_an_address_that_is_not_one_is_explained():
    result = run_demo("localhost:http")

    assert result.returncode != 0
    assert "running on" not in result.stdout
    assert "give host:port (127.0.0.1:8001) or a port (8001)" in result.stderr

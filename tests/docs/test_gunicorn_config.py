"""deploy/gunicorn.conf.py, as gunicorn reads it (docs/operations.md,
"Gunicorn"), and the web unit that runs it."""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

from tests.docs.test_deploy import unit
from tests.docs.walkthroughs import ROOT

CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"
OVERRIDES = (
    "WEB_CONCURRENCY",
    "GUNICORN_BIND",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_ACCESS_LOG",
    "GUNICORN_TIMEOUT",
)


def gunicorn_config(**env: str) -> dict[str, str]:
    """The settings gunicorn prints for the configuration file under ``env``."""
    environ = {name: value for name, value in os.environ.items() if name not in OVERRIDES}
    result = subprocess.run(
        [str(GUNICORN), "--print-config", "--config", str(CONFIG), "lojista.wsgi"],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    settings = {}
    for line in result.stdout.splitlines():
        name, equals, value = line.partition("=")
        if equals:
            settings[name.strip()] = value.strip()
    return settings


def test_the_defaults_are_two_workers_per_core_and_one_with_timeouts_and_recycling():
    config = gunicorn_config()

    assert config["workers"] == str(multiprocessing.cpu_count() * 2 + 1)
    assert config["worker_class"] == "sync"
    assert config["bind"] == "['127.0.0.1:8000']"
    assert (config["timeout"], config["graceful_timeout"]) == ("120", "25")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("2000", "200")
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert config["accesslog"] == "-"


def test_the_environment_changes_workers_address_proxies_and_access_log():
    config = gunicorn_config(
        WEB_CONCURRENCY="3",
        GUNICORN_BIND="10.0.0.11:8000",
        FORWARDED_ALLOW_IPS="10.0.0.2",
        GUNICORN_ACCESS_LOG="",
    )

    assert config["workers"] == "3"
    assert config["bind"] == "['10.0.0.11:8000']"
    assert config["forwarded_allow_ips"] == "['10.0.0.2']"
    assert config["accesslog"] == "None"


def test_the_web_unit_runs_gunicorn_with_the_configuration_file():
    exec_start = unit("lojista-web.service")["Service"]["ExecStart"]

    assert "--config /srv/lojista/deploy/gunicorn.conf.py" in exec_start
    assert "--workers" not in exec_start  # one place for the settings: the file

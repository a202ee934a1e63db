"""The systemd units shipped in deploy/systemd/ start the processes and are valid units."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.docs.walkthroughs import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/srv/lojista"  # where docs/operations.md installs the shop
VENV = Path(sys.executable).parent.parent

EXPECTED = {
    "lojista-web.service": "/srv/lojista/.venv/bin/gunicorn lojista.wsgi ",
    "lojista-worker.service": "/srv/lojista/.venv/bin/python manage.py db_worker",
    "lojista-webhooks-worker.service": (
        "/srv/lojista/.venv/bin/python manage.py db_worker --queue-name webhooks"
    ),
    "lojista-scheduler.service": "/srv/lojista/.venv/bin/python manage.py run_scheduler",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_unit_runs_its_process_as_the_shop_user_with_the_production_settings(name):
    service = unit(name)["Service"]

    assert service["ExecStart"].startswith(EXPECTED[name])
    assert service["WorkingDirectory"] == INSTALLED_AT
    assert service["Environment"] == "ENV_FILE=/etc/lojista/lojista.env"
    assert service["User"] == "lojista"
    assert service["Restart"] in {"always", "on-failure"}
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_the_units_commands_exist():
    commands = get_commands()
    assert "db_worker" in commands
    assert "run_scheduler" in commands
    assert (ROOT / "lojista" / "wsgi.py").exists()
    assert (VENV / "bin" / "gunicorn").exists()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    # Installed as docs/operations.md says, with this checkout as /srv/lojista.
    for name in EXPECTED:
        text = (UNITS / name).read_text()
        text = text.replace(f"{INSTALLED_AT}/.venv", str(VENV)).replace(INSTALLED_AT, str(ROOT))
        (tmp_path / name).write_text(text)

    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in EXPECTED)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (result.returncode, result.stderr) == (0, "")

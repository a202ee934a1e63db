"""lojista.wsgi, as gunicorn loads it: every view imported, and the
application's long-lived objects kept out of the garbage collector's full
passes (decision 232: they made one large response in ~10 wait ~100 ms)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import lojista.wsgi
print(gc.get_freeze_count())
print("lojista.backoffice.views.orders" in sys.modules)
"""


def test_loading_the_application_imports_the_views_and_freezes_what_it_made():
    env = {**os.environ, "ENV_FILE": os.devnull, "DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()

    frozen, views_imported = int(out[0]), out[1]
    assert frozen > 100_000, f"only {frozen} objects frozen"
    assert views_imported == "True"

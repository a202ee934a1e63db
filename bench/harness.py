"""Shared set-up for benchmarks: Django on a throw-away test database.

Benchmarks use the database named by DATABASE_URL (SQLite by default) but
create and destroy their own ``test_…`` database, so they never touch a
shop's data.
"""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # A benchmark is one client sending many requests: rate limits would stop it.
    os.environ["RATE_LIMITS"] = "off"
    import django

    django.setup()


@contextmanager
def test_database() -> Iterator[str]:
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # A file, as in the demo: the in-memory test database's shared cache
        # takes table locks that ignore the busy timeout.
        connection.settings_dict["TEST"]["NAME"] = str(Path(old_name).with_name("bench.sqlite3"))
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started

"""Redis for the tests that need a real one (rate limits, sessions, queues)."""

import os

import pytest
import redis
from django.db import connection

# `make test` runs the SQLite and PostgreSQL passes side by side, and the
# tests empty the Redis databases they use: each pass has its own. The
# tests name databases 0-7; the PostgreSQL pass uses the same number + 8.
PASS_OFFSET = 8


def redis_url(db: int) -> str:
    """The URL of the Redis database this test pass uses for ``db`` (0-7) on
    this machine (127.0.0.1:6379). Unreachable: the test is skipped, saying
    why, except under CI (the variable CI set), where Redis runs and the test
    fails."""
    assert 0 <= db < PASS_OFFSET, "Redis has 16 databases: the tests use 0-7, each pass its own half"
    if connection.vendor == "postgresql":
        db += PASS_OFFSET
    url = f"redis://127.0.0.1:6379/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {url} is unreachable under CI: {exc}")
        pytest.skip(f"needs Redis at {url}: {exc}")
    return url


# Django's Redis cache pointed where nothing listens, failing fast: for
# ``override_settings(CACHES=CACHE_DOWN)`` in tests of what happens while
# the cache does not answer.
CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
    }
}

"""Redis for the tests that need a real one (rate limits, sessions, queues)."""

import os

import pytest
import redis


def redis_url(db: int) -> str:
    """The URL of database ``db`` of the Redis on this machine (127.0.0.1:6379).
    Unreachable: the test is skipped, saying why, except under CI (the
    variable CI set), where Redis runs and the test fails."""
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

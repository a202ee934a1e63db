"""Redis for the tests that need one (127.0.0.1:6379, one database number per
area: cache 3, queue 4, metrics 5). Without it they are skipped with the
reason, except under CI (which has Redis), where they fail."""

import os

import pytest
import redis


def redis_url(db: int) -> str:
    """The URL of Redis database ``db``, once it answers; else skip (fail in CI)."""
    url = f"redis://127.0.0.1:6379/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        reason = f"needs Redis on 127.0.0.1:6379 ({error})"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url

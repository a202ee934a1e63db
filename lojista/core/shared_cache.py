"""What the shop does when its shared cache (Redis, CACHE_URL) stops answering.

The cache holds nothing that is not also somewhere else or worth losing: rate
limit counters, a copy of the shop's settings, a copy of each session. So a
cache that fails is logged and worked around, never an error page: the rate
limits let requests through (fail open, docs/operations.md), the settings and
sessions are read from the database. Redis's client gives up after
``socket_timeout`` (settings.py: half a second unless CACHE_URL says otherwise).
"""

import logging
import sys

from django.core.cache import cache

logger = logging.getLogger("lojista.cache")


def cache_errors() -> tuple[type[Exception], ...]:
    """What Django's Redis backend raises when Redis is down, slow or
    refusing (``except cache_errors():``). The redis package is imported by
    the backend when a Redis cache is configured, and only then: a process on
    the local-memory cache does not pay for its import (half a second)."""
    client = sys.modules.get("redis")
    return (client.RedisError,) if client else ()


READY_KEY = "lojista:ready"


def cache_answers() -> bool:
    """True when the cache stores and returns a value (for /readyz)."""
    try:
        cache.set(READY_KEY, 1, timeout=10)
        return cache.get(READY_KEY) == 1
    except cache_errors():
        logger.exception("The cache (CACHE_URL) does not answer")
        return False

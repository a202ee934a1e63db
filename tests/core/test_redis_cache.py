"""CACHE_URL=redis://… is Django's Redis cache keeping one client per pool
(lojista/core/redis_cache.py)."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from lojista.core.redis_cache import RedisCache
from tests.redis_helpers import redis_url

ROOT = Path(__file__).resolve().parents[2]


def test_a_redis_cache_url_selects_the_shops_backend():
    url = redis_url(5)
    probe = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "ENV_FILE": os.devnull, "DEBUG": "true", "CACHE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # (manage.py shell may print its automatic imports first.)
    assert out.strip().splitlines()[-1] == "lojista.core.redis_cache.RedisCache"


def test_it_stores_counts_and_forgets_through_one_client():
    cache = RedisCache(redis_url(5), {})
    cache.clear()

    cache.set("greeting", {"text": "olá"}, 30)
    assert cache.get("greeting") == {"text": "olá"}
    assert cache.add("hits", 1, 30)
    assert cache.incr("hits") == 2
    cache.delete("greeting")
    assert cache.get("greeting") is None

    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client  # Django's makes a new one per call
    assert isinstance(cache, DjangoRedisCache)

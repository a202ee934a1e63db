"""Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on
every cache call. The connections come from a shared pool, so that is
correct, but redis-py's constructor builds its tables of response callbacks
each time: about a tenth of a millisecond per call, several calls a request
(the shop's settings, the session, the catalog listing), a tenth of the
home page's CPU in bench/RESULTS.md ("server"). A ``Redis`` client is safe
to share between threads (each command takes a connection from the pool),
so one per pool is kept (decision 209). ``CACHE_URL=redis://…`` selects
this backend (settings.py)."""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own private helpers (not in django-stubs), as its get_client uses them.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

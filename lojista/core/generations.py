"""Cached reads that a single call makes stale everywhere: a *generation*.

Some reads are the same for every visitor and are asked for far more often
than what they show changes: the public catalog listing is read on every
visit to the shop's home and by every app opening its product list, and
changes when the merchant edits a product or a unit is sold or held. A
``Generation`` keeps such reads in Django's cache (``CACHE_URL``), each copy
labelled with a number, the generation; ``bump()`` moves the number on, after
the change's transaction commits, and every copy made before it is ignored
from then on (and replaced, or expires on its own). Nothing is deleted key
by key. A read is one round trip to the cache: the number and the copy.

- With a shared cache (Redis) a bump is seen by every process at once. With
  the per-process default (local memory) it is seen by the process that made
  the change; other processes see it when their copy expires, after
  ``timeout`` seconds at most. The same bound covers what no write announces
  (a checkout's hold expiring).
- A generation starts from a random number, so a cache that lost its counter
  (restarted, evicted) never brings old copies back.
- The cache is a copy: when it does not answer, the read is made as if
  nothing were cached, and logged (``lojista.cache``), never an error page.
"""

import hashlib
import secrets
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from lojista.core.shared_cache import cache_errors, logger

T = TypeVar("T")


class Generation:
    def __init__(self, name: str) -> None:
        self.name = name
        self._counter = f"lojista:generation:{name}"

    def current(self) -> int:
        """The generation now: one cache read (raises what the cache raises
        when it does not answer)."""
        value = cache.get(self._counter)
        if value is None:
            cache.add(self._counter, secrets.randbelow(2**62), timeout=None)
            value = cache.get(self._counter)
        return int(value)

    def cached(self, parts: tuple[Hashable, ...], build: Callable[[], T], *, timeout: int) -> T:
        """``build()``'s value, from the cache when this generation already
        made it for ``parts`` (what the value depends on besides the data:
        the language, the page...) less than ``timeout`` seconds ago; 0
        turns caching off. ``build`` must not return None."""
        if timeout <= 0:
            return build()
        key = f"lojista:{self.name}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:40]}"
        try:
            # One round trip: the generation and the copy, which is labelled
            # with the generation it was made in.
            found = cache.get_many([self._counter, key])
            generation = found.get(self._counter)
            generation = int(generation) if generation is not None else self.current()
        except cache_errors():
            logger.exception("%s read afresh: the cache does not answer", self.name)
            return build()
        kept = found.get(key)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == generation:
            return kept[1]
        value = build()
        try:
            cache.set(key, (generation, value), timeout)
        except cache_errors():
            logger.exception("%s not cached: the cache does not answer", self.name)
        return value

    def bump(self) -> None:
        """Make every cached copy stale: at once, and again when the current
        transaction (if any) commits. The second time matters: a reader that
        saw the new generation before the commit cached the old data under
        it. (A change rolled back after a reader of its own transaction
        cached it stays cached until the timeout: the one gap.)"""
        self._bump_now()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._bump_now)

    def _bump_now(self) -> None:
        try:
            try:
                cache.incr(self._counter)
            except ValueError:  # no counter yet (or the cache lost it): any new number will do
                cache.set(self._counter, secrets.randbelow(2**62), timeout=None)
        except cache_errors():
            # Copies made before the outage expire after their timeout.
            logger.exception("%s not made stale: the cache does not answer", self.name)

"""Rate limits and attempt counters: fixed-window counters in Django's cache.

A rate is written ``"30/m"`` (30 per minute), ``"10/h"``, ``"5/10m"`` (5 per
ten minutes); periods are s, m, h and d. A request counts in the window of
the clock it falls in, and one over the rate waits until that window ends.

Counting is ``add`` (create the window's counter at 1) then ``incr``: both
are atomic in the local-memory cache (one lock, one process) and in Redis
(``SET NX``, ``INCR``), so concurrent requests never lose a count, and with
Redis every worker process shares the counters (see CACHE_URL). The window's
number is part of the key, so a counter whose expiry were lost (Django's
Redis ``incr`` checks that the key exists, then increments: a key expiring in
between comes back without a timeout) only outlives a window nobody asks
about any more.

When the cache does not answer (Redis down), requests are let through and
the failure is logged (fail open: decision 180, docs/operations.md): the
login throttle, counted in the database, stays on.
"""

import functools
import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Throttled
from lojista.core.http import client_address
from lojista.core.shared_cache import cache_errors, logger

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(Throttled):
    """Too many requests for one client address, cart, checkout or email;
    ``details.limit`` names the limit (a key of LOJISTA_RATE_LIMITS)."""

    code = "rate_limited"
    default_message = _("Too many requests. Wait a moment and try again.")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        match = _RATE.match(text)
        if match is None or int(match[1]) < 1 or int(match[2] or 1) < 1:
            raise ImproperlyConfigured(f"{text!r} is not a rate such as '30/m', '10/h' or '5/10m'.")
        return cls(count=int(match[1]), seconds=int(match[2] or 1) * _PERIODS[match[3]])


# Rates are settings: each is parsed once (check_rates refuses a bad one at start).
_parsed = functools.cache(Rate.parse)


def count(name: str, identity: str, rate: Rate) -> int:
    """Count one request of ``identity`` (an address, an email, ...) under the
    limit ``name``; return the seconds to wait when it is over the rate, else
    0. The identity is hashed, so the cache holds no emails."""
    now = time.time()
    window = int(now // rate.seconds)
    seconds_left = max(1, math.ceil((window + 1) * rate.seconds - now))
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"lojista:rl:{name}:{rate.seconds}:{window}:{digest}"
    # Increment first: after a window's first request that is the whole cost
    # (Redis: EXISTS + INCR), not a failed ADD before it.
    try:
        try:
            value = cache.incr(key)
        except ValueError:  # the window's first request, unless another one just added it
            value = 1 if cache.add(key, 1, timeout=seconds_left + 1) else cache.incr(key)
    except cache_errors():
        logger.exception("Rate limit %s not counted: the cache does not answer", name)
        return 0
    return seconds_left if value > rate.count else 0


def rate_limit(request: HttpRequest, action: str, **identities: str) -> None:
    """Count one request of ``action`` per client address and per each of
    ``identities`` (cart=, checkout=, email=) that LOJISTA_RATE_LIMITS limits
    as ``<action>_<scope>``; raise RateLimited when one is over its rate.

    The address is counted first and a request refused stops counting there,
    so a flood from one address does not also use up the limits of the
    emails or carts it names. Nothing is counted with RATE_LIMITS=off.
    """
    if not settings.LOJISTA_RATE_LIMITS_ENABLED:
        return
    scopes = {"address": client_address(request), **identities}
    for scope, identity in scopes.items():
        name = f"{action}_{scope}"
        rate = settings.LOJISTA_RATE_LIMITS.get(name)
        if not rate or not identity:
            continue
        wait = count(name, identity.strip().lower() if scope == "email" else identity, _parsed(rate))
        if wait:
            raise RateLimited(retry_after=wait, details={"limit": name})


@checks.register()
def check_rates(**kwargs) -> list[checks.CheckMessage]:
    """A malformed RATE_LIMIT_<NAME> stops the server at start, not at the first request."""
    problems: list[checks.CheckMessage] = []
    for name, text in settings.LOJISTA_RATE_LIMITS.items():
        try:
            if text:
                Rate.parse(text)
        except ImproperlyConfigured as exc:
            problems.append(checks.Error(f"RATE_LIMIT_{name.upper()}: {exc}", id="lojista.ratelimit.E001"))
    return problems

"""tests.settings with the cache and the sessions that CACHE_URL gives in
production (tests/core/shop_process.py: a second shop process on Redis)."""

import lojista.settings as production
from tests.settings import *  # noqa: F403

CACHES = production.CACHES
SESSION_ENGINE = production.SESSION_ENGINE

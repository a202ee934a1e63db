"""Reads of the core: the shop's settings as the rest of the code uses them.

The settings row is read on nearly every email, checkout and back-office
page, so it is kept in Django's cache (``CACHE_URL``) and forgotten whenever
the row is saved (``receivers.py``). A blank field falls back to the
deployment's setting: SHOP_NAME, SHOP_LANGUAGE, CHECKOUT_HOLD_MINUTES.
"""

from django.conf import settings
from django.core.cache import cache

from lojista.core.models import ShopSettings
from lojista.core.shared_cache import cache_errors, logger

CACHE_KEY = "lojista:shop-settings"
# A worker that missed an invalidation (a per-process cache in a deployment
# with several workers) sees a change after this long at most.
CACHE_SECONDS = 300


def shop_settings() -> ShopSettings:
    """The shop's settings row (unsaved defaults until the owner saves it)."""
    try:
        row = cache.get(CACHE_KEY)
    except cache_errors():  # read from the database while the cache is down
        logger.exception("Shop settings read from the database: the cache does not answer")
        return ShopSettings.load()
    if not isinstance(row, ShopSettings):
        row = ShopSettings.load()
        try:
            cache.set(CACHE_KEY, row, CACHE_SECONDS)
        except cache_errors():
            logger.exception("Shop settings not cached: the cache does not answer")
    return row


def forget_shop_settings() -> None:
    """A saved change is not undone because the cache is down; a copy the
    cache kept through the outage is forgotten after CACHE_SECONDS."""
    try:
        cache.delete(CACHE_KEY)
    except cache_errors():
        logger.exception("Cached shop settings not forgotten: the cache does not answer")


def shop_name() -> str:
    return shop_settings().shop_name


def checkout_hold_minutes() -> int:
    """How long a checkout holds its stock: the owner's choice, else CHECKOUT_HOLD_MINUTES."""
    saved = shop_settings().checkout_hold_minutes
    return saved if saved is not None else settings.LOJISTA_CHECKOUT_HOLD_MINUTES

"""The public catalog listing, cached (decision 192).

The shop's home and the API's product list (without a search) are the same
for every visitor and read far more often than they change, so what they
render is kept for ``LOJISTA_CATALOG_CACHE_SECONDS`` (``CATALOG_CACHE_SECONDS``,
5 by default; 0 turns it off) in a generation (``core.generations``) that
every change to what they show makes stale: a product or variant saved or
deleted (``catalog_changed``, connected to the models' signals in
``CatalogConfig.ready``, whoever saves them), and stock sold, held,
released, restocked, set or adjusted (``inventory.services``). A checkout's
hold that runs out is announced by no write: the listing shows its units
again within the timeout. A product's own page, the cart and the checkout
always read the database.
"""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings

from lojista.core.generations import Generation

T = TypeVar("T")

LISTING = Generation("catalog-listing")


def cached_listing(parts: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    return LISTING.cached(parts, build, timeout=settings.LOJISTA_CATALOG_CACHE_SECONDS)


def listing_generation() -> int:
    """The listing's generation now: one cache read, which raises what the
    cache raises when it does not answer (``shared_cache.cache_errors``).
    A copy of the listing kept elsewhere (the storefront keeps its home page
    in each process) is good while this number is the one it was made in."""
    return LISTING.current()


def listing_changed() -> None:
    LISTING.bump()


def catalog_changed(**kwargs: Any) -> None:
    """A product or a variant saved or deleted (post_save, post_delete)."""
    listing_changed()

"""The home page as every first-time visitor sees it, kept whole (decision 212).

A visitor who is not logged in, holds no cart and has no message waiting sees
the same home page as every other such visitor in their language, except for
the CSRF token of its forms. That page is rendered once with a placeholder
where the token goes and kept beside the product grid
(``catalog.listing_cache``: the same generation and timeout, so a product
change or a sale shows at once, and so does a change to the shop's settings,
whose name the page shows); each visitor gets a copy with a token of their
own (which sets their CSRF cookie, as rendering the page would).

Each process also keeps its last copy in memory, labelled with the
generation it was made in: a visit then costs one cache read (the
generation) instead of two, and no copy is used after the timeout or once
the generation has moved on.

Only the page's HTML is kept: its headers (cookies, Vary, Content-Language)
are made for each request by the middleware, as for any page. Anything that
belongs to one visitor — their account link, cart count, messages, a query
string (shown in the search box and in the language form's ``next``) — puts
the request on the ordinary path, which renders the page around the cached
grid.
"""

import threading
from collections.abc import Callable, Hashable
from time import monotonic
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from lojista.catalog.listing_cache import cached_listing, listing_changed, listing_generation
from lojista.core.shared_cache import cache_errors

from .cart_session import guest_token

Render = Callable[[dict[str, Any]], HttpResponse]


def _csrf_placeholder() -> str:
    """What the kept page holds where each copy's CSRF token goes: letters
    and digits only (unchanged by HTML escaping), and derived from the
    SECRET_KEY, so no product name can contain it by chance or on purpose."""
    return "csrf" + salted_hmac("lojista.storefront.page_cache", "csrf-placeholder").hexdigest()


def is_anonymous_visit(request: HttpRequest) -> bool:
    """True when nothing on a page would be this visitor's own: a GET without
    a query string, from a visitor who is not logged in, holds no cart
    cookie and has no message waiting to be shown."""
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and guest_token(request) is None
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


class _NotTheSame(Exception):
    """The page rendered is not one every visitor gets (not a 200): it is
    answered as it is and kept nowhere."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class _ProcessCopies:
    """This process's copies of the kept pages, for the generation they were
    made in and until the listing's timeout; older generations are dropped."""

    def __init__(self) -> None:
        self._copies: dict[tuple[int, Hashable], tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, generation: int, parts: Hashable) -> str | None:
        found = self._copies.get((generation, parts))
        if found is None or found[0] <= monotonic():
            return None
        return found[1]

    def keep(self, generation: int, parts: Hashable, html: str, timeout: int) -> None:
        with self._lock:
            self._copies = {key: copy for key, copy in self._copies.items() if key[0] == generation}
            self._copies[(generation, parts)] = (monotonic() + timeout, html)


_process_copies = _ProcessCopies()


def _kept_html(parts: tuple[Hashable, ...], build: Callable[[], str]) -> str:
    timeout: int = settings.LOJISTA_CATALOG_CACHE_SECONDS
    try:
        generation = listing_generation() if timeout > 0 else None
    except cache_errors():
        generation = None  # cached_listing logs the outage and builds afresh
    if generation is not None and (html := _process_copies.get(generation, parts)) is not None:
        return html
    html = cached_listing(parts, build)
    if generation is not None:
        _process_copies.keep(generation, parts, html, timeout)
    return html


def anonymous_page(request: HttpRequest, render: Render) -> HttpResponse:
    """The page ``render(extra_context)`` draws, kept for an anonymous visit
    (``is_anonymous_visit``), else rendered for this request."""
    if not is_anonymous_visit(request):
        return render({})
    placeholder = _csrf_placeholder()

    def build() -> str:
        response = render({"csrf_token": placeholder})
        if response.status_code != 200:
            raise _NotTheSame(response)
        return response.content.decode()

    try:
        html = _kept_html(("storefront-page", request.path, get_language()), build)
    except _NotTheSame as uncached:
        response = uncached.response
        response.content = response.content.replace(placeholder.encode(), get_token(request).encode())
        return response
    return HttpResponse(html.replace(placeholder, get_token(request)))


def shop_settings_changed(**kwargs: Any) -> None:
    """The shop's settings saved or deleted (post_save, post_delete): the
    kept pages show its name."""
    listing_changed()

"""The storefront as an installable app: the web app manifest, the service
worker (served from the site's root so it may control every page) and the
page it shows when the network is gone. See docs/storefront.md, "The app"."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from lojista.core.selectors import shop_name

THEME_COLOUR = "#0b6e4f"  # storefront.css --accent
BACKGROUND_COLOUR = "#ffffff"
# Bump when the list of files the service worker keeps changes shape; the
# worker's own bytes change with it, so browsers install the new one.
CACHE_VERSION = "1"

# What the service worker keeps at install: the offline page and the shell's
# static files. Pages are never kept except the offline page.
PRECACHED_STATIC = (
    "storefront/storefront.css",
    "storefront/storefront.js",
    "django_htmx/htmx-2.min.js",
    "storefront/icons/icon-192.png",
)
# Static folders whose files the worker keeps once fetched (the storefront's
# own; the back office's are left to the browser).
CACHED_STATIC_FOLDERS = ("storefront/", "django_htmx/")
# Paths the worker never answers from its cache nor stores (the network or
# nothing): whatever is personal or changes state.
NEVER_CACHED = (
    "/cart/",
    "/checkout/",
    "/account/",
    "/orders/",
    "/language/",
    "/api/",
    "/backoffice/",
)


def _short_name(name: str) -> str:
    """At most 12 characters (a home screen's label): the first word(s) that fit."""
    if len(name) <= 12:
        return name
    words, short = name.split(), ""
    for word in words:
        candidate = f"{short} {word}".strip()
        if len(candidate) > 12:
            break
        short = candidate
    return short or name[:12]


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    name = shop_name()
    data = {
        "name": name,
        "short_name": _short_name(name),
        "description": _("Shop at %(shop)s from your phone's home screen.") % {"shop": name},
        "lang": get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["shopping"],
        "icons": [
            {
                "src": static("storefront/icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {
                "src": static("storefront/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker's script, revalidated on every check (browsers look for a
    new worker at each navigation; the ``no-cache`` makes them see it)."""
    # No request in its context: the worker is the same for everyone (no
    # cart, no account looked up).
    script = render_to_string(
        "storefront/app/sw.js",
        {
            "config": json.dumps(
                {
                    "cache": f"lojista-storefront-v{CACHE_VERSION}",
                    "offline": reverse("storefront:offline"),
                    "precached": [static(path) for path in PRECACHED_STATIC],
                    "neverCached": NEVER_CACHED,
                    "static": [static(folder) for folder in CACHED_STATIC_FOLDERS],
                },
                indent=2,
            )
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/app/offline.html", {"shop_name": shop_name()})

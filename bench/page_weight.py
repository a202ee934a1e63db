"""Page weight: the bytes a browser downloads for the storefront's product
page and cart page — the HTML and every stylesheet and script it links
(images left out), each gzip-compressed as a compressing proxy or WhiteNoise's
pre-compressed files serve it. Target (issue 12): under 100 KB per page.

`python bench/page_weight.py` (or `make bench`): the demo shop is seeded in a
throw-away database; the product page is the first product the home page
links (a product that exists in the demo data when the home page links none);
the cart holds two demo products. Prints one line per page and resource.
"""

import gzip
import io
import logging
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django, test_database

TARGET = 100 * 1024
HTML_LEVEL = 6  # nginx's and most proxies' usual gzip level
STATIC_LEVEL = 9  # WhiteNoise's pre-compressed .gz files


class Resources(HTMLParser):
    """The stylesheets and scripts a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        elif tag == "link" and "stylesheet" in (found.get("rel") or "").split() and found.get("href"):
            self.urls.append(found["href"] or "")


def static_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = urlsplit(url).path
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not path.startswith(prefix):
        raise ValueError(f"not a static file of the shop: {url}")
    found = finders.find(path.removeprefix(prefix))
    if not found:
        raise FileNotFoundError(url)
    return Path(str(found)).read_bytes()


def weigh(client, path: str) -> dict[str, tuple[int, int]]:
    """{resource: (bytes, gzip bytes)} for the page at ``path`` and what it links."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    html = response.content
    sizes = {path: (len(html), len(gzip.compress(html, HTML_LEVEL)))}
    parser = Resources()
    parser.feed(html.decode())
    for url in dict.fromkeys(parser.urls):
        data = static_bytes(url)
        sizes[url] = (len(data), len(gzip.compress(data, STATIC_LEVEL)))
    return sizes


def product_path(client) -> str:
    from lojista.catalog.models import Product

    parser_links = [
        part.split('"', 1)[0] for part in client.get("/").content.decode().split('href="/products/')[1:]
    ]
    if parser_links:
        return f"/products/{parser_links[0]}"
    product = Product.objects.order_by("pk").first()
    return f"/products/{product.slug}/"


def run() -> dict[str, object]:
    from django.core.management import call_command
    from django.test import Client

    from lojista.carts.services import cart_create, cart_line_add
    from lojista.catalog.models import Variant
    from lojista.storefront.cart_session import COOKIE

    logging.disable(logging.INFO)  # the demo's emails, sent at once, log each task
    call_command("seed_demo", stdout=io.StringIO())
    logging.disable(logging.NOTSET)
    client = Client()
    figures: dict[str, object] = {}
    pages = {"product": product_path(client), "cart": "/cart/"}
    cart = cart_create()
    for variant in Variant.objects.order_by("pk")[:2]:
        cart_line_add(cart=cart, variant_id=variant.id, quantity=1)
    client.cookies[COOKIE] = cart.token
    for name, path in pages.items():
        try:
            sizes = weigh(client, path)
        except (RuntimeError, FileNotFoundError, ValueError) as error:
            figures[f"{name}: not measured"] = str(error)
            continue
        raw = sum(size for size, _gz in sizes.values())
        compressed = sum(gz for _size, gz in sizes.values())
        for url, (size, gz) in sizes.items():
            figures[f"{name}: {url}"] = f"{size:,} B, {gz:,} B gzip"
        figures[f"{name}: total"] = (
            f"{raw / 1024:.1f} KB, {compressed / 1024:.1f} KB gzip "
            f"({'under' if compressed < TARGET else 'OVER'} the 100 KB target)"
        )
    return figures


if __name__ == "__main__":
    setup_django()
    with test_database() as vendor:
        for figure, value in run().items():
            print(f"page_weight  {vendor:10} {figure:60} {value}")

"""The catalog as customers see it: the home page (the shop's published
products), search, and a product's page with its variant picker and the
"Add to cart" form (posted to the cart's view, ``/cart/add/``).

The views call the selectors the JSON API calls (``catalog.selectors``
with ``inventory.selectors.with_availability``) and only decide how to show
what they return: a price or "from €x", and a stock badge ("In stock",
"Only 3 left", "Out of stock"; "only N left" from LOJISTA_LOW_STOCK_THRESHOLD
units down)."""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lojista.catalog import selectors
from lojista.catalog.errors import ProductNotFound
from lojista.catalog.listing_cache import cached_listing
from lojista.catalog.models import Product, Variant
from lojista.core.errors import InvalidInput
from lojista.inventory.selectors import available_quantity, with_availability
from lojista.storefront.page_cache import anonymous_page

PAGE_SIZE = 24
MAX_QUERY_LENGTH = 200  # the API's limit on ``q``
DESCRIPTION_LENGTH = 160  # a search result's snippet


# Stock, as a badge ------------------------------------------------------------


@dataclass(frozen=True)
class StockStatus:
    """What a customer is told of a variant's (or a product's) stock."""

    available: int | None  # None: not tracked, never runs out
    label: str
    tone: str  # the badge's class: ok, warn or bad

    @property
    def in_stock(self) -> bool:
        return self.available is None or self.available > 0


def stock_status(available: int | None) -> StockStatus:
    """ "In stock", "Only N left" (N at or under the low-stock threshold) or
    "Out of stock", for ``available`` units (None: not tracked)."""
    if available is not None and available <= 0:
        return StockStatus(available=0, label=_("Out of stock"), tone="bad")
    if available is not None and available <= settings.LOJISTA_LOW_STOCK_THRESHOLD:
        return StockStatus(
            available=available, label=_("Only %(count)d left") % {"count": available}, tone="warn"
        )
    return StockStatus(available=available, label=_("In stock"), tone="ok")


def _variants_of(product: Product) -> list[Variant]:
    return product.published_variants  # type: ignore[attr-defined,no-any-return]


def _product_stock(variants: list[Variant]) -> StockStatus:
    """A product's badge: in stock if any variant is untracked, else from the
    units left over all its variants (so "Only 2 left" means two in all)."""
    quantities = [available_quantity(variant) for variant in variants]
    if not variants or any(quantity is None for quantity in quantities):
        return stock_status(None if variants else 0)
    return stock_status(sum(quantity or 0 for quantity in quantities))


# The product cards of the home page and search --------------------------------


@dataclass(frozen=True)
class ProductCard:
    product: Product
    image: str
    price: Decimal | None  # the lowest price of its variants; None: none published
    price_varies: bool  # "from €x"
    stock: StockStatus


def product_card(product: Product) -> ProductCard:
    variants = _variants_of(product)
    # "from €x": the lowest price one can buy at, while any variant can be bought.
    buyable = [variant for variant in variants if stock_status(available_quantity(variant)).in_stock]
    prices = [variant.price for variant in buyable or variants]
    return ProductCard(
        product=product,
        image=product.images[0] if product.images else "",
        price=min(prices, default=None),
        price_varies=len(set(prices)) > 1,
        stock=_product_stock(variants),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": gettext_lazy("Your search is too long: use at most %(limit_value)d characters.")
        },
    )
    cursor = forms.CharField(required=False, max_length=500)


def _listing(request: HttpRequest, *, searching: bool, extra: dict[str, Any] | None = None) -> HttpResponse:
    # The home page lists everything, whatever ``q`` it is sent.
    form = SearchForm(request.GET if searching else {"cursor": request.GET.get("cursor", "")})
    status = 200
    if not form.is_valid():
        # Said above the list; the fields that are valid still apply.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        status = 400
    q = form.cleaned_data.get("q", "").strip()
    cursor = form.cleaned_data.get("cursor") or None
    query_too_long = "q" in form.errors

    def results(page_cursor: str | None) -> str:
        variants = with_availability(Variant.objects.all())
        page = selectors.product_page(q=q, cursor=page_cursor, limit=PAGE_SIZE, variants=variants)
        context = {
            "cards": [product_card(product) for product in page.items],
            "next_cursor": page.next_cursor,
            "cursor": cursor,
            "q": q,
            "query_too_long": query_too_long,
        }
        return render_to_string("storefront/catalog/_results.html", context)

    try:
        if q:
            html = results(cursor)
        else:
            # Everything, as every visitor sees it: kept (catalog.listing_cache).
            key = ("storefront", get_language(), query_too_long, cursor)
            html = cached_listing(key, lambda: results(cursor))
    except InvalidInput:
        # A page link edited by hand: the first page, and why.
        messages.error(request, _("That page link is not valid any more; here is the first page."))
        html = results(None)
        status = 400
    # The template's own output (a copy from the cache is a plain str).
    context = {
        "results": mark_safe(html),  # noqa: S308 - our template's output
        "cursor": cursor,
        "q": q,
        "searching": searching,
        "query_too_long": query_too_long,
        **(extra or {}),
    }
    return render(request, "storefront/catalog/listing.html", context, status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # A first-time visitor's home is every such visitor's: kept whole (page_cache).
    return anonymous_page(request, lambda extra: _listing(request, searching=False, extra=extra))


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    return _listing(request, searching=True)


# A product's page -------------------------------------------------------------


@dataclass(frozen=True)
class VariantChoice:
    """A variant in the picker: its label, price, stock and the most units
    one order may hold (what the quantity input allows)."""

    variant: Variant
    label: str
    stock: StockStatus
    max_quantity: int
    selected: bool

    @property
    def limit_text(self) -> str:
        """ "At most 2 per order." when an order may hold only so many."""
        limit = self.variant.order_limit
        if limit is None:
            return ""
        return ngettext("At most %(limit)d per order.", "At most %(limit)d per order.", limit) % {
            "limit": limit
        }


def variant_label(variant: Variant) -> str:
    """ "M / Navy": the variant's name, else its option values, else its SKU."""
    if variant.name:
        return variant.name
    values = [str(value) for value in (variant.options or {}).values() if str(value)]
    return " / ".join(values) or variant.sku


def _max_quantity(variant: Variant) -> int:
    limit = variant.order_limit
    cart_limit: int = settings.LOJISTA_CART_MAX_LINE_QUANTITY
    return min(limit, cart_limit) if limit is not None else cart_limit


def _wanted_variant(request: HttpRequest) -> int | None:
    raw = request.GET.get("variant", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def variant_choices(variants: list[Variant], wanted: int | None) -> list[VariantChoice]:
    """The picker's choices; the one selected is ``wanted`` when it can be
    bought, else the first in stock (none when all are out of stock)."""
    statuses = {variant.pk: stock_status(available_quantity(variant)) for variant in variants}
    buyable = [variant.pk for variant in variants if statuses[variant.pk].in_stock]
    selected = wanted if wanted in buyable else (buyable[0] if buyable else None)
    return [
        VariantChoice(
            variant=variant,
            label=variant_label(variant),
            stock=statuses[variant.pk],
            max_quantity=_max_quantity(variant),
            selected=variant.pk == selected,
        )
        for variant in variants
    ]


# The options of the demo and the usual ones, in the customer's language; any
# other is shown as the merchant named it.
OPTION_NAMES = {
    "size": gettext_lazy("Size"),
    "colour": gettext_lazy("Colour"),
    "color": gettext_lazy("Colour"),
    "material": gettext_lazy("Material"),
    "scent": gettext_lazy("Scent"),
    "grind": gettext_lazy("Grind"),
    "weight": gettext_lazy("Weight"),
}


def option_names(variants: list[Variant]) -> list[str]:
    """The options the variants differ by ("Size", "Colour"), in order."""
    names: list[str] = []
    for variant in variants:
        for name in variant.options or {}:
            label = str(OPTION_NAMES.get(str(name).lower(), str(name)))
            label = label[:1].upper() + label[1:]
            if label not in names:
                names.append(label)
    return names


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def product_json_ld(request: HttpRequest, product: Product, choices: list[VariantChoice]) -> SafeString:
    """schema.org's Product with an Offer per variant, for search engines;
    safe inside a <script> element (``<``, ``>`` and ``&`` escaped)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "image": [request.build_absolute_uri(image) for image in product.images],
        "offers": [
            {
                "@type": "Offer",
                "sku": choice.variant.sku,
                "name": choice.label,
                "price": str(choice.variant.price),
                "priceCurrency": settings.LOJISTA_CURRENCY,
                "availability": "https://schema.org/"
                + ("InStock" if choice.stock.in_stock else "OutOfStock"),
            }
            for choice in choices
        ],
    }
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - escaped above, like django.utils.html.json_script


@require_GET
def product(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.product_by_slug(slug=slug, variants=with_availability(Variant.objects.all()))
    except ProductNotFound:
        return render(request, "storefront/catalog/not_found.html", status=404)
    variants = _variants_of(found)
    choices = variant_choices(variants, _wanted_variant(request))
    selected = next((choice for choice in choices if choice.selected), None)
    prices = [variant.price for variant in variants]
    context = {
        "product": found,
        "choices": choices,
        "selected": selected,
        # Without JavaScript the input cannot follow the choice: it allows the
        # most any choice does, and the cart refuses more than the variant's.
        "quantity_max": max((c.max_quantity for c in choices if c.stock.in_stock), default=1),
        "option_names": option_names(variants),
        "lowest_price": min(prices, default=None),
        "price_varies": len(set(prices)) > 1,
        "stock": _product_stock(variants),
        "json_ld": product_json_ld(request, found, choices),
    }
    return render(request, "storefront/catalog/product.html", context)

"""Reads of the published catalog, with each variant's live availability."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lojista.catalog.errors import ProductNotFound
from lojista.catalog.models import Product, Variant
from lojista.core.pagination import decode_cursor, encode_cursor
from lojista.inventory.selectors import available_quantity, with_availability


@dataclass(frozen=True)
class ProductPage:
    items: list[Product]
    next_cursor: str | None


def published_variants_prefetch() -> Prefetch:
    """Published variants, annotated with availability, as ``product.published_variants``.

    Built per call: the availability annotation compares reservations with
    "now", which must be the time of the request, not of the import.
    """
    variants = with_availability(Variant.objects.filter(is_published=True))
    return Prefetch("variants", queryset=variants, to_attr="published_variants")


def published_products() -> QuerySet[Product]:
    return Product.objects.filter(is_published=True).prefetch_related(published_variants_prefetch())


def matching(products: QuerySet[Product], q: str) -> QuerySet[Product]:
    """Products whose name or description, or a published variant's SKU or
    name, contains ``q`` (case-insensitive). ``Exists`` rather than a join
    keeps each product once without ``DISTINCT``."""
    variant_matches = Variant.objects.filter(product=OuterRef("pk"), is_published=True).filter(
        Q(sku__icontains=q) | Q(name__icontains=q)
    )
    return products.filter(Q(name__icontains=q) | Q(description__icontains=q) | Exists(variant_matches))


def product_page(*, q: str = "", cursor: str | None = None, limit: int = 20) -> ProductPage:
    """One page of published products, newest first, keyset-paginated on id."""
    products = published_products().order_by("-id")
    if q:
        products = matching(products, q)
    if cursor:
        position = decode_cursor(cursor, keys={"id": int})
        products = products.filter(id__lt=position["id"])
    # One extra row tells whether a next page exists without a COUNT query.
    rows = list(products[: limit + 1])
    items = rows[:limit]
    has_more = len(rows) > limit
    return ProductPage(items=items, next_cursor=encode_cursor({"id": items[-1].id}) if has_more else None)


def product_by_slug(*, slug: str) -> Product:
    product = published_products().filter(slug=slug).first()
    if product is None:
        raise ProductNotFound()
    return product


def is_in_stock(variant: Variant) -> bool:
    """Untracked variants never run out; tracked ones need an available unit."""
    quantity = available_quantity(variant)
    return quantity is None or quantity > 0

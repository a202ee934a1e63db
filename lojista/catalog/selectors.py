"""Reads of the published catalog.

Catalog knows nothing of stock (inventory sits above it): a caller that shows
availability passes ``variants``, the variant queryset to prefetch, annotated
by ``inventory.selectors.with_availability``.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lojista.catalog.errors import ProductNotFound
from lojista.catalog.models import Product, Variant
from lojista.core.pagination import decode_cursor, encode_cursor


@dataclass(frozen=True)
class ProductPage:
    items: list[Product]
    next_cursor: str | None


def published_variants_prefetch(variants: QuerySet[Variant] | None = None) -> Prefetch:
    """The published ones of ``variants`` (default: all) as ``product.published_variants``.

    Built per call: an availability annotation compares reservations with
    "now", which must be the time of the request, not of the import.
    """
    queryset = (Variant.objects.all() if variants is None else variants).filter(is_published=True)
    return Prefetch("variants", queryset=queryset, to_attr="published_variants")


def published_products(variants: QuerySet[Variant] | None = None) -> QuerySet[Product]:
    return Product.objects.filter(is_published=True).prefetch_related(published_variants_prefetch(variants))


def matching(products: QuerySet[Product], q: str) -> QuerySet[Product]:
    """Products whose name or description, or a published variant's SKU or
    name, contains ``q`` (case-insensitive). ``Exists`` rather than a join
    keeps each product once without ``DISTINCT``."""
    variant_matches = Variant.objects.filter(product=OuterRef("pk"), is_published=True).filter(
        Q(sku__icontains=q) | Q(name__icontains=q)
    )
    return products.filter(Q(name__icontains=q) | Q(description__icontains=q) | Exists(variant_matches))


def product_page(
    *, q: str = "", cursor: str | None = None, limit: int = 20, variants: QuerySet[Variant] | None = None
) -> ProductPage:
    """One page of published products, newest first, keyset-paginated on id."""
    products = published_products(variants).order_by("-id")
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


def product_by_slug(*, slug: str, variants: QuerySet[Variant] | None = None) -> Product:
    product = published_products(variants).filter(slug=slug).first()
    if product is None:
        raise ProductNotFound()
    return product

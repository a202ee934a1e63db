"""Reads of the published catalog.

Catalog knows nothing of stock (inventory sits above it): a caller that shows
availability passes ``variants``, the variant queryset to prefetch, annotated
by ``inventory.selectors.with_availability``.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lojista.catalog.errors import ProductNotFound
from lojista.catalog.models import Product, Variant
from lojista.core.pagination import Page, keyset_page

ProductPage = Page[Product]


def published_variants_prefetch(variants: QuerySet[Variant] | None = None) -> Prefetch:
    """The published ones of ``variants`` (default: all) as ``product.published_variants``.

    Built per call: an availability annotation compares reservations with
    "now", which must be the time of the request, not of the import.
    """
    queryset = (Variant.objects.all() if variants is None else variants).filter(is_published=True)
    return Prefetch("variants", queryset=queryset, to_attr="published_variants")


def published_products(variants: QuerySet[Variant] | None = None) -> QuerySet[Product]:
    return Product.objects.filter(is_published=True).prefetch_related(published_variants_prefetch(variants))


def matching(
    products: QuerySet[Product], q: str, *, published_variants_only: bool = True
) -> QuerySet[Product]:
    """Products whose name or description, or a published variant's SKU or
    name, contains ``q`` (case-insensitive); staff also find a product by
    an unpublished variant (``published_variants_only`` False). ``Exists``
    rather than a join keeps each product once without ``DISTINCT``."""
    variants = Variant.objects.filter(product=OuterRef("pk"))
    if published_variants_only:
        variants = variants.filter(is_published=True)
    variant_matches = variants.filter(Q(sku__icontains=q) | Q(name__icontains=q))
    return products.filter(Q(name__icontains=q) | Q(description__icontains=q) | Exists(variant_matches))


def product_page(
    *, q: str = "", cursor: str | None = None, limit: int = 20, variants: QuerySet[Variant] | None = None
) -> ProductPage:
    """One page of published products, newest first (the highest id first)."""
    products = published_products(variants)
    if q:
        products = matching(products, q)
    return keyset_page(products, order=("-id",), cursor=cursor, limit=limit)


def product_by_slug(*, slug: str, variants: QuerySet[Variant] | None = None) -> Product:
    product = published_products(variants).filter(slug=slug).first()
    if product is None:
        raise ProductNotFound()
    return product

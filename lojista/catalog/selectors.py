"""Reads of the published catalog, with each variant's live availability."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lojista.catalog.errors import ProductNotFound
from lojista.catalog.models import Product, Variant
from lojista.core.pagination import Page, keyset_page
from lojista.inventory.selectors import available_quantity, with_availability

ProductPage = Page[Product]


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
    """One page of published products, newest first (the highest id first)."""
    products = published_products()
    if q:
        products = matching(products, q)
    return keyset_page(products, order=("-id",), cursor=cursor, limit=limit)


def product_by_slug(*, slug: str) -> Product:
    product = published_products().filter(slug=slug).first()
    if product is None:
        raise ProductNotFound()
    return product


def is_in_stock(variant: Variant) -> bool:
    """Untracked variants never run out; tracked ones need an available unit."""
    quantity = available_quantity(variant)
    return quantity is None or quantity > 0

"""Catalog rows for tests, created directly in the database."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from lojista.catalog.models import Product, Variant
from lojista.inventory.models import Reservation, Stock

_serial = count(1)


def make_product(name: str = "Camiseta", *, is_published: bool = True, **fields) -> Product:
    number = next(_serial)
    fields.setdefault("slug", f"product-{number}")
    return Product.objects.create(name=name, is_published=is_published, **fields)


def make_variant(
    product: Product,
    *,
    price: str = "10.00",
    stock: int | None = None,
    **fields,
) -> Variant:
    """A variant; ``stock`` creates its Stock row with that quantity on hand."""
    fields.setdefault("sku", f"SKU-{next(_serial)}")
    variant = Variant.objects.create(product=product, price=Decimal(price), **fields)
    if stock is not None:
        Stock.objects.create(variant=variant, quantity=stock)
    return variant


def hold(variant: Variant, quantity: int, *, minutes: int, key: str = "") -> Reservation:
    """A reservation expiring ``minutes`` from now (negative: already expired)."""
    return Reservation.objects.create(
        variant=variant,
        key=key or f"checkout:{next(_serial)}",
        quantity=quantity,
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )

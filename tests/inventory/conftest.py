"""Variants with stock for the inventory tests."""

from decimal import Decimal
from itertools import count

import pytest

from lojista.catalog.models import Product, Variant
from lojista.inventory.models import Stock

_skus = count(1)


@pytest.fixture
def make_variant(db):
    """``make_variant(on_hand=5)`` -> a tracked variant with 5 units on hand;
    ``on_hand=None`` leaves it without a Stock row; ``track_stock=False`` untracked."""
    product = Product.objects.create(name="Linen Shirt", slug=f"linen-shirt-{next(_skus)}")

    def make(on_hand: int | None = 0, *, track_stock: bool = True) -> Variant:
        number = next(_skus)
        variant = Variant.objects.create(
            product=product,
            name=f"Size {number}",
            sku=f"SKU-{number}",
            price=Decimal("10.00"),
            track_stock=track_stock,
        )
        if on_hand is not None:
            Stock.objects.create(variant=variant, quantity=on_hand)
        return variant

    return make

"""The product as the API shows it, with live availability (a presentation
module may read the selectors of inventory: decision 5)."""

from typing import Any

from ninja import Field, Schema

from lojista.catalog.models import Product, Variant
from lojista.core.schemas import Money
from lojista.inventory.selectors import available_quantity, is_in_stock


class VariantOut(Schema):
    id: int
    sku: str
    name: str
    options: dict[str, Any]
    price: Money
    in_stock: bool
    available_quantity: int | None
    max_per_order: int | None = Field(
        description="The most units one order may hold (the variant's own or the shop's); null: no limit."
    )

    @staticmethod
    def resolve_price(variant: Variant) -> Money:
        return Money.of(variant.price)

    @staticmethod
    def resolve_in_stock(variant: Variant) -> bool:
        return is_in_stock(variant)

    @staticmethod
    def resolve_available_quantity(variant: Variant) -> int | None:
        return available_quantity(variant)

    @staticmethod
    def resolve_max_per_order(variant: Variant) -> int | None:
        return variant.order_limit


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    images: list[str]
    variants: list[VariantOut]

    @staticmethod
    def resolve_variants(product: Product) -> list[Variant]:
        return product.published_variants  # type: ignore[attr-defined]


class ProductPageOut(Schema):
    items: list[ProductOut]
    next_cursor: str | None

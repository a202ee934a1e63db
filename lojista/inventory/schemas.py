"""Request and response bodies of the stock endpoints."""

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from lojista.core.schemas import InputSchema, WholeNumber

MAX_UNITS = 1_000_000


class StockSetIn(InputSchema):
    quantity: WholeNumber = Field(ge=0, le=MAX_UNITS)


class StockAdjustIn(InputSchema):
    delta: WholeNumber = Field(ge=-MAX_UNITS, le=MAX_UNITS)

    @field_validator("delta")
    @classmethod
    def not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError(_("The adjustment cannot be zero."))
        return delta


class VariantStockOut(Schema):
    id: int
    sku: str
    name: str
    product_slug: str
    track_stock: bool
    on_hand: int
    reserved: int
    available_quantity: int | None

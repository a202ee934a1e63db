"""Request and response bodies of the stock endpoints."""

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import StrictInt, field_validator

from lojista.core.schemas import InputSchema

MAX_UNITS = 1_000_000


class StockSetIn(InputSchema):
    # StrictInt: 2.5, "3" and true are refused, not coerced into a count.
    quantity: StrictInt = Field(ge=0, le=MAX_UNITS)


class StockAdjustIn(InputSchema):
    delta: StrictInt = Field(ge=-MAX_UNITS, le=MAX_UNITS)

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

"""Request and response bodies of the stock endpoints."""

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from lojista.core.schemas import InputSchema, WholeNumber
from lojista.inventory.models import StockMovement

MAX_UNITS = 1_000_000


REASON_DESCRIPTION = "Why the stock changed, kept in the variant's stock history: one of " + ", ".join(
    StockMovement.STAFF_REASONS
)


class StockSetIn(InputSchema):
    quantity: WholeNumber = Field(ge=0, le=MAX_UNITS)
    reason: str = Field(StockMovement.Reason.COUNT, description=REASON_DESCRIPTION)
    note: str = Field("", max_length=200, description="A free note for the stock history.")


class StockAdjustIn(InputSchema):
    delta: WholeNumber = Field(ge=-MAX_UNITS, le=MAX_UNITS)
    reason: str = Field(StockMovement.Reason.OTHER, description=REASON_DESCRIPTION)
    note: str = Field("", max_length=200, description="A free note for the stock history.")

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

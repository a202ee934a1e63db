"""The cart as the API shows it, and what clients send to change it."""

from django.conf import settings
from ninja import Field, Schema

from lojista.carts.selectors import CartView, LineView
from lojista.core.schemas import InputSchema, Money, WholeNumber

# Ids are bigints: a larger number could not name a row.
MAX_ID = 2**63 - 1


class LineAddIn(InputSchema):
    variant_id: WholeNumber = Field(ge=1, le=MAX_ID)
    quantity: WholeNumber = Field(ge=1, le=settings.LOJISTA_CART_MAX_LINE_QUANTITY)


class LineQuantityIn(InputSchema):
    quantity: WholeNumber = Field(
        ge=0, le=settings.LOJISTA_CART_MAX_LINE_QUANTITY, description="0 removes the line."
    )


class CartLineOut(Schema):
    id: int
    variant_id: int | None = Field(description="null once the variant was deleted.")
    product_name: str
    variant_name: str
    sku: str
    unit_price: Money
    requested_quantity: int = Field(description="What the customer asked for, whatever the stock.")
    quantity: int = Field(
        description="What can be bought now: 0 when out of stock, the stock left when short."
    )
    line_total: Money
    available: bool
    problem: str | None = Field(
        description='null, "out_of_stock", "insufficient_stock", "price_changed" (once), "unavailable" '
        'or "above_max_per_order" (buys nothing until lowered to the maximum per order).'
    )
    message: str | None

    @staticmethod
    def resolve_unit_price(line: LineView) -> Money:
        return Money.of(line.unit_price)

    @staticmethod
    def resolve_line_total(line: LineView) -> Money:
        return Money.of(line.line_total)


class CartOut(Schema):
    token: str
    status: str = Field(
        description='"open", "merged" (into a customer\'s cart) or "converted" (checked out).'
    )
    lines: list[CartLineOut]
    item_count: int = Field(description="Units that can be bought now.")
    subtotal: Money = Field(description="What can be bought now: the sum of the line totals.")
    currency: str
    checkoutable: bool = Field(
        description="False while the cart is empty or closed, or a line is out of stock, unavailable "
        "or above the maximum per order."
    )
    messages: list[str]

    @staticmethod
    def resolve_subtotal(cart: CartView) -> Money:
        return Money.of(cart.subtotal)

"""The checkout as the API shows it, and what clients send to start one.

Clients send who and where, never prices: every input schema (InputSchema)
forbids fields it does not name, so a `total` in the body is refused rather
than ignored. The input schemas hold types and lengths, for the OpenAPI
document; the email, address and country are cleaned and checked by
``services.checkout_start``, which a web form calls too.
"""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from lojista.checkout.models import Checkout, CheckoutLine
from lojista.checkout.payment_methods import offered_payment_methods
from lojista.checkout.selectors import ShippingOption
from lojista.checkout.services import ADDRESS_MAX_LENGTHS, EMAIL_MAX_LENGTH, UTM_MAX_LENGTH
from lojista.core.schemas import EMAIL_FORMAT, InputSchema, Money


class AddressOut(Schema):
    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str
    phone: str


class PickupContactOut(Schema):
    """A pickup order's "address": who collects it and how to reach them."""

    name: str
    phone: str


# Two shapes, by the kind of the shipping method: a delivery method's full
# address; for a method of kind "pickup", just ``name`` and ``phone``.
ADDRESS_DOC = (
    "For a delivery method: name, line1, city, postal_code and country are required. For a method "
    "whose `kind` is `pickup`: just `name` and `phone` (both required); other fields sent are dropped."
)


class AddressIn(InputSchema):
    name: str | None = Field(default=None, max_length=ADDRESS_MAX_LENGTHS["name"], description="Required.")
    line1: str | None = Field(
        default=None, max_length=ADDRESS_MAX_LENGTHS["line1"], description="Required for delivery."
    )
    line2: str | None = Field(default=None, max_length=ADDRESS_MAX_LENGTHS["line2"])
    city: str | None = Field(
        default=None, max_length=ADDRESS_MAX_LENGTHS["city"], description="Required for delivery."
    )
    postal_code: str | None = Field(
        default=None, max_length=ADDRESS_MAX_LENGTHS["postal_code"], description="Required for delivery."
    )
    country: str | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 code, e.g. PT (any case). Required for delivery.",
        json_schema_extra={"pattern": "^[A-Za-z]{2}$"},
    )
    phone: str | None = Field(
        default=None, max_length=ADDRESS_MAX_LENGTHS["phone"], description="Required for pickup."
    )


class CheckoutIn(InputSchema):
    email: str = Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra=EMAIL_FORMAT)
    shipping_address: AddressIn = Field(description=ADDRESS_DOC)
    shipping_method: str = Field(min_length=1, max_length=50, description="The `code` of a shipping method.")
    utm_source: str | None = Field(default=None, max_length=UTM_MAX_LENGTH)
    utm_medium: str | None = Field(default=None, max_length=UTM_MAX_LENGTH)


class ShippingMethodOut(Schema):
    code: str
    name: str = Field(description="In the request's language when the shop wrote it, else in the shop's.")
    description: str = Field(description="Like name; may be empty.")
    kind: Literal["delivery", "pickup"] = Field(
        description='"pickup": collected at the shop; checkout then asks for just a name and a phone.'
    )
    pickup_location: str | None = Field(description="Where a pickup order is collected; null for delivery.")
    pickup_details: str | None = Field(
        description="Opening hours and how to collect (pickup); null for delivery."
    )
    price: Money = Field(description="With a cart_token: what it costs for that cart (0 above free_above).")
    free_above: Money | None = Field(description="Free for a subtotal at least this; null: never free.")

    @staticmethod
    def resolve_price(option: ShippingOption) -> Money:
        return Money.of(option.price)

    @staticmethod
    def resolve_free_above(option: ShippingOption) -> Money | None:
        return Money.of(option.free_above) if option.free_above is not None else None


class ChosenShippingOut(Schema):
    code: str
    name: str
    kind: Literal["delivery", "pickup"]
    pickup_location: str | None = Field(description="Where the order is collected; null for delivery.")
    pickup_details: str | None = Field(description="Opening hours and how to collect; null for delivery.")
    price: Money = Field(description="What this checkout pays for shipping.")


class CheckoutLineOut(Schema):
    variant_id: int | None = Field(description="null once the variant was deleted.")
    product_name: str
    variant_name: str
    sku: str
    unit_price: Money
    quantity: int
    line_total: Money

    @staticmethod
    def resolve_unit_price(line: CheckoutLine) -> Money:
        return Money.of(line.unit_price)

    @staticmethod
    def resolve_line_total(line: CheckoutLine) -> Money:
        return Money.of(line.line_total)


class CheckoutOut(Schema):
    id: UUID
    status: Literal["open", "expired", "completed", "outdated"] = Field(
        description='"expired": still open, but its stock hold ran out; completing it holds the stock again '
        'if it is still there. "outdated": the cart changed, start a new checkout.'
    )
    email: str
    shipping_address: AddressOut | PickupContactOut = Field(
        description="The full address for delivery; just `name` and `phone` for pickup."
    )
    shipping_method: ChosenShippingOut
    lines: list[CheckoutLineOut]
    subtotal: Money
    shipping: Money
    total: Money
    currency: str
    expires_at: datetime = Field(description="Stock is held until then.")
    payment_methods: list[str]
    stripe_publishable_key: str | None = Field(
        description="The key the app's Stripe SDK needs to collect a card, when Stripe is offered."
    )
    order_number: int | None = Field(description="The order this checkout became, once completed.")

    @staticmethod
    def resolve_status(checkout: Checkout) -> str:
        return "expired" if checkout.is_expired else checkout.status

    @staticmethod
    def resolve_shipping_method(checkout: Checkout) -> dict[str, Any]:
        method = checkout.shipping_method
        return {
            "code": method.code,
            "name": method.text("name"),
            "kind": method.kind,
            "pickup_location": method.pickup_location if method.is_pickup else None,
            "pickup_details": method.pickup_details if method.is_pickup else None,
            "price": Money.of(checkout.shipping_price, checkout.currency),
        }

    @staticmethod
    def resolve_lines(checkout: Checkout) -> list[CheckoutLine]:
        return sorted(checkout.lines.all(), key=lambda line: line.pk)

    @staticmethod
    def resolve_subtotal(checkout: Checkout) -> Money:
        return Money.of(checkout.subtotal, checkout.currency)

    @staticmethod
    def resolve_shipping(checkout: Checkout) -> Money:
        return Money.of(checkout.shipping_price, checkout.currency)

    @staticmethod
    def resolve_total(checkout: Checkout) -> Money:
        return Money.of(checkout.total, checkout.currency)

    @staticmethod
    def resolve_payment_methods(checkout: Checkout) -> list[str]:
        return offered_payment_methods()

    @staticmethod
    def resolve_stripe_publishable_key(checkout: Checkout) -> str | None:
        if "stripe" not in offered_payment_methods():
            return None
        return settings.STRIPE_PUBLISHABLE_KEY or None

    @staticmethod
    def resolve_order_number(checkout: Checkout) -> int | None:
        # Only a completed checkout has an order; checkout does not import
        # orders (it sits below it), so the reverse relation is read by name.
        if checkout.status != Checkout.Status.COMPLETED:
            return None
        try:
            order = getattr(checkout, "order", None)
        except ObjectDoesNotExist:
            return None
        return getattr(order, "number", None)

"""The checkout as the API shows it, and what clients send to start one.

Clients send who and where, never prices: every input schema (InputSchema)
forbids fields it does not name, so a `total` in the body is refused rather
than ignored.
"""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from lojista.checkout.models import Checkout, CheckoutLine
from lojista.checkout.payment_methods import offered_payment_methods
from lojista.checkout.selectors import ShippingOption
from lojista.core.schemas import EMAIL_FORMAT, InputSchema, Money

STRIPPED_INPUT = ConfigDict(str_strip_whitespace=True)


def _blank_for_null(value: Any) -> Any:
    """Optional text may come as null (many JSON encoders write it): store ""."""
    return "" if value is None else value


class AddressOut(Schema):
    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str
    phone: str


class AddressIn(InputSchema):
    model_config = STRIPPED_INPUT

    name: str = Field(min_length=1, max_length=150)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field(
        description="ISO 3166-1 alpha-2 code, e.g. PT (any case).",
        json_schema_extra={"pattern": "^[A-Za-z]{2}$"},
    )
    phone: str = Field(default="", max_length=32)

    _optional_text = field_validator("line2", "phone", mode="before")(_blank_for_null)

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if len(value) != 2 or not (value.isascii() and value.isalpha()):
            raise PydanticCustomError("country_code", _("Enter a two-letter country code, such as PT."))
        return value.upper()


class CheckoutIn(InputSchema):
    model_config = STRIPPED_INPUT

    email: str = Field(max_length=254, json_schema_extra=EMAIL_FORMAT)
    shipping_address: AddressIn
    shipping_method: str = Field(min_length=1, max_length=50, description="The `code` of a shipping method.")
    utm_source: str = Field(default="", max_length=100)
    utm_medium: str = Field(default="", max_length=100)

    _optional_text = field_validator("utm_source", "utm_medium", mode="before")(_blank_for_null)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise PydanticCustomError("email", str(exc.messages[0])) from None
        return BaseUserManager.normalize_email(value)


class ShippingMethodOut(Schema):
    code: str
    name: str
    kind: Literal["delivery", "pickup"]
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
    shipping_address: AddressOut
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
            "name": method.name,
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

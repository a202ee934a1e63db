"""Reads of checkout: shipping methods and their price, and a checkout for
whoever asks (the payment methods on offer are in payment_methods.py)."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import Prefetch

from lojista.carts.models import Cart
from lojista.carts.selectors import cart_view
from lojista.checkout.errors import CheckoutNotFound
from lojista.checkout.models import Checkout, CheckoutLine, ShippingMethod, ShippingZone
from lojista.core.prefetch import remember_related
from lojista.customers.models import User

FREE = Decimal("0.00")


@dataclass(frozen=True)
class ShippingOption:
    code: str
    name: str
    description: str
    kind: str
    price: Decimal
    free_above: Decimal | None
    pickup_location: str | None  # None for delivery methods
    pickup_details: str | None


def zone_serves(zone: ShippingZone, country: str) -> bool:
    """Whether ``zone`` includes ``country`` (codes compared case-insensitively,
    as staff may type them either way in the admin)."""
    return country.upper() in {code.upper() for code in zone.countries}


def shipping_price(*, method: ShippingMethod, subtotal: Decimal) -> Decimal:
    """What ``method`` costs for a cart worth ``subtotal``: nothing from its
    free-shipping threshold up."""
    if method.free_above is not None and subtotal >= method.free_above:
        return FREE
    return method.price


def method_serves(method: ShippingMethod, country: str | None) -> bool:
    """Whether a customer in ``country`` may choose ``method``: a pickup
    method serves everyone (they come to the shop, wherever they live), a
    delivery method the countries of its zone. Without a country, only pickup."""
    if method.is_pickup:
        return True
    return country is not None and zone_serves(method.zone, country)


def shipping_methods_for_country(*, country: str | None) -> list[ShippingMethod]:
    """Active methods serving ``country`` (method_serves), cheapest first. Zones
    are few: they are filtered here, as SQLite cannot search a JSON list."""
    methods = (
        ShippingMethod.objects.filter(is_active=True).select_related("zone").order_by("price", "name", "pk")
    )
    return [method for method in methods if method_serves(method, country)]


def shipping_options(*, country: str | None, subtotal: Decimal | None = None) -> list[ShippingOption]:
    """The methods serving ``country`` with their price, the effective price
    for a cart worth ``subtotal`` when one is given."""
    return [
        ShippingOption(
            code=method.code,
            name=method.text("name"),
            description=method.text("description"),
            kind=method.kind,
            price=method.price if subtotal is None else shipping_price(method=method, subtotal=subtotal),
            free_above=method.free_above,
            pickup_location=method.pickup_location if method.is_pickup else None,
            pickup_details=method.pickup_details if method.is_pickup else None,
        )
        for method in shipping_methods_for_country(country=country)
    ]


def shipping_options_for_cart(*, country: str | None, cart: Cart | None) -> list[ShippingOption]:
    """``shipping_options`` priced for what ``cart`` can buy now (free
    shipping applied); list prices without a cart. Showing the methods is
    not showing the cart: no visit is recorded."""
    subtotal = cart_view(cart=cart).subtotal if cart is not None else None
    return shipping_options(country=country, subtotal=subtotal)


def _checkout_pk(checkout_id: str | UUID) -> UUID:
    if isinstance(checkout_id, UUID):
        return checkout_id
    try:
        return UUID(checkout_id)
    except ValueError:
        raise CheckoutNotFound() from None


def checkout_for_viewer(*, checkout_id: str | UUID, viewer: User | None) -> Checkout:
    """The checkout ``checkout_id`` names, with its lines, shipping method and cart,
    if ``viewer`` may see it: a guest checkout is open to whoever holds its id,
    a customer's only to that customer. Malformed, unknown and someone else's
    ids all answer the same 404."""
    checkout = (
        Checkout.objects.select_related("shipping_method", "cart")
        .filter(pk=_checkout_pk(checkout_id))
        .first()
    )
    if checkout is None or (
        checkout.customer_id is not None and (viewer is None or viewer.pk != checkout.customer_id)
    ):
        raise CheckoutNotFound()
    # Read as prefetch_related would, without its machinery (issue 14).
    remember_related(checkout, lines=CheckoutLine.objects.filter(checkout_id=checkout.pk).order_by("pk"))
    return checkout


def checkout_email(*, checkout_id: str | UUID) -> str:
    """The email typed in checkout ``checkout_id`` ("" when there is none),
    whoever it belongs to: for prefilling a form sent to that address."""
    try:
        pk = _checkout_pk(checkout_id)
    except CheckoutNotFound:
        return ""
    return Checkout.objects.filter(pk=pk).values_list("email", flat=True).first() or ""


def shipping_zones() -> list[ShippingZone]:
    """Every zone with all its methods, active or not (the back office's
    shipping settings): zones by name, methods by price."""
    methods = Prefetch("methods", queryset=ShippingMethod.objects.order_by("price", "name", "pk"))
    return list(ShippingZone.objects.prefetch_related(methods).order_by("name", "pk"))

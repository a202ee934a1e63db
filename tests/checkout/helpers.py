"""Carts, shipping and requests a checkout client makes, shared by the checkout tests."""

from typing import Any

from django.test import Client

from lojista.carts.models import Cart
from lojista.carts.services import cart_create, cart_line_add
from lojista.catalog.models import Variant
from lojista.inventory.models import Reservation

SHIPPING_METHODS = "/api/v1/shipping-methods"
CHECKOUTS = "/api/v1/checkouts"

ADDRESS = {
    "name": "Ana Souza",
    "line1": "Rua Augusta 10",
    "city": "Lisboa",
    "postal_code": "1100-053",
    "country": "PT",
}


# The fixture's pickup method (conftest.shipping), and what its customer gives.
PICKUP_LOCATION = "Rua da Prata 80, 1100-420 Lisboa"
PICKUP_DETAILS = "Mon-Fri 10:00-19:00\nSat 10:00-13:00"
PICKUP_CONTACT = {"name": "Ana Souza", "phone": "+351 912 345 678"}


def pickup_body(**overrides: Any) -> dict[str, Any]:
    """A checkout body choosing the pickup method: a name and a phone, no address."""
    return body(**{"shipping_address": dict(PICKUP_CONTACT), "shipping_method": "pickup-lisbon", **overrides})


def cart_with(*items: tuple[Variant, int], customer=None) -> Cart:
    """A cart holding ``quantity`` of each variant, filled as the API fills it."""
    cart = cart_create(customer=customer)
    for variant, quantity in items:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": "ana@example.com",
        "shipping_address": dict(ADDRESS),
        "shipping_method": "pt-standard",
    }
    data.update(overrides)
    return data


def start(api: Client, token: str, data: dict[str, Any] | None = None, **extra):
    return api.post(
        f"/api/v1/carts/{token}/checkout",
        data if data is not None else body(),
        content_type="application/json",
        **extra,
    )


def start_ok(api: Client, token: str, data: dict[str, Any] | None = None, **extra) -> dict[str, Any]:
    response = start(api, token, data, **extra)
    assert response.status_code == 201, response.content
    return response.json()


def holds(key: str) -> dict[int, int]:
    return dict(Reservation.objects.filter(key=key).values_list("variant_id", "quantity"))

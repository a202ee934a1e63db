"""A tiny shop and the customer's journey through the public API, for
completion tests: every step goes through HTTP endpoints, as an app would."""

import uuid
from decimal import Decimal

from lojista.checkout.models import ShippingMethod, ShippingZone
from tests.catalog.factories import make_product, make_variant

ADDRESS = {
    "name": "Ana Souza",
    "line1": "Rua Augusta 100",
    "city": "Lisboa",
    "postal_code": "1100-053",
    "country": "PT",
}


def open_shop() -> None:
    zone = ShippingZone.objects.create(name="Portugal", countries=["PT"])
    ShippingMethod.objects.create(
        zone=zone, code="standard", name="Standard", price=Decimal("4.90"), free_above=Decimal("50.00")
    )


def variant_with_stock(quantity: int, *, price: str = "12.50", name: str = "Caneca"):
    return make_variant(make_product(name), price=price, stock=quantity)


def new_cart(client, lines: dict, headers=None) -> str:
    """A cart holding ``lines`` ({variant: quantity}); its token."""
    headers = headers or {}
    if headers:
        token = client.get("/api/v1/me/cart", headers=headers).json()["token"]
    else:
        token = client.post("/api/v1/carts").json()["token"]
    for variant, quantity in lines.items():
        response = client.post(
            f"/api/v1/carts/{token}/lines",
            {"variant_id": variant.pk, "quantity": quantity},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content
    return token


def start_checkout(client, cart_token: str, headers=None, **extra):
    body = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": "standard", **extra}
    return client.post(
        f"/api/v1/carts/{cart_token}/checkout", body, content_type="application/json", headers=headers or {}
    )


def complete(
    client, checkout_id: str, *, key: str | None = None, method: str = "test", token="tok_visa", headers=None
):
    body = {"payment_method": method}
    if token is not None:
        body["payment_token"] = token
    all_headers = dict(headers or {})
    all_headers["Idempotency-Key"] = key or str(uuid.uuid4())
    return client.post(
        f"/api/v1/checkouts/{checkout_id}/complete",
        body,
        content_type="application/json",
        headers=all_headers,
    )

"""Requests a cart client makes, shared by the cart tests."""

from django.test import Client

CARTS = "/api/v1/carts"
MY_CART = "/api/v1/me/cart"


def new_cart(api: Client, **headers) -> dict:
    response = api.post(CARTS, **headers)
    assert response.status_code == 201, response.content
    return response.json()


def get_cart(api: Client, token: str, **extra):
    return api.get(f"{CARTS}/{token}", **extra)


def add(api: Client, token: str, variant_id, quantity, **extra):
    body = {"variant_id": variant_id, "quantity": quantity}
    return api.post(f"{CARTS}/{token}/lines", body, content_type="application/json", **extra)


def set_quantity(api: Client, token: str, line_id, quantity, **extra):
    body = {"quantity": quantity}
    return api.patch(f"{CARTS}/{token}/lines/{line_id}", body, content_type="application/json", **extra)


def remove(api: Client, token: str, line_id, **extra):
    return api.delete(f"{CARTS}/{token}/lines/{line_id}", **extra)


def line_of(cart: dict, variant) -> dict:
    [line] = [line for line in cart["lines"] if line["variant_id"] == variant.pk]
    return line

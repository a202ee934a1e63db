"""checkout_start checks what the customer typed itself, as a web form will
call it: the same errors, with the same field names, as the API's."""

from typing import Any

import pytest

from lojista.checkout.models import Checkout
from lojista.checkout.services import checkout_start
from lojista.core.errors import InvalidInput
from lojista.inventory.models import Reservation
from tests.checkout.helpers import ADDRESS, body, cart_with, start

pytestmark = pytest.mark.django_db

REQUIRED = ["This field is required."]
COUNTRY = ["Enter a two-letter country code, such as PT."]
EMAIL = ["Enter a valid email address."]


def start_directly(cart, **overrides: Any) -> Checkout:
    data = {
        "email": "ana@example.com",
        "shipping_address": dict(ADDRESS),
        "shipping_method_code": "pt-standard",
        **overrides,
    }
    return checkout_start(cart=cart, customer=None, **data)


def refused_fields(cart, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        start_directly(cart, **overrides)
    assert not Checkout.objects.exists()
    assert not Reservation.objects.exists()
    return refused.value.details["fields"]


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"email": "not-an-email"}, {"email": EMAIL}),
        ({"email": "   "}, {"email": REQUIRED}),
        (
            {"email": "a" * 250 + "@x.pt"},
            {"email": ["Ensure this value has at most 254 characters (it has 255)."]},
        ),
        ({"shipping_address": {**ADDRESS, "name": "  "}}, {"shipping_address.name": REQUIRED}),
        (
            {"shipping_address": {**ADDRESS, "postal_code": "1" * 21}},
            {"shipping_address.postal_code": ["Ensure this value has at most 20 characters (it has 21)."]},
        ),
        ({"shipping_address": {**ADDRESS, "country": "Portugal"}}, {"shipping_address.country": COUNTRY}),
        ({"shipping_address": {**ADDRESS, "country": "1é"}}, {"shipping_address.country": COUNTRY}),
        ({"shipping_method_code": " "}, {"shipping_method": REQUIRED}),
        (
            {"utm_source": "x" * 101},
            {"utm_source": ["Ensure this value has at most 100 characters (it has 101)."]},
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(shipping, shirt, overrides, fields):
    cart = cart_with((shirt, 1))

    assert refused_fields(cart, **overrides) == fields


def test_a_missing_address_field_is_required(shipping, shirt):
    cart = cart_with((shirt, 1))

    fields = refused_fields(cart, shipping_address={"line2": "2º esq."})

    assert fields == {
        f"shipping_address.{field}": COUNTRY if field == "country" else REQUIRED
        for field in ["name", "line1", "city", "postal_code", "country"]
    }


def test_every_field_at_fault_is_named_at_once(shipping, shirt):
    cart = cart_with((shirt, 1))

    fields = refused_fields(
        cart,
        email="ana@",
        shipping_address={**ADDRESS, "city": "", "country": "PRT"},
        shipping_method_code="",
    )

    assert set(fields) == {"email", "shipping_address.city", "shipping_address.country", "shipping_method"}


def test_what_was_typed_is_cleaned_before_it_is_kept(shipping, shirt):
    cart = cart_with((shirt, 1))
    address = {
        "name": "  Ana Souza ",
        "line1": "Rua Augusta 10 ",
        "line2": None,
        "city": " Lisboa",
        "postal_code": "1100-053",
        "country": " pt ",
        "note": "not an address field",
    }

    checkout = start_directly(
        cart,
        email=" Ana@EXAMPLE.com ",
        shipping_address=address,
        shipping_method_code=" pt-standard ",
        utm_source=None,
        utm_medium=" email ",
    )

    checkout.refresh_from_db()
    assert checkout.email == "Ana@example.com"
    assert checkout.shipping_address == {**ADDRESS, "line2": "", "phone": ""}
    assert (checkout.utm_source, checkout.utm_medium) == ("", "email")


@pytest.mark.parametrize(
    ("overrides", "address"),
    [
        ({"email": "ana@example"}, {}),
        ({"email": " "}, {}),
        ({}, {"name": "   "}),
        ({}, {"country": "P1"}),
        ({}, {"country": "Portugal", "city": " "}),
    ],
)
def test_the_api_answers_the_services_errors(api, shipping, shirt, overrides, address):
    """What the schema lets through (types and lengths), the service judges:
    a form calling it gets the errors the API answers."""
    cart = cart_with((shirt, 1))
    shipping_address = {**ADDRESS, **address}

    response = start(api, cart.token, body(shipping_address=shipping_address, **overrides))

    assert response.status_code == 422
    assert response.json()["details"]["fields"] == refused_fields(
        cart, shipping_address=shipping_address, **overrides
    )

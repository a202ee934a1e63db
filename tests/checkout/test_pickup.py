"""Checkout with a pickup method: a name, an email and a phone, no postal
address; and the order it becomes, which keeps the pickup point as it was."""

import pytest

from lojista.carts.models import Cart
from lojista.checkout.models import Checkout, ShippingMethod
from lojista.inventory.models import Reservation
from lojista.orders.models import Order
from tests.checkout.helpers import (
    ADDRESS,
    PICKUP_CONTACT,
    PICKUP_DETAILS,
    PICKUP_LOCATION,
    body,
    cart_with,
    pickup_body,
    start,
    start_ok,
)
from tests.completion.shop import complete

pytestmark = pytest.mark.django_db


def nothing_was_created(cart: Cart) -> bool:
    return not Checkout.objects.exists() and not Reservation.objects.filter(key=f"cart:{cart.pk}").exists()


def test_pickup_needs_just_a_name_and_a_phone(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    checkout = start_ok(api, cart.token, pickup_body())

    assert checkout["shipping_address"] == PICKUP_CONTACT
    assert checkout["shipping_method"] == {
        "code": "pickup-lisbon",
        "name": "Lisbon shop",
        "kind": "pickup",
        "pickup_location": PICKUP_LOCATION,
        "pickup_details": PICKUP_DETAILS,
        "price": {"amount": "1.50", "currency": "EUR"},
    }
    assert Checkout.objects.get().shipping_address == PICKUP_CONTACT


def test_pickup_without_a_phone_is_refused_naming_it(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, pickup_body(shipping_address={"name": "Ana Souza"}))

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == ["shipping_address.phone"]
    assert nothing_was_created(cart)


def test_pickup_without_a_name_or_a_phone_names_both(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, pickup_body(shipping_address={"name": " ", "phone": ""}))

    assert response.status_code == 422
    assert set(response.json()["details"]["fields"]) == {"shipping_address.name", "shipping_address.phone"}
    assert nothing_was_created(cart)


def test_a_too_long_phone_is_refused(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, pickup_body(shipping_address={"name": "Ana", "phone": "1" * 33}))

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == ["shipping_address.phone"]


def test_a_home_address_sent_for_pickup_is_dropped(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    checkout = start_ok(api, cart.token, pickup_body(shipping_address={**ADDRESS, "phone": "912 345 678"}))

    assert checkout["shipping_address"] == {"name": "Ana Souza", "phone": "912 345 678"}


@pytest.mark.parametrize("country", ["BR", "us", None])
def test_pickup_is_offered_whatever_the_customers_country(api, shipping, shirt, country):
    cart = cart_with((shirt, 1))
    contact = {**PICKUP_CONTACT, "country": country} if country else PICKUP_CONTACT

    response = start(api, cart.token, pickup_body(shipping_address=contact))

    assert response.status_code == 201, response.content


def test_delivery_still_needs_a_full_address(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_address=dict(PICKUP_CONTACT)))

    assert response.status_code == 422
    assert set(response.json()["details"]["fields"]) == {
        f"shipping_address.{field}" for field in ["line1", "city", "postal_code", "country"]
    }


# Completing calls the payment gateway, which must run outside any transaction.
@pytest.mark.django_db(transaction=True)
def test_a_pickup_order_keeps_the_pickup_point_it_was_placed_with(
    api, shipping, shirt, customer, customer_headers
):
    cart = cart_with((shirt, 1), customer=customer)
    checkout = start_ok(api, cart.token, pickup_body(), headers=customer_headers)
    placed = complete(api, checkout["id"], headers=customer_headers)
    assert placed.status_code == 201, placed.content
    assert placed.json()["order"]["fulfilment"] == "pickup"
    number = placed.json()["order"]["number"]
    ShippingMethod.objects.filter(code="pickup-lisbon").update(pickup_location="Elsewhere", pickup_details="")

    order = api.get(f"/api/v1/me/orders/{number}", headers=customer_headers).json()

    assert order["fulfilment"] == "pickup"
    assert order["pickup_location"] == PICKUP_LOCATION
    assert order["pickup_details"] == PICKUP_DETAILS
    assert order["shipping_address"] == PICKUP_CONTACT
    assert order["status"] == "pending"


# Completing calls the payment gateway, which must run outside any transaction.
@pytest.mark.django_db(transaction=True)
def test_the_staff_read_shows_a_pickup_order(api, shipping, shirt, staff_headers):
    cart = cart_with((shirt, 1))
    checkout = start_ok(api, cart.token, pickup_body())
    number = complete(api, checkout["id"]).json()["order"]["number"]

    order = api.get(f"/api/v1/admin/orders/{number}", headers=staff_headers).json()

    assert (order["fulfilment"], order["pickup_location"]) == ("pickup", PICKUP_LOCATION)
    assert order["shipping_address"] == PICKUP_CONTACT


# Completing calls the payment gateway, which must run outside any transaction.
@pytest.mark.django_db(transaction=True)
def test_a_shipped_order_says_so_and_has_no_pickup_point(api, shipping, shirt):
    cart = cart_with((shirt, 1))
    checkout = start_ok(api, cart.token)
    complete(api, checkout["id"])

    order = Order.objects.get()

    assert (order.fulfilment, order.pickup_location, order.pickup_details) == ("shipping", "", "")


def test_a_pickup_method_needs_its_location_in_the_admin(shipping):
    method = shipping["pickup-lisbon"]
    method.pickup_location = "  "

    with pytest.raises(Exception, match="collect their orders"):
        method.full_clean()

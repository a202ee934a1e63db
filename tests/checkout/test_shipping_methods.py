"""GET /shipping-methods: what reaches a country, and what it costs a cart."""

import pytest

from lojista.carts.models import Cart
from lojista.checkout.models import ShippingMethod
from tests.checkout.helpers import PICKUP_DETAILS, PICKUP_LOCATION, SHIPPING_METHODS, cart_with

pytestmark = pytest.mark.django_db


def prices(response) -> dict[str, str]:
    return {method["code"]: method["price"]["amount"] for method in response.json()}


def test_a_country_gets_its_zones_active_methods_cheapest_first(api, shipping):
    response = api.get(SHIPPING_METHODS, {"country": "PT"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "pickup-lisbon",
            "name": "Lisbon shop",
            "description": "",
            "kind": "pickup",
            "price": {"amount": "1.50", "currency": "EUR"},
            "free_above": None,
            "pickup_location": PICKUP_LOCATION,
            "pickup_details": PICKUP_DETAILS,
        },
        {
            "code": "pt-standard",
            "name": "Standard",
            "description": "",
            "kind": "delivery",
            "price": {"amount": "4.90", "currency": "EUR"},
            "free_above": {"amount": "50.00", "currency": "EUR"},
            "pickup_location": None,
            "pickup_details": None,
        },
        {
            "code": "pt-express",
            "name": "Express",
            "description": "",
            "kind": "delivery",
            "price": {"amount": "9.90", "currency": "EUR"},
            "free_above": None,
            "pickup_location": None,
            "pickup_details": None,
        },
    ]


@pytest.mark.parametrize("country", ["fr", "FR", "Fr", "es"])
def test_the_country_is_matched_whatever_its_case(api, shipping, country):
    response = api.get(SHIPPING_METHODS, {"country": country})

    assert [method["code"] for method in response.json()] == ["pickup-lisbon", "eu-standard"]


def test_a_country_no_zone_serves_gets_just_the_pickup_methods(api, shipping):
    response = api.get(SHIPPING_METHODS, {"country": "BR"})

    assert response.status_code == 200
    assert [method["code"] for method in response.json()] == ["pickup-lisbon"]


def test_an_unserved_country_gets_an_empty_list_in_a_shop_without_pickup(api, shipping):
    ShippingMethod.objects.filter(kind="pickup").update(is_active=False)

    response = api.get(SHIPPING_METHODS, {"country": "BR"})

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("country", ["PRT", "P", "P1", "", "ÁB"])
def test_a_malformed_country_is_refused(api, shipping, country):
    response = api.get(SHIPPING_METHODS, {"country": country})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "country" in response.json()["details"]["fields"]


def test_without_a_country_only_the_pickup_methods_are_listed(api, shipping):
    response = api.get(SHIPPING_METHODS)

    assert response.status_code == 200
    assert [(method["code"], method["kind"]) for method in response.json()] == [("pickup-lisbon", "pickup")]


def test_a_cart_below_the_threshold_pays_the_price(api, shipping, shirt):
    cart = cart_with((shirt, 1))  # 25.00

    response = api.get(SHIPPING_METHODS, {"country": "PT", "cart_token": cart.token})

    assert prices(response) == {"pickup-lisbon": "1.50", "pt-standard": "4.90", "pt-express": "9.90"}


def test_a_cart_at_the_threshold_ships_free(api, shipping, shirt):
    cart = cart_with((shirt, 2))  # 50.00

    response = api.get(SHIPPING_METHODS, {"country": "PT", "cart_token": cart.token})

    assert prices(response) == {"pickup-lisbon": "1.50", "pt-standard": "0.00", "pt-express": "9.90"}
    assert response.json()[1]["free_above"] == {"amount": "50.00", "currency": "EUR"}


def test_the_threshold_counts_only_what_can_be_bought_now(api, shipping, shirt):
    cart = cart_with((shirt, 3))  # 75.00 wanted
    shirt.stock.quantity = 1  # 25.00 buyable
    shirt.stock.save()

    response = api.get(SHIPPING_METHODS, {"country": "PT", "cart_token": cart.token})

    assert prices(response)["pt-standard"] == "4.90"


def test_another_customers_cart_is_not_found(api, shipping, customer, shirt):
    cart = cart_with((shirt, 2), customer=customer)

    response = api.get(SHIPPING_METHODS, {"country": "PT", "cart_token": cart.token})

    assert response.status_code == 404


def test_a_customer_prices_their_own_cart_with_their_bearer(api, shipping, customer, customer_headers, shirt):
    cart = cart_with((shirt, 2), customer=customer)

    response = api.get(
        SHIPPING_METHODS, {"country": "PT", "cart_token": cart.token}, headers=customer_headers
    )

    assert prices(response)["pt-standard"] == "0.00"


@pytest.mark.parametrize("token", ["no-such-cart", "bad token!", "x" * 500])
def test_an_unknown_or_malformed_cart_token_is_not_found(api, shipping, token):
    Cart.objects.create()

    response = api.get(SHIPPING_METHODS, {"country": "PT", "cart_token": token})

    assert response.status_code == 404


def test_names_and_descriptions_follow_the_request_language(api, shipping):
    from lojista.checkout.models import ShippingMethod

    ShippingMethod.objects.filter(code="pt-standard").update(
        description="2\u20133 working days",
        translations={"pt-br": {"name": "Padrão", "description": "2 a 3 dias úteis"}},
    )

    english = api.get(SHIPPING_METHODS, {"country": "PT"}).json()
    portuguese = api.get(SHIPPING_METHODS, {"country": "PT"}, headers={"accept-language": "pt-BR"}).json()

    by_code = {method["code"]: method for method in portuguese}
    standard_pt = by_code["pt-standard"]
    assert (standard_pt["name"], standard_pt["description"]) == ("Padrão", "2 a 3 dias úteis")
    assert by_code["pickup-lisbon"]["name"] == "Lisbon shop"  # no translation: the shop's language
    [standard] = [method for method in english if method["code"] == "pt-standard"]
    assert (standard["name"], standard["description"]) == ("Standard", "2\u20133 working days")

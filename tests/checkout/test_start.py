"""POST /carts/{token}/checkout: a priced snapshot of the cart, its stock held."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import bearer
from lojista.carts import selectors as cart_selectors
from lojista.carts.models import Cart
from lojista.checkout import services
from lojista.checkout.models import Checkout
from lojista.customers.models import ApiToken, User
from lojista.inventory.models import Reservation
from tests.catalog.factories import hold, make_product, make_variant
from tests.checkout.helpers import ADDRESS, body, cart_with, holds, pickup_body, start, start_ok

pytestmark = pytest.mark.django_db


def nothing_was_created(cart: Cart) -> bool:
    return not Checkout.objects.exists() and not Reservation.objects.filter(key=f"cart:{cart.pk}").exists()


def test_a_guest_checks_out_and_the_stock_is_held(api, shipping, shirt, mug):
    cart = cart_with((shirt, 2), (mug, 1))
    before = timezone.now()

    checkout = start_ok(api, cart.token, body(utm_source="newsletter", utm_medium="email"))

    assert checkout["status"] == "open"
    assert checkout["email"] == "ana@example.com"
    assert checkout["shipping_address"] == {**ADDRESS, "line2": "", "phone": ""}
    assert checkout["shipping_method"] == {
        "code": "pt-standard",
        "name": "Standard",
        "kind": "delivery",
        "pickup_location": None,
        "pickup_details": None,
        "price": {"amount": "0.00", "currency": "EUR"},
    }
    assert checkout["lines"] == [
        {
            "variant_id": shirt.pk,
            "product_name": "Camiseta",
            "variant_name": "M",
            "sku": shirt.sku,
            "unit_price": {"amount": "25.00", "currency": "EUR"},
            "quantity": 2,
            "line_total": {"amount": "50.00", "currency": "EUR"},
        },
        {
            "variant_id": mug.pk,
            "product_name": "Caneca",
            "variant_name": "",
            "sku": mug.sku,
            "unit_price": {"amount": "12.50", "currency": "EUR"},
            "quantity": 1,
            "line_total": {"amount": "12.50", "currency": "EUR"},
        },
    ]
    assert checkout["subtotal"] == {"amount": "62.50", "currency": "EUR"}
    assert checkout["shipping"] == {"amount": "0.00", "currency": "EUR"}
    assert checkout["total"] == {"amount": "62.50", "currency": "EUR"}
    assert checkout["currency"] == "EUR"
    assert checkout["payment_methods"] == ["offline", "test"]
    assert checkout["order_number"] is None

    row = Checkout.objects.get(pk=checkout["id"])
    assert row.customer is None
    assert row.cart == cart
    assert (row.utm_source, row.utm_medium, row.language) == ("newsletter", "email", "en")
    assert row.total == Decimal("62.50")
    hold_minutes = timedelta(minutes=60)
    assert before + hold_minutes <= row.expires_at <= timezone.now() + hold_minutes
    reservations = Reservation.objects.filter(key=f"cart:{cart.pk}")
    assert {(r.variant_id, r.quantity, r.expires_at) for r in reservations} == {
        (shirt.pk, 2, row.expires_at),
        (mug.pk, 1, row.expires_at),
    }


def test_a_customer_checks_out_their_own_cart(api, shipping, customer, customer_headers, shirt):
    cart = cart_with((shirt, 1), customer=customer)

    checkout = start_ok(api, cart.token, headers=customer_headers)

    assert Checkout.objects.get(pk=checkout["id"]).customer == customer


def test_a_customer_checking_out_a_guest_cart_owns_the_checkout(
    api, shipping, customer, customer_headers, shirt
):
    cart = cart_with((shirt, 1))

    checkout = start_ok(api, cart.token, headers=customer_headers)

    assert Checkout.objects.get(pk=checkout["id"]).customer == customer


@pytest.mark.parametrize("as_someone_else", [True, False])
def test_another_customers_cart_is_not_found(api, shipping, customer, shirt, as_someone_else):
    cart = cart_with((shirt, 1), customer=customer)
    other = User.objects.create_user("bia@example.com", "another long password", name="Bia")
    headers = bearer(ApiToken.issue(other)) if as_someone_else else {}

    response = start(api, cart.token, headers=headers)

    assert response.status_code == 404
    assert nothing_was_created(cart)


def test_an_unknown_cart_is_not_found(api, shipping):
    assert start(api, "no-such-cart").status_code == 404


@pytest.mark.parametrize("field", ["total", "subtotal", "shipping", "lines", "currency"])
def test_prices_sent_by_the_client_are_refused(api, shipping, shirt, field):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(**{field: "0.01"}))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert list(response.json()["details"]["fields"]) == [field]
    assert nothing_was_created(cart)


def test_an_unknown_address_field_is_refused(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_address={**ADDRESS, "price": "0"}))

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == ["shipping_address.price"]


def test_missing_address_fields_are_named(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_address={"line2": "2º esq."}))

    assert response.status_code == 422
    assert set(response.json()["details"]["fields"]) == {
        f"shipping_address.{field}" for field in ["name", "line1", "city", "postal_code", "country"]
    }
    assert nothing_was_created(cart)


@pytest.mark.parametrize("missing", ["email", "shipping_address", "shipping_method"])
def test_missing_top_level_fields_are_named(api, shipping, shirt, missing):
    cart = cart_with((shirt, 1))
    data = body()
    del data[missing]

    response = start(api, cart.token, data)

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == [missing]


@pytest.mark.parametrize(
    "address",
    [
        {**ADDRESS, "name": "   "},
        {**ADDRESS, "name": "x" * 151},
        {**ADDRESS, "line1": "x" * 201},
        {**ADDRESS, "postal_code": "1" * 21},
        {**ADDRESS, "phone": "9" * 33},
    ],
)
def test_blank_and_overlong_address_fields_are_refused(api, shipping, shirt, address):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_address=address))

    assert response.status_code == 422
    assert nothing_was_created(cart)


@pytest.mark.parametrize("country", ["Portugal", "P", "12", "", "PTX"])
def test_a_country_that_is_not_a_two_letter_code_is_refused(api, shipping, shirt, country):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_address={**ADDRESS, "country": country}))

    assert response.status_code == 422
    assert response.json()["details"]["fields"] == {
        "shipping_address.country": ["Enter a two-letter country code, such as PT."]
    }


def test_the_country_is_stored_upper_case_and_optional_fields_may_be_null(api, shipping, shirt):
    cart = cart_with((shirt, 1))
    address = {**ADDRESS, "country": "pt", "line2": None, "phone": None}

    checkout = start_ok(api, cart.token, body(shipping_address=address, utm_source=None))

    assert checkout["shipping_address"]["country"] == "PT"
    assert Checkout.objects.get().shipping_address == {**ADDRESS, "line2": "", "phone": ""}


@pytest.mark.parametrize(
    "email", ["not-an-email", "ana@", "@example.com", "ana@example", "a" * 250 + "@x.pt"]
)
def test_an_invalid_email_is_refused(api, shipping, shirt, email):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(email=email))

    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == ["email"]
    assert nothing_was_created(cart)


def test_the_invalid_email_message_is_in_the_customers_language(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(email="nope"), headers={"Accept-Language": "pt-BR"})

    assert response.json()["details"]["fields"]["email"] == ["Informe um endereço de e-mail válido."]


def test_the_emails_domain_is_normalised(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    checkout = start_ok(api, cart.token, body(email="  Ana@EXAMPLE.com "))

    assert checkout["email"] == "Ana@example.com"


@pytest.mark.parametrize("code", ["no-such-method", "pt-old"])
def test_an_unknown_or_inactive_shipping_method_is_refused(api, shipping, shirt, code):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_method=code))

    assert response.status_code == 422
    assert response.json()["details"]["fields"] == {
        "shipping_method": ["There is no shipping method with this code."]
    }
    assert nothing_was_created(cart)


def test_a_method_that_does_not_serve_the_country_is_refused(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    response = start(api, cart.token, body(shipping_address={**ADDRESS, "country": "es"}))

    assert response.status_code == 422
    assert response.json()["details"]["fields"] == {
        "shipping_method": ["This shipping method is not available for ES."]
    }
    assert nothing_was_created(cart)


def test_an_empty_cart_cannot_be_checked_out(api, shipping):
    cart = Cart.objects.create()

    response = start(api, cart.token)

    assert response.status_code == 409
    assert response.json()["code"] == "cart_not_checkoutable"
    assert response.json()["message"] == "Your cart is empty."
    assert response.json()["details"] == {"lines": []}


@pytest.mark.parametrize("status", [Cart.Status.MERGED, Cart.Status.CONVERTED])
def test_a_closed_cart_cannot_be_checked_out(api, shipping, shirt, status):
    cart = cart_with((shirt, 1))
    Cart.objects.filter(pk=cart.pk).update(status=status)

    response = start(api, cart.token)

    assert response.status_code == 409
    assert response.json()["code"] == "cart_not_checkoutable"
    assert nothing_was_created(cart)


def test_an_out_of_stock_line_is_named_and_nothing_is_held(api, shipping, shirt, mug):
    cart = cart_with((shirt, 1), (mug, 2))
    mug.stock.quantity = 0
    mug.stock.save()
    mug_line = cart.lines.get(variant=mug)

    response = start(api, cart.token)

    assert response.status_code == 409
    assert response.json()["code"] == "cart_not_checkoutable"
    assert response.json()["details"] == {
        "lines": [{"line_id": mug_line.pk, "variant_id": mug.pk, "problem": "out_of_stock"}]
    }
    assert nothing_was_created(cart)


def test_an_unpublished_item_is_named_as_unavailable(api, shipping, shirt):
    cart = cart_with((shirt, 1))
    shirt.product.is_published = False
    shirt.product.save()

    response = start(api, cart.token)

    assert response.status_code == 409
    assert response.json()["details"]["lines"][0]["problem"] == "unavailable"


def test_a_line_short_of_stock_buys_what_is_left(api, shipping, shirt):
    cart = cart_with((shirt, 5))
    shirt.stock.quantity = 2
    shirt.stock.save()

    checkout = start_ok(api, cart.token)

    assert [line["quantity"] for line in checkout["lines"]] == [2]
    assert checkout["subtotal"]["amount"] == "50.00"
    assert holds(f"cart:{cart.pk}") == {shirt.pk: 2}


def test_units_held_by_another_checkout_are_not_sold_twice(api, shipping, shirt):
    hold(shirt, 9, minutes=30)
    cart = cart_with((shirt, 3))

    checkout = start_ok(api, cart.token)

    assert [line["quantity"] for line in checkout["lines"]] == [1]


def test_an_untracked_item_is_bought_but_not_held(api, shipping):
    ebook = make_variant(make_product("E-book"), price="7.00", track_stock=False)
    cart = cart_with((ebook, 3))

    checkout = start_ok(api, cart.token)

    assert checkout["total"]["amount"] == "25.90"
    assert holds(f"cart:{cart.pk}") == {}


@pytest.mark.parametrize(
    ("quantity", "shipping_amount", "total"),
    [(1, "4.90", "29.90"), (2, "0.00", "50.00"), (3, "0.00", "75.00")],
)
def test_standard_shipping_is_free_from_its_threshold(api, shipping, shirt, quantity, shipping_amount, total):
    cart = cart_with((shirt, quantity))

    checkout = start_ok(api, cart.token)

    assert checkout["shipping"]["amount"] == shipping_amount
    assert checkout["shipping_method"]["price"]["amount"] == shipping_amount
    assert checkout["total"]["amount"] == total


def test_a_method_without_threshold_always_costs_its_price(api, shipping, shirt):
    cart = cart_with((shirt, 4))

    checkout = start_ok(api, cart.token, body(shipping_method="pt-express"))

    assert checkout["shipping"]["amount"] == "9.90"
    assert checkout["total"]["amount"] == "109.90"


def test_pickup_costs_what_it_is_configured_to(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    checkout = start_ok(api, cart.token, pickup_body())

    assert checkout["shipping_method"]["code"] == "pickup-lisbon"
    assert checkout["shipping"]["amount"] == "1.50"
    assert checkout["total"]["amount"] == "26.50"


def test_the_checkout_keeps_its_prices_when_the_catalog_changes(api, shipping, shirt):
    cart = cart_with((shirt, 1))
    checkout = start_ok(api, cart.token)
    shirt.price = Decimal("99.00")
    shirt.save()

    again = api.get(f"/api/v1/checkouts/{checkout['id']}").json()

    assert again["lines"][0]["unit_price"]["amount"] == "25.00"
    assert again["total"]["amount"] == "29.90"


def test_the_checkout_is_priced_at_the_current_price(api, shipping, shirt):
    cart = cart_with((shirt, 1))
    shirt.price = Decimal("30.00")
    shirt.save()

    checkout = start_ok(api, cart.token)

    assert checkout["lines"][0]["unit_price"]["amount"] == "30.00"


def test_the_customers_language_is_kept(api, shipping, shirt):
    cart = cart_with((shirt, 1))

    start_ok(api, cart.token, headers={"Accept-Language": "pt-BR"})

    assert Checkout.objects.get().language == "pt-br"


def test_stock_taken_by_another_buyer_meanwhile_answers_insufficient_stock(api, shipping, shirt, monkeypatch):
    """The race: the cart looked fine, but another checkout held the last
    units before this one locked the stock."""
    cart = cart_with((shirt, 2))
    real_view = cart_selectors.cart_view

    def view_then_lose_the_race(*, cart):
        view = real_view(cart=cart)
        hold(shirt, 9, minutes=30, key="cart:someone-else")
        return view

    monkeypatch.setattr(services, "cart_view", view_then_lose_the_race)

    response = start(api, cart.token)

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["details"]["lines"] == [{"variant_id": shirt.pk, "requested": 2, "available": 1}]
    assert nothing_was_created(cart)

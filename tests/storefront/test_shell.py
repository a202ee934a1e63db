"""The storefront's shell: every page's header (shop name, cart count), the
language switch, source tracking and a cart cookie that names no cart."""

import pytest
from django.test import Client

from lojista.carts.services import cart_create, cart_line_add
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_shop():
    response = Client().get("/")

    assert response.status_code == 200
    assert "Lojista Demo Shop" in response.content.decode()


def test_the_header_counts_the_units_in_the_guests_cart():
    cart = cart_create()
    cart_line_add(cart=cart, variant_id=make_variant(make_product(), stock=5).id, quantity=3)
    client = Client()
    client.cookies[COOKIE] = cart.token

    page = client.get("/").content.decode()

    assert '<span class="cart-count" aria-label="3 items">3</span>' in page


@pytest.mark.parametrize("cookie", ["not-a-token", "x" * 500, "\x00"])
def test_a_cart_cookie_that_names_no_cart_is_an_empty_cart(cookie):
    client = Client()
    client.cookies[COOKIE] = cookie

    response = client.get("/")

    assert response.status_code == 200
    assert '<span class="cart-count" aria-label="0 items">0</span>' in response.content.decode()


def test_the_language_switch_sets_the_browsers_and_the_accounts_language(customer):
    client = Client()
    client.force_login(customer)

    response = client.post("/language/", {"language": "pt-br", "next": "/cart/"})

    assert response["Location"] == "/cart/"
    customer.refresh_from_db()
    assert customer.language == "pt-br"
    assert '<html lang="pt-br">' in client.get("/").content.decode()


def test_an_unknown_language_or_a_foreign_next_changes_nothing():
    client = Client()

    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})

    assert response["Location"] == "/"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_landing_source_is_kept_for_the_session():
    client = Client()

    client.get("/?utm_source=instagram&utm_medium=social")
    client.get("/cart/")

    assert client.session["utm"] == {"utm_source": "instagram", "utm_medium": "social"}


def test_a_source_too_long_or_with_control_characters_is_ignored():
    client = Client()

    client.get("/", {"utm_source": "x" * 101, "utm_medium": "a\x07b"})

    assert "utm" not in client.session

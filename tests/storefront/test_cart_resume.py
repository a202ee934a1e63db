"""The cart hand-off (carts.resume + storefront:cart_resume): what an app
that restored a cart (the abandoned-checkouts extension) redirects to."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lojista.carts.models import Cart
from lojista.carts.resume import cart_resume_read, cart_resume_token
from lojista.carts.services import cart_create, cart_line_add
from lojista.checkout.services import checkout_start
from lojista.inventory.models import Stock
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant
from tests.storefront.checkout_helpers import ADDRESS, open_shop

pytestmark = pytest.mark.django_db

WELCOME = "Welcome back: your cart is restored."


@pytest.fixture(autouse=True)
def shop(db):
    return open_shop()


@pytest.fixture
def mug():
    return make_variant(make_product("Caneca"), price="12.50", stock=10)


@pytest.fixture
def plate():
    return make_variant(make_product("Prato"), price="8.00", stock=10)


def cart_of(*items, customer=None) -> Cart:
    cart = cart_create(customer=customer)
    for variant, quantity in items:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def abandoned_checkout(cart: Cart, customer=None, **address):
    """A checkout typed for ``cart`` (the one a reminder is about)."""
    fields = {**ADDRESS, **address}
    email = fields.pop("email")
    return checkout_start(
        cart=cart,
        customer=customer,
        email=email,
        shipping_address=fields,
        shipping_method_code="pt-express",
    )


def resume_url(cart: Cart, checkout_id=None) -> str:
    return f"/cart/resume/{cart_resume_token(cart=cart, checkout_id=checkout_id)}/"


def quantities(cart: Cart) -> dict[str, int]:
    return {line.product_name: line.requested_quantity for line in cart.lines.all()}


def test_a_guest_gets_the_cart_and_lands_on_checkout_prefilled_from_the_checkout(mug):
    original = cart_of((mug, 2))
    checkout = abandoned_checkout(original, email="ana@example.com", city="Porto")
    restored = cart_of((mug, 2))
    browser = Client()

    response = browser.get(resume_url(restored, checkout.pk))

    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    assert browser.cookies[COOKIE].value == restored.token
    page = browser.get("/checkout/")
    assert page.status_code == 200
    body = page.content.decode()
    assert WELCOME in body
    assert 'value="ana@example.com"' in body and 'value="Porto"' in body and 'value="Rua Augusta 10"' in body
    assert page.context["chosen_method"] == "pt-express"


def test_the_prefill_is_for_the_restored_cart_only(mug, plate):
    checkout = abandoned_checkout(cart_of((mug, 1)), email="ana@example.com")
    browser = Client()
    browser.get(resume_url(cart_of((mug, 1)), checkout.pk))
    # The visitor then starts another cart in this browser: nothing to prefill there.
    browser.cookies[COOKIE] = cart_of((plate, 1)).token

    body = browser.get("/checkout/").content.decode()

    assert "ana@example.com" not in body and "Rua Augusta" not in body


def test_a_cart_that_cannot_be_bought_as_it_is_lands_on_the_cart_page_with_its_messages(mug, plate):
    restored = cart_of((mug, 2), (plate, 1))
    Stock.objects.filter(variant=plate).update(quantity=0)
    browser = Client()

    response = browser.get(resume_url(restored), follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    body = response.content.decode()
    assert WELCOME in body
    assert "Caneca" in body and "Prato" in body
    assert "Out of stock" in body or "out of stock" in body
    assert browser.cookies[COOKIE].value == restored.token


@pytest.mark.parametrize(
    ("mangle", "heading"),
    [
        (lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "This link doesn't work"),
        (lambda token: "nonsense", "This link doesn't work"),
    ],
)
def test_a_tampered_token_shows_a_friendly_page_and_changes_nothing(mug, mangle, heading):
    restored = cart_of((mug, 2))
    token = cart_resume_token(cart=restored)
    browser = Client()

    response = browser.get(f"/cart/resume/{mangle(token)}/")

    assert response.status_code == 400
    body = response.content.decode()
    assert heading in body and WELCOME not in body
    assert COOKIE not in response.cookies
    assert "storefront_checkout_prefill" not in browser.session


def test_an_expired_token_says_so_and_changes_nothing(mug):
    restored = cart_of((mug, 2))
    token = cart_resume_token(cart=restored)
    browser = Client()

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = browser.get(f"/cart/resume/{token}/")

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert COOKIE not in response.cookies


def test_a_token_for_a_cart_that_became_an_order_is_refused(mug):
    restored = cart_of((mug, 2))
    token = cart_resume_token(cart=restored)
    Cart.objects.filter(pk=restored.pk).update(status=Cart.Status.CONVERTED)

    response = Client().get(f"/cart/resume/{token}/")

    assert response.status_code == 400
    assert "already checked out" in response.content.decode()
    assert COOKIE not in response.cookies


def test_a_token_of_another_purpose_is_not_a_resume_token(mug):
    from django.core import signing

    restored = cart_of((mug, 1))
    forged = signing.dumps({"cart": restored.pk, "checkout": None}, salt="another.purpose")

    response = Client().get(f"/cart/resume/{forged}/")

    assert response.status_code == 400
    assert COOKIE not in response.cookies


def test_a_logged_in_customer_gets_the_lines_in_their_own_cart_without_doubling(customer, mug, plate):
    own = cart_of((mug, 2), customer=customer)
    browser = Client()
    browser.force_login(customer)
    first = cart_of((mug, 2), (plate, 1))

    response = browser.get(resume_url(first))

    assert response["Location"] == "/checkout/"
    own.refresh_from_db()
    first.refresh_from_db()
    assert quantities(own) == {"Caneca": 2, "Prato": 1}
    assert first.status == Cart.Status.MERGED
    # Following the reminder's link again (a new restored cart) does not add it up.
    browser.get(resume_url(cart_of((mug, 2), (plate, 1))))
    assert quantities(own) == {"Caneca": 2, "Prato": 1}
    # A larger wish is honoured.
    browser.get(resume_url(cart_of((mug, 3))))
    assert quantities(own) == {"Caneca": 3, "Prato": 1}
    assert Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).count() == 1


def test_a_customer_without_a_cart_gets_one_holding_the_lines(customer, mug):
    browser = Client()
    browser.force_login(customer)

    browser.get(resume_url(cart_of((mug, 2))))

    mine = Cart.objects.get(customer=customer, status=Cart.Status.OPEN)
    assert quantities(mine) == {"Caneca": 2}
    assert "Caneca" in browser.get("/cart/").content.decode()


def test_a_customers_checkout_prefills_only_the_email_for_a_guest(customer, mug):
    checkout = abandoned_checkout(cart_of((mug, 1), customer=customer), customer=customer)
    browser = Client()

    browser.get(resume_url(cart_of((mug, 1)), checkout.pk))
    body = browser.get("/checkout/").content.decode()

    assert 'value="ana@example.com"' in body
    assert "Rua Augusta" not in body


def test_a_customers_checkout_prefills_everything_for_that_customer(customer, mug):
    checkout = abandoned_checkout(cart_of((mug, 1), customer=customer), customer=customer, city="Braga")
    browser = Client()
    browser.force_login(customer)

    browser.get(resume_url(cart_of((mug, 1)), checkout.pk))
    body = browser.get("/checkout/").content.decode()

    assert 'value="Braga"' in body and 'value="Rua Augusta 10"' in body


def test_a_customers_cart_is_handed_only_to_that_customer(customer, mug):
    theirs = cart_of((mug, 1), customer=customer)
    url = resume_url(theirs)

    response = Client().get(url)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Log in to see this cart" in body and "/account/login/?next=" in body
    browser = Client()
    browser.force_login(customer)
    assert browser.get(url)["Location"] == "/checkout/"


def test_the_token_names_the_cart_by_id_not_by_its_secret_token(mug):
    restored = cart_of((mug, 1))

    token = cart_resume_token(cart=restored, checkout_id="5d1c6a4e-0000-4000-8000-000000000000")

    assert restored.token not in token
    assert cart_resume_read(token) == (restored, "5d1c6a4e-0000-4000-8000-000000000000")

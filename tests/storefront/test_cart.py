"""The storefront's cart: add, the cart page (lines checked against live
stock, publication and price), quantity changes and removal, with and
without HTMX; nobody reaches another's cart."""

from decimal import Decimal

import pytest
from django.test import Client

from lojista.carts.models import Cart, CartLine
from lojista.carts.services import cart_create, cart_for_customer, cart_line_add
from lojista.inventory.services import stock_set
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def guest_with(*lines: tuple, client: Client | None = None) -> tuple[Client, Cart]:
    """A browser holding a guest cart with ``(variant, quantity)`` lines."""
    cart = cart_create()
    for variant, quantity in lines:
        cart_line_add(cart=cart, variant_id=variant.id, quantity=quantity)
    client = client or Client()
    client.cookies[COOKIE] = cart.token
    return client, cart


def shirt(
    stock: int | None = 10, *, price: str = "29.90", name: str = "Linen shirt", size: str = "M", **fields
):
    return make_variant(make_product(name), name=size, price=price, stock=stock, **fields)


# Add


def test_a_guest_adds_a_variant_and_the_cookie_keeps_the_new_cart():
    variant = shirt()
    client = Client()

    response = client.post("/cart/add/", {"variant_id": variant.id, "quantity": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 7 * 24 * 3600
    cart = Cart.objects.get(token=cookie.value)
    assert [(line.variant_id, line.requested_quantity) for line in cart.lines.all()] == [(variant.id, 2)]
    page = client.get("/cart/").content.decode()
    assert "Added Linen shirt (M) to your cart." in page
    assert '<span class="cart-count" aria-label="2 items">2</span>' in page


def test_adding_again_adds_to_the_same_line_and_goes_to_a_safe_next():
    variant = shirt()
    client, cart = guest_with((variant, 1))

    response = client.post("/cart/add/", {"variant_id": variant.id, "next": "/products/linen-shirt/"})

    assert response["Location"] == "/products/linen-shirt/"
    assert cart.lines.get().requested_quantity == 2
    assert Cart.objects.count() == 1


def test_a_foreign_next_goes_to_the_cart():
    response = Client().post("/cart/add/", {"variant_id": shirt().id, "next": "https://evil.example/"})

    assert response["Location"] == "/cart/"


def test_a_customer_adds_to_the_cart_of_their_account(customer):
    client = Client()
    client.force_login(customer)

    response = client.post("/cart/add/", {"variant_id": shirt().id})

    assert COOKIE not in response.cookies
    assert Cart.objects.get(customer=customer).lines.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"variant_id": "abc"}, "Enter a whole number."),
        ({"variant_id": "999999"}, ""),
        ({"quantity": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"quantity": "1000"}, "Ensure this value is less than or equal to 999."),
        ({"quantity": "two"}, "Enter a whole number."),
    ],
)
def test_a_refused_add_changes_nothing_and_says_why(fields, message):
    variant = shirt()
    client, cart = guest_with((variant, 1))

    response = client.post("/cart/add/", {"variant_id": variant.id, "next": "/cart/", **fields})

    assert response.status_code == 302
    assert cart.lines.get().requested_quantity == 1
    assert CartLine.objects.count() == 1
    page = client.get("/cart/").content.decode()
    assert 'class="message error"' in page
    assert message in page


def test_more_than_the_maximum_per_order_is_refused():
    variant = shirt(max_per_order=2)
    client, cart = guest_with((variant, 2))

    client.post("/cart/add/", {"variant_id": variant.id})

    assert cart.lines.get().requested_quantity == 2
    assert (
        "You can buy at most 2 units of Linen shirt (M) per order." in client.get("/cart/").content.decode()
    )


def test_an_unpublished_variant_cannot_be_added():
    variant = shirt(is_published=False)
    client = Client()

    client.post("/cart/add/", {"variant_id": variant.id})

    assert not CartLine.objects.exists()


def test_an_htmx_add_answers_with_a_confirmation_and_the_new_count():
    client = Client()

    response = client.post("/cart/add/", {"variant_id": shirt().id, "quantity": "3"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Added Linen shirt (M) to your cart." in page
    assert 'hx-swap-oob="true"' in page and 'aria-label="3 items">3</span>' in page
    assert COOKIE in response.cookies


def test_an_htmx_add_refused_answers_400_with_the_reason():
    response = Client().post("/cart/add/", {"variant_id": "999999"}, **HTMX)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_adding_needs_a_post():
    assert Client().get("/cart/add/").status_code == 405


# The cart page


def test_an_empty_cart_invites_to_shop():
    page = Client().get("/cart/").content.decode()

    assert "Your cart is empty." in page
    assert 'href="/"' in page
    assert not Cart.objects.exists()


def test_the_cart_page_shows_each_line_the_subtotal_and_checkout():
    client, _ = guest_with((shirt(price="29.90"), 2), (shirt(price="5.00", name="Wool hat", size=""), 1))

    page = client.get("/cart/").content.decode()

    assert "Linen shirt" in page and "Wool hat" in page
    assert 'name="quantity" value="2"' in page
    assert "59.80" in page and "64.80" in page
    assert '<a class="button primary" href="/checkout/">Check out</a>' in page


def test_an_out_of_stock_line_stays_at_quantity_0_and_blocks_checkout():
    gone = shirt(stock=5)
    client, cart = guest_with((gone, 2), (shirt(name="Wool hat"), 1))
    stock_set(variant_id=gone.id, quantity=0)

    page = client.get("/cart/").content.decode()

    assert "This item is out of stock" in page
    assert "Quantity: <strong data-quantity>0</strong>" in page
    assert "Check out</button>" in page and "disabled" in page
    assert "Remove the items that cannot be bought, or change their quantity, to check out." in page
    assert cart.lines.get(variant=gone).requested_quantity == 2

    stock_set(variant_id=gone.id, quantity=5)
    page = client.get("/cart/").content.decode()
    assert 'name="quantity" value="2"' in page
    assert 'href="/checkout/"' in page


def test_a_short_line_shows_what_is_left_and_what_was_asked():
    variant = shirt(stock=5)
    client, _ = guest_with((variant, 4))
    stock_set(variant_id=variant.id, quantity=2)

    page = client.get("/cart/").content.decode()

    assert "Only 2 left" in page and "You asked for 4." in page
    assert 'name="quantity" value="2"' in page
    assert 'href="/checkout/"' in page


def test_an_unpublished_item_says_it_is_no_longer_available():
    variant = shirt()
    client, _ = guest_with((variant, 1))
    variant.is_published = False
    variant.save()

    page = client.get("/cart/").content.decode()

    assert "This item is no longer available" in page
    assert "disabled" in page


def test_a_price_change_is_announced_once():
    variant = shirt(price="29.90")
    client, _ = guest_with((variant, 1))
    variant.price = Decimal("34.90")
    variant.save()

    first = client.get("/cart/").content.decode()
    second = client.get("/cart/").content.decode()

    assert "The price changed from" in first
    assert "The price changed from" not in second
    assert "34.90" in second


def test_a_tampered_cookie_is_an_empty_cart_and_adding_starts_a_fresh_one():
    client = Client()
    client.cookies[COOKIE] = "tampered" * 3

    assert "Your cart is empty." in client.get("/cart/").content.decode()
    response = client.post("/cart/add/", {"variant_id": shirt().id})
    assert response.cookies[COOKIE].value != "tampered" * 3
    assert Cart.objects.get().lines.count() == 1


def test_a_guest_cannot_open_a_customers_cart_by_its_token(customer):
    cart = cart_for_customer(customer=customer)
    cart_line_add(cart=cart, variant_id=shirt().id, quantity=1)
    client = Client()
    client.cookies[COOKIE] = cart.token

    assert "Your cart is empty." in client.get("/cart/").content.decode()


def test_the_cart_page_costs_the_same_queries_for_2_and_20_lines(
    django_assert_max_num_queries, shop_settings_cached
):
    for count in (2, 20):
        client, _ = guest_with(*[(shirt(name=f"Shirt {n}"), 1) for n in range(count)])
        with django_assert_max_num_queries(5):
            page = client.get("/cart/").content.decode()
        assert page.count('class="cart-line card') == count


# Quantity and removal


def test_changing_the_quantity_without_javascript_redirects_to_the_cart():
    variant = shirt()
    client, cart = guest_with((variant, 1))
    line = cart.lines.get()

    response = client.post(f"/cart/lines/{line.id}/", {"quantity": "3"})

    assert response.status_code == 302 and response["Location"] == "/cart/"
    line.refresh_from_db()
    assert line.requested_quantity == 3
    assert "The quantity was updated." in client.get("/cart/").content.decode()


def test_changing_the_quantity_with_htmx_returns_the_cart_block_and_the_count():
    client, cart = guest_with((shirt(), 1))
    line = cart.lines.get()

    response = client.post(f"/cart/lines/{line.id}/", {"quantity": "4"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="cart" class="cart">')
    assert "<html" not in page
    assert 'name="quantity" value="4"' in page
    assert 'hx-swap-oob="true"' in page and 'aria-label="4 items">4</span>' in page
    assert "The quantity was updated." in page
    # The message was shown in the block: it does not wait for the next page.
    assert "The quantity was updated." not in client.get("/cart/").content.decode()


def test_quantity_0_removes_the_line():
    client, cart = guest_with((shirt(), 1))

    client.post(f"/cart/lines/{cart.lines.get().id}/", {"quantity": "0"})

    assert not cart.lines.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("abc", "Enter a whole number."),
        ("1000", "Ensure this value is less than or equal to 999."),
    ],
)
def test_a_bad_quantity_is_shown_beside_the_line_with_what_was_typed(typed, message):
    client, cart = guest_with((shirt(), 1))
    line = cart.lines.get()

    response = client.post(f"/cart/lines/{line.id}/", {"quantity": typed})

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{typed}"' in page
    assert 'aria-invalid="true"' in page
    line.refresh_from_db()
    assert line.requested_quantity == 1


def test_a_quantity_above_the_maximum_per_order_is_refused_beside_the_line_htmx_too():
    client, cart = guest_with((shirt(max_per_order=3), 1))
    line = cart.lines.get()

    response = client.post(f"/cart/lines/{line.id}/", {"quantity": "5"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 400
    assert page.lstrip().startswith('<div id="cart"')
    assert "You can buy at most 3 units of Linen shirt (M) per order." in page
    assert 'value="5"' in page


def test_removing_a_line_with_and_without_htmx():
    client, cart = guest_with((shirt(), 1), (shirt(name="Wool hat"), 2))
    first, second = cart.lines.order_by("id")

    response = client.post(f"/cart/lines/{first.id}/remove/")
    assert response["Location"] == "/cart/"
    response = client.post(f"/cart/lines/{second.id}/remove/", **HTMX)

    assert not cart.lines.exists()
    page = response.content.decode()
    assert "The item was removed from your cart." in page and "Your cart is empty." in page
    assert 'aria-label="0 items">0</span>' in page


def test_an_out_of_stock_line_can_be_removed_and_checkout_comes_back():
    gone = shirt(stock=1)
    client, cart = guest_with((gone, 1), (shirt(name="Wool hat"), 1))
    stock_set(variant_id=gone.id, quantity=0)

    response = client.post(f"/cart/lines/{cart.lines.get(variant=gone).id}/remove/", **HTMX)

    assert 'href="/checkout/"' in response.content.decode()


def test_a_line_of_another_cart_is_not_found():
    _, theirs = guest_with((shirt(), 1))
    client, _ = guest_with((shirt(), 1))
    line = theirs.lines.get()

    assert client.post(f"/cart/lines/{line.id}/", {"quantity": "2"}).status_code == 404
    assert client.post(f"/cart/lines/{line.id}/", {"quantity": "x"}).status_code == 404
    assert client.post(f"/cart/lines/{line.id}/remove/").status_code == 404
    assert Client().post(f"/cart/lines/{line.id}/remove/").status_code == 404
    line.refresh_from_db()
    assert line.requested_quantity == 1


def test_a_closed_cart_is_not_changed():
    client, cart = guest_with((shirt(), 1))
    line = cart.lines.get()
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.CONVERTED)

    # The cookie names no open cart any more: nothing to change.
    assert client.post(f"/cart/lines/{line.id}/", {"quantity": "2"}).status_code == 404


def test_changes_need_a_post_and_csrf():
    client, cart = guest_with((shirt(), 1), client=Client(enforce_csrf_checks=True))
    line = cart.lines.get()

    assert client.get(f"/cart/lines/{line.id}/").status_code == 405
    assert client.post(f"/cart/lines/{line.id}/", {"quantity": "2"}).status_code == 403
    assert client.post("/cart/add/", {"variant_id": line.variant_id}).status_code == 403


# Logged in: the account's cart


def test_a_customers_cart_follows_the_account_to_another_device(customer):
    phone, laptop = Client(), Client()
    phone.force_login(customer)
    laptop.force_login(customer)

    phone.post("/cart/add/", {"variant_id": shirt().id, "quantity": "2"})

    page = laptop.get("/cart/").content.decode()
    assert "Linen shirt" in page and 'name="quantity" value="2"' in page


def test_logged_in_the_cart_is_the_accounts_whatever_the_cookie(customer):
    client, guest = guest_with((shirt(name="Guest scarf"), 1))
    own = cart_for_customer(customer=customer)
    cart_line_add(cart=own, variant_id=shirt(name="Account boots").id, quantity=1)
    client.force_login(customer)

    page = client.get("/cart/").content.decode()

    assert "Account boots" in page and "Guest scarf" not in page
    assert client.post(f"/cart/lines/{guest.lines.get().id}/remove/").status_code == 404


def test_a_wish_above_a_lowered_maximum_per_order_asks_to_be_lowered():
    variant = shirt()
    client, cart = guest_with((variant, 4))
    variant.max_per_order = 2
    variant.save()

    page = client.get("/cart/").content.decode()

    assert "At most 2 units per order" in page
    assert 'name="quantity" value="4"' in page
    assert "Check out</button>" in page
    client.post(f"/cart/lines/{cart.lines.get().id}/", {"quantity": "2"})
    assert 'href="/checkout/"' in client.get("/cart/").content.decode()

"""A guest cart merged into the customer's cart when they log in."""

import pytest
from django.test import Client

from lojista.carts.models import Cart, CartLine
from lojista.carts.services import cart_for_customer, cart_line_add, cart_merge_into_customer
from lojista.customers.models import User
from lojista.inventory.services import stock_set
from tests.carts.helpers import MY_CART, add, get_cart, line_of, new_cart
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"


@pytest.fixture
def shirt():
    return make_variant(make_product("Camiseta"), name="M", price="25.00", stock=100)


@pytest.fixture
def mug():
    return make_variant(make_product("Caneca"), price="12.50", stock=100)


def guest_cart_with(*items) -> Cart:
    cart = Cart.objects.create()
    for variant, quantity in items:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def customer_cart_with(customer: User, *items) -> Cart:
    cart = cart_for_customer(customer=customer)
    for variant, quantity in items:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def wishes(cart: Cart) -> dict[int, int]:
    return dict(cart.lines.values_list("variant_id", "requested_quantity"))


def test_merging_sums_quantities_adds_new_lines_and_closes_the_guest_cart(customer, shirt, mug):
    guest = guest_cart_with((shirt, 2), (mug, 1))
    mine = customer_cart_with(customer, (shirt, 3))

    messages = cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert wishes(mine) == {shirt.pk: 5, mug.pk: 1}
    assert messages == ["2 items from your previous cart were added to your cart."]
    guest.refresh_from_db()
    assert guest.status == Cart.Status.MERGED
    assert guest.closed_at is not None


def test_merging_twice_does_not_double_the_quantities(customer, shirt):
    guest = guest_cart_with((shirt, 2))
    mine = customer_cart_with(customer, (shirt, 3))
    cart_merge_into_customer(guest_token=guest.token, customer=customer)

    again = cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert again == []
    assert wishes(mine) == {shirt.pk: 5}


def test_a_customer_without_a_cart_gets_one_with_the_guest_items(customer, shirt):
    guest = guest_cart_with((shirt, 2))

    messages = cart_merge_into_customer(guest_token=guest.token, customer=customer, language="pt-br")

    mine = Cart.objects.get(customer=customer, status=Cart.Status.OPEN)
    assert wishes(mine) == {shirt.pk: 2}
    assert mine.language == "pt-br"
    assert messages == ["1 item from your previous cart was added to your cart."]


def test_a_summed_quantity_is_capped_at_the_line_maximum(customer):
    ebook = make_variant(make_product("E-book"), track_stock=False)
    guest = guest_cart_with((ebook, 500))
    mine = customer_cart_with(customer, (ebook, 600))

    messages = cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert wishes(mine) == {ebook.pk: 999}
    assert messages[1:] == ["E-book: the quantity was limited to 999, the most one line can hold."]


def test_a_sum_beyond_the_stock_is_capped_by_the_stock(customer, shirt):
    guest = guest_cart_with((shirt, 4))
    mine = customer_cart_with(customer, (shirt, 3))
    stock_set(variant_id=shirt.pk, quantity=5)

    messages = cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert wishes(mine) == {shirt.pk: 5}
    assert messages[1:] == [
        "Camiseta (M): the quantities of both carts were not added up, as only 5 are available."
    ]


def test_capping_by_stock_never_takes_away_either_carts_wish(customer, shirt, mug):
    guest = guest_cart_with((shirt, 2), (mug, 4))
    mine = customer_cart_with(customer, (shirt, 3), (mug, 1))
    stock_set(variant_id=shirt.pk, quantity=0)
    stock_set(variant_id=mug.pk, quantity=1)

    cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert wishes(mine) == {shirt.pk: 3, mug.pk: 4}


def test_an_out_of_stock_guest_item_is_carried_over(customer, shirt):
    guest = guest_cart_with((shirt, 2))
    stock_set(variant_id=shirt.pk, quantity=0)

    cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert wishes(Cart.objects.get(customer=customer)) == {shirt.pk: 2}


def test_a_deleted_variant_is_not_carried_over(customer, shirt, mug):
    guest = guest_cart_with((shirt, 2), (mug, 1))
    mug.delete()

    cart_merge_into_customer(guest_token=guest.token, customer=customer)

    assert wishes(Cart.objects.get(customer=customer)) == {shirt.pk: 2}


def test_unknown_tokens_and_other_customers_carts_are_not_merged(customer, shirt):
    bia = User.objects.create_user("bia@example.com", "another passphrase", name="Bia")
    hers = customer_cart_with(bia, (shirt, 2))
    mine = customer_cart_with(customer, (shirt, 1))

    assert cart_merge_into_customer(guest_token=hers.token, customer=customer) == []
    for unknown in ("no-such-token", "nul\x00byte", "x" * 5000):
        assert cart_merge_into_customer(guest_token=unknown, customer=customer) == []
    assert cart_merge_into_customer(guest_token=mine.token, customer=customer) == []

    assert wishes(hers) == {shirt.pk: 2}
    assert wishes(mine) == {shirt.pk: 1}
    assert Cart.objects.filter(status=Cart.Status.OPEN).count() == 2


# Through the login endpoint


def login(api: Client, **extra):
    body = {"email": "ana@example.com", "password": "correct horse battery", **extra}
    return api.post(LOGIN, body, content_type="application/json")


def test_logging_in_with_a_guest_cart_token_merges_it(api, customer, customer_headers, shirt, mug):
    mine = api.get(MY_CART, headers=customer_headers).json()["token"]
    add(api, mine, shirt.pk, 3, headers=customer_headers)
    guest = new_cart(api)["token"]
    add(api, guest, shirt.pk, 2)
    add(api, guest, mug.pk, 1)

    response = login(api, cart_token=guest)
    retried = login(api, cart_token=guest)

    assert response.status_code == retried.status_code == 200
    body = response.json()
    assert body["cart_token"] == retried.json()["cart_token"] == mine
    assert body["messages"] == ["2 items from your previous cart were added to your cart."]
    assert retried.json()["messages"] == []
    cart = api.get(MY_CART, headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert (line_of(cart, shirt)["quantity"], line_of(cart, mug)["quantity"]) == (5, 1)
    assert get_cart(api, guest).json()["status"] == "merged"
    assert add(api, guest, mug.pk, 1).status_code == 409
    assert CartLine.objects.filter(cart__token=mine).count() == 2


def test_logging_in_without_a_cart_token_answers_the_customers_cart(api, customer):
    response = login(api)

    assert response.status_code == 200
    assert response.json()["cart_token"] == Cart.objects.get(customer=customer).token
    assert response.json()["messages"] == []

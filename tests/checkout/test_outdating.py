"""A checkout holds its cart's stock; a changed cart or a new checkout outdates it."""

import pytest
from django.test import Client

from lojista.carts.models import Cart
from lojista.checkout.models import Checkout
from lojista.inventory.models import Reservation
from tests.carts.helpers import add, get_cart, line_of, remove, set_quantity
from tests.catalog.factories import make_product, make_variant
from tests.checkout.helpers import CHECKOUTS, body, cart_with, holds, start_ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_one(db):
    return make_variant(make_product("Boné"), price="15.00", stock=1)


def test_the_cart_does_not_count_its_own_hold_but_other_carts_do(api, shipping, last_one):
    mine = cart_with((last_one, 1))
    theirs = cart_with((last_one, 1))
    start_ok(api, mine.token)

    my_line = line_of(get_cart(api, mine.token).json(), last_one)
    their_cart = get_cart(api, theirs.token).json()

    assert (my_line["quantity"], my_line["problem"]) == (1, None)
    assert get_cart(api, mine.token).json()["checkoutable"] is True
    assert line_of(their_cart, last_one)["quantity"] == 0
    assert line_of(their_cart, last_one)["problem"] == "out_of_stock"
    product = api.get(f"/api/v1/products/{last_one.product.slug}").json()
    assert product["variants"][0]["available_quantity"] == 0


def test_the_cart_can_start_its_checkout_again_with_its_own_held_units(api, shipping, last_one):
    cart = cart_with((last_one, 1))
    first = start_ok(api, cart.token)

    second = start_ok(api, cart.token, body(shipping_method="pt-express"))

    assert [line["quantity"] for line in second["lines"]] == [1]
    assert Checkout.objects.get(pk=first["id"]).status == Checkout.Status.OUTDATED
    assert api.get(f"{CHECKOUTS}/{first['id']}").json()["status"] == "outdated"
    assert api.get(f"{CHECKOUTS}/{second['id']}").json()["status"] == "open"


def test_a_second_checkout_replaces_the_holds_instead_of_doubling_them(api, shipping, shirt, mug):
    cart = cart_with((shirt, 2), (mug, 1))
    start_ok(api, cart.token)
    set_quantity(api, cart.token, cart.lines.get(variant=shirt).pk, 3)

    start_ok(api, cart.token)
    start_ok(api, cart.token)

    assert holds(f"cart:{cart.pk}") == {shirt.pk: 3, mug.pk: 1}
    assert Reservation.objects.count() == 2
    assert Checkout.objects.filter(status=Checkout.Status.OPEN).count() == 1
    other = cart_with((shirt, 10))
    assert line_of(get_cart(api, other.token).json(), shirt)["quantity"] == 7


def change_by_adding(api: Client, cart: Cart, shirt, mug) -> None:
    assert add(api, cart.token, mug.pk, 1).status_code == 200


def change_by_setting_a_quantity(api: Client, cart: Cart, shirt, mug) -> None:
    assert set_quantity(api, cart.token, cart.lines.get(variant=shirt).pk, 1).status_code == 200


def change_by_removing(api: Client, cart: Cart, shirt, mug) -> None:
    assert remove(api, cart.token, cart.lines.get(variant=shirt).pk).status_code == 200


def change_by_setting_zero(api: Client, cart: Cart, shirt, mug) -> None:
    assert set_quantity(api, cart.token, cart.lines.get(variant=shirt).pk, 0).status_code == 200


@pytest.mark.parametrize(
    "change", [change_by_adding, change_by_setting_a_quantity, change_by_removing, change_by_setting_zero]
)
def test_a_cart_change_outdates_its_checkout_and_releases_the_holds(api, shipping, shirt, mug, change):
    cart = cart_with((shirt, 2))
    started = start_ok(api, cart.token)
    assert holds(f"cart:{cart.pk}") == {shirt.pk: 2}

    change(api, cart, shirt, mug)

    assert Checkout.objects.get(pk=started["id"]).status == Checkout.Status.OUTDATED
    assert holds(f"cart:{cart.pk}") == {}
    assert api.get(f"{CHECKOUTS}/{started['id']}").json()["status"] == "outdated"


def test_a_cart_change_leaves_other_carts_checkouts_alone(api, shipping, shirt, mug):
    mine, theirs = cart_with((shirt, 1)), cart_with((shirt, 1))
    start_ok(api, mine.token)
    their_checkout = start_ok(api, theirs.token)

    add(api, mine.token, mug.pk, 1)

    assert Checkout.objects.get(pk=their_checkout["id"]).status == Checkout.Status.OPEN
    assert holds(f"cart:{theirs.pk}") == {shirt.pk: 1}


def test_a_refused_cart_change_keeps_the_checkout(api, shipping, shirt):
    cart = cart_with((shirt, 1))
    started = start_ok(api, cart.token)

    response = add(api, cart.token, shirt.pk, 5000)

    assert response.status_code == 422
    assert Checkout.objects.get(pk=started["id"]).status == Checkout.Status.OPEN
    assert holds(f"cart:{cart.pk}") == {shirt.pk: 1}


def test_logging_in_outdates_the_guest_checkout_and_the_customers_own(api, shipping, customer, shirt, mug):
    guest = cart_with((shirt, 1))
    guest_checkout = start_ok(api, guest.token)
    own = cart_with((mug, 1), customer=customer)
    own_checkout = Checkout.objects.create(
        cart=own,
        customer=customer,
        email=customer.email,
        shipping_address={},
        shipping_method=shipping["pt-standard"],
        currency="EUR",
        subtotal="12.50",
        shipping_price="4.90",
        total="17.40",
        expires_at=Checkout.objects.get().expires_at,
    )

    response = api.post(
        "/api/v1/auth/login",
        {"email": customer.email, "password": "correct horse battery", "cart_token": guest.token},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Checkout.objects.get(pk=guest_checkout["id"]).status == Checkout.Status.OUTDATED
    assert Checkout.objects.get(pk=own_checkout.pk).status == Checkout.Status.OUTDATED
    assert holds(f"cart:{guest.pk}") == {}


def test_a_completed_checkout_is_not_outdated_by_a_later_change(api, shipping, shirt, mug):
    cart = cart_with((shirt, 1))
    started = start_ok(api, cart.token)
    Checkout.objects.filter(pk=started["id"]).update(status=Checkout.Status.COMPLETED)

    add(api, cart.token, mug.pk, 1)

    assert Checkout.objects.get(pk=started["id"]).status == Checkout.Status.COMPLETED

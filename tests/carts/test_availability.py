"""Every read re-checks the cart against live stock, publication and prices,
without changing what the customer asked for."""

from decimal import Decimal

import pytest
from django.test import Client

from lojista.carts.models import CartLine
from lojista.catalog.models import Product, Variant
from lojista.inventory.models import Stock
from lojista.inventory.services import stock_set
from tests.carts.helpers import add, get_cart, line_of, new_cart
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db

PT = {"HTTP_ACCEPT_LANGUAGE": "pt-BR"}


@pytest.fixture
def shirt():
    return make_variant(make_product("Camiseta"), name="M", price="25.00", stock=10)


@pytest.fixture
def mug():
    return make_variant(make_product("Caneca"), price="12.50", stock=10)


def cart_with(api, *items) -> str:
    token = new_cart(api)["token"]
    for variant, quantity in items:
        assert add(api, token, variant.pk, quantity).status_code == 200
    return token


def read(api, token, **extra) -> dict:
    response = get_cart(api, token, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def test_an_out_of_stock_item_stays_at_quantity_zero_and_comes_back_with_the_stock(api, shirt, mug):
    token = cart_with(api, (shirt, 3), (mug, 1))
    stock_set(variant_id=shirt.pk, quantity=0)

    cart = read(Client(), token)

    line = line_of(cart, shirt)
    assert (line["requested_quantity"], line["quantity"], line["available"]) == (3, 0, False)
    assert (line["problem"], line["message"]) == ("out_of_stock", "This item is out of stock")
    assert line["line_total"] == {"amount": "0.00", "currency": "EUR"}
    assert line["unit_price"] == {"amount": "25.00", "currency": "EUR"}
    assert cart["messages"] == ["Camiseta (M): This item is out of stock"]
    assert (cart["subtotal"]["amount"], cart["item_count"], cart["checkoutable"]) == ("12.50", 1, False)
    assert CartLine.objects.get(variant=shirt).requested_quantity == 3

    stock_set(variant_id=shirt.pk, quantity=10)
    cart = read(Client(), token)

    line = line_of(cart, shirt)
    assert (line["quantity"], line["available"], line["problem"], line["message"]) == (3, True, None, None)
    assert (cart["subtotal"]["amount"], cart["checkoutable"], cart["messages"]) == ("87.50", True, [])


def test_less_stock_than_wanted_shows_what_is_left_and_still_allows_checkout(api, shirt):
    token = cart_with(api, (shirt, 5))
    stock_set(variant_id=shirt.pk, quantity=2)

    cart = read(api, token)

    [line] = cart["lines"]
    assert (line["requested_quantity"], line["quantity"], line["available"]) == (5, 2, True)
    assert (line["problem"], line["message"]) == ("insufficient_stock", "Only 2 left")
    assert line["line_total"]["amount"] == "50.00"
    assert (cart["subtotal"]["amount"], cart["checkoutable"]) == ("50.00", True)


def test_units_held_by_checkouts_are_not_available(api, shirt):
    token = cart_with(api, (shirt, 4))
    hold(shirt, 7, minutes=30)
    hold(shirt, 5, minutes=-1)  # expired: no longer counts

    [line] = read(api, token)["lines"]

    assert (line["quantity"], line["problem"], line["message"]) == (3, "insufficient_stock", "Only 3 left")


def test_a_variant_whose_stock_is_not_tracked_is_never_short(api):
    ebook = make_variant(make_product("E-book"), price="9.00", track_stock=False)
    token = cart_with(api, (ebook, 999))

    cart = read(api, token)

    assert (cart["lines"][0]["quantity"], cart["lines"][0]["problem"]) == (999, None)
    assert (cart["subtotal"]["amount"], cart["checkoutable"]) == ("8991.00", True)


def test_a_tracked_variant_without_a_stock_row_is_out_of_stock(api, shirt):
    token = cart_with(api, (shirt, 1))
    Stock.objects.filter(variant=shirt).delete()

    assert read(api, token)["lines"][0]["problem"] == "out_of_stock"


def test_a_price_change_shows_the_new_price_and_says_so_once(api, shirt):
    token = cart_with(api, (shirt, 2))
    Variant.objects.filter(pk=shirt.pk).update(price=Decimal("27.90"))

    first = read(api, token)
    second = read(api, token)

    line = first["lines"][0]
    assert line["unit_price"]["amount"] == "27.90"
    assert (line["problem"], line["message"]) == (
        "price_changed",
        "The price changed from €25.00 to €27.90",
    )
    assert (line["quantity"], line["available"], first["checkoutable"]) == (2, True, True)
    assert first["subtotal"]["amount"] == "55.80"
    assert (second["lines"][0]["problem"], second["lines"][0]["message"]) == (None, None)
    assert second["lines"][0]["unit_price"]["amount"] == "27.90"


def test_a_price_change_waits_while_the_item_is_out_of_stock(api, shirt):
    token = cart_with(api, (shirt, 1))
    Variant.objects.filter(pk=shirt.pk).update(price=Decimal("30.00"))
    stock_set(variant_id=shirt.pk, quantity=0)

    assert read(api, token)["lines"][0]["problem"] == "out_of_stock"
    stock_set(variant_id=shirt.pk, quantity=1)

    assert read(api, token)["lines"][0]["problem"] == "price_changed"
    assert read(api, token)["lines"][0]["problem"] is None


def test_adding_more_of_an_item_takes_the_new_price_as_seen(api, shirt):
    token = cart_with(api, (shirt, 1))
    Variant.objects.filter(pk=shirt.pk).update(price=Decimal("20.00"))

    [line] = add(api, token, shirt.pk, 1).json()["lines"]

    assert (line["quantity"], line["unit_price"]["amount"], line["problem"]) == (2, "20.00", None)


@pytest.mark.parametrize("unpublish", ["variant", "product"])
def test_an_unpublished_item_is_unavailable(api, shirt, mug, unpublish):
    token = cart_with(api, (shirt, 2), (mug, 1))
    if unpublish == "variant":
        Variant.objects.filter(pk=shirt.pk).update(is_published=False)
    else:
        Product.objects.filter(pk=shirt.product_id).update(is_published=False)

    cart = read(api, token)

    line = line_of(cart, shirt)
    assert (line["requested_quantity"], line["quantity"], line["available"]) == (2, 0, False)
    assert (line["problem"], line["message"]) == ("unavailable", "This item is no longer available")
    assert (cart["subtotal"]["amount"], cart["checkoutable"]) == ("12.50", False)


def test_a_deleted_variant_stays_as_an_unavailable_line_with_its_names(api, shirt, mug):
    token = cart_with(api, (shirt, 2), (mug, 1))
    sku = shirt.sku
    shirt.delete()

    cart = read(api, token)

    line = next(line for line in cart["lines"] if line["sku"] == sku)
    assert line["variant_id"] is None
    assert (line["product_name"], line["variant_name"]) == ("Camiseta", "M")
    assert (line["requested_quantity"], line["quantity"], line["problem"]) == (2, 0, "unavailable")
    assert line["unit_price"]["amount"] == "25.00"
    assert (cart["subtotal"]["amount"], cart["checkoutable"]) == ("12.50", False)


def test_an_empty_cart_is_not_checkoutable(api):
    assert read(api, new_cart(api)["token"])["checkoutable"] is False


def test_an_item_out_of_stock_when_added_is_kept_as_a_wish(api):
    sold_out = make_variant(make_product("Boné"), stock=0)
    token = new_cart(api)["token"]

    response = add(api, token, sold_out.pk, 2)

    assert response.status_code == 200
    [line] = response.json()["lines"]
    assert (line["requested_quantity"], line["quantity"], line["problem"]) == (2, 0, "out_of_stock")


# Messages in the customer's language


def test_messages_are_in_portuguese_for_a_portuguese_client(api, shirt, mug):
    low = make_variant(make_product("Boné"), price="15.00", stock=2)
    token = cart_with(api, (shirt, 1), (mug, 1), (low, 5))
    stock_set(variant_id=shirt.pk, quantity=0)
    Variant.objects.filter(pk=mug.pk).update(price=Decimal("1234.50"))

    cart = read(api, token, **PT)

    assert line_of(cart, shirt)["message"] == "Este produto está esgotado"
    assert line_of(cart, low)["message"] == "Só restam 2"
    assert line_of(cart, mug)["message"] == "O preço mudou de €\xa012,50 para €\xa01.234,50"
    assert cart["messages"][0] == "Camiseta (M): Este produto está esgotado"


def test_the_unavailable_message_in_portuguese(api, shirt):
    token = cart_with(api, (shirt, 1))
    shirt.delete()

    assert read(api, token, **PT)["lines"][0]["message"] == "Este produto não está mais disponível"


def test_errors_are_in_the_clients_language(api):
    response = get_cart(api, "unknown-token", **PT)

    assert response.status_code == 404
    assert response.json()["message"] == "Este carrinho não existe."


# End to end, with the back office changing the stock


def test_staff_setting_stock_to_zero_and_back_shows_in_the_cart(api, staff_headers, shirt):
    token = cart_with(api, (shirt, 3))

    emptied = api.put(
        f"/api/v1/admin/variants/{shirt.pk}/stock",
        {"quantity": 0},
        content_type="application/json",
        headers=staff_headers,
    )
    out = read(Client(), token)
    restocked = api.put(
        f"/api/v1/admin/variants/{shirt.pk}/stock",
        {"quantity": 8},
        content_type="application/json",
        headers=staff_headers,
    )
    back = read(Client(), token)

    assert emptied.status_code == restocked.status_code == 200
    assert [(line["quantity"], line["problem"], line["message"]) for line in out["lines"]] == [
        (0, "out_of_stock", "This item is out of stock")
    ]
    assert [(line["quantity"], line["problem"]) for line in back["lines"]] == [(3, None)]
    assert back["checkoutable"] is True

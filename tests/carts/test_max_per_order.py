"""A maximum per order (the variant's own, else the shop's MAX_PER_ORDER):
the cart refuses a wish above it, and a cart above it cannot check out."""

import pytest
from django.db import IntegrityError

from lojista.catalog.models import Variant
from lojista.checkout.models import Checkout
from lojista.inventory.models import Reservation
from tests.catalog.factories import make_product, make_variant
from tests.completion.shop import new_cart, open_shop, start_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug(db) -> Variant:
    return make_variant(make_product("Caneca", slug="caneca"), name="Azul", stock=40, max_per_order=5)


def add(api, token: str, variant: Variant, quantity: int):
    return api.post(
        f"/api/v1/carts/{token}/lines",
        {"variant_id": variant.pk, "quantity": quantity},
        content_type="application/json",
    )


def set_quantity(api, token: str, quantity: int):
    line_id = api.get(f"/api/v1/carts/{token}").json()["lines"][0]["id"]
    return api.patch(
        f"/api/v1/carts/{token}/lines/{line_id}", {"quantity": quantity}, content_type="application/json"
    )


def requested(api, token: str) -> list[int]:
    return [line["requested_quantity"] for line in api.get(f"/api/v1/carts/{token}").json()["lines"]]


def assert_above_max(response, limit: int) -> None:
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "above_max_per_order"
    assert body["message"] == f"You can buy at most {limit} units of Caneca (Azul) per order."
    assert body["details"] == {"fields": {"quantity": [body["message"]]}, "max_per_order": limit}


def test_the_catalog_shows_each_variants_maximum_per_order(api, mug, settings):
    settings.LOJISTA_MAX_PER_ORDER = 3
    make_variant(mug.product, name="Verde", stock=40)

    variants = api.get("/api/v1/products/caneca").json()["variants"]

    assert [(variant["name"], variant["max_per_order"]) for variant in variants] == [
        ("Azul", 5),
        ("Verde", 3),
    ]


def test_asking_for_999_of_a_variant_with_a_maximum_is_refused(api, mug):
    token = api.post("/api/v1/carts").json()["token"]

    assert_above_max(add(api, token, mug, 999), 5)
    assert requested(api, token) == []


def test_adding_to_a_line_beyond_the_maximum_is_refused_and_changes_nothing(api, mug):
    token = new_cart(api, {mug: 5})

    assert_above_max(add(api, token, mug, 1), 5)
    assert requested(api, token) == [5]


def test_setting_a_quantity_beyond_the_maximum_is_refused(api, mug):
    token = new_cart(api, {mug: 2})

    assert_above_max(set_quantity(api, token, 6), 5)
    assert requested(api, token) == [2]
    assert set_quantity(api, token, 5).status_code == 200


def test_the_shop_default_applies_to_variants_without_their_own(api, settings):
    settings.LOJISTA_MAX_PER_ORDER = 2
    mug = make_variant(make_product("Caneca"), name="Azul", stock=40)
    plate = make_variant(make_product("Prato"), stock=40, max_per_order=10)
    token = api.post("/api/v1/carts").json()["token"]

    assert_above_max(add(api, token, mug, 3), 2)
    # A variant's own maximum wins, even above the shop's.
    assert add(api, token, plate, 10).status_code == 200


def test_without_any_maximum_a_wish_above_the_stock_is_kept(api):
    mug = make_variant(make_product("Caneca"), stock=40)
    token = api.post("/api/v1/carts").json()["token"]

    assert add(api, token, mug, 999).status_code == 200
    assert requested(api, token) == [999]


def test_a_cart_above_a_maximum_lowered_since_cannot_check_out(api, mug):
    open_shop()
    token = new_cart(api, {mug: 5})
    Variant.objects.filter(pk=mug.pk).update(max_per_order=2)

    line = api.get(f"/api/v1/carts/{token}").json()["lines"][0]
    response = start_checkout(api, token)

    assert (line["problem"], line["quantity"], line["message"]) == (
        "above_max_per_order",
        0,
        "At most 2 units per order",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "cart_not_checkoutable"
    assert body["message"] == "Lower the quantity to check out. Caneca (Azul): At most 2 units per order."
    assert body["details"]["lines"] == [
        {"line_id": line["id"], "variant_id": mug.pk, "problem": "above_max_per_order"}
    ]
    assert not Checkout.objects.exists()
    assert not Reservation.objects.exists()

    assert set_quantity(api, token, 2).status_code == 200
    assert start_checkout(api, token).status_code == 201


def test_a_maximum_of_zero_is_refused_by_the_database(mug):
    with pytest.raises(IntegrityError):
        Variant.objects.filter(pk=mug.pk).update(max_per_order=0)

"""Back-office stock endpoints: PUT …/stock and POST …/stock/adjust."""

import pytest

from lojista.catalog.models import Variant
from lojista.inventory.services import stock_reserve
from tests.inventory.support import in_minutes, on_hand

pytestmark = pytest.mark.django_db


def stock_url(variant_id: int) -> str:
    return f"/api/v1/admin/variants/{variant_id}/stock"


def adjust_url(variant_id: int) -> str:
    return f"/api/v1/admin/variants/{variant_id}/stock/adjust"


def put_stock(api, variant_id, body, headers):
    return api.put(stock_url(variant_id), body, content_type="application/json", headers=headers)


def post_adjust(api, variant_id, body, headers):
    return api.post(adjust_url(variant_id), body, content_type="application/json", headers=headers)


def test_staff_set_the_stock_and_get_the_variant_back(api, staff_headers, make_variant):
    shirt = make_variant(5)
    stock_reserve(key="checkout:1", items={shirt.pk: 2}, expires_at=in_minutes(15))

    response = put_stock(api, shirt.pk, {"quantity": 8}, staff_headers)

    assert response.status_code == 200
    assert response.json() == {
        "id": shirt.pk,
        "sku": shirt.sku,
        "name": shirt.name,
        "product_slug": shirt.product.slug,
        "track_stock": True,
        "on_hand": 8,
        "reserved": 2,
        "available_quantity": 6,
    }
    assert on_hand(shirt) == 8


def test_setting_stock_below_the_holds_shows_nothing_available(api, staff_headers, make_variant):
    shirt = make_variant(5)
    stock_reserve(key="checkout:1", items={shirt.pk: 4}, expires_at=in_minutes(15))

    response = put_stock(api, shirt.pk, {"quantity": 1}, staff_headers)

    assert response.json()["available_quantity"] == 0


def test_setting_stock_of_an_untracked_variant_starts_tracking_it(api, staff_headers, make_variant):
    ebook = make_variant(None, track_stock=False)

    response = put_stock(api, ebook.pk, {"quantity": 0}, staff_headers)

    assert response.status_code == 200
    assert response.json()["track_stock"] is True
    assert response.json()["available_quantity"] == 0
    assert Variant.objects.get(pk=ebook.pk).track_stock is True


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": -1},
        {"quantity": 2.5},
        {"quantity": "abc"},
        {"quantity": "3"},
        {"quantity": True},
        {"quantity": None},
        {"quantity": 1_000_001},
        {},
    ],
)
def test_a_bad_quantity_is_invalid_input_and_changes_nothing(api, staff_headers, make_variant, body):
    shirt = make_variant(5, track_stock=False)

    response = put_stock(api, shirt.pk, body, staff_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "quantity" in response.json()["details"]["fields"]
    assert on_hand(shirt) == 5
    assert Variant.objects.get(pk=shirt.pk).track_stock is False


def test_setting_stock_of_an_unknown_variant_is_not_found(api, staff_headers, db):
    response = put_stock(api, 999_999, {"quantity": 1}, staff_headers)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_variant_id_too_large_for_the_database_is_invalid_input(api, staff_headers, db):
    response = put_stock(api, 2**64, {"quantity": 1}, staff_headers)

    assert response.status_code == 422
    assert response.json()["details"]["fields"].keys() == {"variant_id"}


@pytest.mark.parametrize("send", [put_stock, post_adjust])
def test_without_a_token_it_is_401(api, make_variant, send):
    shirt = make_variant(5)

    response = send(api, shirt.pk, {"quantity": 1, "delta": 1}, {})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert on_hand(shirt) == 5


@pytest.mark.parametrize("send", [put_stock, post_adjust])
def test_a_customer_token_is_403(api, customer_headers, make_variant, send):
    shirt = make_variant(5)

    response = send(api, shirt.pk, {"quantity": 1, "delta": 1}, customer_headers)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert on_hand(shirt) == 5


def test_staff_adjust_the_stock(api, staff_headers, make_variant):
    shirt = make_variant(5)

    received = post_adjust(api, shirt.pk, {"delta": 10}, staff_headers)
    broken = post_adjust(api, shirt.pk, {"delta": -3}, staff_headers)

    assert received.status_code == 200
    assert received.json()["on_hand"] == 15
    assert broken.json()["on_hand"] == 12
    assert broken.json()["available_quantity"] == 12
    assert on_hand(shirt) == 12


def test_adjusting_below_zero_is_a_conflict(api, staff_headers, make_variant):
    shirt = make_variant(2)

    response = post_adjust(api, shirt.pk, {"delta": -3}, staff_headers)

    assert response.status_code == 409
    assert response.json()["code"] == "stock_would_go_negative"
    assert response.json()["details"] == {"variant_id": shirt.pk, "on_hand": 2, "delta": -3}
    assert on_hand(shirt) == 2


@pytest.mark.parametrize("body", [{"delta": 0}, {"delta": 1.5}, {"delta": "-1"}, {}])
def test_a_bad_delta_is_invalid_input(api, staff_headers, make_variant, body):
    shirt = make_variant(2)

    response = post_adjust(api, shirt.pk, body, staff_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "delta" in response.json()["details"]["fields"]
    assert on_hand(shirt) == 2


def test_adjusting_an_unknown_variant_is_not_found(api, staff_headers, db):
    response = post_adjust(api, 999_999, {"delta": 1}, staff_headers)

    assert response.status_code == 404


def test_the_endpoints_and_their_errors_are_in_the_openapi_document(api, db):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths[stock_url("{variant_id}")]["put"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "422",
    }
    assert "409" in paths[adjust_url("{variant_id}")]["post"]["responses"]

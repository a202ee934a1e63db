"""Stock on the product page: on hand, held and available per variant; set
or adjust it with a reason, kept in the history shown on the page."""

import re

import pytest

from lojista.core.extensions import installed_slugs
from lojista.inventory.models import Stock, StockMovement
from lojista.inventory.services import stock_adjust
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _stock_url(variant) -> str:
    return f"/backoffice/products/{variant.product_id}/variants/{variant.pk}/stock/"


def _post_stock(client, variant, **fields):
    prefix = f"stock-{variant.pk}-"
    data = {"action": "adjust", "quantity": "", "reason": "received", "note": "", **fields}
    return client.post(_stock_url(variant), {prefix + name: value for name, value in data.items()})


def test_the_page_shows_on_hand_held_and_available(staff_client):
    product = make_product("Linen shirt")
    variant = make_variant(product, sku="LIN-M", stock=7)
    hold(variant, 2, minutes=10)
    make_variant(product, sku="GIFT-CARD", track_stock=False)

    page = _text(staff_client.get(f"/backoffice/products/{product.pk}/"))

    assert "Stock of LIN-M 7 on hand, 2 held, 5 available" in page
    assert "Stock of GIFT-CARD Stock is not tracked" in page
    assert "No stock change yet." in page


def test_staff_add_units_received_and_see_the_history(staff_client, staff):
    variant = make_variant(make_product("Linen shirt"), sku="LIN-M", stock=3)

    response = _post_stock(staff_client, variant, quantity="5", reason="received", note="Invoice 42")

    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/products/{variant.product_id}/#variant-{variant.pk}"
    assert Stock.objects.get(variant=variant).quantity == 8
    page = _text(staff_client.get(response["Location"]))
    assert "Stock of LIN-M saved: 8 on hand, 8 available." in page
    assert "LIN-M +5 3 → 8 Goods received Invoice 42 Sam Staff" in page


def test_owners_count_the_stock(owner_client):
    variant = make_variant(make_product(), sku="LIN-M", stock=3)

    response = _post_stock(owner_client, variant, action="set", quantity="11", reason="count")

    assert response.status_code == 302
    assert Stock.objects.get(variant=variant).quantity == 11
    assert "LIN-M +8 3 → 11 Stock count" in _text(owner_client.get(response["Location"]))


def test_removing_more_than_on_hand_is_refused_with_nothing_changed(staff_client):
    variant = make_variant(make_product(), sku="LIN-M", stock=3)

    response = _post_stock(staff_client, variant, quantity="-5", reason="damaged", note="Flood")

    assert response.status_code == 400
    page = _text(response)
    assert "The stock of LIN-M was not changed." in page
    assert "Only 3 units are on hand: removing 5 would leave fewer than zero." in page
    html = response.content.decode()
    assert f'name="stock-{variant.pk}-quantity" value="-5"' in html
    assert f'name="stock-{variant.pk}-note" value="Flood"' in html
    assert Stock.objects.get(variant=variant).quantity == 3
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "set", "quantity": "-1"}, "A count cannot be negative."),
        ({"quantity": "0"}, "Enter how many units to add (or, negative, to remove)."),
        ({"quantity": "many"}, "Enter a whole number."),
        ({"quantity": "1", "reason": "order_cancelled"}, "Select a valid choice."),
    ],
)
def test_bad_stock_input_is_shown_beside_the_fields(staff_client, fields, message):
    variant = make_variant(make_product(), stock=3)

    response = _post_stock(staff_client, variant, **fields)

    assert response.status_code == 400
    assert message in _text(response)
    assert Stock.objects.get(variant=variant).quantity == 3
    assert not StockMovement.objects.exists()


def test_counting_an_untracked_variant_starts_tracking_it(staff_client):
    variant = make_variant(make_product(), sku="GIFT", track_stock=False)

    _post_stock(staff_client, variant, action="set", quantity="4", reason="count")

    variant.refresh_from_db()
    assert variant.track_stock is True
    assert Stock.objects.get(variant=variant).quantity == 4


def test_the_history_names_the_cancelled_orders_and_the_notes(staff_client):
    variant = make_variant(make_product(), sku="LIN-M", stock=3)
    stock_adjust(variant_id=variant.pk, delta=1, reason="returned", note="<b>torn</b>")

    html = staff_client.get(f"/backoffice/products/{variant.product_id}/").content.decode()

    assert "&lt;b&gt;torn&lt;/b&gt;" in html and "<b>torn</b>" not in html
    assert "Returned by a customer" in html


def test_a_variant_of_another_product_is_not_found(staff_client):
    variant = make_variant(make_product(), stock=3)
    other = make_product()

    response = staff_client.post(
        f"/backoffice/products/{other.pk}/variants/{variant.pk}/stock/",
        {f"stock-{variant.pk}-action": "adjust", f"stock-{variant.pk}-quantity": "1"},
    )

    assert response.status_code == 404
    assert Stock.objects.get(variant=variant).quantity == 3


def test_the_stock_form_only_takes_posts(staff_client):
    variant = make_variant(make_product(), stock=3)

    assert staff_client.get(_stock_url(variant)).status_code == 405


def test_the_product_page_costs_the_same_queries_however_many_variants(
    staff_client, django_assert_max_num_queries
):
    product = make_product()
    for _ in range(2):
        stock_adjust(variant_id=make_variant(product).pk, delta=1, reason="received")
    installed_slugs()  # the menu's extension flags, cached as for every page but the first
    with django_assert_max_num_queries(8) as few:
        staff_client.get(f"/backoffice/products/{product.pk}/")
    for _ in range(20):
        stock_adjust(variant_id=make_variant(product).pk, delta=1, reason="received")
    with django_assert_max_num_queries(8) as many:
        staff_client.get(f"/backoffice/products/{product.pk}/")

    assert len(many) == len(few)


def test_customers_cannot_change_stock(customer_client):
    variant = make_variant(make_product(), stock=3)

    response = _post_stock(customer_client, variant, quantity="5")

    assert response.status_code == 403
    assert Stock.objects.get(variant=variant).quantity == 3
    assert not StockMovement.objects.exists()

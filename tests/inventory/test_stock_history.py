"""Every count, adjustment and cancellation restock is kept in the variant's
stock history (StockMovement): who, when, before -> after, why."""

import pytest
from django.db import transaction

from lojista.core.errors import InvalidInput
from lojista.inventory.errors import StockWouldGoNegative
from lojista.inventory.models import StockMovement
from lojista.inventory.selectors import product_with_stock, stock_history, stocked_product_page
from lojista.inventory.services import stock_adjust, stock_restock, stock_set
from lojista.orders.services import order_transition
from tests.catalog.factories import hold, make_product, make_variant
from tests.inventory.support import on_hand
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


def _history(variant) -> list[tuple[int, int, int, str, str]]:
    return [
        (m.quantity_before, m.delta, m.quantity_after, m.reason, m.note)
        for m in StockMovement.objects.filter(variant=variant).order_by("id")
    ]


def test_an_adjustment_is_kept_with_its_reason_note_and_author(make_variant, staff):
    shirt = make_variant(3)

    stock_adjust(variant_id=shirt.pk, delta=5, reason="received", note="Invoice 42", actor=staff)

    (movement,) = StockMovement.objects.filter(variant=shirt)
    assert (movement.quantity_before, movement.delta, movement.quantity_after) == (3, 5, 8)
    assert (movement.reason, movement.note, movement.actor) == ("received", "Invoice 42", staff)
    assert movement.get_reason_display() == "Goods received"


def test_a_count_is_kept_even_when_nothing_changed(make_variant):
    shirt = make_variant(4)

    stock_set(variant_id=shirt.pk, quantity=1, note="Shelf count")
    stock_set(variant_id=shirt.pk, quantity=1)

    assert _history(shirt) == [(4, -3, 1, "count", "Shelf count"), (1, 0, 1, "count", "")]


def test_a_count_of_a_variant_without_stock_starts_from_zero(make_variant):
    hat = make_variant(None, track_stock=False)

    stock_set(variant_id=hat.pk, quantity=6, reason="received")

    assert _history(hat) == [(0, 6, 6, "received", "")]


def test_an_adjustment_below_zero_changes_nothing_and_keeps_nothing(make_variant):
    shirt = make_variant(2)

    with pytest.raises(StockWouldGoNegative), transaction.atomic():
        stock_adjust(variant_id=shirt.pk, delta=-3, reason="damaged")

    assert on_hand(shirt) == 2
    assert _history(shirt) == []


@pytest.mark.parametrize("reason", ["order_cancelled", "stolen", ""])
def test_staff_choose_one_of_their_reasons(make_variant, reason):
    shirt = make_variant(2)

    with pytest.raises(InvalidInput) as caught, transaction.atomic():
        stock_adjust(variant_id=shirt.pk, delta=1, reason=reason)

    assert list(caught.value.details["fields"]) == ["reason"]
    assert on_hand(shirt) == 2


def test_a_note_is_short_plain_text(make_variant):
    shirt = make_variant(2)

    for note in ("x" * 201, "two\nlines"):
        with pytest.raises(InvalidInput) as caught, transaction.atomic():
            stock_set(variant_id=shirt.pk, quantity=1, note=note)
        assert list(caught.value.details["fields"]) == ["note"]
    assert _history(shirt) == []


def test_a_cancellations_restock_is_kept_in_a_constant_number_of_queries(
    make_variant, django_assert_num_queries
):
    shirt, hat, untracked = make_variant(1), make_variant(None), make_variant(0, track_stock=False)

    with django_assert_num_queries(8):
        stock_restock(items={shirt.pk: 2, hat.pk: 1, untracked.pk: 4}, note="Order 1001")

    assert _history(shirt) == [(1, 2, 3, "order_cancelled", "Order 1001")]
    assert _history(hat) == [(0, 1, 1, "order_cancelled", "Order 1001")]
    assert _history(untracked) == []


def test_the_api_keeps_who_changed_the_stock(api, staff, staff_headers, make_variant):
    shirt = make_variant(2)

    counted = api.put(
        f"/api/v1/admin/variants/{shirt.pk}/stock",
        {"quantity": 7},
        content_type="application/json",
        headers=staff_headers,
    )
    adjusted = api.post(
        f"/api/v1/admin/variants/{shirt.pk}/stock/adjust",
        {"delta": -1, "reason": "damaged", "note": "Dropped"},
        content_type="application/json",
        headers=staff_headers,
    )
    refused = api.post(
        f"/api/v1/admin/variants/{shirt.pk}/stock/adjust",
        {"delta": 1, "reason": "order_cancelled"},
        content_type="application/json",
        headers=staff_headers,
    )

    assert (counted.status_code, adjusted.status_code, refused.status_code) == (200, 200, 422)
    assert refused.json()["details"]["fields"] == {"reason": [refused.json()["message"]]}
    assert _history(shirt) == [(2, 5, 7, "count", ""), (7, -1, 6, "damaged", "Dropped")]
    assert set(StockMovement.objects.values_list("actor", flat=True)) == {staff.pk}


# selectors


def test_the_history_of_a_products_variants_newest_first(make_variant, staff):
    shirt, hat = make_variant(0), make_variant(0)
    stock_adjust(variant_id=shirt.pk, delta=1, reason="received", actor=staff)
    stock_adjust(variant_id=hat.pk, delta=2, reason="received")
    stock_adjust(variant_id=shirt.pk, delta=3, reason="returned")

    history = stock_history(variant_ids=[shirt.pk, hat.pk], limit=2)

    assert [(m.variant.sku, m.delta) for m in history] == [(shirt.sku, 3), (hat.sku, 2)]


def test_a_product_with_its_variants_and_their_stock_figures():
    product = make_product(is_published=False)
    second = make_variant(product, stock=5, position=2, is_published=False)
    first = make_variant(product, stock=4, position=1)
    hold(first, 3, minutes=10)

    found = product_with_stock(product_id=product.pk)

    assert [v.pk for v in found.stocked_variants] == [first.pk, second.pk]
    assert [(v.on_hand, v.reserved, v.available_quantity_raw) for v in found.stocked_variants] == [
        (4, 3, 1),
        (5, 0, 5),
    ]


def test_the_staff_product_list_finds_drafts_by_any_sku_and_low_stock(settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 2
    mug = make_product("Mug", is_published=False)
    make_variant(mug, sku="HIDDEN-SKU", stock=1, is_published=False)
    cup = make_product("Cup")
    make_variant(cup, sku="CUP-1", stock=10)
    make_variant(cup, sku="CUP-2", stock=0, track_stock=False)

    assert [p.pk for p in stocked_product_page().items] == [cup.pk, mug.pk]
    assert [p.pk for p in stocked_product_page(q="hidden").items] == [mug.pk]
    assert [p.pk for p in stocked_product_page(low_stock=True).items] == [mug.pk]
    first = stocked_product_page(limit=1)
    assert [p.pk for p in stocked_product_page(limit=1, cursor=first.next_cursor).items] == [mug.pk]


def test_a_cancelled_orders_restock_names_the_order_and_who_cancelled_it(staff):
    order = placed_order(quantity=3, stock=10)

    order_transition(order=order, to="cancelled", actor=staff, reason="out_of_stock")

    (movement,) = StockMovement.objects.all()
    assert (movement.quantity_before, movement.delta, movement.quantity_after) == (7, 3, 10)
    assert (movement.reason, movement.note, movement.actor) == ("order_cancelled", f"#{order.number}", staff)

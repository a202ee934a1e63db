"""The stock services: hold, sell, release, restock, count, adjust."""

from unittest import mock

import pytest
from django.db import IntegrityError, transaction

from lojista.catalog.models import Variant
from lojista.core.errors import InvalidInput
from lojista.inventory import services
from lojista.inventory.errors import InsufficientStock, StockWouldGoNegative, VariantNotFound
from lojista.inventory.models import Reservation, Stock
from lojista.inventory.services import (
    reservations_release_expired,
    stock_adjust,
    stock_commit,
    stock_release,
    stock_release_keys,
    stock_reserve,
    stock_restock,
    stock_set,
)
from lojista.inventory.tasks import release_expired_reservations
from tests.inventory.support import holds, in_minutes, on_hand

pytestmark = pytest.mark.django_db


# stock_reserve


def test_reserve_holds_units_without_touching_on_hand(make_variant):
    shirt, hat = make_variant(5), make_variant(2)

    stock_reserve(key="checkout:1", items={shirt.pk: 3, hat.pk: 2}, expires_at=in_minutes(15))

    assert holds("checkout:1") == {shirt.pk: 3, hat.pk: 2}
    assert on_hand(shirt) == 5


def test_reserve_replaces_the_holders_previous_holds(make_variant):
    shirt, hat = make_variant(5), make_variant(5)
    stock_reserve(key="checkout:1", items={shirt.pk: 3, hat.pk: 1}, expires_at=in_minutes(15))

    stock_reserve(key="checkout:1", items={shirt.pk: 5}, expires_at=in_minutes(30))

    assert holds("checkout:1") == {shirt.pk: 5}
    assert Reservation.objects.get(key="checkout:1").expires_at > in_minutes(29)


def test_reserve_refuses_units_held_by_others_and_changes_nothing(make_variant):
    shirt, hat = make_variant(5), make_variant(5)
    stock_reserve(key="checkout:other", items={shirt.pk: 4}, expires_at=in_minutes(15))
    stock_reserve(key="checkout:1", items={hat.pk: 1}, expires_at=in_minutes(15))

    with pytest.raises(InsufficientStock) as caught, transaction.atomic():
        stock_reserve(key="checkout:1", items={shirt.pk: 2, hat.pk: 5}, expires_at=in_minutes(15))

    assert caught.value.status == 409
    assert caught.value.code == "insufficient_stock"
    assert caught.value.details == {"lines": [{"variant_id": shirt.pk, "requested": 2, "available": 1}]}
    assert holds("checkout:1") == {hat.pk: 1}
    assert holds("checkout:other") == {shirt.pk: 4}


def test_reserve_lists_every_short_line(make_variant):
    shirt, hat = make_variant(1), make_variant(None)

    with pytest.raises(InsufficientStock) as caught, transaction.atomic():
        stock_reserve(key="checkout:1", items={hat.pk: 1, shirt.pk: 2}, expires_at=in_minutes(15))

    assert caught.value.details["lines"] == [
        {"variant_id": shirt.pk, "requested": 2, "available": 1},
        {"variant_id": hat.pk, "requested": 1, "available": 0},
    ]


def test_reserve_ignores_expired_holds_of_others(make_variant):
    shirt = make_variant(3)
    stock_reserve(key="checkout:gone", items={shirt.pk: 3}, expires_at=in_minutes(-1))

    stock_reserve(key="checkout:1", items={shirt.pk: 3}, expires_at=in_minutes(15))

    assert holds("checkout:1") == {shirt.pk: 3}


def test_reserve_may_take_back_the_holders_own_units(make_variant):
    shirt = make_variant(3)
    stock_reserve(key="checkout:1", items={shirt.pk: 3}, expires_at=in_minutes(15))

    stock_reserve(key="checkout:1", items={shirt.pk: 3}, expires_at=in_minutes(15))

    assert holds("checkout:1") == {shirt.pk: 3}


def test_reserve_skips_untracked_variants(make_variant):
    ebook = make_variant(None, track_stock=False)

    stock_reserve(key="checkout:1", items={ebook.pk: 1000}, expires_at=in_minutes(15))

    assert holds("checkout:1") == {}


def test_reserve_of_an_unknown_variant_is_not_found(make_variant):
    shirt = make_variant(5)

    with pytest.raises(VariantNotFound) as caught, transaction.atomic():
        stock_reserve(key="checkout:1", items={shirt.pk: 1, 999_999: 1}, expires_at=in_minutes(15))

    assert (caught.value.status, caught.value.code) == (404, "not_found")
    assert caught.value.details == {"variant_ids": [999_999]}
    assert holds("checkout:1") == {}


@pytest.mark.parametrize("quantity", [0, -1])
def test_reserve_refuses_quantities_below_one(make_variant, quantity):
    shirt = make_variant(5)

    with pytest.raises(InvalidInput), transaction.atomic():
        stock_reserve(key="checkout:1", items={shirt.pk: quantity}, expires_at=in_minutes(15))


def test_reserve_takes_the_same_number_of_queries_for_one_or_many_items(
    make_variant, django_assert_num_queries
):
    one = make_variant(5)
    many = [make_variant(5) for _ in range(6)]

    # variants, lock, others' holds, delete, insert: in the caller's transaction, no savepoint
    with django_assert_num_queries(5):
        stock_reserve(key="checkout:1", items={one.pk: 1}, expires_at=in_minutes(15))
    with django_assert_num_queries(5):
        stock_reserve(key="checkout:2", items={v.pk: 1 for v in many}, expires_at=in_minutes(15))


# stock_commit


def test_commit_after_a_reservation_sells_the_held_units(make_variant):
    shirt, hat = make_variant(5), make_variant(2)
    stock_reserve(key="checkout:1", items={shirt.pk: 5, hat.pk: 1}, expires_at=in_minutes(15))

    stock_commit(key="checkout:1", items={shirt.pk: 5, hat.pk: 1})

    assert (on_hand(shirt), on_hand(hat)) == (0, 1)
    assert holds("checkout:1") == {}


def test_commit_without_a_reservation_sells_free_units(make_variant):
    shirt = make_variant(5)

    stock_commit(key="order:1", items={shirt.pk: 2})

    assert on_hand(shirt) == 3


def test_commit_after_an_expired_reservation_sells_if_units_are_still_free(make_variant):
    shirt = make_variant(2)
    stock_reserve(key="checkout:1", items={shirt.pk: 2}, expires_at=in_minutes(-5))

    stock_commit(key="checkout:1", items={shirt.pk: 2})

    assert on_hand(shirt) == 0
    assert holds("checkout:1") == {}


def test_commit_after_an_expired_reservation_fails_if_someone_else_holds_the_units(make_variant):
    shirt = make_variant(2)
    stock_reserve(key="checkout:1", items={shirt.pk: 2}, expires_at=in_minutes(-5))
    stock_reserve(key="checkout:2", items={shirt.pk: 1}, expires_at=in_minutes(15))

    with pytest.raises(InsufficientStock) as caught, transaction.atomic():
        stock_commit(key="checkout:1", items={shirt.pk: 2})

    assert caught.value.details["lines"] == [{"variant_id": shirt.pk, "requested": 2, "available": 1}]
    assert on_hand(shirt) == 2
    assert holds("checkout:1") == {shirt.pk: 2}


def test_commit_short_on_one_variant_sells_nothing(make_variant):
    shirt, hat = make_variant(5), make_variant(1)

    with pytest.raises(InsufficientStock), transaction.atomic():
        stock_commit(key="order:1", items={shirt.pk: 1, hat.pk: 2})

    assert (on_hand(shirt), on_hand(hat)) == (5, 1)


def test_commit_skips_untracked_variants(make_variant):
    shirt, ebook = make_variant(1), make_variant(None, track_stock=False)

    stock_commit(key="order:1", items={shirt.pk: 1, ebook.pk: 50})

    assert on_hand(shirt) == 0
    assert not Stock.objects.filter(variant=ebook).exists()


def test_commit_of_an_unknown_variant_is_not_found(make_variant):
    shirt = make_variant(5)

    with pytest.raises(VariantNotFound), transaction.atomic():
        stock_commit(key="order:1", items={shirt.pk: 1, 999_999: 1})

    assert on_hand(shirt) == 5


def test_commit_guards_with_its_conditional_update_even_if_the_check_were_skipped(make_variant):
    shirt = make_variant(1)

    with (
        mock.patch.object(services, "_lock_and_check"),
        pytest.raises(InsufficientStock) as caught,
        transaction.atomic(),
    ):
        stock_commit(key="order:1", items={shirt.pk: 2})

    assert caught.value.details["lines"] == [{"variant_id": shirt.pk, "requested": 2, "available": 1}]
    assert on_hand(shirt) == 1


def test_commit_takes_the_same_number_of_queries_for_one_or_many_items(
    make_variant, django_assert_num_queries
):
    one = make_variant(5)
    many = [make_variant(5) for _ in range(6)]

    # variants, lock, others' holds, update, delete: in the caller's transaction, no savepoint
    with django_assert_num_queries(5):
        stock_commit(key="order:1", items={one.pk: 1})
    with django_assert_num_queries(5):
        stock_commit(key="order:2", items={v.pk: 1 for v in many})


def test_the_check_constraint_refuses_negative_stock_written_by_hand(make_variant):
    shirt = make_variant(1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(variant=shirt).update(quantity=-1)

    assert on_hand(shirt) == 1


# stock_release and expiry


def test_release_drops_the_holds_and_counts_their_units(make_variant):
    shirt, hat = make_variant(5), make_variant(5)
    stock_reserve(key="checkout:1", items={shirt.pk: 3, hat.pk: 2}, expires_at=in_minutes(15))
    stock_reserve(key="checkout:2", items={shirt.pk: 1}, expires_at=in_minutes(15))

    assert stock_release(key="checkout:1") == 5
    assert stock_release(key="checkout:1") == 0
    assert holds("checkout:1") == {}
    assert holds("checkout:2") == {shirt.pk: 1}


def test_release_of_many_keys_drops_their_holds_in_two_queries(make_variant, django_assert_num_queries):
    shirt, hat = make_variant(20), make_variant(20)
    for n in range(1, 6):
        stock_reserve(key=f"checkout:{n}", items={shirt.pk: n, hat.pk: 1}, expires_at=in_minutes(15))

    with django_assert_num_queries(2):
        released = stock_release_keys(keys=["checkout:1", "checkout:3", "checkout:4", "checkout:9"])

    # The units each key held; a key holding nothing is left out.
    assert released == {"checkout:1": 2, "checkout:3": 4, "checkout:4": 5}
    assert [holds(f"checkout:{n}") for n in range(1, 6)] == [
        {},
        {shirt.pk: 2, hat.pk: 1},
        {},
        {},
        {shirt.pk: 5, hat.pk: 1},
    ]
    assert stock_release_keys(keys=["checkout:1"]) == {}
    with django_assert_num_queries(0):
        assert stock_release_keys(keys=[]) == {}


def test_release_expired_deletes_only_expired_holds(make_variant):
    shirt = make_variant(5)
    stock_reserve(key="checkout:old", items={shirt.pk: 1}, expires_at=in_minutes(-1))
    stock_reserve(key="checkout:older", items={shirt.pk: 1}, expires_at=in_minutes(-60))
    stock_reserve(key="checkout:live", items={shirt.pk: 1}, expires_at=in_minutes(15))

    assert reservations_release_expired() == 2
    assert set(Reservation.objects.values_list("key", flat=True)) == {"checkout:live"}


def test_the_periodic_task_releases_expired_holds(make_variant):
    shirt = make_variant(5)
    stock_reserve(key="checkout:old", items={shirt.pk: 1}, expires_at=in_minutes(-1))

    result = release_expired_reservations.enqueue()

    assert result.return_value == 1
    assert not Reservation.objects.exists()


# stock_restock


def test_restock_puts_units_back(make_variant):
    shirt, hat = make_variant(0), make_variant(3)

    stock_restock(items={shirt.pk: 2, hat.pk: 1})

    assert (on_hand(shirt), on_hand(hat)) == (2, 4)


def test_restock_creates_the_count_of_a_tracked_variant_that_had_none(make_variant):
    shirt = make_variant(None)

    stock_restock(items={shirt.pk: 2})

    assert on_hand(shirt) == 2


def test_restock_skips_untracked_and_deleted_variants(make_variant):
    shirt, ebook = make_variant(1), make_variant(None, track_stock=False)

    stock_restock(items={shirt.pk: 1, ebook.pk: 1, 999_999: 1})

    assert on_hand(shirt) == 2
    assert not Stock.objects.filter(variant=ebook).exists()


# stock_set and stock_adjust


def test_set_counts_the_stock(make_variant):
    shirt = make_variant(5)

    stock = stock_set(variant_id=shirt.pk, quantity=12)

    assert stock.quantity == 12
    assert on_hand(shirt) == 12


def test_set_on_an_untracked_variant_turns_tracking_on(make_variant):
    ebook = make_variant(None, track_stock=False)

    stock_set(variant_id=ebook.pk, quantity=3)

    assert Variant.objects.get(pk=ebook.pk).track_stock is True
    assert on_hand(ebook) == 3


def test_set_refuses_a_negative_count(make_variant):
    shirt = make_variant(5, track_stock=False)

    with pytest.raises(InvalidInput):
        stock_set(variant_id=shirt.pk, quantity=-1)

    assert on_hand(shirt) == 5
    assert Variant.objects.get(pk=shirt.pk).track_stock is False


def test_set_of_an_unknown_variant_is_not_found(db):
    with pytest.raises(VariantNotFound):
        stock_set(variant_id=999_999, quantity=1)


def test_adjust_adds_and_removes_units(make_variant):
    shirt = make_variant(5)

    assert stock_adjust(variant_id=shirt.pk, delta=10).quantity == 15
    assert stock_adjust(variant_id=shirt.pk, delta=-15).quantity == 0
    assert on_hand(shirt) == 0


def test_adjust_below_zero_is_refused_and_changes_nothing(make_variant):
    shirt = make_variant(2, track_stock=False)

    with pytest.raises(StockWouldGoNegative) as caught:
        stock_adjust(variant_id=shirt.pk, delta=-3)

    assert (caught.value.status, caught.value.code) == (409, "stock_would_go_negative")
    assert caught.value.details == {"variant_id": shirt.pk, "on_hand": 2, "delta": -3}
    assert on_hand(shirt) == 2
    assert Variant.objects.get(pk=shirt.pk).track_stock is False


def test_adjust_of_a_variant_without_a_count_starts_from_zero(make_variant):
    shirt = make_variant(None, track_stock=False)

    stock_adjust(variant_id=shirt.pk, delta=4)

    assert on_hand(shirt) == 4
    assert Variant.objects.get(pk=shirt.pk).track_stock is True


def test_adjust_by_zero_is_invalid(make_variant):
    shirt = make_variant(2)

    with pytest.raises(InvalidInput):
        stock_adjust(variant_id=shirt.pk, delta=0)


def test_adjust_of_an_unknown_variant_is_not_found(db):
    with pytest.raises(VariantNotFound):
        stock_adjust(variant_id=999_999, delta=1)

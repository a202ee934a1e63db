"""The public catalog listing (the home page, GET /api/v1/products) is kept
in the cache, and every change to what it shows is on it at once
(lojista/catalog/listing_cache.py)."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojista.catalog.listing_cache import LISTING
from lojista.catalog.services import product_update, variant_update
from lojista.inventory.services import (
    stock_adjust,
    stock_commit,
    stock_release,
    stock_reserve,
    stock_restock,
    stock_set,
)
from tests.catalog.factories import make_product, make_variant
from tests.redis_helpers import CACHE_DOWN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_settings_cached")]


@pytest.fixture
def mug(db):
    product = make_product("Mug", slug="mug", description="A mug.")
    return make_variant(product, price="12.00", stock=10, sku="MUG")


def listed(api: Client) -> dict:
    [item] = api.get("/api/v1/products").json()["items"]
    return item


def statements(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_a_second_visit_reads_nothing_from_the_database(api, mug):
    assert statements(lambda: api.get("/api/v1/products")) == 2
    assert statements(lambda: api.get("/")) == 2

    assert statements(lambda: api.get("/api/v1/products")) == 0
    assert statements(lambda: api.get("/")) == 0
    # Another page, size or language is a copy of its own.
    assert statements(lambda: api.get("/api/v1/products", {"limit": 5})) == 2
    assert statements(lambda: api.get("/", headers={"accept-language": "pt-br"})) == 2


def test_the_copy_is_what_the_database_says(api, mug):
    first = api.get("/api/v1/products")
    second = api.get("/api/v1/products")

    assert second.content == first.content
    assert second["Content-Type"] == "application/json; charset=utf-8"
    # The same product, as its own (never cached) endpoint shows it.
    assert listed(api) == api.get("/api/v1/products/mug").json()


def test_a_search_is_never_kept(api, mug):
    api.get("/api/v1/products", {"q": "mug"})
    assert statements(lambda: api.get("/api/v1/products", {"q": "mug"})) == 2
    assert statements(lambda: api.get("/search/", {"q": "mug"})) == 2


def test_a_merchants_edit_shows_at_once(api, mug):
    api.get("/")
    listed(api)

    product_update(
        product=mug.product, name="Big mug", slug="mug", description="", images=[], is_published=True
    )
    variant_update(
        variant=mug,
        sku="MUG",
        price=Decimal("15.00"),
        name="",
        options={},
        track_stock=True,
        max_per_order=None,
        is_published=True,
        position=0,
    )

    item = listed(api)
    assert item["name"] == "Big mug"
    assert item["variants"][0]["price"]["amount"] == "15.00"
    assert "Big mug" in api.get("/").content.decode()


def test_unpublishing_takes_the_product_off_at_once(api, mug):
    listed(api)
    mug.product.is_published = False
    mug.product.save()

    assert api.get("/api/v1/products").json()["items"] == []
    assert "Mug" not in api.get("/").content.decode()


@pytest.mark.parametrize(
    ("change", "available"),
    [
        (lambda mug: stock_set(variant_id=mug.pk, quantity=0), 0),
        (lambda mug: stock_adjust(variant_id=mug.pk, delta=-7), 3),
        (lambda mug: stock_restock(items={mug.pk: 5}), 15),
        (lambda mug: stock_commit(key="checkout:1", items={mug.pk: 4}), 6),
        (
            lambda mug: stock_reserve(
                key="checkout:1", items={mug.pk: 9}, expires_at=timezone.now() + timedelta(minutes=5)
            ),
            1,
        ),
    ],
    ids=["set", "adjust", "restock", "sale", "hold"],
)
def test_every_stock_change_shows_at_once(api, mug, change, available):
    assert listed(api)["variants"][0]["available_quantity"] == 10

    change(mug)

    assert listed(api)["variants"][0]["available_quantity"] == available


def test_the_home_page_says_sold_out_as_soon_as_it_is(api, mug):
    assert "In stock" in api.get("/").content.decode()

    stock_commit(key="checkout:1", items={mug.pk: 10})

    assert "Out of stock" in api.get("/").content.decode()


def test_a_released_hold_shows_at_once(api, mug):
    stock_reserve(key="checkout:1", items={mug.pk: 10}, expires_at=timezone.now() + timedelta(minutes=5))
    assert listed(api)["variants"][0]["available_quantity"] == 0

    stock_release(key="checkout:1")

    assert listed(api)["variants"][0]["available_quantity"] == 10


@override_settings(LOJISTA_CATALOG_CACHE_SECONDS=5)
def test_a_hold_that_runs_out_shows_within_the_timeout(api, mug):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        stock_reserve(key="checkout:1", items={mug.pk: 10}, expires_at=timezone.now() + timedelta(seconds=2))
        assert listed(api)["variants"][0]["available_quantity"] == 0

        clock.shift(timedelta(seconds=3))  # the hold ran out; nothing said so
        assert listed(api)["variants"][0]["available_quantity"] == 0  # the copy, for two more seconds

        clock.shift(timedelta(seconds=3))
        assert listed(api)["variants"][0]["available_quantity"] == 10


@override_settings(LOJISTA_CATALOG_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(api, mug):
    api.get("/api/v1/products")
    assert statements(lambda: api.get("/api/v1/products")) == 2
    assert statements(lambda: api.get("/")) == 2


def test_a_cache_that_lost_its_counter_does_not_bring_old_copies_back(api, mug):
    listed(api)
    cache.delete("lojista:generation:catalog-listing")  # a restarted or full cache

    stock_set(variant_id=mug.pk, quantity=3)

    assert listed(api)["variants"][0]["available_quantity"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_reader_between_the_change_and_its_commit_cannot_keep_the_old_data(mug):
    api = Client()
    with transaction.atomic():
        stock_set(variant_id=mug.pk, quantity=0)
        # Another visitor, before the commit, sees (and caches) the old count.
        LISTING.cached(("api", "en", None, 20), lambda: b"old", timeout=60)
    # The commit made that copy stale too.
    assert listed(api)["variants"][0]["available_quantity"] == 0


@override_settings(CACHES=CACHE_DOWN)
def test_a_cache_that_does_not_answer_still_lists_the_products(mug, caplog):
    api = Client()
    with caplog.at_level(logging.ERROR, logger="lojista.cache"):
        assert listed(api)["name"] == "Mug"
        assert "Mug" in api.get("/").content.decode()
        stock_set(variant_id=mug.pk, quantity=2)  # the change goes through

    assert listed(api)["variants"][0]["available_quantity"] == 2
    assert any("the cache does not answer" in record.getMessage() for record in caplog.records)

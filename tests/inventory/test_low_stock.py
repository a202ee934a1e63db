"""Low stock: the tracked variants the merchant should restock."""

import pytest

from lojista.inventory.selectors import low_stock_variants
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db


def test_tracked_variants_at_or_below_the_threshold_emptiest_first(settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 3
    product = make_product()
    plenty = make_variant(product, stock=10)
    three = make_variant(product, stock=3)
    held = make_variant(product, stock=5)
    hold(held, 4, minutes=5)
    make_variant(product, stock=0, track_stock=False)

    low = list(low_stock_variants())

    assert [v.id for v in low] == [held.id, three.id]
    assert [v.available_quantity_raw for v in low] == [1, 3]
    assert [v.id for v in low_stock_variants(threshold=10)] == [held.id, three.id, plenty.id]

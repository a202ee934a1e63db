"""The catalog reads cost the same few queries however big the catalog is."""

import pytest

from lojista.catalog.models import Product, Variant
from lojista.inventory.models import Stock
from tests.catalog.factories import hold

# The shop settings are cached (core.selectors): every request but the first
# after a change finds them there, so budgets are counted with them cached.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_settings_cached")]

QUERY_BUDGET = 2  # the products, then their published variants with availability


def build_catalog(*, products: int, variants: int) -> list[Product]:
    created = Product.objects.bulk_create(Product(name=f"P{p}", slug=f"p{p}") for p in range(products))
    rows = Variant.objects.bulk_create(
        Variant(product=product, sku=f"P{product.id}-V{v}", price="9.90", position=v)
        for product in created
        for v in range(variants)
    )
    Stock.objects.bulk_create(Stock(variant=variant, quantity=5) for variant in rows)
    hold(rows[0], 1, minutes=30)
    hold(rows[-1], 2, minutes=-30)
    return created


@pytest.mark.parametrize(("products", "variants"), [(1, 1), (20, 10)])
def test_product_list_has_a_constant_query_count(api, django_assert_max_num_queries, products, variants):
    build_catalog(products=products, variants=variants)

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = api.get("/api/v1/products", {"limit": 20})

    items = response.json()["items"]
    assert len(items) == products
    assert all(len(item["variants"]) == variants for item in items)


@pytest.mark.parametrize("variants", [1, 30])
def test_product_detail_has_a_constant_query_count(api, django_assert_max_num_queries, variants):
    build_catalog(products=1, variants=variants)

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = api.get("/api/v1/products/p0")

    assert len(response.json()["variants"]) == variants


def test_a_search_page_has_the_same_query_count(api, django_assert_max_num_queries):
    build_catalog(products=20, variants=10)

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = api.get("/api/v1/products", {"q": "-v3", "limit": 20})

    assert len(response.json()["items"]) == 20

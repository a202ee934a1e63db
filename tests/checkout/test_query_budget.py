"""Starting and reading a checkout cost the same few queries however many lines it has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojista.carts.models import Cart
from lojista.catalog.models import Product, Variant
from lojista.inventory.models import Stock
from tests.checkout.helpers import CHECKOUTS, cart_with, start

# The shop settings are cached (core.selectors): every request but the first
# after a change finds them there, so budgets are counted with them cached.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_settings_cached")]

# The cart, the shipping method, the cart lock, its lines with their variants,
# outdating earlier checkouts, the checkout and its lines, the stock hold
# (tracked variants, stock lock, others' holds, delete, insert, in the
# service's transaction without a savepoint of its own); plus the service's
# own SAVEPOINT and RELEASE, as tests run inside a transaction. 18 before
# issue 8. +1 in issue 13: the Abandoned checkouts extension's
# checkout_started receiver reads its install flag (uninstalled, as here;
# installed it writes its row: see
# tests/extensions/abandoned_checkouts/test_costs.py). -2 in issue 14: the
# cart's lines are read with their variants in one query, and the response
# shows the lines just written instead of reading them back.
START_BUDGET = 15
# The checkout with its shipping method, then its lines.
READ_BUDGET = 2


def cart_of(lines: int) -> Cart:
    product = Product.objects.create(name="Meia", slug=f"meia-{lines}")
    variants = Variant.objects.bulk_create(
        Variant(product=product, name=f"T{n}", sku=f"MEIA-{lines}-{n}", price="5.00") for n in range(lines)
    )
    Stock.objects.bulk_create(Stock(variant=variant, quantity=3) for variant in variants)
    return cart_with(*((variant, 2) for variant in variants))


@pytest.mark.parametrize("lines", [1, 30])
def test_starting_a_checkout_has_a_constant_query_count(api, shipping, django_assert_max_num_queries, lines):
    cart = cart_of(lines)

    with django_assert_max_num_queries(START_BUDGET):
        response = start(api, cart.token)

    assert response.status_code == 201
    assert len(response.json()["lines"]) == lines


def test_starting_again_costs_the_same(api, shipping):
    small, large = cart_of(1), cart_of(30)
    counts = []
    for cart in (small, large):
        start(api, cart.token)
        with CaptureQueriesContext(connection) as queries:
            assert start(api, cart.token).status_code == 201
        counts.append(len(queries))

    assert counts[0] == counts[1] <= START_BUDGET


@pytest.mark.parametrize("lines", [1, 30])
def test_reading_a_checkout_has_a_constant_query_count(api, shipping, django_assert_max_num_queries, lines):
    checkout = start(api, cart_of(lines).token).json()

    with django_assert_max_num_queries(READ_BUDGET):
        response = api.get(f"{CHECKOUTS}/{checkout['id']}")

    assert len(response.json()["lines"]) == lines

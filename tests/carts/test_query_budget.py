"""Reading a cart and adding to it cost the same few queries however many lines it has."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojista.carts.models import Cart, CartLine
from lojista.catalog.models import Product, Variant
from lojista.inventory.models import Stock
from tests.carts.helpers import CARTS, MY_CART, add, get_cart
from tests.catalog.factories import hold, make_product, make_variant

# The shop settings are cached (core.selectors): every request but the first
# after a change finds them there, so budgets are counted with them cached.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_settings_cached")]

# The cart, its lines with their variants, product and availability (one
# query since issue 14, two before), the customer's token when a bearer is
# sent, and the seen-prices update.
READ_BUDGET = 4
# The customer's token, the cart, the variant, the lock, the line and its
# write, then the view (1 since issue 14); plus the service's SAVEPOINT and
# RELEASE, as tests run inside a transaction.
ADD_BUDGET = 10
# A new guest cart: its INSERT, nothing else (issue 14: no transaction around
# one statement, and an empty cart's view needs no read). 4 before.
CREATE_BUDGET = 1


def fill(cart: Cart, lines: int) -> list[Variant]:
    """``lines`` lines, one short of stock, one out of stock, one held by a checkout."""
    product = Product.objects.create(name="Meia", slug=f"meia-{cart.pk}")
    variants = Variant.objects.bulk_create(
        Variant(product=product, name=f"T{n}", sku=f"MEIA-{cart.pk}-{n}", price="5.00") for n in range(lines)
    )
    Stock.objects.bulk_create(
        Stock(variant=variant, quantity=(n + 3) % 4) for n, variant in enumerate(variants)
    )
    hold(variants[-1], 1, minutes=30)
    CartLine.objects.bulk_create(
        CartLine(
            cart=cart, variant=v, product_name="Meia", sku=v.sku, requested_quantity=2, price_seen="5.00"
        )
        for v in variants
    )
    return variants


@pytest.mark.parametrize("lines", [1, 50])
def test_reading_a_guest_cart_has_a_constant_query_count(api, django_assert_max_num_queries, lines):
    cart = Cart.objects.create()
    fill(cart, lines)

    with django_assert_max_num_queries(READ_BUDGET):
        response = get_cart(api, cart.token)

    assert len(response.json()["lines"]) == lines


@pytest.mark.parametrize("lines", [1, 50])
def test_reading_a_customer_cart_with_changed_prices_has_a_constant_query_count(
    api, customer, customer_headers, django_assert_max_num_queries, lines
):
    cart = Cart.objects.create(customer=customer)
    variants = fill(cart, lines)
    Variant.objects.filter(pk__in=[v.pk for v in variants]).update(price=Decimal("6.00"))

    with django_assert_max_num_queries(READ_BUDGET):
        by_token = get_cart(api, cart.token, headers=customer_headers)
    with django_assert_max_num_queries(READ_BUDGET):
        mine = api.get(MY_CART, headers=customer_headers)

    problems = [line["problem"] for line in by_token.json()["lines"]]
    assert "price_changed" in problems
    assert "price_changed" not in [line["problem"] for line in mine.json()["lines"]]
    assert len(mine.json()["lines"]) == lines


@pytest.mark.parametrize("lines", [1, 50])
def test_adding_a_line_has_a_constant_query_count(
    api, customer, customer_headers, django_assert_max_num_queries, lines
):
    cart = Cart.objects.create(customer=customer)
    variants = fill(cart, lines)
    new = make_variant(make_product("Boné"), stock=3)

    with django_assert_max_num_queries(ADD_BUDGET):
        added = add(api, cart.token, new.pk, 1, headers=customer_headers)
    with django_assert_max_num_queries(ADD_BUDGET):
        added_again = add(api, cart.token, variants[0].pk, 1, headers=customer_headers)

    assert added.status_code == added_again.status_code == 200
    assert len(added_again.json()["lines"]) == lines + 1


def test_creating_a_cart_is_one_insert(api, django_assert_num_queries):
    with django_assert_num_queries(CREATE_BUDGET):
        response = api.post(CARTS)

    assert response.status_code == 201
    body = response.json()
    assert body["lines"] == [] and body["item_count"] == 0 and body["checkoutable"] is False
    assert Cart.objects.filter(token=body["token"], status=Cart.Status.OPEN).exists()


def _statements(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return len(queries)


def test_a_guest_cart_read_and_add_cost_the_same_for_1_and_30_lines(api):
    """The issue 14 statement counts: exactly the same, not just under a budget."""
    counts = []
    for lines in (1, 30):
        cart = Cart.objects.create()
        fill(cart, lines)
        new = make_variant(make_product(f"Boné {lines}"), stock=3)
        read = _statements(lambda cart=cart: get_cart(api, cart.token))
        added = _statements(lambda cart=cart, new=new: add(api, cart.token, new.pk, 1))
        counts.append((read, added))

    assert counts[0] == counts[1]
    assert counts[0][0] <= READ_BUDGET and counts[0][1] <= ADD_BUDGET

"""The cart's availability read is one hand-written statement (decision
219): every case it must answer as the ORM would, on SQLite and PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from lojista.carts.models import Cart, CartLine
from lojista.carts.selectors import LineView, cart_view, live_lines
from lojista.catalog.models import Variant
from lojista.core.money import format_money
from lojista.inventory.selectors import available_quantity, with_availability
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db

UNAVAILABLE = "This item is no longer available"


def line(cart, variant, requested, *, price_seen=None, created_at=None, **snapshot) -> CartLine:
    return CartLine.objects.create(
        cart=cart,
        variant=variant,
        product_name=snapshot.get("product_name", variant.product.name),
        variant_name=snapshot.get("variant_name", variant.name),
        sku=snapshot.get("sku", variant.sku),
        requested_quantity=requested,
        price_seen=Decimal(price_seen) if price_seen is not None else variant.price,
        created_at=created_at or timezone.now(),
    )


def view(row: CartLine, variant, quantity, problem=None, message=None, **values) -> LineView:
    """The LineView expected for ``row``, named and priced as ``variant`` now."""
    expected = {
        "id": row.pk,
        "variant_id": variant.pk,
        "product_name": variant.product.name,
        "variant_name": variant.name,
        "sku": variant.sku,
        "unit_price": variant.price,
        "requested_quantity": row.requested_quantity,
        "quantity": quantity,
        "available": quantity > 0,
        "problem": problem,
        "message": message,
    }
    return LineView(**(expected | values))


def test_every_case_reads_as_the_orm_would(settings):
    settings.LOJISTA_MAX_PER_ORDER = 20
    cart = Cart.objects.create()
    other_cart = Cart.objects.create()
    earlier = timezone.now() - timedelta(minutes=5)

    plain = make_variant(make_product("Caneca"), price="12.50", stock=10)
    hold(plain, 3, minutes=10)  # someone else's: taken off
    hold(plain, 2, minutes=10, key=f"cart:{cart.pk}")  # this cart's checkout: not taken off
    hold(plain, 4, minutes=-1)  # expired: ignored
    short = make_variant(make_product("Camiseta"), name="M", price="25.00", stock=5)
    hold(short, 2, minutes=10, key=f"cart:{other_cart.pk}")
    oversold = make_variant(make_product("Boné"), price="30.00", stock=2)
    hold(oversold, 3, minutes=10)  # more held than on hand: 0, never negative
    no_stock_row = make_variant(make_product("Meia"), price="5.00")
    untracked = make_variant(make_product("E-book"), price="9.90", track_stock=False)
    capped = make_variant(make_product("Copo"), price="3.00", stock=50, max_per_order=2)
    shop_capped = make_variant(make_product("Prato"), price="7.00", stock=50)
    repriced = make_variant(make_product("Vaso"), price="12.50", stock=50)
    hidden_variant = make_variant(
        make_product("Lápis"), name="Azul", price="1.50", stock=50, is_published=False
    )
    hidden_product = make_variant(make_product("Caderno", is_published=False), price="8.00", stock=50)
    deleted = make_variant(make_product("Régua"), name="30 cm", price="4.00", stock=50)

    # Added in this order; the first two share a created_at (then by id),
    # and the one created earlier but inserted later comes first.
    moment = timezone.now()
    rows = {
        "plain": line(cart, plain, 7, created_at=moment),
        "short": line(cart, short, 4, created_at=moment),
        "oversold": line(cart, oversold, 1),
        "no_stock_row": line(cart, no_stock_row, 1),
        "untracked": line(cart, untracked, 15),
        "capped": line(cart, capped, 3),
        "shop_capped": line(cart, shop_capped, 21),
        "repriced": line(cart, repriced, 1, price_seen="9.99"),
        "hidden_variant": line(cart, hidden_variant, 1, price_seen="1.00"),
        "hidden_product": line(cart, hidden_product, 1),
        "deleted": line(cart, deleted, 2, price_seen="3.50", product_name="Régua velha", variant_name="30"),
        "first": line(cart, make_variant(make_product("Primeiro"), stock=1), 1, created_at=earlier),
    }
    line(other_cart, plain, 1)  # another cart's line is not read
    deleted_snapshot = rows["deleted"]
    deleted.delete()
    first = rows.pop("first")

    with translation.override("en"):
        lines = cart_view(cart=cart).lines

    first_variant = first.variant
    assert lines == [
        view(first, first_variant, 1),
        view(rows["plain"], plain, 7),
        view(rows["short"], short, 3, "insufficient_stock", "Only 3 left"),
        view(rows["oversold"], oversold, 0, "out_of_stock", "This item is out of stock"),
        view(rows["no_stock_row"], no_stock_row, 0, "out_of_stock", "This item is out of stock"),
        view(rows["untracked"], untracked, 15),
        view(rows["capped"], capped, 0, "above_max_per_order", "At most 2 units per order"),
        view(rows["shop_capped"], shop_capped, 0, "above_max_per_order", "At most 20 units per order"),
        view(
            rows["repriced"],
            repriced,
            1,
            "price_changed",
            f"The price changed from {format_money(Decimal('9.99'))} to {format_money(Decimal('12.50'))}",
        ),
        view(rows["hidden_variant"], hidden_variant, 0, "unavailable", UNAVAILABLE),
        view(rows["hidden_product"], hidden_product, 0, "unavailable", UNAVAILABLE),
        LineView(
            id=deleted_snapshot.pk,
            variant_id=None,
            product_name="Régua velha",
            variant_name="30",
            sku=deleted_snapshot.sku,
            unit_price=Decimal("3.50"),
            requested_quantity=2,
            quantity=0,
            available=False,
            problem="unavailable",
            message=UNAVAILABLE,
        ),
    ]
    # The same availability as the ORM's (with_availability), line by line.
    live = {row.variant_id: row for row in live_lines(cart) if row.variant_id is not None}
    for variant in with_availability(Variant.objects.filter(pk__in=live), exclude_key=f"cart:{cart.pk}"):
        row = live[variant.pk]
        assert (row.available if row.track_stock else None) == available_quantity(variant), variant.sku


def test_prices_are_decimals_with_cents_and_flags_booleans_on_every_database():
    cart = Cart.objects.create()
    variant = make_variant(make_product(), price="12.50", stock=3)
    line(cart, variant, 1, price_seen="10.00")
    whole = make_variant(make_product(), price="7.00", stock=3)
    line(cart, whole, 1)

    rows = live_lines(cart)

    assert [(str(row.price), str(row.price_seen)) for row in rows] == [("12.50", "10.00"), ("7.00", "7.00")]
    assert all(type(row.published) is bool and type(row.track_stock) is bool for row in rows)
    assert all(type(row.available) is int and type(row.requested_quantity) is int for row in rows)
    assert [str(line.line_total) for line in cart_view(cart=cart).lines] == ["12.50", "7.00"]


def test_the_read_is_one_statement_however_many_lines():
    cart = Cart.objects.create()
    for n in range(5):
        line(cart, make_variant(make_product(f"P{n}"), stock=3), 1)

    with CaptureQueriesContext(connection) as queries:
        assert len(cart_view(cart=cart).lines) == 5

    assert len(queries) == 1

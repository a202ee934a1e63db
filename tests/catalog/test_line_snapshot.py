"""One abstract line snapshot (catalog.LineSnapshot) for cart, checkout and
order lines, and one helper that copies it from a line of one kind to a new
line of another."""

from decimal import Decimal

import pytest

from lojista.carts.models import Cart, CartLine
from lojista.catalog.models import LineSnapshot, PricedLineSnapshot, copy_line
from lojista.checkout.models import CheckoutLine
from lojista.orders.models import OrderLine
from tests.catalog.factories import make_product, make_variant
from tests.completion.shop import complete, new_cart, open_shop, start_checkout

pytestmark = pytest.mark.django_db


def test_every_kind_of_line_holds_the_same_snapshot_columns():
    snapshot = {field.name for field in LineSnapshot._meta.fields}
    priced = {field.name for field in PricedLineSnapshot._meta.fields}
    for line_class in (CartLine, CheckoutLine, OrderLine):
        assert snapshot <= {field.name for field in line_class._meta.fields}
    for line_class in (CheckoutLine, OrderLine):
        assert issubclass(line_class, PricedLineSnapshot)
        assert priced <= {field.name for field in line_class._meta.fields}
    assert issubclass(CartLine, LineSnapshot)


def test_a_copied_line_holds_every_snapshot_field_of_its_source_and_nothing_else():
    variant = make_variant(make_product("Caneca"), name="Azul", sku="CAN-AZ", price="9.90")
    source = CheckoutLine(
        pk=41, variant=variant, product_name="Caneca", variant_name="Azul", sku="CAN-AZ",
        unit_price=Decimal("9.90"), quantity=3,
    )  # fmt: skip

    line = copy_line(source, OrderLine, line_total=Decimal("29.70"))

    assert line.pk is None
    assert {name: getattr(line, name) for name in PricedLineSnapshot.SNAPSHOT_FIELDS} == {
        "variant_id": variant.pk,
        "product_name": "Caneca",
        "variant_name": "Azul",
        "sku": "CAN-AZ",
        "unit_price": Decimal("9.90"),
        "quantity": 3,
    }
    assert line.line_total == Decimal("29.70")


def test_a_cart_line_copies_the_variant_as_it_is_now():
    variant = make_variant(make_product("Boné"), name="Preto", sku="BON-P")
    line = CartLine(
        cart=Cart.objects.create(),
        **CartLine.of_variant(variant),
        requested_quantity=1,
        price_seen=variant.price,
    )
    assert (line.variant, line.product_name, line.variant_name, line.sku) == (
        variant,
        "Boné",
        "Preto",
        "BON-P",
    )


# Completion calls the payment gateway outside any transaction, as in production.
@pytest.mark.django_db(transaction=True)
def test_the_order_keeps_what_the_checkout_agreed_after_the_variant_changes_and_goes(client):
    open_shop()
    variant = make_variant(make_product("Caneca"), name="Azul", sku="CAN-AZ", price="12.50", stock=5)
    checkout = start_checkout(client, new_cart(client, {variant: 2})).json()
    variant.product.name = "Caneca nova"
    variant.product.save()
    variant.sku = "CAN-AZ-2"
    variant.price = Decimal("99.00")
    variant.save()

    order = complete(client, checkout["id"]).json()["order"]
    variant.delete()

    [line] = order["lines"]
    assert (line["product_name"], line["variant_name"], line["sku"]) == ("Caneca", "Azul", "CAN-AZ")
    assert line["unit_price"]["amount"] == "12.50" and line["quantity"] == 2
    [stored] = OrderLine.objects.all()
    assert (stored.variant_id, stored.product_name, stored.sku) == (None, "Caneca", "CAN-AZ")

"""Whatever the customer and the shop do, in any order, the cart view keeps
its promises: it shows what can be bought, never more than wanted or than in
stock, and its subtotal adds up."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojista.catalog.models import Variant
from lojista.inventory.models import Reservation
from lojista.inventory.selectors import available_quantity, with_availability
from lojista.inventory.services import stock_set
from tests.carts.helpers import add, get_cart, new_cart, remove, set_quantity
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

VARIANTS = 3  # the last one does not track its stock
MAX_LINE = 999

variant_index = st.integers(0, VARIANTS - 1)
operations = st.one_of(
    st.tuples(st.just("add"), variant_index, st.integers(1, 600)),
    st.tuples(st.just("set"), variant_index, st.integers(0, 30)),
    st.tuples(st.just("remove"), variant_index),
    st.tuples(st.just("stock"), variant_index, st.integers(0, 12)),
    st.tuples(st.just("hold"), variant_index, st.integers(1, 6)),
    st.tuples(st.just("price"), variant_index, st.sampled_from(["0.00", "0.99", "10.00", "19.90", "123.45"])),
)


class CartClient:
    """The customer's side: drives the API and remembers what they asked for."""

    def __init__(self, api: Client):
        self.api = api
        self.token = new_cart(api)["token"]
        self.wanted: dict[int, int] = {}
        self.line_ids: dict[int, int] = {}

    def add(self, variant: Variant, quantity: int) -> None:
        response = add(self.api, self.token, variant.pk, quantity)
        total = self.wanted.get(variant.pk, 0) + quantity
        if total > MAX_LINE:
            assert response.status_code == 422
            return
        assert response.status_code == 200
        self.wanted[variant.pk] = total
        self.line_ids = {line["variant_id"]: line["id"] for line in response.json()["lines"]}

    def set(self, variant: Variant, quantity: int) -> None:
        if variant.pk not in self.wanted:
            return
        assert set_quantity(self.api, self.token, self.line_ids[variant.pk], quantity).status_code == 200
        if quantity:
            self.wanted[variant.pk] = quantity
        else:
            del self.wanted[variant.pk]

    def remove(self, variant: Variant) -> None:
        if variant.pk not in self.wanted:
            return
        assert remove(self.api, self.token, self.line_ids[variant.pk]).status_code == 200
        del self.wanted[variant.pk]


def shop_change(operation: tuple, variant: Variant) -> None:
    name, _index, value = operation
    if name == "stock":
        stock_set(variant_id=variant.pk, quantity=value)
    elif name == "hold":
        Reservation.objects.create(
            variant=variant,
            key=f"checkout:{Reservation.objects.count()}",
            quantity=value,
            expires_at=timezone.now() + timedelta(hours=1),
        )
    else:
        Variant.objects.filter(pk=variant.pk).update(price=Decimal(value))


def check_promises(cart: dict, wanted: dict[int, int]) -> None:
    available = {v.pk: available_quantity(v) for v in with_availability(Variant.objects.all())}
    assert {line["variant_id"]: line["requested_quantity"] for line in cart["lines"]} == wanted
    subtotal = Decimal("0")
    for line in cart["lines"]:
        in_stock = available[line["variant_id"]]
        assert line["quantity"] <= line["requested_quantity"]
        if in_stock is not None:
            assert line["quantity"] <= in_stock
        assert line["quantity"] == min(
            line["requested_quantity"], in_stock if in_stock is not None else MAX_LINE
        )
        line_total = Decimal(line["unit_price"]["amount"]) * line["quantity"]
        assert Decimal(line["line_total"]["amount"]) == line_total
        subtotal += line_total
    assert Decimal(cart["subtotal"]["amount"]) == subtotal
    assert cart["checkoutable"] == (
        bool(cart["lines"]) and all(line["quantity"] > 0 for line in cart["lines"])
    )


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(operations, max_size=15))
def test_any_sequence_of_changes_keeps_the_carts_promises(api, steps):
    # Each example runs in a savepoint rolled back at its end, so examples
    # start from the same shop.
    with transaction.atomic():
        product = make_product("Meia")
        variants = [
            make_variant(product, sku=f"PROP-{n}", stock=5, track_stock=n < VARIANTS - 1)
            for n in range(VARIANTS)
        ]
        customer = CartClient(api)
        for operation in steps:
            variant = variants[operation[1]]
            if operation[0] == "add":
                customer.add(variant, operation[2])
            elif operation[0] == "set":
                customer.set(variant, operation[2])
            elif operation[0] == "remove":
                customer.remove(variant)
            else:
                shop_change(operation, variant)
            check_promises(get_cart(api, customer.token).json(), customer.wanted)
        transaction.set_rollback(True)

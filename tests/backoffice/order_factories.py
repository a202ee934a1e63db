"""Orders for the order page's tests, placed the real way (orders.services.order_place)
so that their timeline holds what a shop's does: placed, the emails queued."""

from lojista.catalog.models import Variant
from lojista.customers.models import User
from lojista.orders.models import Order
from lojista.orders.services import order_place
from lojista.payments.models import Payment
from tests.catalog.factories import make_product, make_variant
from tests.orders.factories import checkout_for, payment_for


def variant(
    name: str = "Camiseta Lojista", *, option: str = "M / Azul", price: str = "25.00", stock: int = 20
) -> Variant:
    return make_variant(make_product(name), name=option, price=price, stock=stock)


def order_of(
    items: dict[Variant, int] | None = None,
    *,
    customer: User | None = None,
    offline: bool = False,
    **fields,
) -> Order:
    """A pending order of ``items`` (variant -> quantity; one shirt by
    default), paid by (test) card, or awaiting an offline payment."""
    items = items or {variant(): 2}
    checkout = checkout_for(items, customer=customer, **fields)
    if offline:
        payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    else:
        payment = payment_for(checkout)
    order, _created = order_place(checkout=checkout, payment=payment)
    return order


def order_with_lines(count: int, **fields) -> Order:
    return order_of({variant(f"Product {n}", option=f"Size {n}"): 1 for n in range(count)}, **fields)

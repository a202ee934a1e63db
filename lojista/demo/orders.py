"""A few weeks of orders for the demo shop, placed through the same services
as the API (cart → checkout → offline payment → order) and moved along by
the same status changes as the back office, so that a new user's back office
has orders in every tab, a timeline with emails and a chart that is not flat.

Only the placement dates are moved into the past afterwards: the demo's one
liberty with history.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F

from lojista.carts.services import cart_create, cart_line_add
from lojista.catalog.models import Variant
from lojista.checkout.services import checkout_start
from lojista.customers.models import User
from lojista.orders.completion import checkout_complete
from lojista.orders.models import Order, OrderEvent, OrderStatus
from lojista.orders.services import order_mark_paid, order_transition
from lojista.orders.statuses import CancelReason


@dataclass(frozen=True)
class DemoOrder:
    name: str
    email: str
    address: dict[str, str]
    method: str
    lines: dict[str, int]  # SKU: quantity
    days_ago: int
    # The statuses it is moved to, in order, after it is placed.
    moves: tuple[str, ...] = ()
    paid: bool = False
    source: str = ""
    medium: str = ""


def _lisbon(street: str, postal_code: str) -> dict[str, str]:
    return {"line1": street, "city": "Lisboa", "postal_code": postal_code, "country": "PT"}


DELIVERED = (OrderStatus.PROCESSED, OrderStatus.DELIVERED)
DEMO_ORDERS = (
    DemoOrder(
        "Marta Silva",
        "marta.silva@example.com",
        _lisbon("Rua da Prata 12", "1100-414"),
        "pt-standard",
        {"TEE-M-WHI": 2, "MUG-SPEC": 1},
        26,
        DELIVERED,
        paid=True,
        source="instagram",
        medium="social",
    ),
    DemoOrder(
        "João Pereira",
        "joao.pereira@example.com",
        _lisbon("Av. da Liberdade 190", "1250-147"),
        "pt-express",
        {"ESP-250-WHOL": 3},
        19,
        DELIVERED,
        paid=True,
        source="newsletter",
        medium="email",
    ),
    DemoOrder(
        "Inês Costa",
        "ines.costa@example.com",
        _lisbon("Rua Augusta 100", "1100-053"),
        "pt-standard",
        {"TEE-S-WHI": 1, "TOT-NATU": 1},
        12,
        (OrderStatus.CANCELLED,),
    ),
    DemoOrder(
        "Pedro Santos",
        "pedro.santos@example.com",
        _lisbon("Rua do Carmo 7", "1200-093"),
        "pt-standard",
        {"MUG-TERR": 2, "BRA-250-FILT": 1},
        6,
        (OrderStatus.PROCESSED,),
        paid=True,
        source="google",
        medium="cpc",
    ),
    DemoOrder(
        "Ana Rodrigues",
        "ana.rodrigues@example.com",
        _lisbon("Rua Garrett 50", "1200-204"),
        "pt-standard",
        {"CAN-FIG": 1, "MUG-SPEC": 2},
        1,
        source="instagram",
        medium="social",
    ),
    DemoOrder(
        "Rui Almeida",
        "rui.almeida@example.com",
        _lisbon("Calçada do Combro 38", "1200-115"),
        "pt-express",
        {"ESP-250-WHOL": 2, "FILT-02": 1},
        0,
    ),
)


def seed_orders(*, owner: User) -> int:
    """Place the demo orders and move them along as ``owner``; return how many."""
    for spec in DEMO_ORDERS:
        order = _place(spec)
        if spec.paid:
            order = order_mark_paid(order=order, actor=owner, reference="DEMO")
        for status in spec.moves:
            order = _move(order, status, owner)
        _backdate(order, timedelta(days=spec.days_ago))
    return len(DEMO_ORDERS)


def _place(spec: DemoOrder) -> Order:
    cart = cart_create(language="en")
    variants = dict(Variant.objects.filter(sku__in=spec.lines).values_list("sku", "id"))
    for sku, quantity in spec.lines.items():
        cart_line_add(cart=cart, variant_id=variants[sku], quantity=quantity)
    checkout = checkout_start(
        cart=cart,
        customer=None,
        email=spec.email,
        shipping_address={"name": spec.name, **spec.address},
        shipping_method_code=spec.method,
        utm_source=spec.source,
        utm_medium=spec.medium,
        language="en",
    )
    completion = checkout_complete(
        checkout=checkout, payment_method="offline", payment_token=None, idempotency_key=str(uuid.uuid4())
    )
    assert completion.order is not None  # an offline payment places the order at once
    return completion.order


def _move(order: Order, status: str, owner: User) -> Order:
    if status == OrderStatus.CANCELLED:
        return order_transition(order=order, to=status, actor=owner, reason=CancelReason.CUSTOMER_REQUEST)
    tracking = "https://tracking.example/CTT-" + str(order.number) if status == OrderStatus.PROCESSED else ""
    return order_transition(order=order, to=status, actor=owner, tracking_url=tracking)


def _backdate(order: Order, age: timedelta) -> None:
    if age:
        Order.objects.filter(pk=order.pk).update(created_at=F("created_at") - age)
        OrderEvent.objects.filter(order=order).update(created_at=F("created_at") - age)

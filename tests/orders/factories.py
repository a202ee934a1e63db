"""Rows the order tests start from, written directly with the ORM so that
they depend only on the models of checkout and payments."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from lojista.carts.models import Cart
from lojista.catalog.models import Variant
from lojista.checkout.models import Checkout, CheckoutLine, ShippingMethod, ShippingZone
from lojista.customers.models import User
from lojista.inventory.services import stock_reserve
from lojista.orders.models import Order
from lojista.orders.services import order_place
from lojista.payments.models import Payment
from tests.catalog.factories import make_product, make_variant

_serial = count(1)

ADDRESS = {
    "name": "Ana Souza",
    "line1": "Rua Augusta 100",
    "city": "São Paulo",
    "postal_code": "01305-000",
    "country": "BR",
}


def stocked_variant(*, stock: int = 10, price: str = "25.00", **fields) -> Variant:
    """A published product's published variant with ``stock`` units on hand."""
    return make_variant(make_product(f"Camiseta {next(_serial)}"), price=price, stock=stock, **fields)


def shipping_method(*, price: str = "5.00") -> ShippingMethod:
    number = next(_serial)
    zone = ShippingZone.objects.create(name=f"Brasil {number}", countries=["BR"])
    return ShippingMethod.objects.create(
        zone=zone, code=f"sedex-{number}", name="Sedex", price=Decimal(price)
    )


def checkout_for(
    items: dict[Variant, int],
    *,
    customer: User | None = None,
    email: str = "ana@example.com",
    hold: bool = True,
    with_cart: bool = True,
    **fields,
) -> Checkout:
    """An open checkout of ``items`` (variant -> quantity), priced from the
    variants, for a new cart, with its stock held as checkout_start would."""
    method = fields.pop("shipping_method", None) or shipping_method()
    fields.setdefault("shipping_address", ADDRESS)
    subtotal = sum((variant.price * quantity for variant, quantity in items.items()), Decimal("0"))
    checkout = Checkout.objects.create(
        cart=Cart.objects.create(customer=customer) if with_cart else None,
        customer=customer,
        email=email,
        shipping_method=method,
        currency="EUR",
        subtotal=subtotal,
        shipping_price=method.price,
        total=subtotal + method.price,
        expires_at=timezone.now() + timedelta(minutes=60),
        **fields,
    )
    CheckoutLine.objects.bulk_create(
        CheckoutLine(
            checkout=checkout,
            variant=variant,
            product_name=variant.product.name,
            variant_name=variant.name,
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
        )
        for variant, quantity in items.items()
    )
    if hold:
        stock_reserve(
            key=checkout.reservation_key,
            items={variant.pk: quantity for variant, quantity in items.items()},
            expires_at=checkout.expires_at,
        )
    return checkout


def payment_for(
    checkout: Checkout, *, status: str = Payment.Status.SUCCEEDED, gateway: str = Payment.Gateway.TEST
) -> Payment:
    return Payment.objects.create(
        checkout=checkout,
        gateway=gateway,
        status=status,
        amount=checkout.total,
        currency=checkout.currency,
        idempotency_key=f"key-{next(_serial)}",
        request_hash="0" * 64,
    )


def placed_order(*, customer: User | None = None, quantity: int = 1, stock: int = 10, **fields) -> Order:
    """A pending order of one line of a new variant, placed the real way."""
    checkout = checkout_for({stocked_variant(stock=stock): quantity}, customer=customer, **fields)
    order, _created = order_place(checkout=checkout, payment=payment_for(checkout))
    return order

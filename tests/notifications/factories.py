"""Orders for the notification tests, written directly with the ORM, and
their placement as the order services do it (the order_placed signal inside
the placement's transaction)."""

from decimal import Decimal
from itertools import count

from django.db import transaction

from lojista.orders.models import Order, OrderEvent, OrderLine, OrderStatus, PaymentStatus
from lojista.orders.signals import order_placed

_numbers = count(5001)

ADDRESS = {
    "name": "Ana Souza",
    "line1": "Rua Augusta 100",
    "line2": "apto 12",
    "city": "São Paulo",
    "postal_code": "01305-000",
    "country": "BR",
}


def make_order(
    *,
    email: str = "ana@example.com",
    language: str = "en",
    payment_method: str = "test",
    payment_status: str = PaymentStatus.PAID,
    **fields,
) -> Order:
    """A pending order of two lines (2 x 25.00 and 1 x 10.00, shipping 5.00)."""
    order = Order.objects.create(
        number=fields.pop("number", None) or next(_numbers),
        email=email,
        language=language,
        status=OrderStatus.PENDING,
        payment_status=payment_status,
        payment_method=payment_method,
        currency="EUR",
        subtotal=Decimal("60.00"),
        shipping_price=Decimal("5.00"),
        total=Decimal("65.00"),
        shipping_address=fields.pop("shipping_address", ADDRESS),
        shipping_method_code="sedex",
        shipping_method_name="Sedex",
        **fields,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product_name="Camiseta Lojista",
                variant_name="M / Azul",
                sku="CAM-M-AZ",
                unit_price=Decimal("25.00"),
                quantity=2,
                line_total=Decimal("50.00"),
            ),
            OrderLine(
                order=order,
                product_name="Caneca",
                sku="CAN-1",
                unit_price=Decimal("10.00"),
                quantity=1,
                line_total=Decimal("10.00"),
            ),
        ]
    )
    OrderEvent.objects.create(order=order, type=OrderEvent.Type.PLACED, to_status=OrderStatus.PENDING)
    return order


def place_order(**fields) -> Order:
    """Create an order and send order_placed in the same transaction, as
    orders.services.order_place does."""
    with transaction.atomic():
        order = make_order(**fields)
        order_placed.send(sender=Order, order=order)
    return order


# The staff API's notification settings and the confirmation template's editor.
SETTINGS_URL = "/api/v1/admin/notification-settings"
TEMPLATE_URL = "/api/v1/admin/email-templates/order_confirmation/en"
# A complete, valid settings body (a PUT replaces every field).
SETTINGS = {
    "sender_name": "Loja da Ana",
    "sender_email": "vendas@loja.example",
    "logo_url": "https://loja.example/logo.png",
    "order_notification_emails": ["ana@loja.example"],
    "payment_instructions": "PIX: 123",
}

"""What an email template sees: plain data about the shop and the order.

Every variable is listed in docs/emails.md; the values are strings, numbers,
dates and nested mappings and lists of them (templating.freeze refuses
anything else). Built in the recipient's language, so money and labels come
out translated.
"""

from decimal import Decimal
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.core.money import format_money
from lojista.notifications.headers import usable_address
from lojista.notifications.models import EmailKind, NotificationSettings
from lojista.orders.models import Order, OrderStatus, PaymentStatus
from lojista.orders.statuses import CANCEL_REASONS, status_label
from lojista.payments.models import Payment

# Where the back office shows an order (the link in the shop's new-order email):
# the interim Django admin's order list, searched by number, until the back
# office app lands.
BACKOFFICE_ORDER_PATH = "/admin/orders/order/?q={number}"
REFUND_ISSUED = frozenset({PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED, PaymentStatus.REFUND_FAILED})


def money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def shop_context(shop: NotificationSettings) -> dict[str, Any]:
    return {
        "name": settings.LOJISTA_SHOP_NAME,
        "logo_url": shop.logo_url,
        "email": sender_address(shop),
        "url": settings.LOJISTA_SITE_URL,
    }


def sender_address(shop: NotificationSettings) -> str:
    """The shop's sender address; DEFAULT_FROM_EMAIL's when it has none, or
    one that no email could be sent from (stored before it was checked)."""
    if shop.sender_email and usable_address(shop.sender_email):
        return shop.sender_email
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _address(address: dict[str, Any]) -> dict[str, str]:
    fields = ("name", "line1", "line2", "city", "postal_code", "country", "phone")
    return {field: str(address.get(field) or "") for field in fields}


def _lines(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "product_name": line.product_name,
            "variant_name": line.variant_name,
            "sku": line.sku,
            "quantity": line.quantity,
            "unit_price": money(line.unit_price, order.currency),
            "line_total": money(line.line_total, order.currency),
        }
        for line in order.lines.all()
    ]


def order_context(order: Order) -> dict[str, Any]:
    address = _address(order.shipping_address or {})
    lines = _lines(order)
    return {
        "number": order.number,
        "created_at": order.created_at,
        "status": order.status,
        "status_label": status_label(order.status),
        "email": order.email,
        "customer_name": address["name"],
        "lines": lines,
        "item_count": sum(line["quantity"] for line in lines),
        "subtotal": money(order.subtotal, order.currency),
        "shipping_price": money(order.shipping_price, order.currency),
        "total": money(order.total, order.currency),
        "currency": order.currency,
        "shipping_address": address,
        "shipping_method": order.shipping_method_name,
        "payment_method": order.payment_method,
        "payment_method_label": str(dict(Payment.Gateway.choices).get(order.payment_method, "")),
        "payment_status": order.payment_status,
        "payment_status_label": str(dict(PaymentStatus.choices).get(order.payment_status, "")),
        "awaiting_payment": order.payment_status == PaymentStatus.AWAITING_PAYMENT,
        "tracking_url": order.tracking_url,
        "cancel_reason": order.cancel_reason,
        "cancel_reason_label": str(CANCEL_REASONS.get(order.cancel_reason, "")),
        "is_cancelled": order.status == OrderStatus.CANCELLED,
        # The shop gave (or is giving) the money back: a cancelled card
        # payment's refund is sent once the cancellation is saved.
        "refund_issued": order.payment_status in REFUND_ISSUED,
        "refund_amount": money(order.total, order.currency),
    }


def email_context(
    *, kind: str, order: dict[str, Any], extra: dict[str, Any], shop: NotificationSettings
) -> dict[str, Any]:
    """The variables of one email: ``shop``, ``order`` (order_context or
    sample_order_context) and the kind's own."""
    context: dict[str, Any] = {"shop": shop_context(shop), "order": order}
    if kind == EmailKind.NEW_ORDER:
        context["admin_url"] = settings.LOJISTA_SITE_URL.rstrip("/") + BACKOFFICE_ORDER_PATH.format(
            number=order["number"]
        )
    if kind == EmailKind.ORDER_CONFIRMATION:
        context["payment_instructions"] = shop.payment_instructions or _(
            "The shop will contact you with the details to pay by bank transfer or on delivery."
        )
    if kind == EmailKind.ORDER_CONTACT:
        context["message"] = str(extra.get("message", ""))
    return context


def sample_extra() -> dict[str, Any]:
    """The kind-specific values of a preview or test send."""
    return {"message": _("This is a sample message from the shop about your order.")}


def sample_order_context() -> dict[str, Any]:
    """A made-up order, for previews and test sends in a shop without orders."""
    currency = settings.LOJISTA_CURRENCY
    lines = [
        {
            "product_name": _("Sample T-shirt"),
            "variant_name": "M",
            "sku": "SAMPLE-M",
            "quantity": 2,
            "unit_price": money(Decimal("15.00"), currency),
            "line_total": money(Decimal("30.00"), currency),
        }
    ]
    return {
        "number": settings.LOJISTA_FIRST_ORDER_NUMBER,
        "created_at": timezone.now(),
        "status": OrderStatus.PENDING.value,
        "status_label": status_label(OrderStatus.PENDING),
        "email": "customer@example.com",
        "customer_name": "Ana Souza",
        "lines": lines,
        "item_count": 2,
        "subtotal": money(Decimal("30.00"), currency),
        "shipping_price": money(Decimal("5.00"), currency),
        "total": money(Decimal("35.00"), currency),
        "currency": currency,
        "shipping_address": {
            "name": "Ana Souza",
            "line1": "Rua Augusta, 100",
            "line2": "",
            "city": "São Paulo",
            "postal_code": "01304-000",
            "country": "BR",
            "phone": "",
        },
        "shipping_method": _("Standard delivery"),
        "payment_method": Payment.Gateway.OFFLINE.value,
        "payment_method_label": str(Payment.Gateway.OFFLINE.label),
        "payment_status": PaymentStatus.AWAITING_PAYMENT.value,
        "payment_status_label": str(PaymentStatus.AWAITING_PAYMENT.label),
        "awaiting_payment": True,
        "tracking_url": "https://tracking.example.com/ABC123",
        "cancel_reason": "customer_request",
        "cancel_reason_label": str(CANCEL_REASONS["customer_request"]),
        "is_cancelled": False,
        "refund_issued": False,
        "refund_amount": money(Decimal("35.00"), currency),
    }


# The largest order the save-time check renders a template on: every text at
# the longest the shop accepts, and many lines, so that work which grows with
# the order (a loop over a name, over the lines) is measured at its worst.
LARGEST_ORDER_LINES = 50


def _longest(length: int) -> str:
    # Characters that HTML escaping lengthens, and a newline for linebreaks.
    pattern = "Ação & <Loja> “Ana” 'O'\n"
    return (pattern * (length // len(pattern) + 1))[:length]


def largest_order_context() -> dict[str, Any]:
    order = sample_order_context()
    line = {
        **order["lines"][0],
        "product_name": _longest(200),
        "variant_name": _longest(200),
        "sku": _longest(64),
    }
    address = {"name": _longest(150), "line1": _longest(200), "line2": _longest(200), "city": _longest(100)}
    return {
        **order,
        "number": 2**31 - 1,
        "email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + ".example",
        "customer_name": address["name"],
        "lines": [line] * LARGEST_ORDER_LINES,
        "item_count": 999 * LARGEST_ORDER_LINES,
        "shipping_address": {**order["shipping_address"], **address, "postal_code": _longest(20)},
        "shipping_method": _longest(100),
        "tracking_url": "https://tracking.example.com/" + "a" * 470,
    }


def largest_extra() -> dict[str, Any]:
    return {"message": _longest(5000)}


def largest_shop(shop: NotificationSettings) -> NotificationSettings:
    """``shop`` (unsaved copy) with the longest payment instructions."""
    return NotificationSettings(
        pk=shop.pk,
        sender_name=shop.sender_name,
        sender_email=shop.sender_email,
        logo_url=shop.logo_url,
        payment_instructions=_longest(5000),
    )

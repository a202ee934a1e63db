"""The order emails, registered in the email-kind registry like any other
kind (NotificationsConfig.ready): notifications sits above orders, so it is
notifications that knows the order's emails, never the other way round.

Their variables (docs/emails.md): ``order`` (order_context) and each kind's
own (``admin_url``, ``payment_instructions``, ``message``). Which order event
queues which of them is the order-email policy (services/order_emails.py).
"""

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojista.checkout.models import PICKUP_DETAILS_MAX_LENGTH, PICKUP_LOCATION_MAX_LENGTH
from lojista.core.countries import country_name
from lojista.core.i18n import localized, translated_field
from lojista.core.links import backoffice_order_url
from lojista.core.money import format_money
from lojista.notifications import kinds
from lojista.notifications.context import longest_text
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import NotificationSettings
from lojista.notifications.templating import SHIPPED_DIR
from lojista.orders.models import Fulfilment, Order, OrderStatus, PaymentStatus
from lojista.orders.statuses import CANCEL_REASONS, status_label
from lojista.payments.models import Payment

ORDER = "order"

NEW_ORDER = "new_order"
ORDER_CONFIRMATION = "order_confirmation"
ORDER_PROCESSED = "order_processed"
ORDER_DELIVERED = "order_delivered"
ORDER_CANCELLED = "order_cancelled"
ORDER_CANCELLED_SHOP = "order_cancelled_shop"
ORDER_CONTACT = "order_contact"


REFUND_ISSUED = frozenset({PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED, PaymentStatus.REFUND_FAILED})


def order_ref(order: Order, data: dict[str, Any] | None = None) -> EmailRef:
    """How an outbox row refers to ``order``."""
    return EmailRef(subject_type=ORDER, subject_id=str(order.pk), data=data or {})


def _address(address: dict[str, Any]) -> dict[str, str]:
    fields = ("name", "line1", "line2", "city", "postal_code", "country", "phone")
    result = {field: str(address.get(field) or "") for field in fields}
    result["country_name"] = country_name(result["country"])
    return result


def _lines(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "product_name": line.product_name,
            "variant_name": line.variant_name,
            "sku": line.sku,
            "quantity": line.quantity,
            "unit_price": format_money(line.unit_price, order.currency),
            "line_total": format_money(line.line_total, order.currency),
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
        "subtotal": format_money(order.subtotal, order.currency),
        "shipping_price": format_money(order.shipping_price, order.currency),
        "total": format_money(order.total, order.currency),
        "currency": order.currency,
        "shipping_address": address,
        "shipping_method": localized(
            order.shipping_method_name, translated_field(order.shipping_method_translations, "name")
        ),
        "shipping_method_description": localized(
            order.shipping_method_description,
            translated_field(order.shipping_method_translations, "description"),
        ),
        "fulfilment": order.fulfilment,
        "is_pickup": order.fulfilment == Fulfilment.PICKUP,
        "pickup_location": order.pickup_location,
        "pickup_details": order.pickup_details,
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
        "refund_amount": format_money(order.total, order.currency),
    }


def sample_order_context() -> dict[str, Any]:
    """A made-up order, for previews and test sends in a shop without orders."""
    currency = settings.LOJISTA_CURRENCY
    lines = [
        {
            "product_name": _("Sample T-shirt"),
            "variant_name": "M",
            "sku": "SAMPLE-M",
            "quantity": 2,
            "unit_price": format_money(Decimal("15.00"), currency),
            "line_total": format_money(Decimal("30.00"), currency),
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
        "subtotal": format_money(Decimal("30.00"), currency),
        "shipping_price": format_money(Decimal("5.00"), currency),
        "total": format_money(Decimal("35.00"), currency),
        "currency": currency,
        "shipping_address": {
            "name": "Ana Souza",
            "line1": "Rua Augusta, 100",
            "line2": "",
            "city": "São Paulo",
            "postal_code": "01304-000",
            "country": "BR",
            "country_name": country_name("BR"),
            "phone": "",
        },
        "shipping_method": _("Standard delivery"),
        "shipping_method_description": _("2 to 3 working days"),
        "fulfilment": Fulfilment.SHIPPING.value,
        "is_pickup": False,
        "pickup_location": "",
        "pickup_details": "",
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
        "refund_amount": format_money(Decimal("35.00"), currency),
    }


# The largest order the save-time check renders a template on: every text at
# the longest the shop accepts, and many lines, so that work which grows with
# the order (a loop over a name, over the lines) is measured at its worst.
LARGEST_ORDER_LINES = 50


def largest_order_context() -> dict[str, Any]:
    order = sample_order_context()
    line = {
        **order["lines"][0],
        "product_name": longest_text(200),
        "variant_name": longest_text(200),
        "sku": longest_text(64),
    }
    address = {
        "name": longest_text(150),
        "line1": longest_text(200),
        "line2": longest_text(200),
        "city": longest_text(100),
    }
    return {
        **order,
        "number": 2**31 - 1,
        "email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + ".example",
        "customer_name": address["name"],
        "lines": [line] * LARGEST_ORDER_LINES,
        "item_count": 999 * LARGEST_ORDER_LINES,
        "shipping_address": {**order["shipping_address"], **address, "postal_code": longest_text(20)},
        "shipping_method": longest_text(100),
        "shipping_method_description": longest_text(200),
        # Filled although is_pickup is False: a shop's template may show them either way.
        "pickup_location": longest_text(PICKUP_LOCATION_MAX_LENGTH),
        "pickup_details": longest_text(PICKUP_DETAILS_MAX_LENGTH),
        "tracking_url": "https://tracking.example.com/" + "a" * 470,
    }


# Each kind's own variables, from the order's (``order``), the shop's
# settings and the row's data.
Extra = Callable[[dict[str, Any], NotificationSettings, Any], dict[str, Any]]


def _nothing(order: dict[str, Any], shop: NotificationSettings, data: Any) -> dict[str, Any]:
    return {}


def _admin_url(order: dict[str, Any], shop: NotificationSettings, data: Any) -> dict[str, Any]:
    return {"admin_url": backoffice_order_url(order["number"])}


def payment_instructions_text(shop: NotificationSettings) -> str:
    """How to pay an order paid offline, in the active language: the shop's
    instructions, or a general sentence when it wrote none."""
    return localized(
        shop.payment_instructions, translated_field(shop.translations, "payment_instructions")
    ) or _("The shop will contact you with the details to pay by bank transfer or on delivery.")


def _payment_instructions(order: dict[str, Any], shop: NotificationSettings, data: Any) -> dict[str, Any]:
    return {"payment_instructions": payment_instructions_text(shop)}


def _message(order: dict[str, Any], shop: NotificationSettings, data: Any) -> dict[str, Any]:
    return {"message": str(data.get("message", ""))}


def _sample_message() -> dict[str, Any]:
    return {"message": _("This is a sample message from the shop about your order.")}


def _largest_message() -> dict[str, Any]:
    return {"message": longest_text(5000)}


def _largest_shop(shop: NotificationSettings) -> NotificationSettings:
    """``shop`` (unsaved copy) with the longest payment instructions."""
    return NotificationSettings(
        pk=shop.pk,
        sender_name=shop.sender_name,
        sender_email=shop.sender_email,
        logo_url=shop.logo_url,
        payment_instructions=longest_text(5000),
    )


def _load(ids: list[str]) -> dict[str, Order]:
    return {str(order.pk): order for order in Order.objects.filter(pk__in=ids).prefetch_related("lines")}


def _context(extra: Extra, ref: EmailRef, shop: NotificationSettings) -> dict[str, Any]:
    subject = ref.subject
    if subject is None:
        subject = Order.objects.prefetch_related("lines").get(pk=int(ref.subject_id))
    order = order_context(subject)
    return {"order": order, **extra(order, shop, ref.data)}


def _sample(extra: Extra, data: Callable[[], dict[str, Any]], shop: NotificationSettings) -> dict[str, Any]:
    order = sample_order_context()
    return {"order": order, **extra(order, shop, data())}


def _largest(extra: Extra, data: Callable[[], dict[str, Any]], shop: NotificationSettings) -> dict[str, Any]:
    order = largest_order_context()
    return {"order": order, **extra(order, _largest_shop(shop), data())}


def _order_kind(
    key: str,
    label: Any,
    extra: Extra = _nothing,
    *,
    audience: kinds.Audience = "customer",
    sample_data: Callable[[], dict[str, Any]] = dict,
    largest_data: Callable[[], dict[str, Any]] = dict,
) -> EmailKind:
    return EmailKind(
        key=key,
        label=label,
        audience=audience,
        template_dir=SHIPPED_DIR,
        subject_type=ORDER,
        context=partial(_context, extra),
        load=_load,
        sample=partial(_sample, extra, sample_data),
        sample_data=sample_data,
        largest=partial(_largest, extra, largest_data),
    )


ORDER_KINDS = [
    _order_kind(NEW_ORDER, gettext_lazy("New order (to the shop)"), _admin_url, audience="shop"),
    _order_kind(ORDER_CONFIRMATION, gettext_lazy("Order confirmation"), _payment_instructions),
    _order_kind(ORDER_PROCESSED, gettext_lazy("Order processed")),
    _order_kind(ORDER_DELIVERED, gettext_lazy("Order delivered")),
    _order_kind(ORDER_CANCELLED, gettext_lazy("Order cancelled")),
    _order_kind(
        ORDER_CANCELLED_SHOP,
        gettext_lazy("Order cancelled by the customer (to the shop)"),
        _admin_url,
        audience="shop",
    ),
    _order_kind(
        ORDER_CONTACT,
        gettext_lazy("Message about an order"),
        _message,
        sample_data=_sample_message,
        largest_data=_largest_message,
    ),
]


def register_order_kinds() -> None:
    for kind in ORDER_KINDS:
        kinds.register(kind)

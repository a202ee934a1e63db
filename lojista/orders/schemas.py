"""Orders as the API shows them, to their customer and to staff, and what staff send to move them."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from ninja import Field, Schema

from lojista.core.money import amount_text
from lojista.core.pagination import Page
from lojista.core.schemas import InputSchema, Money, MultilineText
from lojista.customers.models import User
from lojista.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from lojista.orders.selectors import Audience, event_by, order_payments, order_timeline
from lojista.orders.statuses import CancelReason
from lojista.payments.models import Payment, Refund

# Order numbers are PositiveIntegerFields.
MAX_NUMBER = 2**31 - 1
# Longer notes belong in a document, not on a timeline.
MAX_NOTE_LENGTH = 2000


class OrderLineOut(Schema):
    variant_id: int | None = Field(description="null once the variant was deleted.")
    product_name: str
    variant_name: str
    sku: str
    unit_price: Money
    quantity: int
    line_total: Money

    @staticmethod
    def resolve_unit_price(line: OrderLine) -> Money:
        return Money.of(line.unit_price, line.order.currency)

    @staticmethod
    def resolve_line_total(line: OrderLine) -> Money:
        return Money.of(line.line_total, line.order.currency)


class ShippingMethodOut(Schema):
    code: str
    name: str


class EventOut(Schema):
    type: str = Field(
        description='"placed", "status_changed", "tracking_changed", "paid" or "refunded"; staff also see '
        '"note", "refund_requested", "refund_failed" and the emails\' '
        '"email_queued", "email_sent", "email_failed".'
    )
    from_status: str
    to_status: str
    at: datetime
    note: str
    by: str = Field(
        description='Who did it: "customer" (the customer, e.g. cancelling their own order), '
        '"staff" or "system".'
    )

    @staticmethod
    def resolve_at(event: OrderEvent) -> datetime:
        return event.created_at

    @staticmethod
    def resolve_by(event: OrderEvent) -> str:
        return event_by(event)


class OrderOut(Schema):
    number: int
    status: str = Field(description='"pending", "processed", "delivered" or "cancelled".')
    payment_status: str = Field(
        description='"paid", "awaiting_payment", "refunded", "refund_pending" (a cancelled order\'s '
        'money is on its way back) or "refund_failed" (the gateway refused; the shop retries).'
    )
    payment_method: str = Field(description='"offline", "test" or "stripe".')
    invoice_number: int | None = Field(
        description="Numbered when the order is paid: at placement for a card, when staff mark an "
        "offline payment paid; null while awaiting payment."
    )
    paid_at: datetime | None = Field(description="When the order was paid; null while awaiting payment.")
    created_at: datetime
    email: str
    lines: list[OrderLineOut]
    subtotal: Money
    shipping: Money
    total: Money
    currency: str
    shipping_address: dict[str, Any] = Field(
        description="The delivery address; for pickup, just `name` and `phone` of who collects it."
    )
    shipping_method: ShippingMethodOut
    fulfilment: str = Field(
        description='"shipping" (sent to the address) or "pickup" (collected at the shop).'
    )
    pickup_location: str = Field(
        description="Where a pickup order is collected (kept as it was when placed)."
    )
    pickup_details: str = Field(description="The pickup point's opening hours and how to collect.")
    tracking_url: str
    cancel_reason: str = Field(
        description="Why it was cancelled (one of the cancellation reasons), or empty."
    )
    utm_source: str
    utm_medium: str
    events: list[EventOut]

    @staticmethod
    def resolve_lines(order: Order) -> list[OrderLine]:
        lines = list(order.lines.all())
        for line in lines:
            line.order = order  # the prices' currency, without a query per line
        return lines

    @staticmethod
    def resolve_subtotal(order: Order) -> Money:
        return Money.of(order.subtotal, order.currency)

    @staticmethod
    def resolve_shipping(order: Order) -> Money:
        return Money.of(order.shipping_price, order.currency)

    @staticmethod
    def resolve_total(order: Order) -> Money:
        return Money.of(order.total, order.currency)

    @staticmethod
    def resolve_shipping_method(order: Order) -> ShippingMethodOut:
        return ShippingMethodOut(code=order.shipping_method_code, name=order.shipping_method_name)

    @staticmethod
    def resolve_events(order: Order) -> list[OrderEvent]:
        return order_timeline(order=order, audience=Audience.CUSTOMER)


class OrderPageOut(Schema):
    items: list[OrderOut]
    next_cursor: str | None = Field(
        description="Pass it back as `cursor` for the next page; null at the end."
    )


class PersonOut(Schema):
    id: int
    email: str
    name: str


class StaffEventOut(EventOut):
    actor: PersonOut | None = Field(description="Who made the change; null for the system.")
    data: dict[str, Any] = Field(description="The change's details: reason, restock, notify, tracking_url.")


class NoteOut(Schema):
    note: str
    at: datetime
    actor: PersonOut | None

    @staticmethod
    def resolve_at(event: OrderEvent) -> datetime:
        return event.created_at


class RefundOut(Schema):
    amount: Money
    status: str = Field(description='"pending", "succeeded" or "failed".')
    reference: str = Field(description="The gateway's id for the refund, or the shop's for a manual one.")
    reason: str
    error_message: str = Field(
        description="Why the gateway refused it, in the provider's words, when failed."
    )
    created_at: datetime

    @staticmethod
    def resolve_amount(refund: Refund) -> Money:
        return Money.of(refund.amount, refund.currency)


class PaymentOut(Schema):
    gateway: str = Field(description='"offline", "test" or "stripe".')
    amount: Money
    status: str = Field(
        description='"processing", "requires_action", "awaiting", "succeeded", "declined" or "refunded".'
    )
    reference: str = Field(description="The gateway's id for the payment (a Stripe PaymentIntent id).")
    refunds: list[RefundOut]

    @staticmethod
    def resolve_amount(payment: Payment) -> Money:
        return Money.of(payment.amount, payment.currency)

    @staticmethod
    def resolve_refunds(payment: Payment) -> list[Refund]:
        return list(payment.refunds.all())


class StaffOrderOut(OrderOut):
    customer: PersonOut | None = Field(description="null for a guest order.")
    notes: list[NoteOut] = Field(description="Every note staff left on the order, oldest first.")
    events: list[StaffEventOut]  # type: ignore[assignment]
    payments: list[PaymentOut] = Field(
        description="Every payment attempt of the order's checkout, oldest first, with its refunds."
    )

    @staticmethod
    def resolve_events(order: Order) -> list[OrderEvent]:
        return order_timeline(order=order, audience=Audience.STAFF)

    @staticmethod
    def resolve_payments(order: Order) -> list[Payment]:
        return order_payments(order)

    @staticmethod
    def resolve_notes(order: Order) -> list[OrderEvent]:
        return [event for event in order.events.all() if event.note]


class StaffOrderPageOut(Schema):
    items: list[StaffOrderOut]
    next_cursor: str | None = Field(
        description="Pass it back as `cursor` for the next page; null at the end."
    )


# The staff list's page, built as plain dicts: what StaffOrderPageOut dumps,
# field for field (tests/orders/test_staff_api.py compares the two), without
# pydantic validating every order, line, event and payment through ninja's
# getters, which was most of the list's CPU. Keep it in step with the schemas
# above.


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": amount_text(amount), "currency": currency or settings.LOJISTA_CURRENCY}


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "email": user.email, "name": user.name}


def _staff_event(event: OrderEvent) -> dict[str, Any]:
    return {
        "type": event.type,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "at": event.created_at,
        "note": event.note,
        "by": event_by(event),
        "actor": _person(event.actor),
        "data": event.data,
    }


def _payment(payment: Payment) -> dict[str, Any]:
    return {
        "gateway": payment.gateway,
        "amount": _money(payment.amount, payment.currency),
        "status": payment.status,
        "reference": payment.reference,
        "refunds": [
            {
                "amount": _money(refund.amount, refund.currency),
                "status": refund.status,
                "reference": refund.reference,
                "reason": refund.reason,
                "error_message": refund.error_message,
                "created_at": refund.created_at,
            }
            for refund in payment.refunds.all()
        ],
    }


def staff_order_data(order: Order) -> dict[str, Any]:
    """``order`` (read by selectors.staff_order_page) as StaffOrderOut dumps it."""
    currency = order.currency
    events = order_timeline(order=order, audience=Audience.STAFF)
    return {
        "number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "payment_method": order.payment_method,
        "invoice_number": order.invoice_number,
        "paid_at": order.paid_at,
        "created_at": order.created_at,
        "email": order.email,
        "lines": [
            {
                "variant_id": line.variant_id,
                "product_name": line.product_name,
                "variant_name": line.variant_name,
                "sku": line.sku,
                "unit_price": _money(line.unit_price, currency),
                "quantity": line.quantity,
                "line_total": _money(line.line_total, currency),
            }
            for line in order.lines.all()
        ],
        "subtotal": _money(order.subtotal, currency),
        "shipping": _money(order.shipping_price, currency),
        "total": _money(order.total, currency),
        "currency": currency,
        "shipping_address": order.shipping_address,
        "shipping_method": {"code": order.shipping_method_code, "name": order.shipping_method_name},
        "fulfilment": order.fulfilment,
        "pickup_location": order.pickup_location,
        "pickup_details": order.pickup_details,
        "tracking_url": order.tracking_url,
        "cancel_reason": order.cancel_reason,
        "utm_source": order.utm_source,
        "utm_medium": order.utm_medium,
        "events": [_staff_event(event) for event in events],
        "customer": _person(order.customer),
        "notes": [
            {"note": event.note, "at": event.created_at, "actor": _person(event.actor)}
            for event in events
            if event.note
        ],
        "payments": [_payment(payment) for payment in order_payments(order)],
    }


def staff_order_page_data(page: Page[Order]) -> dict[str, Any]:
    """A page of selectors.staff_order_page as StaffOrderPageOut dumps it."""
    return {"items": [staff_order_data(order) for order in page.items], "next_cursor": page.next_cursor}


REFUND_DESCRIPTION = (
    "When cancelling an order paid by card: give the money back through its gateway once the "
    "cancellation is saved (`payment_status` becomes `refund_pending`, then `refunded` or "
    "`refund_failed`). Offline payments are recorded as refunded by hand."
)


class TransitionIn(InputSchema):
    to: OrderStatus
    reason: CancelReason | None = Field(None, description="Required when cancelling.")
    restock: bool = Field(True, description="When cancelling: put the units back on hand.")
    refund: bool = Field(True, description=REFUND_DESCRIPTION)
    notify: bool = Field(True, description="Email the customer about the change.")
    tracking_url: str = Field("", max_length=500, description="When processing: the carrier's tracking link.")
    note: MultilineText = Field(
        "", max_length=MAX_NOTE_LENGTH, description="Shown to the customer on the order's timeline."
    )
    expected_status: OrderStatus | None = Field(
        None,
        description="The status you last saw: if the order has moved since, `409 order_changed` "
        "(with `details.status`) and nothing changes.",
    )


class BulkTransitionIn(InputSchema):
    numbers: list[Annotated[int, Field(ge=1, le=MAX_NUMBER)]] = Field(min_length=1, max_length=500)
    to: OrderStatus
    reason: CancelReason | None = Field(None, description="Required when cancelling.")
    restock: bool = True
    refund: bool = Field(True, description=REFUND_DESCRIPTION)
    notify: bool = True
    note: MultilineText = Field("", max_length=MAX_NOTE_LENGTH)


class BulkErrorOut(Schema):
    code: str
    message: str


class BulkResultOut(Schema):
    number: int
    ok: bool
    status: str | None = Field(None, description="The order's status after the change, when ok.")
    error: BulkErrorOut | None = Field(None, description="Why this order did not change, when not ok.")


class BulkTransitionOut(Schema):
    results: list[BulkResultOut]


class NoteIn(InputSchema):
    note: MultilineText = Field(min_length=1, max_length=MAX_NOTE_LENGTH, description="For staff only.")


class TrackingIn(InputSchema):
    tracking_url: str = Field(
        min_length=1, max_length=500, description="The carrier's tracking link (http or https)."
    )
    notify: bool = Field(True, description="Email the customer the link (the Processed email, sent again).")


class MoneyIn(InputSchema):
    amount: str = Field(pattern=r"^\d{1,10}(\.\d{1,2})?$", description='A decimal with a dot: "34.90".')
    currency: str = Field(pattern=r"^[A-Za-z]{3}$", description='ISO 4217: "EUR".')


class MarkPaidIn(InputSchema):
    amount: MoneyIn | None = Field(
        None, description="What was received; the order's total (the default) is the only amount accepted."
    )
    paid_at: datetime | None = Field(None, description="When it was paid (default now); not in the future.")
    reference: str = Field(
        "", max_length=255, description="The shop's reference for the payment (a transfer's id)."
    )


class BulkMarkPaidIn(InputSchema):
    numbers: list[Annotated[int, Field(ge=1, le=MAX_NUMBER)]] = Field(min_length=1, max_length=500)
    paid_at: datetime | None = Field(
        None, description="When they were paid (default now); not in the future."
    )


class BulkMarkPaidResultOut(Schema):
    number: int
    ok: bool
    payment_status: str | None = Field(None, description='"paid", when ok.')
    invoice_number: int | None = Field(None, description="The order's invoice number, when ok.")
    error: BulkErrorOut | None = Field(None, description="Why this order was not marked paid, when not ok.")


class BulkMarkPaidOut(Schema):
    results: list[BulkMarkPaidResultOut]


class ManualRefundIn(InputSchema):
    reference: str = Field(
        "", max_length=255, description="The shop's reference for the refund (a transfer's id)."
    )
    note: MultilineText = Field("", max_length=MAX_NOTE_LENGTH, description="For staff only.")


class TabOut(Schema):
    tab: str = Field(
        description='"pending" (pending and processed), "closed" (delivered), "cancelled" or "all".'
    )
    label: str
    count: int


class TabsOut(Schema):
    tabs: list[TabOut]

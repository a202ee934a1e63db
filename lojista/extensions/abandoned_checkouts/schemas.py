"""The extension's API shapes (api.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

from lojista.core.money import amount_text
from lojista.core.schemas import InputSchema, Money, MultilineText, WholeNumber
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Reminder
from lojista.extensions.abandoned_checkouts.services import MESSAGE_MAX_LENGTH


class RecoverySettingsOut(Schema):
    delay_minutes: int
    auto_send: bool
    schedule_minutes: list[int]
    link_ttl_days: int
    retention_days: int


class RecoverySettingsIn(InputSchema):
    delay_minutes: WholeNumber = Field(
        description="Minutes after a checkout starts before it counts as abandoned (0 to 43200)."
    )
    auto_send: bool = Field(description="Send the reminders of the schedule automatically.")
    schedule_minutes: list[WholeNumber] = Field(
        description="One to three steps, minutes after abandonment, ascending (each 0 to 86400)."
    )
    link_ttl_days: WholeNumber = Field(
        description="Days a reminder's link works after the latest reminder (1 to 90)."
    )
    retention_days: WholeNumber = Field(
        description="Days before a checkout's personal data is purged (1 to 3650)."
    )


class ItemOut(Schema):
    variant_id: int | None
    product_name: str
    variant_name: str
    sku: str
    unit_price: str
    quantity: int


class ReminderOut(Schema):
    id: int
    # 0, 1, 2: a step of the automatic schedule; null: sent by hand.
    step: int | None
    manual: bool
    sent_by: str | None
    message: str
    created_at: datetime

    @staticmethod
    def resolve_manual(reminder: Reminder) -> bool:
        return reminder.step is None

    @staticmethod
    def resolve_sent_by(reminder: Reminder) -> str | None:
        user = reminder.sent_by
        return (user.name or user.email) if user is not None else None


def _money(amount: Decimal | None, currency: str) -> dict[str, str] | None:
    return None if amount is None else {"amount": amount_text(amount), "currency": currency}


class AbandonedCheckoutOut(Schema):
    id: int
    status: str
    status_label: str
    email: str
    name: str
    customer_id: int | None
    language: str
    items: list[ItemOut]
    item_count: int
    cart_value: Money
    started_at: datetime
    abandoned_at: datetime | None
    reminders_sent: int
    last_reminded_at: datetime | None
    next_reminder_at: datetime | None
    link_expires_at: datetime | None
    clicked_at: datetime | None
    recovered_at: datetime | None
    order_number: int | None
    recovered_total: Money | None
    purged_at: datetime | None

    @staticmethod
    def resolve_status_label(row: AbandonedCheckout) -> str:
        return str(row.get_status_display())

    @staticmethod
    def resolve_cart_value(row: AbandonedCheckout) -> dict[str, str] | None:
        return _money(row.cart_value, row.currency)

    @staticmethod
    def resolve_recovered_total(row: AbandonedCheckout) -> dict[str, str] | None:
        return _money(row.recovered_total, row.currency)

    @staticmethod
    def resolve_order_number(row: AbandonedCheckout) -> int | None:
        return row.order.number if row.order_id is not None and row.order is not None else None

    @staticmethod
    def resolve_items(row: AbandonedCheckout) -> list[dict[str, Any]]:
        keys = ("variant_id", "product_name", "variant_name", "sku", "unit_price", "quantity")
        return [
            {key: item.get(key, "" if key not in ("variant_id", "quantity") else None) for key in keys}
            for item in row.items
        ]


class AbandonedCheckoutDetailOut(AbandonedCheckoutOut):
    reminders: list[ReminderOut]

    @staticmethod
    def resolve_reminders(row: AbandonedCheckout) -> list[Reminder]:
        return list(row.reminders.all())


class AbandonedCheckoutPageOut(Schema):
    items: list[AbandonedCheckoutOut]
    next_cursor: str | None


class RemindIn(InputSchema):
    message: Annotated[
        MultilineText, StringConstraints(strip_whitespace=True, max_length=MESSAGE_MAX_LENGTH)
    ] = Field(default="", description="Staff's message, plain text, shown above the cart.")


class FiguresOut(Schema):
    abandoned: int
    reminded: int
    clicked: int
    recovered: int
    revenue: Money
    rate: float | None


class DayFiguresOut(FiguresOut):
    day: date


class RecoveryStatsOut(Schema):
    start: date
    end: date
    currency: str
    totals: FiguresOut
    days: list[DayFiguresOut]

"""Notifications as the back-office API shows them, and what staff send."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from lojista.core.schemas import InputSchema, MultilineText
from lojista.notifications.models import NotificationSettings, OutboxMessage

MAX_TEMPLATE_LENGTH = 100_000
MAX_MESSAGE_LENGTH = 5000
MAX_SUBJECT_LENGTH = 500

TemplateBody = Annotated[MultilineText, StringConstraints(max_length=MAX_TEMPLATE_LENGTH)]
# One line (a header); the spaces and newline around it are dropped, so the
# shipped source (a file ending in a newline) can be saved back as shown.
Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SUBJECT_LENGTH)
]


class SettingsTranslationIn(InputSchema):
    payment_instructions: MultilineText = Field(default="", max_length=5000)


class NotificationSettingsIn(InputSchema):
    """Every field is required: a PUT replaces the settings (send "" or [] to clear one)."""

    sender_name: str = Field(max_length=100, description="Empty: the shop's name.")
    sender_email: str = Field(max_length=254, description="Empty: DEFAULT_FROM_EMAIL.")
    logo_url: str = Field(max_length=500)
    order_notification_emails: list[Annotated[str, StringConstraints(max_length=254)]] = Field(
        description="Every address that receives the new-order email."
    )
    payment_instructions: MultilineText = Field(max_length=5000, description="In the shop's language.")
    translations: dict[str, SettingsTranslationIn] | None = Field(
        default=None,
        description=(
            'The texts in the customer\'s other languages: {"pt-br": {"payment_instructions": "…"}}; '
            "a text left empty falls back to the shop's language. Left out: kept as they are."
        ),
    )


class NotificationSettingsOut(Schema):
    sender_name: str
    sender_email: str
    logo_url: str
    order_notification_emails: list[str]
    payment_instructions: str
    translations: dict[str, dict[str, str]]
    updated_at: datetime | None = Field(description="null until staff first save the settings.")

    @staticmethod
    def resolve_order_notification_emails(row: NotificationSettings) -> list[str]:
        return list(row.order_notification_emails)


class EmailTemplateOut(Schema):
    kind: str
    label: str = Field(description="The email's name, in the request's language.")
    audience: str = Field(description="Who receives it: customer or shop.")
    language: str
    overridden: bool = Field(description="false: the shipped template, in use until staff save their own.")
    subject: str
    body_text: str
    body_html: str = Field(
        description="The email's content; the shop's layout (logo, name) is put around it."
    )
    updated_at: datetime | None


class EmailTemplateIn(InputSchema):
    subject: Subject
    body_text: Annotated[MultilineText, StringConstraints(min_length=1, max_length=MAX_TEMPLATE_LENGTH)]
    body_html: Annotated[MultilineText, StringConstraints(min_length=1, max_length=MAX_TEMPLATE_LENGTH)]


class PreviewIn(InputSchema):
    order_number: int | None = Field(
        None, ge=1, description="Show an order email on this order; none: on made-up data."
    )
    subject: Subject | None = Field(None, description="Preview these drafts instead of the saved template.")
    body_text: TemplateBody | None = None
    body_html: TemplateBody | None = None


class PreviewOut(Schema):
    subject: str
    text: str
    html: str


class TestSendIn(InputSchema):
    to: str | None = Field(None, max_length=254, description="Default: the staff member's own address.")
    order_number: int | None = Field(None, ge=1)


class ContactIn(InputSchema):
    message: Annotated[
        MultilineText, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_LENGTH)
    ]


class OutboxMessageOut(Schema):
    id: int
    kind: str
    order_number: int | None
    subject_type: str = Field(description='What the email is about ("order"…); empty for none.')
    subject_id: str
    is_test: bool
    recipients: list[str]
    language: str
    status: str = Field(description="ready, sending, sent or failed.")
    attempts: int
    next_attempt_at: datetime
    last_error: str
    message_id: str
    subject: str
    sent_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_order_number(message: OutboxMessage) -> int | None:
        return message.order.number if message.order is not None else None


class OutboxPageOut(Schema):
    items: list[OutboxMessageOut]
    next_cursor: str | None

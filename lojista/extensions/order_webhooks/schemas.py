"""The order webhooks' API shapes."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from lojista.core.schemas import InputSchema
from lojista.extensions.order_webhooks.models import (
    DESCRIPTION_MAX_LENGTH,
    URL_MAX_LENGTH,
    Delivery,
    EventType,
)

URL_DESCRIPTION = (
    'Where the events are POSTed: an https:// URL on a public address (docs/webhooks.md, "Safety").'
)


class EndpointIn(InputSchema):
    url: str = Field(max_length=URL_MAX_LENGTH, description=URL_DESCRIPTION)
    events: list[EventType] = Field(min_length=1, description="The events to receive.")
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)


class EndpointPatchIn(InputSchema):
    url: str | None = Field(None, max_length=URL_MAX_LENGTH, description=URL_DESCRIPTION)
    events: list[EventType] | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)
    is_active: bool | None = Field(
        None, description="false stops deliveries (they wait); true sends them again and clears the failures."
    )


class LastDeliveryOut(Schema):
    status: str
    status_code: int | None
    at: datetime


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    secret: str = Field(description="The key of the `Lojista-Signature` HMAC (docs/webhooks.md).")
    is_active: bool
    disabled_reason: str = Field(
        description="Why it is off: turned off by the shop after failures, or by you."
    )
    disabled_at: datetime | None
    consecutive_failures: int = Field(description="Failed attempts since the last success.")
    last_delivery: LastDeliveryOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_last_delivery(endpoint: Any) -> LastDeliveryOut | None:
        status = getattr(endpoint, "last_delivery_status", None)
        if status is None:
            return None
        return LastDeliveryOut(
            status=status, status_code=endpoint.last_delivery_status_code, at=endpoint.last_delivery_at
        )


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_type: str = Field(description='"order.placed", "order.status_changed", "order.refunded" or "ping".')
    event_id: UUID = Field(description="The payload's `id` and the `Lojista-Delivery` header.")
    order_number: int | None
    status: str = Field(description='"ready" (waiting for an attempt), "sending", "succeeded" or "failed".')
    attempts: int
    next_attempt_at: datetime | None = Field(description="When a waiting delivery is tried next.")
    last_status_code: int | None
    last_error: str
    response_excerpt: str = Field(description="The start (1 KB) of the endpoint's last answer.")
    duration_ms: int | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any] = Field(description="The body as sent.")

    @staticmethod
    def resolve_next_attempt_at(delivery: Delivery) -> datetime | None:
        return delivery.next_attempt_at if delivery.status == Delivery.Status.READY else None

    @staticmethod
    def resolve_payload(delivery: Delivery) -> dict[str, Any]:
        return json.loads(delivery.payload)


class DeliveryPageOut(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(
        description="Pass it back as `cursor` for the next page; null at the end."
    )

"""The bodies the webhooks POST (docs/webhooks.md, "Payload").

Every body is ``{"id", "type", "created_at", "data"}``; an order event's
``data.order`` is the order exactly as ``GET /api/v1/admin/orders/{number}``
shows it at the moment of the change (the same schema, StaffOrderOut, and
the same JSON encoder as the API's).
"""

import copy
import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ninja.responses import NinjaJSONEncoder

from lojista.core.prefetch import remember_related
from lojista.orders.models import Order, OrderEvent
from lojista.orders.schemas import StaffOrderOut
from lojista.orders.selectors import staff_order


def body(*, event_id: uuid.UUID, event_type: str, created_at: datetime, data: dict[str, Any]) -> str:
    """The JSON text of one event, as sent (and signed)."""
    envelope = {"id": str(event_id), "type": event_type, "created_at": created_at, "data": data}
    return json.dumps(envelope, cls=NinjaJSONEncoder, separators=(",", ":"))


def order_data(order: Order) -> dict[str, Any]:
    """The staff API's JSON of ``order`` as the database holds it now (in the
    caller's transaction: the change is there)."""
    return StaffOrderOut.from_orm(staff_order(number=order.number)).model_dump()


def placed_order_data(order: Order, events: Iterable[OrderEvent]) -> dict[str, Any]:
    """The staff API's JSON of an order being placed: its timeline is
    ``events``, which the placement writes only after its receivers ran.
    Reads its lines and payments (three queries)."""
    shown = copy.copy(order)  # the placement's own order object is left as it was
    timeline = sorted(events, key=lambda event: event.created_at)
    remember_related(shown, events=timeline)
    return StaffOrderOut.from_orm(shown).model_dump()


def refund_data(event: OrderEvent) -> dict[str, Any] | None:
    """The refund a REFUNDED event records (None when the gateway had
    refunded the payment already and the shop only noticed)."""
    data = event.data
    if "amount" not in data:
        return None
    return {
        "id": data.get("refund_id"),
        "amount": {"amount": data["amount"], "currency": data.get("currency")},
        "reference": data.get("reference", ""),
        "manual": bool(data.get("manual", False)),
    }

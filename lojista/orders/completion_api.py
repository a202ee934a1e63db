"""`POST /checkouts/{id}/complete`: pay and place the order."""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from lojista.carts.api import OPTIONAL_TOKEN, OPTIONAL_TOKEN_DOC
from lojista.checkout.selectors import checkout_for_viewer
from lojista.core.errors import DomainError
from lojista.core.ratelimit import rate_limit
from lojista.core.schemas import Error, InputSchema
from lojista.customers.models import User
from lojista.orders.completion import checkout_complete
from lojista.orders.schemas import OrderOut
from lojista.payments.models import Payment

router = Router(tags=["checkout"])


class IdempotencyKeyRequired(DomainError):
    status = 400
    code = "idempotency_key_required"


class CompleteIn(InputSchema):
    # Every gateway the shop knows; which ones are offered now is checked by
    # the service (checkout.payment_methods), a 422 naming payment_method.
    payment_method: Payment.Gateway
    payment_token: str | None = Field(default=None, max_length=255)


class PendingPaymentOut(Schema):
    id: str
    gateway: str
    status: Literal["requires_action"]
    client_secret: str


class CompletedOut(Schema):
    order: OrderOut


class ActionRequiredOut(Schema):
    order: None = None
    payment: PendingPaymentOut


IDEMPOTENCY_KEY_DOC = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "A new random value per payment attempt; the same value again replays its outcome.",
}


@router.post(
    "/checkouts/{checkout_id}/complete",
    auth=OPTIONAL_TOKEN,
    # The header is required (400 idempotency_key_required without it), but
    # read as optional so that its absence gets that error, not a 422.
    openapi_extra={**OPTIONAL_TOKEN_DOC, "parameters": [IDEMPOTENCY_KEY_DOC]},
    response={
        200: CompletedOut,
        201: CompletedOut,
        202: ActionRequiredOut,
        400: Error,
        402: Error,
        404: Error,
        409: Error,
        422: Error,
        429: Error,
        503: Error,
    },
)
def complete(
    request: HttpRequest,
    checkout_id: str,
    payload: CompleteIn,
    idempotency_key: str | None = Header(
        default=None, alias="Idempotency-Key", max_length=255, include_in_schema=False
    ),
):
    """Pay for the checkout and place the order: `201` with the order, `200`
    with the same order when the same `Idempotency-Key` comes again, `202` when
    the customer must confirm the card payment with Stripe (the order is placed
    when Stripe confirms it; poll `GET /checkouts/{id}`)."""
    rate_limit(request, "checkout_complete", checkout=checkout_id)
    if not idempotency_key:
        raise IdempotencyKeyRequired(
            _("Send an Idempotency-Key header: a new random value per payment attempt.")
        )
    viewer = request.auth if isinstance(request.auth, User) else None  # type: ignore[attr-defined]
    checkout = checkout_for_viewer(checkout_id=checkout_id, viewer=viewer)
    result = checkout_complete(
        checkout=checkout,
        payment_method=payload.payment_method,
        payment_token=payload.payment_token,
        idempotency_key=idempotency_key,
    )
    if result.order is None:
        payment = result.payment
        return Status(
            202,
            {
                "payment": {
                    "id": str(payment.pk),
                    "gateway": payment.gateway,
                    "status": "requires_action",
                    "client_secret": payment.client_secret,
                }
            },
        )
    return Status(201 if result.created else 200, {"order": result.order})

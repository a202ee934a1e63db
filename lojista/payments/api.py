"""Stripe's webhook: how a payment the customer confirmed in the app (3-D
Secure) or that succeeded after its request ended becomes an order."""

import logging

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from lojista.core.errors import DomainError
from lojista.core.schemas import Error
from lojista.payments import services
from lojista.payments.errors import PaymentGatewayUnavailable
from lojista.payments.schemas import WebhookAck

logger = logging.getLogger(__name__)

router = Router(tags=["payments"])


@router.post("/payments/stripe/webhook", auth=None, response={200: WebhookAck, 400: Error, 500: Error})
def stripe_webhook(request: HttpRequest):
    """Stripe's events, authenticated by their `Stripe-Signature` header.
    `200` once an event is processed, whatever it meant for the order (an
    unknown PaymentIntent, stock gone after payment: logged); `500` only when
    something unexpected failed, so that Stripe delivers the event again.
    Deliveries repeated or out of order are harmless."""
    signature = request.headers.get("Stripe-Signature")
    event = services.stripe_event_verify(payload=request.body, signature=signature)
    try:
        services.stripe_event_handle(event=event)
    except PaymentGatewayUnavailable:
        logger.warning("Stripe event %s: a provider was unavailable; Stripe will retry", event["id"])
        return Status(500, _failed())
    except DomainError as error:
        logger.warning("Stripe event %s processed with outcome %s", event["id"], error.code)
    except Exception:
        logger.exception("Stripe event %s failed; Stripe will deliver it again", event["id"])
        return Status(500, _failed())
    return WebhookAck(received=True)


def _failed() -> dict[str, object]:
    return {"code": "webhook_failed", "message": _("The event could not be processed."), "details": {}}

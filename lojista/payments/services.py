"""Writes of payments: start an attempt, charge it, refund it, and what
Stripe's webhook tells about it.

A provider is never called inside a database transaction: the transaction
would hold its locks for as long as the provider takes to answer, and a
rollback after a successful charge would forget money taken. So the gateway is
called first, with no transaction open, and its answer is recorded after, in a
short transaction of its own.
"""

import logging
import uuid
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.checkout.models import Checkout
from lojista.checkout.selectors import enabled_payment_methods
from lojista.core.errors import InvalidInput
from lojista.payments.errors import IdempotencyKeyReused, InvalidWebhookSignature, PaymentNotRefundable
from lojista.payments.gateways import ChargeResult, gateway_for, intent_outcome
from lojista.payments.models import Payment
from lojista.payments.signals import payment_succeeded

logger = logging.getLogger(__name__)

# Statuses the gateway has had its last word on: asking again changes nothing.
FINAL_STATUSES = frozenset(
    {Payment.Status.SUCCEEDED, Payment.Status.AWAITING, Payment.Status.DECLINED, Payment.Status.REFUNDED}
)
# Money was taken (or, offline, promised): no later answer may undo that,
# only a refund.
_SETTLED_STATUSES = frozenset({Payment.Status.SUCCEEDED, Payment.Status.REFUNDED})
# A webhook signed longer ago than this is refused: a replayed old delivery.
SIGNATURE_TOLERANCE_SECONDS = 300


def _refuse_inside_transaction(service: str) -> None:
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{service} calls a payment provider: call it outside any transaction")


@transaction.atomic
def payment_start(
    *, checkout: Checkout, gateway: str, idempotency_key: str, request_hash: str
) -> tuple[Payment, bool]:
    """The attempt named by ``idempotency_key`` on this checkout: the existing
    one (created False), or a new one in status processing for the
    checkout's server-computed total. Two racing requests with the same key
    get the same row: the unique constraint lets only one insert win."""
    payment = Payment.objects.filter(checkout=checkout, idempotency_key=idempotency_key).first()
    created = False
    if payment is None:
        _check_enabled(gateway)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    checkout=checkout,
                    gateway=gateway,
                    amount=checkout.total,
                    currency=checkout.currency,
                    idempotency_key=idempotency_key,
                    request_hash=request_hash,
                )
                created = True
        except IntegrityError:
            payment = Payment.objects.filter(checkout=checkout, idempotency_key=idempotency_key).first()
            if payment is None:
                raise
    if not created and payment.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return payment, created


def _check_enabled(gateway: str) -> None:
    if gateway not in enabled_payment_methods():
        message = _("Choose one of the payment methods the checkout offers.")
        raise InvalidInput.field("payment_method", message)


def payment_execute(*, payment: Payment, payment_token: str | None) -> Payment:
    """Charge the payment and record the outcome. A payment the gateway has
    already answered for is returned as it is (a retry of the same key never
    charges again); one waiting for the customer is asked about again."""
    _refuse_inside_transaction("payment_execute")
    if payment.status in FINAL_STATUSES:
        return payment
    payment_token_check(gateway=payment.gateway, payment_token=payment_token)
    result = gateway_for(payment.gateway).charge(payment=payment, payment_token=payment_token)
    return _record(payment_id=payment.pk, result=result)


def payment_token_check(*, gateway: str, payment_token: str | None) -> None:
    """Card gateways need a token (a test token, a Stripe PaymentMethod id).
    payment_execute checks it; a caller may check it before payment_start so
    that a request refused for it leaves no payment behind."""
    if gateway != Payment.Gateway.OFFLINE and not payment_token:
        message = _("A card payment needs a payment token.")
        raise InvalidInput.field("payment_token", message)


@transaction.atomic
def _record(*, payment_id: uuid.UUID, result: ChargeResult) -> Payment:
    """Write the gateway's answer, unless money was already taken: a webhook
    may have recorded the success first, and a late answer must not undo it."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status in _SETTLED_STATUSES:
        return payment
    payment.status = result.status
    payment.reference = result.reference or payment.reference
    payment.client_secret = result.client_secret or payment.client_secret
    payment.error_code = result.error_code
    payment.error_message = result.error_message
    payment.save()
    return payment


def payment_refund(*, payment: Payment) -> Payment:
    """Give the money back: a succeeded payment through its gateway, an
    awaited (offline) one is just marked. Refunding twice refunds once."""
    gateway = gateway_for(payment.gateway)
    if gateway.remote:
        _refuse_inside_transaction("payment_refund")
    payment = Payment.objects.get(pk=payment.pk)
    if payment.status == Payment.Status.REFUNDED:
        return payment
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.AWAITING):
        raise PaymentNotRefundable()
    if payment.status == Payment.Status.SUCCEEDED:
        gateway.refund(payment=payment)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED, updated_at=timezone.now())
    payment.refresh_from_db()
    return payment


def payment_for_reference(reference: str) -> Payment | None:
    """The payment a gateway knows as ``reference`` (a PaymentIntent id)."""
    if not reference:
        return None
    return Payment.objects.filter(reference=reference).first()


def stripe_event_verify(*, payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event Stripe signed, as a plain dict; a missing or wrong signature,
    a signature older than 5 minutes or a body that is not an event raise
    InvalidWebhookSignature."""
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, ValueError, AttributeError) as error:
        raise InvalidWebhookSignature() from error
    return event.to_dict()


def stripe_event_handle(*, event: dict[str, Any]) -> Payment | None:
    """Record what a PaymentIntent event says about its payment; the same
    event delivered again, or events delivered out of order, change nothing
    more (a success is never undone by a later failure). Sends
    ``payment_succeeded`` on every delivery of a success (see signals.py)."""
    if event["type"] not in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        return None
    intent = event["data"]["object"]
    payment = _payment_for_intent(intent)
    if payment is None:
        logger.info("Stripe event %s for unknown PaymentIntent %s ignored", event["id"], intent["id"])
        return None
    payment = _record(payment_id=payment.pk, result=intent_outcome(intent))
    if event["type"] == "payment_intent.succeeded" and payment.status == Payment.Status.SUCCEEDED:
        payment_succeeded.send(sender=Payment, payment=payment)
    return payment


def _payment_for_intent(intent: dict[str, Any]) -> Payment | None:
    """By the intent's id; failing that by the payment id we put in its
    metadata, for an intent whose creation answer never reached us (the
    connection broke after Stripe created it)."""
    payment = payment_for_reference(intent["id"])
    if payment is not None:
        return payment
    payment_id = (intent.get("metadata") or {}).get("payment_id", "")
    try:
        payment_uuid = uuid.UUID(payment_id)
    except (ValueError, TypeError, AttributeError):
        return None
    return Payment.objects.filter(pk=payment_uuid, gateway=Payment.Gateway.STRIPE, reference="").first()

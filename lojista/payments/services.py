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
from lojista.checkout.payment_methods import check_payment_method
from lojista.core import metrics
from lojista.core.errors import InvalidInput
from lojista.payments.errors import (
    IdempotencyKeyReused,
    InvalidWebhookSignature,
    PaymentGatewayUnavailable,
    PaymentNotAwaited,
    PaymentNotRefundable,
)
from lojista.payments.gateways import ChargeResult, gateway_for, intent_outcome
from lojista.payments.models import Payment, Refund
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
        check_payment_method(gateway)
        try:
            with transaction.atomic():
                payment = _new_payment(checkout, gateway, idempotency_key, request_hash)
                payment.save(force_insert=True)
                created = True
        except IntegrityError:
            payment = Payment.objects.filter(checkout=checkout, idempotency_key=idempotency_key).first()
            if payment is None:
                raise
    if not created and payment.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return payment, created


def payment_create(
    *, checkout: Checkout, gateway: str, idempotency_key: str, request_hash: str
) -> tuple[Payment, bool]:
    """payment_start for a caller that has just read the checkout's payments
    and found none with this key (checkout completion): one INSERT. Called
    outside any transaction, where a twin request's INSERT losing the unique
    constraint's race aborts nothing, and the winner's row is returned."""
    _refuse_inside_transaction("payment_create")
    check_payment_method(gateway)
    payment = _new_payment(checkout, gateway, idempotency_key, request_hash)
    try:
        payment.save(force_insert=True)
    except IntegrityError:
        return payment_start(
            checkout=checkout, gateway=gateway, idempotency_key=idempotency_key, request_hash=request_hash
        )
    return payment, True


def _new_payment(checkout: Checkout, gateway: str, idempotency_key: str, request_hash: str) -> Payment:
    """An attempt for the checkout's server-computed total."""
    return Payment(
        checkout=checkout,
        gateway=gateway,
        amount=checkout.total,
        currency=checkout.currency,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )


def payment_execute(*, payment: Payment, payment_token: str | None) -> Payment:
    """Charge the payment and record the outcome. A payment the gateway has
    already answered for is returned as it is (a retry of the same key never
    charges again); one waiting for the customer is asked about again."""
    _refuse_inside_transaction("payment_execute")
    if payment.status in FINAL_STATUSES:
        return payment
    payment_token_check(gateway=payment.gateway, payment_token=payment_token)
    result = gateway_for(payment.gateway).charge(payment=payment, payment_token=payment_token)
    return _record(payment=payment, result=result)


def payment_token_check(*, gateway: str, payment_token: str | None) -> None:
    """Card gateways need a token (a test token, a Stripe PaymentMethod id).
    payment_execute checks it; a caller may check it before payment_start so
    that a request refused for it leaves no payment behind."""
    if gateway != Payment.Gateway.OFFLINE and not payment_token:
        message = _("A card payment needs a payment token.")
        raise InvalidInput.field("payment_token", message)


def _record(*, payment: Payment, result: ChargeResult) -> Payment:
    """Write the gateway's answer, unless money was already taken: a webhook
    may have recorded the success first, and a late answer must not undo it.
    One conditional UPDATE, atomic on its own; a payment settled meanwhile
    is read back as it is."""
    changes: dict[str, Any] = {
        "status": result.status,
        "error_code": result.error_code,
        "error_message": result.error_message,
        "updated_at": timezone.now(),
    }
    if result.reference:
        changes["reference"] = result.reference
    if result.client_secret:
        changes["client_secret"] = result.client_secret
    unsettled = Payment.objects.filter(pk=payment.pk).exclude(status__in=_SETTLED_STATUSES)
    if not unsettled.update(**changes):
        return Payment.objects.get(pk=payment.pk)
    metrics.count(metrics.PAYMENTS.labels(gateway=payment.gateway, outcome=result.status))
    for field, value in changes.items():
        setattr(payment, field, value)
    return payment


@transaction.atomic
def refund_open(*, payment: Payment, reason: str) -> Refund | None:
    """Decide to give ``payment``'s money back and record it: the Refund
    to send (pending), or None when there is nothing to send (an offline
    payment awaited, which is just marked refunded, or one refunded already).
    A pending or failed refund of the payment is returned again rather than
    opened twice, but a failed one is followed by a new Refund: the provider
    replays its first answer to an idempotency key, errors included, so a
    retry needs a key of its own (safe, as a refund is always of the whole
    payment and a second one is refused as ``charge_already_refunded``,
    which counts as refunded). Runs in the caller's transaction (cancelling
    an order, say): send it with refund_execute once that has committed.
    Raises PaymentNotRefundable for a payment that took no money."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == Payment.Status.REFUNDED:
        return None
    if payment.status == Payment.Status.AWAITING:
        _mark_refunded(payment)
        return None
    if payment.status != Payment.Status.SUCCEEDED:
        raise PaymentNotRefundable()
    pending = payment.refunds.filter(status=Refund.Status.PENDING).order_by("created_at").first()
    if pending is not None:
        return pending
    return Refund.objects.create(
        payment=payment, amount=payment.amount, currency=payment.currency, reason=reason[:255]
    )


@transaction.atomic
def refund_record_manual(*, payment: Payment, reference: str, reason: str) -> Refund:
    """Record money the shop gave back outside the app (cash, a bank transfer)
    for an offline payment, paid or awaited: a succeeded Refund with the
    shop's ``reference``, and the payment marked refunded. Raises
    PaymentNotRefundable for a payment that took no money nor was awaited."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.AWAITING):
        raise PaymentNotRefundable()
    refund = Refund.objects.create(
        payment=payment,
        amount=payment.amount,
        currency=payment.currency,
        status=Refund.Status.SUCCEEDED,
        reference=reference,
        reason=reason[:255],
    )
    _mark_refunded(payment)
    metrics.count(metrics.REFUNDS.labels(gateway=payment.gateway, outcome="recorded"))
    return refund


@transaction.atomic
def payment_record_offline(*, payment: Payment, reference: str) -> None:
    """Record that an awaited offline payment (bank transfer, cash on
    delivery) was received: it becomes succeeded, with the shop's
    ``reference`` (the transfer's id). One conditional UPDATE, so of two
    racing records one wins; the other raises PaymentNotAwaited."""
    received = Payment.objects.filter(
        pk=payment.pk, gateway=Payment.Gateway.OFFLINE, status=Payment.Status.AWAITING
    ).update(status=Payment.Status.SUCCEEDED, reference=reference, updated_at=timezone.now())
    if not received:
        raise PaymentNotAwaited()
    metrics.count(metrics.PAYMENTS.labels(gateway=Payment.Gateway.OFFLINE, outcome=Payment.Status.SUCCEEDED))


def _mark_refunded(payment: Payment) -> None:
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED, updated_at=timezone.now())


def refund_execute(*, refund: Refund) -> Refund:
    """Send ``refund`` through its payment's gateway, outside any transaction,
    and record the answer: succeeded (the payment becomes refunded) or failed
    (with the provider's message), with PaymentGatewayUnavailable raised so
    the caller may try again later (refund_open then opens a new Refund).
    Sending a pending refund again (a crash before its answer was recorded)
    gives the provider the same idempotency key."""
    payment = refund.payment
    gateway = gateway_for(payment.gateway)
    if gateway.remote:
        _refuse_inside_transaction("refund_execute")
    try:
        reference = gateway.refund(payment=payment, refund=refund)
    except PaymentGatewayUnavailable as error:
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.FAILED,
            error_message=error.provider_message or str(error.message),
            updated_at=timezone.now(),
        )
        metrics.count(metrics.REFUNDS.labels(gateway=payment.gateway, outcome=Refund.Status.FAILED))
        raise
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.SUCCEEDED, reference=reference, error_message="", updated_at=timezone.now()
        )
        _mark_refunded(payment)
        metrics.count(metrics.REFUNDS.labels(gateway=payment.gateway, outcome=Refund.Status.SUCCEEDED))
    refund.refresh_from_db()
    return refund


def payment_refund(*, payment: Payment, reason: str) -> Payment:
    """Give the whole payment back now (refund_open, then refund_execute) and
    return it refunded: a succeeded payment through its gateway, with a
    Refund recorded; an awaited (offline) one is just marked. Refunding twice
    refunds once. Call it after the transaction that decided it commits."""
    if gateway_for(payment.gateway).remote:
        _refuse_inside_transaction("payment_refund")
    refund = refund_open(payment=payment, reason=reason)
    if refund is not None:
        refund_execute(refund=refund)
    return Payment.objects.get(pk=payment.pk)


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
    payment = _record(payment=payment, result=intent_outcome(intent))
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

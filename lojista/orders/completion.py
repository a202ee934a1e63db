"""Completing a checkout: claim it, take the payment, place the order.

This is the one flow that talks to a payment provider, so it is *not* one
transaction: each step is a short transaction (most are one statement) and
the provider is called between them with no lock held. What makes it safe:

- a checkout has at most one payment attempt in flight: the attempt claims
  the checkout row with a conditional UPDATE before the provider is called
  (checkout_claim_for_payment), so a request with another Idempotency-Key
  is refused with 409 payment_in_progress, whatever the number of requests;
- the client's ``Idempotency-Key`` names one payment attempt (a Payment row,
  unique per checkout and key): repeating the request repeats nothing, and a
  request racing an identical one waits for its outcome instead of paying
  again;
- ``order_place`` completes the checkout with a conditional UPDATE and is
  idempotent, so the client's request and Stripe's webhook, in any order and
  any number of times, place one order;
- money taken that does not become the order (the stock ran out, a webhook
  placed the order with another payment) is refunded at once, and recorded;
- a declined payment leaves the checkout and its stock holds in place, for
  another try with another key.
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from lojista.checkout.errors import CheckoutCompleted, CheckoutOutdated, PaymentInProgress
from lojista.checkout.models import Checkout
from lojista.checkout.payment_methods import check_payment_method
from lojista.checkout.services import checkout_claim_for_payment, checkout_release_claim
from lojista.inventory.errors import InsufficientStock
from lojista.orders.models import Order
from lojista.orders.services import order_place
from lojista.payments.errors import IdempotencyKeyReused, PaymentDeclined, PaymentGatewayUnavailable
from lojista.payments.models import Payment, Refund
from lojista.payments.services import payment_create, payment_execute, payment_refund, payment_token_check

logger = logging.getLogger(__name__)

# A request that finds its key's payment being processed by another request
# waits this long for the outcome before answering 409 payment_in_progress.
WAIT_FOR_TWIN = timedelta(seconds=10)
# A payment left "processing" for longer than this was abandoned (a crashed
# worker): the next request with its key takes it over. The provider gets the
# same idempotency key again, so it cannot charge twice.
ABANDONED_AFTER = timedelta(seconds=60)
# Money taken that cannot become the order: the checkout cannot be placed.
UNPLACEABLE = (InsufficientStock, CheckoutOutdated, CheckoutCompleted)


@dataclass(frozen=True)
class Completion:
    """The outcome: an order (``created`` False when an earlier request placed
    it), or a payment waiting for the customer to confirm it (3-D Secure)."""

    order: Order | None
    created: bool
    payment: Payment


def request_fingerprint(*, payment_method: str, payment_token: str | None) -> str:
    body = json.dumps({"payment_method": payment_method, "payment_token": payment_token}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def checkout_complete(
    *, checkout: Checkout, payment_method: str, payment_token: str | None, idempotency_key: str
) -> Completion:
    """Pay for ``checkout`` (read with its lines, shipping method and cart)
    and place its order."""
    fingerprint = request_fingerprint(payment_method=payment_method, payment_token=payment_token)
    if checkout.status != Checkout.Status.OPEN:
        return _replay(checkout=checkout, idempotency_key=idempotency_key, fingerprint=fingerprint)
    check_payment_method(payment_method)
    payment_token_check(gateway=payment_method, payment_token=payment_token)
    try:
        checkout_claim_for_payment(checkout=checkout, attempt_key=idempotency_key)
    except (CheckoutCompleted, CheckoutOutdated):
        # Completed (or outdated) a moment ago, by this key's twin or another.
        return _replay(checkout=checkout, idempotency_key=idempotency_key, fingerprint=fingerprint)
    # A claim this request took (not one its key held already) is given back
    # if the attempt stops before the provider is called.
    claimed_now = checkout.payment_attempt_key != idempotency_key
    try:
        payment = _attempt(
            checkout=checkout,
            payment_method=payment_method,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
    except Exception:
        if claimed_now:
            checkout_release_claim(checkout=checkout, attempt_key=idempotency_key)
        raise
    if payment.status == Payment.Status.PROCESSING:
        payment = payment_execute(payment=payment, payment_token=payment_token)
    return _conclude(checkout=checkout, payment=payment, idempotency_key=idempotency_key)


def _attempt(*, checkout: Checkout, payment_method: str, idempotency_key: str, fingerprint: str) -> Payment:
    """The payment this attempt concludes with, from one read of the
    checkout's payments: money an earlier attempt took, this key's payment,
    or a new one."""
    payments = list(Payment.objects.filter(checkout=checkout).order_by("created_at"))
    mine = next((payment for payment in payments if payment.idempotency_key == idempotency_key), None)
    if mine is not None and mine.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    accepted = _accepted_payment(payments, payment_method)
    if accepted is not None:
        # Paid by an earlier attempt whose order placement did not finish:
        # place the order with that payment instead of charging again.
        return accepted
    if mine is None:
        mine, created = payment_create(
            checkout=checkout,
            gateway=payment_method,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        )
        if created:
            return mine
    return _wait_for_twin(mine)


def _replay(*, checkout: Checkout, idempotency_key: str, fingerprint: str) -> Completion:
    """The answer for a checkout no longer open: the order again for the key
    that placed it, the first answer for a key that was declined, and
    checkout_completed (with the order's number) or checkout_outdated otherwise."""
    # The order first: a payment is always committed before its order, so
    # if the order is visible, so is the payment that paid for it.
    order = Order.objects.filter(checkout=checkout).first()
    payment = Payment.objects.filter(checkout=checkout, idempotency_key=idempotency_key).first()
    if payment is not None and payment.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if order is None:
        raise CheckoutOutdated() if checkout.status == Checkout.Status.OUTDATED else CheckoutCompleted()
    if payment is not None and order.payment_id == payment.pk:
        return Completion(order=order, created=False, payment=payment)
    if payment is not None and payment.status == Payment.Status.DECLINED:
        raise _declined(payment)  # answers as it did the first time
    raise CheckoutCompleted(details={"order_number": order.number})


def _accepted_payment(payments: list[Payment], payment_method: str) -> Payment | None:
    """Money already taken for this checkout (by any method), or an offline
    promise to pay when the customer chose offline again."""
    accepted = {Payment.Status.SUCCEEDED}
    if payment_method == Payment.Gateway.OFFLINE:
        accepted.add(Payment.Status.AWAITING)
    return next((payment for payment in payments if payment.status in accepted), None)


def _wait_for_twin(payment: Payment) -> Payment:
    """Another request with the same key is paying: wait for it to finish
    rather than paying again; take over a payment abandoned long ago."""
    deadline = timezone.now() + WAIT_FOR_TWIN
    while payment.status == Payment.Status.PROCESSING:
        if timezone.now() - payment.updated_at > ABANDONED_AFTER:
            return payment
        if timezone.now() > deadline:
            raise PaymentInProgress(retry_after=1)
        time.sleep(0.05)
        payment.refresh_from_db()
    return payment


def _declined(payment: Payment) -> PaymentDeclined:
    return PaymentDeclined(payment.error_message or None, details={"reason": payment.error_code})


def _conclude(*, checkout: Checkout, payment: Payment, idempotency_key: str) -> Completion:
    if payment.status in (Payment.Status.DECLINED, Payment.Status.REQUIRES_ACTION):
        # The attempt is over (or waits for the customer, for as long as they
        # take): another may start. A second success is refunded.
        checkout_release_claim(checkout=checkout, attempt_key=idempotency_key)
        if payment.status == Payment.Status.DECLINED:
            raise _declined(payment)
        return Completion(order=None, created=False, payment=payment)
    try:
        order, created = _place_or_refund(checkout=checkout, payment=payment)
    except UNPLACEABLE:
        checkout_release_claim(checkout=checkout, attempt_key=idempotency_key)
        raise
    return Completion(order=order, created=created, payment=payment)


def _place_or_refund(*, checkout: Checkout, payment: Payment) -> tuple[Order, bool]:
    """Place the order ``payment`` paid for. Money that cannot become the
    order is refunded (after any transaction around the caller is over, since
    a refund calls the provider) and the reason raised: the placement's error
    (the stock was sold while the customer paid, the checkout changed), or
    CheckoutCompleted naming the order another payment placed (Stripe's
    webhook for an earlier attempt won the race, or the customer gave up
    waiting for 3-D Secure and paid another way)."""
    try:
        order, created = order_place(checkout=checkout, payment=payment)
    except UNPLACEABLE as error:
        _refund_after_commit(payment, f"checkout_not_placeable: {error.code}")
        raise
    if order.payment_id != payment.pk:
        _refund_after_commit(payment, f"order_paid_by_another_payment: order {order.number}")
        raise CheckoutCompleted(details={"order_number": order.number})
    return order, created


def _refund_after_commit(payment: Payment, reason: str) -> None:
    transaction.on_commit(lambda: _refund_unplaced(payment, reason))


def order_place_for_payment(*, payment: Payment) -> Order | None:
    """Money taken outside a customer's request (Stripe's webhook after 3-D
    Secure or a closed tab, the reconciliation sweep after a crash) becomes
    the checkout's order; when it cannot (the stock sold out meanwhile, the
    checkout went out of date, or the order was placed with another payment)
    it is refunded, after any transaction around the caller is over, since a
    refund calls the provider. Idempotent: a placed checkout places nothing
    twice, a refunded payment is left alone. Returns the order it paid for."""
    if payment.status != Payment.Status.SUCCEEDED:
        return None
    checkout = Checkout.objects.select_related("shipping_method", "cart").get(pk=payment.checkout_id)
    try:
        order, created = _place_or_refund(checkout=checkout, payment=payment)
    except UNPLACEABLE:
        return None
    if created:
        logger.info("Order %s placed for payment %s.", order.number, payment.pk)
    return order


# Money taken this long ago (and no attempt holding its checkout) that is
# neither an order nor refunded was left behind by a crash.
ORPHANED_AFTER = timedelta(minutes=5)


def payments_reconcile(*, now: datetime | None = None) -> int:
    """Find money taken that never became an order nor a refund (the worker
    died between the provider's answer and the placement, and neither the
    customer nor a webhook came back) and place the order, or refund it when
    it cannot be placed. Returns how many payments it settled. Found through
    the payments' status, so the cost grows with the number of orphans."""
    now = now or timezone.now()
    orphans = (
        Payment.objects.filter(status=Payment.Status.SUCCEEDED, updated_at__lt=now - ORPHANED_AFTER)
        .exclude(Exists(Order.objects.filter(payment=OuterRef("pk"))))
        .exclude(checkout__payment_attempt_until__gt=now)
        # A refund the provider refused is for staff to see and retry, not
        # to be sent again every five minutes.
        .exclude(refunds__status=Refund.Status.FAILED)
        .order_by("created_at")
    )
    settled = 0
    for payment in orphans:
        order_place_for_payment(payment=payment)
        settled += 1
    return settled


def _refund_unplaced(payment: Payment, reason: str) -> None:
    """Refund money that did not become the order. A provider that cannot be
    reached leaves the Refund recorded as failed, for staff to see and retry."""
    if payment.status != Payment.Status.SUCCEEDED:
        return
    logger.warning("Refunding payment %s of checkout %s: %s", payment.pk, payment.checkout_id, reason)
    try:
        payment_refund(payment=payment, reason=reason)
    except PaymentGatewayUnavailable:
        logger.error("The refund of payment %s failed: the provider is unavailable", payment.pk)

"""Completing a checkout: hold the stock, take the payment, place the order.

This is the one flow that talks to a payment provider, so it is *not* one
transaction: each step is its own short transaction and the provider is
called between them with no lock held. What makes it safe:

- the client's ``Idempotency-Key`` names one payment attempt (a Payment row,
  unique per checkout and key): repeating the request repeats nothing, and a
  request racing an identical one waits for its outcome instead of paying
  again;
- ``order_place`` locks the checkout and is idempotent, so the client's
  request and Stripe's webhook, in any order and any number of times, place
  one order;
- a declined payment leaves the checkout and its stock holds in place, for
  another try with another key.
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojista.checkout.errors import CheckoutCompleted
from lojista.checkout.models import Checkout
from lojista.checkout.selectors import enabled_payment_methods
from lojista.checkout.services import checkout_hold_stock
from lojista.core.errors import Conflict, InvalidInput
from lojista.inventory.errors import InsufficientStock
from lojista.orders.models import Order
from lojista.orders.services import order_place
from lojista.payments.errors import IdempotencyKeyReused, PaymentDeclined
from lojista.payments.models import Payment
from lojista.payments.services import payment_execute, payment_refund, payment_start, payment_token_check

logger = logging.getLogger(__name__)

# A request that finds its key's payment being processed by another request
# waits this long for the outcome before answering 409 payment_in_progress.
WAIT_FOR_TWIN = timedelta(seconds=10)
# A payment left "processing" for longer than this was abandoned (a crashed
# worker): the next request with its key takes it over. The provider gets the
# same idempotency key again, so it cannot charge twice.
ABANDONED_AFTER = timedelta(seconds=60)


class PaymentInProgress(Conflict):
    code = "payment_in_progress"
    default_message = gettext_lazy("This payment is still being processed. Try again in a moment.")


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
    fingerprint = request_fingerprint(payment_method=payment_method, payment_token=payment_token)
    earlier = _replay(checkout=checkout, idempotency_key=idempotency_key, fingerprint=fingerprint)
    if earlier is not None:
        return earlier
    if payment_method not in enabled_payment_methods():
        message = _("Choose one of the payment methods the checkout offers.")
        raise InvalidInput.field("payment_method", message)

    payment_token_check(gateway=payment_method, payment_token=payment_token)
    try:
        checkout_hold_stock(checkout=checkout)
    except CheckoutCompleted:
        # A twin request with the same key completed it a moment ago.
        earlier = _replay(checkout=checkout, idempotency_key=idempotency_key, fingerprint=fingerprint)
        if earlier is None:
            raise
        return earlier
    accepted = _accepted_payment(checkout, payment_method)
    if accepted is not None:
        # Paid by an earlier attempt whose order placement did not finish:
        # place the order with that payment instead of charging again.
        return _conclude(checkout=checkout, payment=accepted)
    payment, created = payment_start(
        checkout=checkout, gateway=payment_method, idempotency_key=idempotency_key, request_hash=fingerprint
    )
    if not created:
        payment = _wait_for_twin(payment)
    payment = payment_execute(payment=payment, payment_token=payment_token)
    return _conclude(checkout=checkout, payment=payment)


def _replay(*, checkout: Checkout, idempotency_key: str, fingerprint: str) -> Completion | None:
    """The answer for a key seen before on a completed checkout; a completed
    checkout with an unknown key is refused."""
    # The order first: a payment is always committed before its order, so
    # if the order is visible, so is the payment that paid for it.
    order = Order.objects.filter(checkout=checkout).first()
    payment = Payment.objects.filter(checkout=checkout, idempotency_key=idempotency_key).first()
    if payment is not None and payment.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if order is None:
        return None
    if payment is not None and order.payment_id == payment.pk:
        return Completion(order=order, created=False, payment=payment)
    if payment is not None and payment.status == Payment.Status.DECLINED:
        _conclude(checkout=checkout, payment=payment)  # answers as it did the first time
    raise CheckoutCompleted(details={"order_number": order.number})


def _accepted_payment(checkout: Checkout, payment_method: str) -> Payment | None:
    """Money already taken for this checkout (by any method), or an offline
    promise to pay when the customer chose offline again."""
    accepted = Q(status=Payment.Status.SUCCEEDED)
    if payment_method == Payment.Gateway.OFFLINE:
        accepted |= Q(status=Payment.Status.AWAITING)
    return Payment.objects.filter(accepted, checkout=checkout).order_by("created_at").first()


def _wait_for_twin(payment: Payment) -> Payment:
    """Another request with the same key is paying: wait for it to finish
    rather than paying again; take over a payment abandoned long ago."""
    deadline = timezone.now() + WAIT_FOR_TWIN
    while payment.status == Payment.Status.PROCESSING:
        if timezone.now() - payment.updated_at > ABANDONED_AFTER:
            return payment
        if timezone.now() > deadline:
            raise PaymentInProgress()
        time.sleep(0.05)
        payment.refresh_from_db()
    return payment


def _conclude(*, checkout: Checkout, payment: Payment) -> Completion:
    if payment.status == Payment.Status.DECLINED:
        raise PaymentDeclined(payment.error_message or None, details={"reason": payment.error_code})
    if payment.status == Payment.Status.REQUIRES_ACTION:
        return Completion(order=None, created=False, payment=payment)
    try:
        order, created = order_place(checkout=checkout, payment=payment)
    except InsufficientStock:
        # The hold lapsed and the stock was sold while the customer paid:
        # give the money back rather than keep it for nothing.
        if payment.status == Payment.Status.SUCCEEDED:
            logger.warning("Refunding payment %s: stock ran out during payment", payment.pk)
            payment_refund(payment=payment)
        raise
    return Completion(order=order, created=created, payment=payment)

"""Orders listening to the apps below them (which never import orders).

When Stripe tells us a payment succeeded after the customer's own request had
answered (3-D Secure, a closed tab), the order is placed here. If it cannot be
placed any more (the stock sold out meanwhile, or the checkout went out of
date), or was already placed with another payment, the customer must not pay
for nothing: the payment is refunded, after the placement's transaction is
over, since a refund calls the provider and no lock may be held while it
answers.
"""

import logging

from django.db import transaction

from lojista.checkout.errors import CheckoutCompleted, CheckoutOutdated
from lojista.inventory.errors import InsufficientStock
from lojista.orders.services import order_place
from lojista.payments.models import Payment
from lojista.payments.services import payment_refund

logger = logging.getLogger(__name__)

# The checkout was paid for but can no longer become an order.
UNPLACEABLE = (InsufficientStock, CheckoutOutdated, CheckoutCompleted)


def _refund_later(payment: Payment, why: str) -> None:
    logger.warning("Payment %s of checkout %s is refunded: %s.", payment.pk, payment.checkout_id, why)
    transaction.on_commit(lambda: payment_refund(payment=payment, reason=why))


def place_order_for_payment(sender: object, payment: Payment, **kwargs: object) -> None:
    """Receiver of payments.signals.payment_succeeded. Idempotent: the signal
    comes with every delivery of the webhook, and a placed checkout places
    nothing twice; a payment already refunded is left alone."""
    if payment.status != Payment.Status.SUCCEEDED:
        return
    try:
        order, created = order_place(checkout=payment.checkout, payment=payment)
    except UNPLACEABLE as error:
        _refund_later(payment, f"its checkout cannot become an order ({error.code})")
        return
    if created:
        logger.info("Order %s placed for payment %s.", order.number, payment.pk)
    elif order.payment_id != payment.pk:
        # The checkout was already placed with another payment (the customer
        # gave up waiting for 3-D Secure and paid another way): this one is a
        # second charge for the same order.
        _refund_later(payment, f"order {order.number} was paid by payment {order.payment_id}")

"""Orders listening to the apps below them (which never import orders);
connected in OrdersConfig.ready().

When Stripe tells us a payment succeeded after the customer's own request had
answered (3-D Secure, a closed tab), the order is placed here, or the money
refunded when it cannot be (see completion.order_place_for_payment).
"""

from lojista.orders.completion import order_place_for_payment
from lojista.payments.models import Payment


def place_order_for_payment(sender: object, payment: Payment, **kwargs: object) -> None:
    """Receiver of payments.signals.payment_succeeded, sent with every
    delivery of the webhook: idempotent."""
    order_place_for_payment(payment=payment)

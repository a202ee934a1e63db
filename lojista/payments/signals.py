"""Signals sent by payments to the apps above it (orders), which payments never imports."""

from django.dispatch import Signal

# Stripe's webhook says a payment succeeded (``payment=`` the Payment, now
# succeeded), whether or not the customer's own request saw it succeed too:
# after 3-D Secure or a lost answer, this is how the order gets placed.
# It is sent for *every* delivery of the event, not only the first, outside any
# transaction (a receiver may call the provider, e.g. to refund): so a
# receiver whose work failed on an earlier delivery gets another chance, and
# every receiver must be idempotent (placing the order twice places one).
payment_succeeded = Signal()

"""Signals of checkout, for the apps above it (extensions) to react to."""

from django.dispatch import Signal

# Sent with ``checkout=`` (the new Checkout, its lines written) at the end of
# checkout_start, inside its transaction: a receiver's writes commit or roll
# back with the checkout. The Abandoned checkouts extension watches from here.
checkout_started = Signal()

"""Signals of carts, for the apps above them (checkout) to react to."""

from django.dispatch import Signal

# Sent with ``cart=`` inside the transaction that changed the cart's lines
# (add, change, remove, merge), so receivers' writes commit or roll back with it.
cart_changed = Signal()

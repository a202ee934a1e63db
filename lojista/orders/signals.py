"""Signals sent by the order services *inside* their transaction, so that a
receiver's writes (an outbox email, say) commit or roll back with the change.

- ``order_placed(order, events)``: a new order. A receiver may append
  unsaved OrderEvents to ``events`` (a list, absent when a test sends the
  signal by hand): the placement writes them with its own in one INSERT.
- ``order_status_changed(order, event, notify)``: a status change; ``event``
  is its OrderEvent, ``notify`` whether the customer should be told.
- ``order_tracking_changed(order, event, notify)``: staff set or changed the
  tracking link of a processed or delivered order; the same arguments.
- ``order_refunded(order, event)``: the order's money was given back (its
  payment status became ``refunded``): by its gateway, or recorded by hand;
  ``event`` is the REFUNDED OrderEvent.
"""

from django.dispatch import Signal

order_placed = Signal()
order_status_changed = Signal()
order_tracking_changed = Signal()
order_refunded = Signal()

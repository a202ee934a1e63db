"""Signals sent by the order services *inside* their transaction, so that a
receiver's writes (an outbox email, say) commit or roll back with the change.

- ``order_placed(order)``: a new order.
- ``order_status_changed(order, event, notify)``: a status change; ``event``
  is its OrderEvent, ``notify`` whether the customer should be told.
"""

from django.dispatch import Signal

order_placed = Signal()
order_status_changed = Signal()

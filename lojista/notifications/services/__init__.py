"""Writes of notifications, one module per job:

- ``outbox``: queue an email, deliver it (claimed in batches over one SMTP
  connection), retry it, sweep up lost ones;
- ``order_emails``: the order-email policy, which emails an order event queues;
- ``templates``: the shop's email settings and templates, test sends.

The names callers use are importable from here.
"""

from lojista.notifications.services.order_emails import (
    order_contact_send,
    order_placed_emails_queue,
    order_status_email_queue,
    order_tracking_email_queue,
)
from lojista.notifications.services.outbox import outbox_deliver, outbox_queue, outbox_retry, outbox_sweep
from lojista.notifications.services.templates import (
    email_template_reset,
    email_template_save,
    email_test_send,
    notification_settings_update,
)

__all__ = [
    "email_template_reset",
    "email_template_save",
    "email_test_send",
    "notification_settings_update",
    "order_contact_send",
    "order_placed_emails_queue",
    "order_status_email_queue",
    "order_tracking_email_queue",
    "outbox_deliver",
    "outbox_queue",
    "outbox_retry",
    "outbox_sweep",
]

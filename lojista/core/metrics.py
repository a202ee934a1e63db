"""The shop's Prometheus counters (prometheus-client), defined here in core
so that every app can count its events where they happen; lojista.observability
serves them on /metrics with the gauges read from the database at scrape.

With several processes (gunicorn's workers, task workers) each process keeps
its own counts: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory shared
by all of them (prometheus-client's multiprocess mode, docs/operations.md)
and /metrics adds them up, whichever process answers.

Count an event once its transaction commits (``count``): a rolled-back order
was never placed.
"""

from django.db import transaction
from prometheus_client import Counter

ORDERS_PLACED = Counter("lojista_orders_placed", "Orders placed.")
CHECKOUT_FAILURES = Counter(
    "lojista_checkout_failures",
    "Checkout start and completion requests refused, by step and the API's error code.",
    ["step", "code"],
)
PAYMENTS = Counter(
    "lojista_payments", "Payment attempts answered by their gateway, by outcome.", ["gateway", "outcome"]
)
REFUNDS = Counter(
    "lojista_refunds", "Refunds sent or recorded, by gateway and outcome.", ["gateway", "outcome"]
)
EMAILS_SENT = Counter("lojista_emails_sent", "Emails of the outbox delivered to the mail server.")
EMAILS_FAILED = Counter("lojista_emails_failed", "Emails of the outbox that failed for good.")
WEBHOOK_DELIVERIES_FAILED = Counter(
    "lojista_webhook_deliveries_failed",
    "Failed webhook delivery attempts; final: no attempt is left.",
    ["final"],
)


def count(counter: Counter, amount: float = 1) -> None:
    """Add ``amount`` to ``counter`` (a child with its labels) when the
    running transaction commits; at once outside a transaction."""
    transaction.on_commit(lambda: counter.inc(amount))

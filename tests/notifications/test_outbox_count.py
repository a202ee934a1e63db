"""How many outbox emails are in a status (the back office's failed emails)."""

import pytest

from lojista.notifications.models import OutboxMessage
from lojista.notifications.selectors import outbox_count

pytestmark = pytest.mark.django_db


def message(number: int, status: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        dedupe_key=f"count-{number}",
        kind="order_confirmation",
        recipients=["ana@example.com"],
        language="en",
        message_id=f"<count-{number}@example.com>",
        status=status,
    )


def test_counts_one_status():
    for number, status in enumerate(["failed", "failed", "sent", "ready"]):
        message(number, status)

    assert outbox_count(status=OutboxMessage.Status.FAILED) == 2
    assert outbox_count(status=OutboxMessage.Status.SENDING) == 0

"""A reminder sent by hand: the same never-rules as the automatic ones, a
reason for each refusal, staff's message in the email, no double send."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lojista.core.errors import InvalidInput
from lojista.extensions.abandoned_checkouts.errors import ReminderNotAllowed
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Reminder, Unsubscribe
from lojista.extensions.abandoned_checkouts.services import (
    MESSAGE_MAX_LENGTH,
    abandoned_remind,
    email_digest,
    reminder_refusal,
)
from lojista.inventory.services import stock_adjust
from lojista.notifications.models import OutboxMessage
from tests.extensions.abandoned_checkouts.recovery_helpers import T0, abandoned_row, at, minutes
from tests.orders.factories import placed_order

Status = AbandonedCheckout.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def row(installed, mug):
    return abandoned_row(variant=mug, quantity=2)


def send(row, staff, message="", **kwargs):
    return abandoned_remind(abandoned=row, actor=staff, message=message, **kwargs)


def test_a_reminder_by_hand_carries_the_message_and_records_who_sent_it(
    row, staff, smtp, django_capture_on_commit_callbacks
):
    with at(T0 + minutes(5)), django_capture_on_commit_callbacks(execute=True):
        reminder = send(row, staff, "  Olá Ana!\nWe kept your mug.  ")

    assert (reminder.step, reminder.sent_by, reminder.message) == (None, staff, "Olá Ana!\nWe kept your mug.")
    row.refresh_from_db()
    assert (row.status, row.reminders_sent, row.last_reminded_at) == (Status.REMINDED, 1, T0 + minutes(5))
    assert row.link_expires_at == T0 + minutes(5) + minutes(7 * 24 * 60)
    [email] = smtp.to("ana@example.com")
    assert email.subject == "A message from Lojista Demo Shop about your cart"
    assert "Olá Ana!\nWe kept your mug." in email.part("text/plain")
    assert "Olá Ana!<br>We kept your mug." in email.part("text/html")
    assert "/cart/recover/" in email.part("text/html")


def test_a_second_one_within_ten_minutes_is_too_soon(row, staff):
    with at(T0):
        send(row, staff)
    with at(T0 + minutes(9)), pytest.raises(ReminderNotAllowed) as caught:
        send(row, staff)
    assert (caught.value.status, caught.value.code, caught.value.details) == (
        409,
        "reminder_not_allowed",
        {"reason": "too_soon"},
    )
    with at(T0 + minutes(10)):
        send(row, staff)
    assert Reminder.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda row, mug: AbandonedCheckout.objects.filter(pk=row.pk).update(status=Status.WATCHING),
            "watching",
        ),
        (
            lambda row, mug: AbandonedCheckout.objects.filter(pk=row.pk).update(status=Status.RECOVERED),
            "recovered",
        ),
        (
            lambda row, mug: AbandonedCheckout.objects.filter(pk=row.pk).update(purged_at=T0, email=""),
            "purged",
        ),
        (
            lambda row, mug: Unsubscribe.objects.create(email_digest=email_digest("ANA@example.com")),
            "unsubscribed",
        ),
        (lambda row, mug: stock_adjust(variant_id=mug.pk, delta=-5), "out_of_stock"),
        (lambda row, mug: placed_order(email="Ana@Example.com"), "ordered"),
    ],
)
def test_each_rule_refuses_with_its_reason_and_changes_nothing(row, staff, mug, change, reason):
    with at(T0 - minutes(30)):
        change(row, mug)
    row.refresh_from_db()
    assert reminder_refusal(row) == reason

    with at(T0), pytest.raises(ReminderNotAllowed) as caught:
        send(row, staff)

    assert caught.value.details == {"reason": reason}
    assert not Reminder.objects.exists()
    assert not OutboxMessage.objects.filter(kind__startswith="abandoned_checkout").exists()


def test_an_order_placed_before_the_checkout_started_does_not_count(installed, mug, staff):
    with at(T0 - minutes(120)):
        placed_order(email="ana@example.com")
    row = abandoned_row(variant=mug)  # started at T0 - 60 minutes

    with at(T0):
        send(row, staff)
    assert Reminder.objects.count() == 1


def test_a_message_too_long_is_refused(row, staff):
    with pytest.raises(InvalidInput) as caught:
        send(row, staff, "x" * (MESSAGE_MAX_LENGTH + 1))

    assert list(caught.value.details["fields"]) == ["message"]
    assert not Reminder.objects.exists()


def test_an_expired_row_can_be_reminded_by_hand_again(row, staff):
    AbandonedCheckout.objects.filter(pk=row.pk).update(
        status=Status.EXPIRED, last_reminded_at=T0 - minutes(600)
    )
    row.refresh_from_db()
    with at(T0):
        send(row, staff)
    row.refresh_from_db()
    assert row.status == Status.REMINDED


def test_anonymous_is_just_none_for_the_service(row):
    assert AnonymousUser().is_anonymous
    with at(T0):
        reminder = abandoned_remind(abandoned=row, actor=None)
    assert reminder.sent_by is None

"""The notification settings row is read on every order placed and every
email sent: it is kept in the cache until the row changes (issue 14)."""

import logging

import pytest
from django.test import override_settings

from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.notifications.services.templates import notification_settings_update
from tests.orders.factories import placed_order
from tests.redis_helpers import CACHE_DOWN

pytestmark = pytest.mark.django_db


def merchant_recipients() -> list[list[str]]:
    emails = OutboxMessage.objects.filter(kind="new_order").order_by("id")
    return list(emails.values_list("recipients", flat=True))


def test_a_second_read_asks_the_database_nothing(django_assert_num_queries):
    NotificationSettings.load()
    with django_assert_num_queries(0):
        assert NotificationSettings.load().order_notification_emails == []


def test_a_changed_notification_list_is_used_by_the_next_order():
    notification_settings_update(order_notification_emails=["a@shop.example"])
    placed_order()
    notification_settings_update(order_notification_emails=["b@shop.example"])
    placed_order()

    assert merchant_recipients() == [["a@shop.example"], ["b@shop.example"]]


def test_a_row_saved_or_deleted_any_way_is_seen_at_once():
    """The admin or a data fix, without the service."""
    assert NotificationSettings.load().sender_name == ""
    NotificationSettings.objects.create(pk=1, sender_name="Loja da Ana")
    assert NotificationSettings.load().sender_name == "Loja da Ana"
    NotificationSettings.objects.all().delete()
    assert NotificationSettings.load().sender_name == ""


@override_settings(CACHES=CACHE_DOWN)
def test_a_cache_that_does_not_answer_reads_the_row(caplog):
    with caplog.at_level(logging.ERROR, logger="lojista.cache"):
        notification_settings_update(order_notification_emails=["a@shop.example"])
        placed_order()

    assert merchant_recipients() == [["a@shop.example"]]
    assert any("the cache does not answer" in record.getMessage() for record in caplog.records)

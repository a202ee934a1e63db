"""notification_settings_update saves only the fields it is given: each
back-office settings page saves its own (the shop's sender, the
notification list, the payment instructions) without touching the others."""

import pytest

from lojista.core.errors import InvalidInput
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services.templates import notification_settings_update

pytestmark = pytest.mark.django_db


def test_a_field_left_out_keeps_its_value():
    notification_settings_update(
        sender_name="Loja",
        sender_email="hello@shop.example",
        logo_url="https://shop.example/logo.png",
        order_notification_emails=["a@shop.example"],
        payment_instructions="Pay by transfer.",
        translations={"pt-br": {"payment_instructions": "Pague por Pix."}},
    )

    notification_settings_update(order_notification_emails=["b@shop.example", " b@shop.example "])
    notification_settings_update(payment_instructions="Pay in cash.", translations={})

    row = NotificationSettings.load()
    assert (row.sender_name, row.sender_email, row.logo_url) == (
        "Loja",
        "hello@shop.example",
        "https://shop.example/logo.png",
    )
    assert row.order_notification_emails == ["b@shop.example"]
    assert (row.payment_instructions, row.translations) == ("Pay in cash.", {})


def test_a_refused_field_saves_nothing():
    notification_settings_update(order_notification_emails=["a@shop.example"])

    with pytest.raises(InvalidInput) as refused:
        notification_settings_update(sender_name="Loja", order_notification_emails=["not an address"])

    assert "order_notification_emails" in refused.value.details["fields"]
    row = NotificationSettings.load()
    assert (row.sender_name, row.order_notification_emails) == ("", ["a@shop.example"])

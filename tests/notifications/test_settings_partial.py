"""notification_settings_update saves only the fields it is given: each
back-office settings page saves its own (the shop's sender, the
notification list, the payment instructions) without touching the others;
shop_profile_update saves the shop's settings and its sender together."""

import pytest

from lojista.core.errors import InvalidInput
from lojista.core.models import ShopSettings
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services.templates import notification_settings_update, shop_profile_update

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


SHOP = {
    "name": "Loja da Ana",
    "details": "",
    "language": "pt-br",
    "checkout_hold_minutes": 20,
    "invoice_footer": "",
    "sender_name": "",
    "sender_email": "hello@loja.example",
}


def test_the_shop_page_saves_the_shop_and_its_sender_together():
    shop_profile_update(**SHOP, logo_url="https://loja.example/logo.png")

    assert ShopSettings.objects.get().name == "Loja da Ana"
    assert NotificationSettings.load().logo_url == "https://loja.example/logo.png"


def test_a_refused_sender_saves_nothing_of_the_shop_either():
    with pytest.raises(InvalidInput) as refused:
        shop_profile_update(**{**SHOP, "checkout_hold_minutes": 0}, logo_url="ftp://loja.example/logo.png")

    assert set(refused.value.details["fields"]) == {"checkout_hold_minutes", "logo_url"}

    with pytest.raises(InvalidInput):
        shop_profile_update(**SHOP, logo_url="ftp://loja.example/logo.png")

    assert not ShopSettings.objects.exists()
    assert NotificationSettings.load().sender_email == ""

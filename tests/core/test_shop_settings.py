"""The shop's settings the owner saves (core.services.shop_settings_update)
and the core honouring them: the emails' shop name, a checkout's hold, the
shop's language; read through the cache, forgotten on every save."""

import pytest
from django.core import mail
from django.core.cache import cache

from lojista.core.errors import InvalidInput
from lojista.core.i18n import localized, shop_language, supported_language
from lojista.core.models import ShopSettings
from lojista.core.selectors import CACHE_KEY, checkout_hold_minutes, shop_name, shop_settings
from lojista.core.services import shop_settings_update
from lojista.notifications.models import NotificationSettings
from tests.notifications.conftest import MERCHANT
from tests.notifications.factories import place_order

pytestmark = pytest.mark.django_db

BLANK = {"name": "", "details": "", "language": "", "checkout_hold_minutes": None, "invoice_footer": ""}


def save(**fields):
    return shop_settings_update(**{**BLANK, **fields})


def test_saved_settings_are_returned_and_blank_ones_fall_back_to_the_environment(settings):
    settings.LOJISTA_SHOP_NAME = "Env Shop"
    settings.LOJISTA_CHECKOUT_HOLD_MINUTES = 45

    assert (shop_name(), checkout_hold_minutes(), shop_language()) == ("Env Shop", 45, "en")

    row = save(
        name="  Loja da Ana ",
        details="Rua Augusta 10\nNIF 123",
        language="pt-BR",
        checkout_hold_minutes=15,
        invoice_footer="Obrigada!",
    )

    assert (row.name, row.language, row.details) == ("Loja da Ana", "pt-br", "Rua Augusta 10\nNIF 123")
    assert (shop_name(), checkout_hold_minutes(), shop_language()) == ("Loja da Ana", 15, "pt-br")

    save()
    assert (shop_name(), checkout_hold_minutes(), shop_language()) == ("Env Shop", 45, "en")


def test_every_invalid_field_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        save(
            name="Two\nlines",
            details="x" * 1001,
            language="fr",
            checkout_hold_minutes=0,
            invoice_footer="bell\x07",
        )

    fields = refused.value.details["fields"]
    assert set(fields) == {"name", "details", "language", "checkout_hold_minutes", "invoice_footer"}
    assert fields["details"] == ["Ensure this value has at most 1000 characters (it has 1001)."]
    assert fields["checkout_hold_minutes"] == ["Enter a number of minutes from 1 to 1440."]
    assert not ShopSettings.objects.exists()


def test_a_hold_longer_than_a_day_is_refused():
    with pytest.raises(InvalidInput):
        save(checkout_hold_minutes=24 * 60 + 1)
    assert save(checkout_hold_minutes=24 * 60).checkout_hold_minutes == 24 * 60


def test_the_settings_are_read_from_the_cache_until_saved(django_assert_num_queries):
    save(name="Cached Shop")
    shop_settings()

    with django_assert_num_queries(0):
        assert shop_name() == "Cached Shop"
        assert shop_language() == "en"

    save(name="Renamed Shop")
    assert shop_name() == "Renamed Shop"


def test_a_row_saved_without_the_service_is_seen_at_once():
    assert shop_name() == "Lojista Demo Shop"
    ShopSettings.objects.create(pk=1, name="Admin Shop")
    assert shop_name() == "Admin Shop"
    ShopSettings.objects.all().delete()
    assert shop_name() == "Lojista Demo Shop"


def test_the_cache_is_forgotten_again_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        save(name="Committed Shop")
    # Another request caches the row in between (here: the old one).
    cache.set(CACHE_KEY, ShopSettings(pk=1, name="Stale Shop"))
    for callback in callbacks:
        callback()
    assert shop_name() == "Committed Shop"


def test_the_emails_carry_the_saved_shop_name(django_capture_on_commit_callbacks):
    row = NotificationSettings.load()
    row.order_notification_emails = MERCHANT
    row.save()
    save(name="Loja da Ana")

    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com", language="en")

    [customer] = [message for message in mail.outbox if "ana@example.com" in message.to]
    assert customer.from_email.startswith("Loja da Ana <")
    assert "Loja da Ana" in customer.body


def test_a_sender_name_still_wins_over_the_shop_name():
    save(name="Loja da Ana")
    row = NotificationSettings.load()
    assert row.from_name == "Loja da Ana"
    row.sender_name = "Ana"
    assert row.from_name == "Ana"


def test_the_shop_language_is_the_one_the_shop_emails_are_written_in(django_capture_on_commit_callbacks):
    row = NotificationSettings.load()
    row.order_notification_emails = MERCHANT
    row.save()
    save(language="pt-br")

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(email="ana@example.com", language="en")

    [merchant] = [message for message in mail.outbox if MERCHANT[0] in message.to]
    assert merchant.subject == f"Novo pedido #{order.number} (€ 65,00)"


def test_the_shop_language_is_the_fallback_of_languages_and_merchant_texts():
    save(language="pt-br")

    assert supported_language("fr") == "pt-br"
    assert supported_language(None) == "pt-br"
    # The merchant now writes in Portuguese: the English translation is for English readers.
    assert localized("Retirada na loja", {"en": "Pickup"}, "en") == "Pickup"
    assert localized("Retirada na loja", {"en": "Pickup"}, "pt-br") == "Retirada na loja"


@pytest.mark.parametrize(
    ("accept_language", "expected"), [(None, "pt-br"), ("fr", "pt-br"), ("en-GB,pt;q=0.5", "en")]
)
def test_a_request_naming_no_language_we_speak_gets_the_shop_language(client, accept_language, expected):
    save(language="pt-br")
    headers = {"accept-language": accept_language} if accept_language else {}

    response = client.get("/api/v1/products", headers=headers)

    assert response["Content-Language"] == expected

"""Emails in the right language: the shop's (SHOP_LANGUAGE) to the merchant,
the order's to the customer, with the merchant's own texts in that language,
country names, the shop's time zone named, and one-level shipping lines."""

from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format

from conftest import bearer
from lojista.customers.models import ApiToken, User
from lojista.notifications.models import NotificationSettings
from lojista.notifications.rendering import render_source
from lojista.notifications.templating import Source
from tests.notifications.conftest import MERCHANT
from tests.notifications.factories import place_order

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/api/v1/admin/notification-settings"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def owner_headers(db) -> dict[str, str]:
    owner = User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga Owner")
    return bearer(ApiToken.issue(owner))


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def bodies(message) -> list[str]:
    return [message.body, message.alternatives[0][0]]


def test_the_merchant_reads_the_shop_language_and_the_customer_the_order_language(shop, commit, settings):
    settings.LANGUAGE_CODE = "pt-br"

    order = commit(place_order, email="ana@example.com", language="en")

    [merchant] = emails_to(MERCHANT[0])
    assert merchant.subject == f"Novo pedido #{order.number} (€ 65,00)"
    [customer] = emails_to("ana@example.com")
    assert customer.subject == f"Order #{order.number} confirmed"


def test_the_payment_instructions_follow_the_customer_language(shop, commit):
    shop.payment_instructions = "Pay by bank transfer to IBAN PT50 0000."
    shop.translations = {"pt-br": {"payment_instructions": "Pague por Pix: chave loja@example.com."}}
    shop.save()

    commit(place_order, email="ana@example.com", language="pt-br", payment_status="awaiting_payment")
    commit(place_order, email="bob@example.com", language="en", payment_status="awaiting_payment")

    [ana] = emails_to("ana@example.com")
    for body in bodies(ana):
        assert "Pague por Pix" in body and "Pay by bank" not in body
    [bob] = emails_to("bob@example.com")
    for body in bodies(bob):
        assert "Pay by bank transfer" in body and "Pix" not in body


def test_without_a_translation_the_shop_language_text_is_used(shop, commit):
    shop.payment_instructions = "Pay by bank transfer."
    shop.save()

    commit(place_order, email="ana@example.com", language="pt-br", payment_status="awaiting_payment")

    [ana] = emails_to("ana@example.com")
    assert "Pay by bank transfer." in ana.body


def test_country_names_shipping_lines_and_time_zone(shop, commit, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    translations = {"pt-br": {"name": "Sedex Expresso", "description": "2 a 3 dias úteis"}}

    order = commit(
        place_order,
        email="ana@example.com",
        language="pt-br",
        shipping_method_description="2\u20133 working days",
        shipping_method_translations=translations,
    )

    [ana] = emails_to("ana@example.com")
    assert "Brasil" in ana.body and "São Paulo Brasil" in ana.body
    assert "Frete — Sedex Expresso, 2 a 3 dias úteis: €\xa05,00" in ana.body
    [merchant] = emails_to(MERCHANT[0])
    assert "São Paulo Brazil" in merchant.body
    assert "Shipping — Sedex, 2\u20133 working days: €5.00" in merchant.body
    local = order.created_at.astimezone(ZoneInfo("America/Sao_Paulo"))
    with translation.override("en"):
        # The shop's wall clock as Django writes it ("5 a.m." on the hour,
        # "5:07 a.m." otherwise), three hours from UTC's.
        assert date_format(local, "DATETIME_FORMAT") in merchant.body
    assert "(America/Sao_Paulo)" in merchant.body
    html = merchant.alternatives[0][0]
    assert "((" not in html and "Sedex, 2\u20133 working days" in html


def test_settings_api_keeps_the_field_and_adds_translations(client, owner_headers):
    body = {
        "sender_name": "",
        "sender_email": "",
        "logo_url": "",
        "order_notification_emails": [],
        "payment_instructions": "Pay by bank transfer.",
        "translations": {"pt-br": {"payment_instructions": "Pague por Pix."}},
    }
    response = client.put(SETTINGS_URL, body, content_type="application/json", headers=owner_headers)
    assert response.status_code == 200
    assert response.json()["translations"] == {"pt-br": {"payment_instructions": "Pague por Pix."}}

    old_client = {key: value for key, value in body.items() if key != "translations"}
    response = client.put(SETTINGS_URL, old_client, content_type="application/json", headers=owner_headers)
    assert response.status_code == 200
    assert NotificationSettings.load().translations == {"pt-br": {"payment_instructions": "Pague por Pix."}}

    response = client.put(
        SETTINGS_URL,
        {**body, "translations": {"fr": {"payment_instructions": "Payez."}}},
        content_type="application/json",
        headers=owner_headers,
    )
    assert response.status_code == 422
    assert list(response.json()["details"]["fields"]) == ["translations"]
    assert NotificationSettings.load().translations == {"pt-br": {"payment_instructions": "Pague por Pix."}}


def test_a_merchant_template_s_fixed_texts_follow_each_render_s_language():
    # A literal {% translate %} is kept per language once translated; with a
    # context, "as", "noop" or a variable it is translated as Django does.
    source = Source(
        subject="{% translate 'Total' %}",
        text=(
            '{% translate "Shipping address" %} | {% translate "Shipping address" as label %}{{ label }} | '
            '{% translate "Shipping address" noop %} | {% translate "May" context "alt. month" %}'
        ),
        html='<p>{% translate "Shipping address" %} {% translate order.number %}</p>',
    )
    context = {"order": {"number": "Shipping address"}}
    expected = {
        "en": "Shipping address | Shipping address | Shipping address | May\n",
        "pt-br": "Endereço de entrega | Endereço de entrega | Shipping address | Maio\n",
    }

    for language in ["en", "pt-br", "en", "pt-br"]:
        with translation.override(language):
            rendered = render_source(source, context)
        label = expected[language].split(" | ")[0]
        assert rendered.text == expected[language]
        assert f"<p>{label} {label}</p>" in rendered.html

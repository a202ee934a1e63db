"""The owners' settings pages: the index, the shop, the order-notification
list and payments (shipping: test_settings_shipping.py)."""

import pytest
from django.core import mail

from lojista.core.models import ShopSettings
from lojista.core.selectors import checkout_hold_minutes, shop_name
from lojista.notifications.models import NotificationSettings
from tests.notifications.factories import place_order

pytestmark = pytest.mark.django_db

PAGES = [
    "/backoffice/settings/",
    "/backoffice/settings/shop/",
    "/backoffice/settings/notifications/",
    "/backoffice/settings/payments/",
    "/backoffice/settings/shipping/",
    "/backoffice/settings/shipping/zones/new/",
]

SHOP = {
    "name": "Loja da Ana",
    "details": "Rua Augusta 10, Lisboa\nNIF 123456789",
    "language": "",
    "sender_name": "",
    "sender_email": "hello@loja.example",
    "logo_url": "https://loja.example/logo.png",
    "checkout_hold_minutes": "20",
    "invoice_footer": "Obrigada pela compra!",
}


@pytest.mark.parametrize("path", PAGES)
def test_an_owner_opens_every_settings_page(owner_client, path):
    response = owner_client.get(path)

    assert response.status_code == 200
    assert b"<h1>" in response.content


@pytest.mark.parametrize("path", PAGES)
def test_staff_and_customers_are_refused_every_settings_page(staff_client, customer_client, path):
    assert staff_client.get(path).status_code == 403
    assert customer_client.get(path).status_code == 403


def test_the_index_links_to_every_settings_page(owner_client):
    page = owner_client.get("/backoffice/settings/").content.decode()

    for path in ("shop/", "notifications/", "emails/", "shipping/", "payments/", "staff/"):
        assert f'href="/backoffice/settings/{path}"' in page


def test_the_shop_settings_are_saved_and_used(owner_client):
    response = owner_client.post("/backoffice/settings/shop/", SHOP)

    assert response.status_code == 302
    assert response["Location"] == "/backoffice/settings/shop/"
    page = owner_client.get("/backoffice/settings/shop/").content.decode()
    assert "The shop settings were saved." in page
    assert 'value="Loja da Ana"' in page
    # The back office's own top bar, the core's selectors and the emails' sender.
    assert "<title>Shop settings · Loja da Ana</title>" in page
    assert (shop_name(), checkout_hold_minutes()) == ("Loja da Ana", 20)
    row = ShopSettings.objects.get()
    assert (row.details, row.invoice_footer) == (SHOP["details"], SHOP["invoice_footer"])
    sender = NotificationSettings.load()
    assert (sender.sender_email, sender.logo_url, sender.from_name) == (
        "hello@loja.example",
        "https://loja.example/logo.png",
        "Loja da Ana",
    )


def test_bad_shop_settings_are_shown_beside_their_fields_keeping_what_was_typed(owner_client):
    typed = {
        **SHOP,
        "name": "Loja\tda Ana",
        "sender_email": "not an address",
        "logo_url": "javascript:alert(1)",
        "checkout_hold_minutes": "0",
        "language": "fr",
    }

    response = owner_client.post("/backoffice/settings/shop/", typed)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"sender_email", "checkout_hold_minutes", "language"}
    page = response.content.decode()
    assert 'value="not an address"' in page
    assert not ShopSettings.objects.exists()

    # What only the services know (control characters, http links) comes back the same way.
    response = owner_client.post(
        "/backoffice/settings/shop/", {**SHOP, "name": "Loja\tda Ana", "logo_url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "logo_url"}
    assert "Enter a valid http or https link." in response.content.decode()
    assert 'value="javascript:alert(1)"' in response.content.decode()
    assert not ShopSettings.objects.exists()
    assert NotificationSettings.load().sender_email == ""


def test_the_shop_language_chosen_is_the_one_of_the_shop_emails(
    owner_client, django_capture_on_commit_callbacks
):
    owner_client.post("/backoffice/settings/shop/", {**SHOP, "language": "pt-br"})
    owner_client.post(
        "/backoffice/settings/notifications/", {"order_notification_emails": "loja@loja.example"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(email="ana@example.com", language="en")

    [merchant] = [message for message in mail.outbox if "loja@loja.example" in message.to]
    assert merchant.subject.startswith(f"Novo pedido #{order.number}")
    # The owner's own back office follows the shop's language (they chose none of their own).
    assert '<html lang="pt-br">' in owner_client.get("/backoffice/settings/").content.decode()


def test_the_notification_list_is_saved_one_address_per_line(owner_client):
    response = owner_client.post(
        "/backoffice/settings/notifications/",
        {"order_notification_emails": "ana@loja.example\r\n\r\n bob@loja.example \r\nana@loja.example"},
    )

    assert response.status_code == 302
    assert NotificationSettings.load().order_notification_emails == ["ana@loja.example", "bob@loja.example"]
    page = owner_client.get("/backoffice/settings/notifications/").content.decode()
    assert "The order notification list was saved." in page
    assert "ana@loja.example\nbob@loja.example</textarea>" in page


def test_a_bad_address_is_refused_beside_the_list_keeping_what_was_typed(owner_client):
    NotificationSettings.objects.create(pk=1, order_notification_emails=["ana@loja.example"])
    typed = "ana@loja.example\nbob at loja"

    response = owner_client.post("/backoffice/settings/notifications/", {"order_notification_emails": typed})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "order_notification_emails": ["“bob at loja” is not a valid email address."]
    }
    assert "ana@loja.example\nbob at loja</textarea>" in response.content.decode()
    assert NotificationSettings.load().order_notification_emails == ["ana@loja.example"]


def test_the_payments_page_lists_the_offered_methods_and_masks_the_stripe_keys(owner_client, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_51Habcdefghijklmnop4242"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_live_51Hqrstuvwxyz00001234"
    settings.STRIPE_WEBHOOK_SECRET = ""

    page = owner_client.get("/backoffice/settings/payments/").content.decode()

    assert "sk_live_…4242" in page and "pk_live_…1234" in page
    assert "51Habcdefghijklmnop" not in page and "51Hqrstuvwxyz" not in page
    assert "Not set" in page
    assert "set in the shop's environment" in page
    assert page.count("Not offered") == 0


def test_the_payments_page_says_which_methods_are_not_offered(owner_client, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.LOJISTA_TEST_GATEWAY_ENABLED = False

    page = owner_client.get("/backoffice/settings/payments/").content.decode()

    assert page.count("Not offered") == 2


def test_the_offline_payment_instructions_are_saved_with_their_translation(owner_client):
    response = owner_client.post(
        "/backoffice/settings/payments/",
        {
            "payment_instructions": "Pay by transfer to PT50 0000.",
            "payment_instructions_pt_br": "Pague por Pix.",
        },
    )

    assert response.status_code == 302
    row = NotificationSettings.load()
    assert row.payment_instructions == "Pay by transfer to PT50 0000."
    assert row.translations == {"pt-br": {"payment_instructions": "Pague por Pix."}}
    page = owner_client.get("/backoffice/settings/payments/").content.decode()
    assert "Pague por Pix.</textarea>" in page
    assert "Offline payment instructions in Portuguese (Brazil)" in page


def test_the_settings_pages_escape_what_the_owner_typed(owner_client):
    owner_client.post("/backoffice/settings/shop/", {**SHOP, "details": "<script>alert(1)</script>"})

    page = owner_client.get("/backoffice/settings/shop/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

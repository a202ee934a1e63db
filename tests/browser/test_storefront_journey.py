"""The whole journey, in each language: a customer buys in the storefront
with the test card, finds the order in My orders as Pending, two emails
reach a real SMTP server (theirs and the shop's), the merchant marks it
Processed in the back office, and the customer sees Processed (and gets the
email saying so)."""

import pytest
from playwright.sync_api import expect

from lojista.notifications.models import NotificationSettings
from lojista.orders.models import Order
from tests.browser.conftest import log_in
from tests.catalog.factories import make_product, make_variant
from tests.storefront.checkout_helpers import open_shop

pytestmark = pytest.mark.django_db(transaction=True)

# What the customer reads, in the language they chose.
WORDS = {
    "en": {"pending": "Pending", "processed": "Processed", "thanks": "Thank you for your order"},
    "pt-br": {"pending": "Pendente", "processed": "Processado", "thanks": "Obrigado pela sua compra"},
}


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_buy_then_follow_the_order_as_the_merchant_moves_it(
    browser, live_server, smtp, customer, staff, language
):
    open_shop()
    shop = NotificationSettings.load()
    shop.order_notification_emails = ["orders@shop.example"]
    shop.save()
    mug = make_variant(make_product("Ceramic mug", slug="ceramic-mug"), price="18.00", stock=5)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(5_000)
    page = context.new_page()
    page.goto("/")
    page.locator("#id_language").select_option(language)
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.goto("/account/login/")
    page.locator("input[name=email]").fill("ana@example.com")
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.goto(f"/products/ceramic-mug/?variant={mug.pk}")
    page.locator("form.add-to-cart button[type=submit]").click()
    page.goto("/cart/")
    page.locator("a.button.primary[href='/checkout/']").click()

    page.locator("input[name=name]").fill("Ana Souza")
    page.locator("input[name=line1]").fill("Rua Augusta 10")
    page.locator("input[name=postal_code]").fill("1100-053")
    page.locator("input[name=city]").fill("Lisboa")
    page.locator("select[name=country]").select_option("PT")
    page.locator("input[name=shipping_method][value=pt-standard]").check()
    page.locator("input[name=phone]").fill("+351 912 345 678")
    page.locator("button.primary[type=submit]").click()
    page.locator("input[name=payment_method][value=test]").check()
    page.locator("form.pay-form button[type=submit]").click()

    expect(page.get_by_role("heading", name=WORDS[language]["thanks"])).to_be_visible()
    order = Order.objects.get()
    assert order.language == language
    page.goto(f"/account/orders/{order.number}/")
    expect(page.locator("main")).to_contain_text(WORDS[language]["pending"])
    assert len(smtp.to("ana@example.com")) == 1
    assert len(smtp.to("orders@shop.example")) == 1

    merchant = browser.new_context(base_url=live_server.url).new_page()
    log_in(merchant, "staff@example.com", "staff password 1", next_path=f"/backoffice/orders/{order.number}/")
    merchant.get_by_role("button", name="Mark as Processed").click()
    expect(merchant.get_by_role("status")).to_contain_text(f"Order #{order.number} is now Processed.")

    page.reload()
    expect(page.locator("main")).to_contain_text(WORDS[language]["processed"])
    assert len(smtp.to("ana@example.com")) == 2
    merchant.context.close()
    context.close()

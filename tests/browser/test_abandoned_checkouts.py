"""Abandoned checkouts in a real browser: the owner installs the extension
from the Extension Store and sets the delay to 0, a guest leaves a checkout,
the sweep finds it, the owner sees it in Orders → Abandoned and sends a
reminder by hand with a message, the email reaches the SMTP server with its
link, and the link, opened in another browser, restores the cart and lands
on checkout. axe clean and screenshots at 1280 and 390 px on the new pages."""

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from lojista.core.extensions import extension_install, extension_installed
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from lojista.extensions.abandoned_checkouts.services import abandoned_checkouts_sweep
from lojista.storefront.cart_session import COOKIE
from tests.browser.a11y import serious_violations
from tests.browser.conftest import log_in, screenshot
from tests.catalog.factories import make_product, make_variant
from tests.storefront.checkout_helpers import guest_with_cart, open_shop

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def check_page(page, name: str) -> None:
    """No serious axe violation, and a screenshot at 1280 px and at 390 px
    (where nothing is wider than the screen)."""
    assert serious_violations(page) == [], name
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(LAPTOP)


def install_from_the_store(page) -> None:
    """Click Install on the extension's card in the Extension Store."""
    page.goto("/backoffice/extensions/")
    card = page.get_by_role("article", name="Abandoned checkouts")
    card.get_by_role("button", name="Install").click()
    expect(page.get_by_role("status")).to_contain_text("Abandoned checkouts is installed.")
    assert extension_installed(SLUG)


def wait_for_email(smtp, address: str, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        received = smtp.to(address)
        if received:
            return received[-1]
        time.sleep(0.05)
    raise AssertionError(f"no email to {address}")


def test_the_owner_reminds_a_guest_whose_link_restores_the_cart(browser, page, live_server, owner, smtp):
    open_shop()
    mug = make_variant(make_product("Ceramic mug"), name="Ocean blue", price="18.00", stock=20)
    tee = make_variant(make_product("Organic cotton tee"), name="M / Sand", price="29.90", stock=20)

    # The owner installs the extension and sets the delay to 0 minutes (a demo's).
    log_in(page, "owner@example.com", "owner password 1")
    install_from_the_store(page)
    page.goto("/backoffice/abandoned-checkouts/")
    expect(page.get_by_role("heading", name="No abandoned checkout yet")).to_be_visible()
    check_page(page, "abandoned-empty")
    page.get_by_role("link", name="Settings", exact=True).last.click()
    page.wait_for_url("**/abandoned-checkouts/settings/")
    page.get_by_label("A checkout is abandoned after (minutes)").fill("0")
    check_page(page, "abandoned-settings")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The settings were saved.")

    # A guest starts checkout and leaves.
    _client, cart = guest_with_cart((mug, 1), (tee, 2))
    guest = browser.new_context(base_url=live_server.url, viewport=LAPTOP)
    guest.set_default_timeout(5_000)
    guest.add_cookies([{"name": COOKIE, "value": cart.token, "url": live_server.url}])
    shopper = guest.new_page()
    shopper.goto("/checkout/")
    shopper.get_by_label("Email").fill("ana@example.com")
    shopper.get_by_label("Full name").fill("Ana Souza")
    shopper.get_by_label("Address", exact=True).fill("Rua Augusta 10")
    shopper.get_by_label("Postal code").fill("1100-053")
    shopper.get_by_label("City").fill("Lisboa")
    shopper.get_by_label("Country").select_option("PT")
    shopper.get_by_label("Standard").check()
    shopper.get_by_label("Phone").fill("+351 912 345 678")
    shopper.get_by_role("button", name="Continue to payment").click()
    expect(shopper.get_by_role("heading", name="Payment")).to_be_visible()
    guest.close()
    result = abandoned_checkouts_sweep()
    assert result.abandoned == 1
    row = AbandonedCheckout.objects.get()

    # Orders → Abandoned: the owner sees it and opens it.
    page.goto("/backoffice/abandoned-checkouts/")
    table = page.locator("table.abandoned")
    expect(table).to_contain_text("Ana Souza")
    expect(table).to_contain_text("ana@example.com")
    expect(table).to_contain_text("€77.80")  # 18.00 + 2 x 29.90
    expect(table.locator(".badge")).to_have_text("Abandoned")
    check_page(page, "abandoned-list")
    table.get_by_role("link", name="Ana Souza").click()
    page.wait_for_url(f"**/abandoned-checkouts/{row.pk}/")
    expect(page.locator("main")).to_contain_text("Organic cotton tee")
    check_page(page, "abandoned-detail")

    # The owner sends a recovery email with a message.
    page.get_by_label("Personal message (optional)").fill("Your mug and tee are waiting, Ana!")
    page.get_by_role("button", name="Send a recovery email").click()
    expect(page.get_by_role("status")).to_contain_text("Reminder sent to ana@example.com.")
    expect(page.locator(".timeline")).to_contain_text("Recovery email sent by hand")
    expect(page.locator(".timeline")).to_contain_text("by Olga Owner")

    email = wait_for_email(smtp, "ana@example.com")
    body = email.part("text/plain")
    assert "Your mug and tee are waiting, Ana!" in body
    link = re.search(r"https?://\S+/cart/recover/\S+/", body)
    assert link, body
    assert re.search(r"https?://\S+/emails/unsubscribe/\S+/", body)

    # The customer opens it on another device: the cart is back, on checkout.
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE)
    phone.set_default_timeout(5_000)
    customer_page = phone.new_page()
    customer_page.goto(urlsplit(link.group(0)).path)
    customer_page.wait_for_url("**/checkout/")
    expect(customer_page.get_by_role("status")).to_contain_text("Welcome back: your cart is restored.")
    expect(customer_page.get_by_label("Email")).to_have_value("ana@example.com")
    expect(customer_page.get_by_label("City")).to_have_value("Lisboa")
    expect(customer_page.locator("main")).to_contain_text("Ceramic mug")
    expect(customer_page.locator("main")).to_contain_text("Organic cotton tee")
    assert serious_violations(customer_page) == []
    screenshot(customer_page, "abandoned-restored-checkout-phone")
    customer_page.goto("/cart/")
    expect(customer_page.locator("li.cart-line")).to_have_count(2)
    phone.close()

    row.refresh_from_db()
    assert row.status == AbandonedCheckout.Status.CLICKED

    # The results count it.
    page.goto("/backoffice/abandoned-checkouts/results/")
    expect(page.locator('[data-figure="clicked"]')).to_have_text("1")
    check_page(page, "abandoned-results")


def test_the_customer_pages_of_a_bad_link_and_of_unsubscribing_are_accessible(page, live_server):
    open_shop()
    extension_install(slug=SLUG)
    from lojista.extensions.abandoned_checkouts.links import unsubscribe_token

    page.goto("/cart/recover/not-a-real-token/")
    expect(page.get_by_role("heading", name="This link doesn't work")).to_be_visible()
    check_page(page, "abandoned-link-invalid")

    page.goto(f"/emails/unsubscribe/{unsubscribe_token('ana@example.com')}/")
    expect(page.locator("main")).to_contain_text(
        "You won't get more reminders about your cart at ana@example.com."
    )
    check_page(page, "abandoned-unsubscribed")
    page.get_by_role("button", name="Undo: send me reminders again").click()
    expect(page.get_by_role("heading", name="Reminders are back on")).to_be_visible()

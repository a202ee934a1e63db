"""Checkout in a real browser: a guest with a cart buys with the test card
and lands on the confirmation with the order number, and the two emails
(the customer's, the merchant's) go out; a double click on Pay makes one
order; a declined card keeps the form as it was."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from lojista.notifications.models import NotificationSettings
from lojista.orders.models import Order
from lojista.payments.models import Payment
from lojista.storefront.cart_session import COOKIE
from tests.browser.conftest import screenshot
from tests.catalog.factories import make_product, make_variant
from tests.storefront.checkout_helpers import guest_with_cart, open_shop

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shopper(page, live_server):
    """A page whose browser holds a guest cart of a mug and a tee, in a shop
    that ships to Portugal and notifies the merchant of each order."""
    open_shop()
    row = NotificationSettings.load()
    row.order_notification_emails = ["orders@shop.example"]
    row.save()
    mug = make_variant(make_product("Ceramic mug"), name="Ocean blue", price="18.00", stock=20)
    tee = make_variant(make_product("Organic cotton tee"), name="M / Sand", price="29.90", stock=20)
    _client, cart = guest_with_cart((mug, 1), (tee, 1))
    page.context.add_cookies([{"name": COOKIE, "value": cart.token, "url": live_server.url}])
    return page


def fill_delivery(page) -> None:
    page.goto("/checkout/")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Full name").fill("Ana Souza")
    page.get_by_label("Address", exact=True).fill("Rua Augusta 10")
    page.get_by_label("Postal code").fill("1100-053")
    page.get_by_label("City").fill("Lisboa")
    page.get_by_label("Country").select_option("PT")
    # HTMX swaps in Portugal's methods.
    page.get_by_label("Standard").check()
    page.get_by_label("Phone").fill("+351 912 345 678")


def test_a_guest_buys_with_the_test_card_and_sees_the_confirmation(shopper):
    page = shopper
    fill_delivery(page)
    screenshot(page, "storefront-checkout")
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", name="Payment")).to_be_visible()
    expect(page.locator("table.summary")).to_contain_text("52.80")  # 47.90 + 4.90
    page.get_by_role("radio", name="Test card").check()
    page.get_by_role("button", name="Pay").click()

    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    order = Order.objects.get()
    expect(page.locator(".order-number")).to_contain_text(str(order.number))
    screenshot(page, "storefront-confirmation")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ana@example.com", "orders@shop.example"]
    # The cart became the order: the header shows an empty cart.
    page.goto("/")
    expect(page.locator(".cart-count")).to_have_text("0")


def test_a_double_click_on_pay_makes_one_order(shopper):
    page = shopper
    fill_delivery(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("radio", name="Test card").check()

    page.get_by_role("button", name="Pay").dblclick()

    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


def test_a_declined_card_keeps_the_form(shopper):
    page = shopper
    fill_delivery(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("radio", name="Test card").check()
    page.get_by_label("Test card token").fill("tok_chargeDeclined")

    page.get_by_role("button", name="Pay").click()

    expect(page.get_by_role("alert")).to_contain_text("declined")
    expect(page.get_by_label("Test card token")).to_have_value("tok_chargeDeclined")
    expect(page.get_by_role("radio", name="Test card")).to_be_checked()
    assert Order.objects.count() == 0
    page.get_by_label("Test card token").fill("tok_visa")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()


# The right edge of the widest element of the page's main content. (The
# page as a whole is the shell's: its footer is checked with the shell.)
WIDEST_IN_MAIN = (
    "Math.max(...[...document.querySelectorAll('main *')].map((e) => e.getBoundingClientRect().right))"
)


def test_on_a_phone_the_checkout_pages_fit_the_screen(shopper):
    page = shopper
    page.set_viewport_size({"width": 360, "height": 740})
    fill_delivery(page)
    assert page.evaluate(WIDEST_IN_MAIN) <= 360

    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name="Payment")).to_be_visible()
    assert page.evaluate(WIDEST_IN_MAIN) <= 360
    page.get_by_role("radio", name="Test card").check()
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    assert page.evaluate(WIDEST_IN_MAIN) <= 360


def test_without_javascript_the_methods_update_with_a_button(browser, live_server):
    open_shop()
    _client, cart = guest_with_cart()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(5_000)
    context.add_cookies([{"name": COOKIE, "value": cart.token, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/checkout/")
        expect(page.get_by_text("Standard")).to_have_count(0)
        page.get_by_label("Country").select_option("PT")
        page.get_by_role("button", name="Update shipping methods").click()
        expect(page.get_by_role("radio", name="Standard")).to_be_visible()
        expect(page.get_by_label("Country")).to_have_value("PT")
    finally:
        context.close()

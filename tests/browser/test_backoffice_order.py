"""A staff member works an order in a real browser: opens it, processes it
with a tracking link, delivers it, reads each email the customer got in the
timeline, writes a note, and prints the invoice."""

import re

import pytest
from playwright.sync_api import expect

from lojista.core.models import ShopSettings
from lojista.customers.models import User
from lojista.notifications.models import NotificationSettings
from lojista.orders.models import Order
from lojista.orders.services import order_note_add
from tests.backoffice.order_factories import order_of, variant
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

TRACKING = "https://rastreamento.correios.example/AB123456789BR"


def rich_order() -> Order:
    """An order as a shop has them: a registered customer, several lines,
    a campaign, the shop notified; its emails sent (the test settings run
    tasks at once)."""
    ShopSettings.objects.create(pk=1, name="Loja da Ana", details="Rua Augusta 100, São Paulo")
    shop = NotificationSettings.load()
    shop.order_notification_emails = ["pedidos@loja.example"]
    shop.save()
    customer = User.objects.create_user("ana@example.com", "correct horse battery", name="Ana Souza")
    items = {
        variant("Camiseta Lojista", option="M / Azul", price="79.90"): 2,
        variant("Caneca Esmaltada", option="350 ml", price="45.00"): 1,
        variant("Ecobag Algodão", option="Natural", price="39.90"): 1,
    }
    return order_of(items, customer=customer, utm_source="instagram", utm_medium="social")


def timeline(page):
    return page.get_by_role("region", name="Timeline")


def open_preview(page, email: str):
    """Open the preview of the last timeline entry about ``email`` and return it."""
    entry = timeline(page).locator("li.event", has_text=f"Email sent: {email}").last
    entry.locator("summary", has_text="Preview").click()
    preview = entry.locator(".email-shown")
    expect(preview).to_be_visible()
    return preview


def test_staff_work_an_order_from_pending_to_delivered(page, staff):
    order = rich_order()
    path = f"/backoffice/orders/{order.number}/"

    log_in(page, "staff@example.com", "staff password 1", next_path=path)

    expect(page.get_by_role("heading", name=f"Order #{order.number}")).to_be_visible()
    expect(timeline(page).get_by_text("Email sent: Order confirmation")).to_be_visible()
    preview = open_preview(page, "Order confirmation")
    expect(preview.get_by_text(f"Order #{order.number} confirmed")).to_be_visible()
    expect(page.frame_locator(".email-frame").first.get_by_text("Camiseta Lojista").first).to_be_visible()

    page.get_by_label("Tracking link").first.fill(TRACKING)
    page.get_by_role("button", name="Mark as Processed").click()
    expect(page.get_by_role("status")).to_contain_text(f"Order #{order.number} is now Processed.")
    expect(page.locator("h1 .badge").first).to_have_text("Processed")
    expect(timeline(page).get_by_text("Email sent: Order processed")).to_be_visible()
    open_preview(page, "Order processed")
    expect(page.frame_locator(".email-frame").first.locator(f'a[href="{TRACKING}"]').first).to_be_attached()

    page.get_by_role("button", name="Mark as Delivered").click()
    expect(page.get_by_role("status")).to_contain_text(f"Order #{order.number} is now Delivered.")
    expect(page.get_by_role("button", name=re.compile("^Mark as"))).to_have_count(0)
    expect(timeline(page).get_by_text("Email sent: Order delivered")).to_be_visible()
    open_preview(page, "Order delivered")

    page.get_by_label("Internal note").fill("Customer asked for a gift receipt.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_contain_text("The note was added to the timeline.")
    expect(timeline(page).get_by_text("Customer asked for a gift receipt.")).to_be_visible()

    for email in ("Order confirmation", "Order processed", "Order delivered"):
        expect(timeline(page).get_by_text(f"Email sent: {email}")).to_have_count(1)
    screenshot(page, "order-page-delivered")


def test_a_stale_page_is_refused_in_the_browser(page, staff):
    order = order_of()
    log_in(page, "staff@example.com", "staff password 1", next_path=f"/backoffice/orders/{order.number}/")
    Order.objects.filter(pk=order.pk).update(status="processed")  # someone else, meanwhile

    page.locator("summary", has_text="Cancel order").click()
    page.get_by_label("Reason").select_option("customer_request")
    page.get_by_role("button", name="Cancel the order").click()

    expect(page.get_by_role("status")).to_contain_text(
        "This order changed since you opened it: it is now Processed. Check and try again."
    )
    assert Order.objects.get(pk=order.pk).status == "processed"


def test_the_order_page_screenshot(page, staff):
    """The README's picture of an order: several lines, a timeline with its
    emails and a note, the preview of the confirmation open."""
    order = rich_order()
    order_note_add(order=order, note="Gift wrap requested by phone.", actor=staff)
    log_in(page, "staff@example.com", "staff password 1", next_path=f"/backoffice/orders/{order.number}/")
    page.get_by_label("Tracking link").first.fill(TRACKING)
    page.get_by_role("button", name="Mark as Processed").click()
    # The move's page must have loaded before reloading it (a reload while the
    # POST's redirect is still navigating loses the page).
    expect(page.get_by_role("status")).to_contain_text(f"Order #{order.number} is now Processed.")
    page.reload()  # without the flash message
    open_preview(page, "Order processed")
    expect(page.frame_locator(".email-frame").first.get_by_text("Track your package")).to_be_visible()

    screenshot(page, "order-page")
    page.set_viewport_size(
        {"width": 390, "height": 844}
    )  # a phone: one column, nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "order-page-phone")


def test_the_invoice_prints_on_its_own_page(page, staff):
    order = rich_order()
    log_in(page, "staff@example.com", "staff password 1", next_path=f"/backoffice/orders/{order.number}/")

    page.get_by_role("link", name="Invoice 1").click()

    expect(page.get_by_role("heading", name="Invoice 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Loja da Ana")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    screenshot(page, "order-invoice")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()

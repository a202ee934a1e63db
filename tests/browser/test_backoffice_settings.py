"""An owner edits the order-notification list in a real browser; a staff
member is refused the settings."""

import pytest
from playwright.sync_api import expect

from lojista.notifications.models import NotificationSettings
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_edits_the_order_notification_list(page, owner):
    log_in(page, "owner@example.com", "owner password 1", "/backoffice/settings/")
    page.get_by_role("link", name="Order notifications").click()
    page.wait_for_url("**/backoffice/settings/notifications/")
    field = page.get_by_label("Order notification emails")

    field.fill("ana@shop.example\nnot an address")
    page.get_by_role("button", name="Save").click()

    error = page.locator(".field.invalid .error")
    expect(error).to_have_text("“not an address” is not a valid email address.")
    expect(field).to_have_value("ana@shop.example\nnot an address")
    screenshot(page, "settings-notifications-refused")

    field.fill("ana@shop.example\nbob@shop.example")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("The order notification list was saved.")
    expect(field).to_have_value("ana@shop.example\nbob@shop.example")
    assert NotificationSettings.load().order_notification_emails == ["ana@shop.example", "bob@shop.example"]

    page.goto("/backoffice/settings/")
    screenshot(page, "settings")


def test_a_staff_member_is_refused_the_settings(page, staff):
    log_in(page, "staff@example.com", "staff password 1")
    expect(
        page.get_by_role("navigation", name="Sections").get_by_role("link", name="Settings")
    ).to_have_count(0)

    response = page.goto("/backoffice/settings/")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("Forbidden")

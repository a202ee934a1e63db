"""A staff member logs in to the back office in a real browser, and out."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_member_logs_in_and_out(page, staff):
    page.goto("/backoffice/orders/")
    assert "/backoffice/login/" in page.url

    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("The email or password is incorrect")
    assert page.get_by_label("Email").input_value() == "staff@example.com"

    page.get_by_label("Password").fill("staff password 1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/backoffice/orders/")
    nav = page.get_by_role("navigation", name="Sections")
    assert nav.get_by_role("link", name="Orders").get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="Settings").count() == 0
    screenshot(page, "login-landing")

    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/backoffice/login/")


def test_a_customer_cannot_log_in(page, customer):
    page.goto("/backoffice/")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    assert "not staff" in page.get_by_role("alert").inner_text()
    assert "/backoffice/login/" in page.url


def test_the_back_office_speaks_the_staff_members_language(page, owner):
    log_in(page, "owner@example.com", "owner password 1")
    page.locator(".usermenu summary").click()
    page.get_by_label("Language").select_option("pt-br")
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Seções")
    expect(nav.get_by_role("link", name="Pedidos")).to_be_visible()

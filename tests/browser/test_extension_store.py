"""An owner installs an extension from the Extension Store in a real
browser, finds its page in the menu, and uninstalls it after confirming."""

import pytest
from playwright.sync_api import expect

from lojista.core.extensions import extension_installed
from tests.browser.a11y import serious_violations
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_installs_and_uninstalls_an_extension(page, owner):
    log_in(page, "owner@example.com", "owner password 1")
    menu = page.get_by_role("navigation", name="Sections")
    expect(menu.get_by_role("link", name="Sample", exact=True)).to_have_count(0)
    menu.get_by_role("link", name="Extensions").click()
    page.wait_for_url("**/backoffice/extensions/")
    sample = page.get_by_role("article", name="Sample extension")
    expect(sample).to_contain_text("Not installed")
    assert serious_violations(page) == []

    sample.get_by_role("button", name="Install").click()

    expect(page.get_by_role("status")).to_contain_text("Sample extension is installed.")
    expect(sample).to_contain_text("Installed")
    expect(sample).not_to_contain_text("Not installed")
    expect(sample.get_by_role("button", name="Install", exact=True)).to_have_count(0)
    expect(sample.get_by_role("button", name="Uninstall")).to_be_visible()
    assert extension_installed("sample-extension")
    expect(menu.get_by_role("link", name="Sample", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "extensions")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "extensions-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    sample.get_by_role("link", name="Open").click()
    page.wait_for_url("**/backoffice/sample-extension/")
    expect(menu.get_by_role("link", name="Sample", exact=True)).to_have_attribute("aria-current", "page")

    page.go_back()
    page.get_by_role("article", name="Sample extension").get_by_role("button", name="Uninstall").click()

    expect(page.get_by_role("heading", name="Uninstall Sample extension?")).to_be_visible()
    expect(page.get_by_text("Its data is kept and comes back if you install it again.")).to_be_visible()
    assert extension_installed("sample-extension")  # asked, not done
    assert serious_violations(page) == []
    screenshot(page, "extensions-uninstall")
    page.get_by_role("button", name="Uninstall").click()

    expect(page.get_by_role("status")).to_contain_text("Sample extension is uninstalled.")
    expect(page.get_by_role("article", name="Sample extension")).to_contain_text("Not installed")
    expect(menu.get_by_role("link", name="Sample", exact=True)).to_have_count(0)
    assert not extension_installed("sample-extension")
    response = page.goto("/backoffice/sample-extension/")
    assert response is not None and response.status == 404


def test_cancelling_the_uninstall_keeps_the_extension(page, owner):
    from lojista.core.extensions import extension_install

    extension_install(slug="sample-extension")
    log_in(page, "owner@example.com", "owner password 1", "/backoffice/extensions/")

    page.get_by_role("article", name="Sample extension").get_by_role("button", name="Uninstall").click()
    page.get_by_role("link", name="Cancel").click()

    page.wait_for_url("**/backoffice/extensions/")
    expect(page.get_by_role("article", name="Sample extension")).to_contain_text("Installed")
    assert extension_installed("sample-extension")

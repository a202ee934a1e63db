"""The storefront as an app in a real browser: it installs a service worker
that shows the offline page when the network is gone (and keeps nothing
personal), the pages fit a phone without scrolling sideways, axe-core finds
no serious accessibility problem on the storefront's and the back office's
main pages, and the Content-Security-Policy blocks nothing the shop itself
uses."""

import pytest
from playwright.sync_api import expect

from tests.backoffice.order_factories import order_of, variant
from tests.browser.a11y import serious_violations
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

STOREFRONT_PAGES = ["/", "/cart/", "/account/login/", "/offline/"]


def csp_errors(page) -> list[str]:
    """Collect the console's Content-Security-Policy refusals from now on."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return errors


def test_the_service_worker_shows_the_offline_page_and_keeps_nothing_personal(page):
    page.goto("/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    page.goto("/cart/")
    page.goto("/backoffice/login/")
    page.goto("/")

    page.context.set_offline(True)
    page.goto("/search/?q=mug")

    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    screenshot(page, "storefront-offline")
    kept = page.evaluate(
        "caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name)"
        ".then((cache) => cache.keys())))).then((lists) => lists.flat().map((r) => new URL(r.url).pathname))"
    )
    assert "/offline/" in kept
    assert "/static/storefront/storefront.css" in kept
    assert not [path for path in kept if path.startswith(("/cart", "/account", "/checkout", "/orders"))]
    assert "/" not in kept and "/search/" not in kept
    assert not [path for path in kept if path.startswith("/static/backoffice/")]
    # The cart is never answered from a cache: offline, it fails like any page.
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto("/cart/")
    page.context.set_offline(False)


@pytest.mark.parametrize("path", ["/", "/cart/", "/account/login/"])
def test_a_phone_sized_page_does_not_scroll_sideways(browser, live_server, path):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if path == "/":
            screenshot(page, "storefront-phone-home")
    finally:
        context.close()


def test_the_storefront_pages_have_no_serious_accessibility_problem(page):
    errors = csp_errors(page)
    found = {}
    for path in STOREFRONT_PAGES:
        page.goto(path)
        found[path] = serious_violations(page)

    assert found == {path: [] for path in STOREFRONT_PAGES}
    assert errors == []


def test_the_back_office_pages_have_no_serious_accessibility_problem_and_break_no_policy(page, owner):
    order = order_of({variant("Caneca Esmaltada", option="350 ml", price="45.00"): 1})
    errors = csp_errors(page)
    log_in(page, owner.email, "owner password 1")
    pages = [
        "/backoffice/",
        "/backoffice/orders/",
        f"/backoffice/orders/{order.number}/",
        "/backoffice/products/",
        "/backoffice/customers/",
        "/backoffice/settings/",
    ]
    found = {}
    for path in pages:
        page.goto(path)
        found[path] = serious_violations(page)

    assert found == {path: [] for path in pages}
    assert errors == []


def test_the_back_offices_email_preview_keeps_its_inline_styles_under_the_policy(page, owner):
    order = order_of({variant("Caneca Esmaltada", option="350 ml", price="45.00"): 1}, customer=owner)
    errors = csp_errors(page)
    log_in(page, owner.email, "owner password 1", next_path=f"/backoffice/orders/{order.number}/")

    entry = page.locator("li.event", has_text="Email sent: Order confirmation").last
    entry.locator("summary", has_text="Preview").click()
    heading = page.frame_locator(".email-frame").first.get_by_role("heading", name=f"Order #{order.number}")

    expect(heading).to_be_visible()
    expect(heading).to_have_css("font-size", "20px")  # the email's inline style applies
    assert errors == []


def test_the_back_office_login_page_has_no_serious_accessibility_problem(page):
    page.goto("/backoffice/login/")

    assert serious_violations(page) == []


def test_the_back_offices_language_menu_still_switches_without_inline_script(page, owner):
    errors = csp_errors(page)
    log_in(page, owner.email, "owner password 1")

    page.locator(".usermenu summary").click()
    page.get_by_label("Language").select_option("pt-br")

    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    assert errors == []


def test_the_invoices_print_button_works_without_inline_script(page, owner):
    order = order_of({variant("Caneca Esmaltada", option="350 ml", price="45.00"): 1})
    errors = csp_errors(page)
    log_in(page, owner.email, "owner password 1")
    page.goto(f"/backoffice/orders/{order.number}/invoice/")
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")

    page.get_by_role("button", name="Print").click()

    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    assert errors == []


def test_the_keyboard_reaches_a_skip_link_first_and_the_content_next(page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#main, .site-footer') !== null")


def test_a_shop_with_products_and_a_cart_has_no_serious_accessibility_problem(browser, live_server):
    """The pages with content in them (cards, the variant picker, cart lines,
    the checkout form), at a phone's width: nothing serious, nothing wider
    than the screen, no policy refusal."""
    from lojista.storefront.cart_session import COOKIE
    from tests.catalog.factories import make_product, make_variant
    from tests.storefront.checkout_helpers import guest_with_cart, open_shop

    open_shop()
    product = make_product("Ceramic mug", slug="ceramic-mug")
    make_variant(product, name="Ocean blue", price="18.00", stock=2)
    make_variant(product, name="Sand", price="18.00", stock=0)
    _client, cart = guest_with_cart((make_variant(make_product("Tee"), price="29.90", stock=5), 1))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": COOKIE, "value": cart.token, "url": live_server.url}])
    page = context.new_page()
    errors = csp_errors(page)
    paths = [
        "/",
        "/search/?q=mug",
        "/products/ceramic-mug/",
        "/cart/",
        "/checkout/",
        "/account/register/",
        "/account/password-reset/",
    ]
    found, wide = {}, []
    try:
        for path in paths:
            page.goto(path)
            found[path] = serious_violations(page)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                wide.append(path)
    finally:
        context.close()

    assert found == {path: [] for path in paths}
    assert wide == []
    assert errors == []

"""The persistent cart in a real browser: a guest's cart survives closing
the browser, an item that ran out stays at quantity 0 with its message and
blocks checkout, and quantities change with HTMX or with JavaScript off."""

import pytest
from playwright.sync_api import expect

from lojista.inventory.services import stock_set
from tests.browser.conftest import screenshot
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db(transaction=True)

CONTEXT = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


def add_to_cart(page, variant_id: int, quantity: int = 1) -> None:
    """Post an "Add to cart" form, as a product page's, from the page shown
    (a form of this site, with its CSRF token), and wait for the cart."""
    page.evaluate(
        """([variantId, quantity]) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = "/cart/add/";
          const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
          for (const [name, value] of [["csrfmiddlewaretoken", token], ["variant_id", variantId],
                                       ["quantity", quantity], ["next", "/cart/"]]) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            input.value = String(value);
            form.append(input);
          }
          const button = document.createElement("button");
          button.type = "submit";
          button.textContent = "Add to cart";
          form.append(button);
          document.querySelector("main").append(form);
        }""",
        [variant_id, quantity],
    )
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/cart/")


def new_context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **CONTEXT, **options)
    context.set_default_timeout(5_000)
    return context


@pytest.fixture
def products():
    shirt = make_variant(make_product("Linen shirt"), name="M", price="29.90", stock=5)
    hat = make_variant(make_product("Wool hat"), name="", price="15.00", stock=10, max_per_order=3)
    return shirt, hat


def line(page, name: str):
    return page.locator("li.cart-line").filter(has_text=name)


def test_a_guests_cart_survives_the_browser_and_an_item_that_ran_out_blocks_checkout(
    browser, live_server, products
):
    shirt, hat = products
    first = new_context(browser, live_server)
    page = first.new_page()
    page.goto("/cart/")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    add_to_cart(page, shirt.id, 2)
    expect(page.get_by_role("status").filter(has_text="Added Linen shirt (M) to your cart.")).to_be_visible()
    add_to_cart(page, hat.id)
    expect(page.locator(".cart-count")).to_have_text("3")
    saved = first.storage_state()
    first.close()

    # Days later, the same browser (its cookies) opens the shop again.
    second = new_context(browser, live_server, storage_state=saved)
    page = second.new_page()
    page.goto("/cart/")
    expect(page.get_by_label("Quantity of Linen shirt (M)")).to_have_value("2")
    expect(page.get_by_label("Quantity of Wool hat")).to_have_value("1")
    expect(page.get_by_role("link", name="Check out")).to_have_attribute("href", "/checkout/")

    # The shirt runs out: its line stays, at quantity 0 with the message.
    stock_set(variant_id=shirt.id, quantity=0)
    page.reload()
    shirt_line = line(page, "Linen shirt")
    expect(shirt_line).to_contain_text("This item is out of stock")
    expect(shirt_line.locator("[data-quantity]")).to_have_text("0")
    expect(page.get_by_role("button", name="Check out")).to_be_disabled()
    expect(page.locator("#checkout-blocked")).to_contain_text("Remove the items that cannot be bought")
    expect(page.locator(".cart-subtotal")).to_contain_text("15.00")
    screenshot(page, "storefront-cart-out-of-stock")
    page.set_viewport_size({"width": 360, "height": 740})
    # Nothing of the cart is wider than a phone (the shell's own width is
    # the shell's test).
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
                 .filter((element) => element.getBoundingClientRect().right > window.innerWidth)
                 .map((element) => element.outerHTML.slice(0, 80))"""
    )
    assert too_wide == []
    screenshot(page, "storefront-cart-phone")
    page.set_viewport_size(CONTEXT["viewport"])

    # Stock returns: the wanted quantity comes back, and checkout with it.
    stock_set(variant_id=shirt.id, quantity=5)
    page.reload()
    expect(page.get_by_label("Quantity of Linen shirt (M)")).to_have_value("2")
    expect(page.get_by_role("link", name="Check out")).to_be_visible()

    # It runs out again; removing it opens checkout.
    stock_set(variant_id=shirt.id, quantity=0)
    page.reload()
    expect(page.get_by_role("button", name="Check out")).to_be_disabled()
    page.get_by_role("button", name="Remove Linen shirt (M)").click()
    expect(page.locator(".cart-status")).to_have_text("The item was removed from your cart.")
    expect(line(page, "Linen shirt")).to_have_count(0)
    expect(page.get_by_role("link", name="Check out")).to_be_visible()
    expect(page.locator(".cart-count")).to_have_text("1")
    second.close()


def test_quantities_change_without_a_reload(page, products):
    shirt, hat = products
    page.goto("/cart/")
    add_to_cart(page, shirt.id)
    add_to_cart(page, hat.id)
    page.evaluate("window.sameDocument = true")

    page.get_by_label("Quantity of Linen shirt (M)").fill("4")
    page.get_by_role("button", name="Update Linen shirt (M)").click()

    expect(page.locator(".cart-status")).to_have_text("The quantity was updated.")
    expect(page.locator(".cart-count")).to_have_text("5")
    expect(line(page, "Linen shirt")).to_contain_text("119.60")
    expect(page.locator(".cart-subtotal")).to_contain_text("134.60")
    # Focus stays where it was, on the same button in the new block.
    expect(page.get_by_role("button", name="Update Linen shirt (M)")).to_be_focused()

    # More than the stock is kept as a wish; the line says what is left.
    page.get_by_label("Quantity of Linen shirt (M)").fill("7")
    page.get_by_role("button", name="Update Linen shirt (M)").click()
    expect(line(page, "Linen shirt")).to_contain_text("Only 5 left")
    expect(line(page, "Linen shirt")).to_contain_text("You asked for 7.")

    # A quantity the shop refuses is shown beside the line, as typed.
    page.get_by_label("Quantity of Wool hat").fill("9")
    page.get_by_role("button", name="Update Wool hat").click()
    expect(line(page, "Wool hat")).to_contain_text("You can buy at most 3 units of Wool hat per order.")
    expect(page.get_by_label("Quantity of Wool hat")).to_have_value("9")
    expect(page.locator(".cart-count")).to_have_text("8")

    page.get_by_role("button", name="Remove Wool hat").click()
    expect(line(page, "Wool hat")).to_have_count(0)
    expect(page.locator(".cart-count")).to_have_text("7")
    assert page.evaluate("window.sameDocument") is True


def test_quantities_change_with_javascript_off(browser, live_server, products):
    shirt, hat = products
    with_js = new_context(browser, live_server)
    page = with_js.new_page()
    page.goto("/cart/")
    add_to_cart(page, shirt.id)
    add_to_cart(page, hat.id, 2)
    saved = with_js.storage_state()
    with_js.close()

    context = new_context(browser, live_server, storage_state=saved, java_script_enabled=False)
    page = context.new_page()
    page.goto("/cart/")
    page.get_by_label("Quantity of Linen shirt (M)").fill("3")
    page.get_by_role("button", name="Update Linen shirt (M)").click()
    page.wait_for_url("**/cart/")
    expect(page.get_by_role("status").filter(has_text="The quantity was updated.")).to_be_visible()
    expect(page.get_by_label("Quantity of Linen shirt (M)")).to_have_value("3")
    expect(page.locator(".cart-count")).to_have_text("5")

    page.get_by_role("button", name="Remove Wool hat").click()
    page.wait_for_url("**/cart/")
    expect(line(page, "Wool hat")).to_have_count(0)
    expect(page.locator(".cart-count")).to_have_text("3")
    context.close()

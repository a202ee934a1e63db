"""A customer browses the demo shop in a real browser: the home page's
cards with their pictures, search, and a product's variant picker."""

import pytest
from playwright.sync_api import expect

from lojista.catalog.models import Variant
from lojista.demo.data import PRODUCTS
from lojista.demo.management.commands.seed_demo import Added, seed_product
from lojista.inventory.services import stock_set
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_catalog(settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 3
    added = Added()
    for spec in PRODUCTS:
        seed_product(spec, added)
    # Two terracotta mugs left; the ocean blue one is sold out (as in the demo).
    stock_set(variant_id=Variant.objects.get(sku="MUG-TERR").pk, quantity=2)


def main_fits(page) -> bool:
    """Nothing in the page's main content reaches past the viewport's width
    (the header and footer are the shell's, tested with it)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const boxes = [...document.querySelectorAll("main *")].map((e) => e.getBoundingClientRect());
            return boxes.every((box) => box.right <= width);
        }"""
    )


def test_a_customer_browses_searches_and_picks_a_variant(page, demo_catalog):
    page.goto("/")

    expect(page.get_by_role("heading", name="Our products")).to_be_visible()
    cards = page.locator(".product-card")
    expect(cards).to_have_count(len(PRODUCTS))
    mug = cards.filter(has_text="Stoneware Mug")
    expect(mug).to_contain_text("€16.00")
    expect(mug).to_contain_text("In stock")
    expect(cards.filter(has_text="Ethiopia Yirgacheffe")).to_contain_text("Out of stock")
    # The pictures are there (an image that fails to load has no natural width).
    image = mug.locator("img")
    expect(image).to_have_attribute("src", "/static/demo/stoneware-mug.svg")
    # Polled from here: wait_for_function would evaluate a string inside the
    # page, which the shop's CSP refuses (no unsafe-eval).
    loaded = (
        "[...document.querySelectorAll('.product-card img')].every((i) => i.complete && i.naturalWidth > 0)"
    )
    for _attempt in range(50):
        if page.evaluate(loaded):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(loaded)
    screenshot(page, "storefront-home")

    page.get_by_role("searchbox", name="Search products").fill("mug")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Results for “mug”")).to_be_visible()
    expect(page.locator(".product-card")).to_have_count(1)
    page.get_by_role("link", name="Stoneware Mug").click()

    expect(page.get_by_role("heading", level=1, name="Stoneware Mug")).to_be_visible()
    expect(page).to_have_title("Stoneware Mug · Lojista Demo Shop")
    picker = page.get_by_role("group", name="Choose: Colour")
    expect(picker.get_by_role("radio", name="Speckled White")).to_be_checked()
    expect(page.locator("#product-stock")).to_have_text("In stock")
    # The sold-out colour says so and cannot be chosen.
    expect(picker.get_by_role("radio", name="Ocean Blue")).to_be_disabled()
    expect(picker.locator(".variant-choice", has_text="Ocean Blue")).to_contain_text("Out of stock")
    # Choosing the terracotta one shows its stock where the price is.
    picker.get_by_text("Terracotta").click()
    expect(picker.get_by_role("radio", name="Terracotta")).to_be_checked()
    expect(page.locator("#product-stock")).to_have_text("Only 2 left")
    expect(page.locator("#product-price")).to_have_text("€16.00")
    expect(page.get_by_label("Quantity")).to_have_value("1")
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    screenshot(page, "storefront-product")


def test_a_sold_out_product_cannot_be_added(page, demo_catalog):
    page.goto("/products/ethiopia-yirgacheffe/")

    expect(page.locator("#product-stock")).to_have_text("Out of stock")
    expect(page.get_by_role("button", name="Add to cart")).to_be_disabled()
    expect(page.locator("#add-reason")).to_have_text(
        "Out of stock: this product cannot be added to the cart right now."
    )


def test_the_quantity_follows_the_chosen_variants_maximum_per_order(page, settings):
    from tests.catalog.factories import make_product, make_variant

    product = make_product("Espresso", slug="espresso")
    make_variant(product, name="Whole bean", price="11.00", stock=20)
    make_variant(product, name="Ground", price="12.00", stock=20, max_per_order=2)

    page.goto("/products/espresso/")
    expect(page.locator("#product-price")).to_have_text("€11.00")
    page.get_by_label("Quantity").fill("5")
    page.get_by_text("Ground").click()

    expect(page.locator("#product-price")).to_have_text("€12.00")
    expect(page.get_by_label("Quantity")).to_have_attribute("max", "2")
    expect(page.get_by_label("Quantity")).to_have_value("2")
    expect(page.locator("#quantity-help")).to_have_text("At most 2 per order.")


def test_a_phone_sized_catalog_has_no_horizontal_scroll(page, demo_catalog):
    page.set_viewport_size({"width": 360, "height": 740})

    for path in ("/", "/search/?q=shirt", "/products/organic-cotton-tee/", "/products/nothing-here/"):
        page.goto(path)
        assert main_fits(page), path


def test_the_product_page_works_without_javascript(browser, live_server, demo_catalog):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/products/organic-cotton-tee/")
        picker = page.get_by_role("group", name="Choose: Size / Colour")
        expect(picker.get_by_role("radio", name="S / White")).to_be_checked()
        expect(picker.get_by_role("radio", name="XL / White")).to_be_disabled()
        picker.get_by_text("M / Navy").click()
        expect(picker.get_by_role("radio", name="M / Navy")).to_be_checked()
        expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    finally:
        context.close()

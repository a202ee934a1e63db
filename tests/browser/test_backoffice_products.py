"""A staff member finds a product and adds the units received to its stock,
in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_member_adds_received_units_and_sees_the_history(page, staff, settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 3
    shirt = make_product("Linen shirt")
    variant = make_variant(shirt, name="Blue, M", sku="LIN-BLUE-M", price="29.90", stock=3)
    make_variant(shirt, name="Blue, L", sku="LIN-BLUE-L", price="29.90", stock=12)
    make_variant(make_product("Wool hat"), sku="HAT-01", stock=20)

    log_in(page, "staff@example.com", "staff password 1", "/backoffice/products/")
    page.get_by_label("Search").fill("lin-blue")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Wool hat")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="Linen shirt")
    expect(row).to_contain_text("15")
    expect(row).to_contain_text("Low stock")
    screenshot(page, "products-list")
    row.get_by_role("link", name="Linen shirt").click()

    card = page.locator(f"#variant-{variant.pk}")
    expect(card).to_contain_text("3 on hand, 0 held, 3 available")
    card.get_by_label("Change").select_option(label="Add or remove units")
    card.get_by_label("Units").fill("5")
    card.get_by_label("Reason").select_option(label="Goods received")
    card.get_by_label("Note").fill("Invoice 42")
    card.get_by_role("button", name="Save the stock").click()

    expect(page.get_by_role("status")).to_contain_text("Stock of LIN-BLUE-M saved: 8 on hand, 8 available.")
    expect(page.locator(f"#variant-{variant.pk}")).to_contain_text("8 on hand, 0 held, 8 available")
    history = page.get_by_role("region", name="Stock history")
    line = history.get_by_role("row").filter(has_text="LIN-BLUE-M")
    expect(line).to_contain_text("+5")
    expect(line).to_contain_text("3 → 8")
    expect(line).to_contain_text("Goods received")
    expect(line).to_contain_text("Invoice 42")
    expect(line).to_contain_text("Sam Staff")
    screenshot(page, "products")


def test_removing_more_than_on_hand_shows_why_in_the_browser(page, staff):
    variant = make_variant(make_product("Linen shirt"), sku="LIN-BLUE-M", stock=2)

    log_in(page, "staff@example.com", "staff password 1", f"/backoffice/products/{variant.product_id}/")
    card = page.locator(f"#variant-{variant.pk}")
    card.get_by_label("Units").fill("-3")
    card.get_by_label("Reason").select_option(label="Damaged or lost")
    card.get_by_role("button", name="Save the stock").click()

    card = page.locator(f"#variant-{variant.pk}")
    expect(card).to_contain_text("Only 2 units are on hand: removing 3 would leave fewer than zero.")
    expect(card.get_by_label("Units")).to_have_value("-3")
    expect(page.get_by_role("region", name="Stock history")).to_contain_text("No stock change yet.")

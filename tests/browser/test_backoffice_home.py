"""A staff member opens the back office's home page in a real browser: the
day's figures and the 30-day chart, then a customer's page with their cart."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from lojista.carts.services import cart_for_customer, cart_line_add
from lojista.core.money import format_money
from lojista.customers.models import User
from tests.browser.conftest import log_in, screenshot
from tests.orders.factories import placed_order, stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_sees_the_day_and_a_customer_s_cart(page, staff, customer):
    User.objects.create_user("bia@example.com", "a long password 1", name="Bia Lima")
    orders = [placed_order(customer=customer, with_cart=False), placed_order(email="guest@example.com")]
    revenue = sum(order.total for order in orders)
    stocked_variant(stock=1, name="Última unidade")
    cart = cart_for_customer(customer=customer)
    cart_line_add(cart=cart, variant_id=stocked_variant(stock=4, price="25.00", name="Azul M").pk, quantity=3)

    log_in(page, "staff@example.com", "staff password 1")

    expect(page.locator('[data-figure="today-orders"]')).to_have_text("2 orders")
    expect(page.locator('[data-figure="today-revenue"]')).to_have_text(format_money(revenue))
    chart = page.locator("svg[role=img]")
    summary = re.compile(r"^Orders and revenue per day over the last 30 days: 2 orders, ")
    expect(chart).to_have_attribute("aria-label", summary)
    expect(chart.locator("g.day")).to_have_count(30)
    expect(chart.locator("g.day").last.locator("title")).to_contain_text("2 orders")
    expect(page.get_by_role("row").filter(has_text="Última unidade")).to_contain_text("1")
    screenshot(page, "home")

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("link", name="Bia Lima")).to_be_visible()
    page.get_by_label("Email or name").fill("souza")  # the results follow the typing
    expect(page.get_by_role("link", name="Bia Lima")).to_have_count(0)
    assert "q=souza" in page.url
    page.get_by_role("link", name="Ana Souza").click()

    expect(page.get_by_role("heading", name="Ana Souza")).to_be_visible()
    expect(page.get_by_role("link", name=f"#{orders[0].number}")).to_be_visible()
    cart_line = page.get_by_role("row").filter(has_text="Azul M")
    expect(cart_line).to_contain_text("3")
    expect(cart_line).to_contain_text(format_money(Decimal("75.00")))
    screenshot(page, "customer")

"""A customer's account in a real browser: registers, logs out, comes back
as a guest with a cart that merges into the account's at login (the message
shown), follows orders in My orders as the merchant moves them, opens an
invoice, and cancels a pending order."""

import re

import pytest
from playwright.sync_api import expect

from lojista.carts.services import cart_create, cart_for_customer, cart_line_add
from lojista.customers.models import User
from lojista.orders.models import OrderStatus
from lojista.orders.services import order_transition
from lojista.storefront.cart_session import COOKIE
from tests.browser.conftest import screenshot
from tests.catalog.factories import make_product, make_variant
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def test_a_customer_registers_merges_a_guest_cart_and_follows_their_orders(page, live_server, staff):
    # Registers.
    page.goto("/account/login/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Name").fill("Bia Lima")
    page.get_by_label("Email").fill("bia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.get_by_text("bia@example.com")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    # Comes back as a guest with a cart; the account's cart holds the same mug.
    bia = User.objects.get(email="bia@example.com")
    mug = make_variant(make_product("Caneca Esmaltada"), name="350 ml", stock=3)
    cart_line_add(cart=cart_for_customer(customer=bia), variant_id=mug.pk, quantity=2)
    guest = cart_create()
    cart_line_add(cart=guest, variant_id=mug.pk, quantity=2)
    page.context.add_cookies([{"name": COOKIE, "value": guest.token, "url": live_server.url}])

    page.goto("/account/orders/")  # needs a login: sent there and back
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/account/orders/$"))
    page.get_by_label("Email").fill("bia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Caneca Esmaltada (350 ml): the quantities of both carts were not added up, as only 3 are available."
    )
    expect(page.get_by_text("You have no orders yet.")).to_be_visible()
    assert not [cookie for cookie in page.context.cookies() if cookie["name"] == COOKIE]

    # Orders placed (through the services), then the merchant processes one.
    shipped = placed_order(customer=bia, quantity=2, with_cart=False, email=bia.email)
    pending = placed_order(customer=bia, with_cart=False, email=bia.email)
    page.reload()
    rows = page.locator(".order-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=f"Order #{shipped.number}")).to_contain_text("Pending")
    order_transition(
        order=shipped, to=OrderStatus.PROCESSED, actor=staff, tracking_url="https://track.example/AB1"
    )
    page.reload()
    expect(rows.filter(has_text=f"Order #{shipped.number}")).to_contain_text("Processed")
    expect(rows.filter(has_text=f"Order #{pending.number}")).to_contain_text("Pending")
    screenshot(page, "storefront-my-orders")

    # The processed order: its tracking link and invoice; no cancelling now.
    page.get_by_role("link", name=f"Order #{shipped.number}").click()
    expect(page.locator("#order-status")).to_have_text("Processed")
    expect(page.get_by_role("link", name="Track your parcel")).to_have_attribute(
        "href", "https://track.example/AB1"
    )
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    page.get_by_role("link", name=re.compile("invoice", re.I)).click()
    expect(page.locator(".invoice")).to_contain_text(f"#{shipped.number}")
    expect(page.locator(".invoice")).to_contain_text("Bia Lima")
    page.get_by_role("link", name=f"Back to order #{shipped.number}").click()
    page.get_by_role("link", name="My orders").last.click()

    # The pending one is cancelled, once confirmed.
    page.get_by_role("link", name=f"Order #{pending.number}").click()
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("Yes, cancel this order").check()
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_text(f"Order #{pending.number} is cancelled.")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("Cancelled")
    pending.refresh_from_db()
    assert pending.status == OrderStatus.CANCELLED


def test_my_orders_fits_a_phone(page, customer):
    placed_order(customer=customer)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/account/login/")
    page.get_by_label("Email").fill(customer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    for path in ("/account/", "/account/orders/", f"/account/orders/{customer.orders.get().number}/"):
        page.goto(path)
        # The page's own content (the shell's header and footer are the app's).
        wide = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 360)"
            ".map(e => e.tagName + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right))"
        )
        assert not wide, (path, wide)

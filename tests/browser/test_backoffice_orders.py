"""The Orders list in a real browser: a staff member finds an order by the
customer's email, bulk-cancels two orders (stock back, refunds made) and
exports a CSV; the list with a day's orders is the README's screenshot."""

import csv
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lojista.catalog.models import Variant
from lojista.inventory.models import Stock
from lojista.orders.models import Order
from lojista.orders.services import order_mark_paid, order_place, order_transition
from lojista.payments.models import Payment, Refund
from tests.browser.conftest import log_in, screenshot
from tests.catalog.factories import make_product, make_variant
from tests.orders.factories import checkout_for, payment_for, shipping_method

pytestmark = pytest.mark.django_db(transaction=True)


def shopper_address(name: str, city: str) -> dict[str, str]:
    return {
        "name": name,
        "line1": "Rua das Flores 12",
        "city": city,
        "postal_code": "01000-000",
        "country": "BR",
    }


def place(
    items: dict[Variant, int], *, name: str, email: str, city: str = "São Paulo", offline=False, **extra
):
    """An order placed through the real placement service."""
    checkout = checkout_for(items, email=email, shipping_address=shopper_address(name, city), **extra)
    if offline:
        payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    else:
        payment = payment_for(checkout)
    order, _created = order_place(checkout=checkout, payment=payment)
    return order


@pytest.fixture
def catalogue():
    mug = make_variant(make_product("Ceramic mug"), name="Ocean blue", price="18.00", stock=20)
    tee = make_variant(make_product("Organic cotton tee"), name="M / Sand", price="29.90", stock=20)
    tote = make_variant(make_product("Canvas tote bag"), price="24.50", stock=20)
    beans = make_variant(make_product("Coffee beans 500 g"), name="Medium roast", price="12.00", stock=20)
    return {"mug": mug, "tee": tee, "tote": tote, "beans": beans}


AGES = [
    timedelta(days=3, hours=2),
    timedelta(days=2, hours=5),
    timedelta(days=1, hours=1),
    timedelta(hours=5),
    timedelta(hours=2, minutes=10),
    timedelta(minutes=20),
]


@pytest.fixture
def day_of_orders(catalogue, staff):
    """Six orders as a shop has them by the afternoon, in every status."""
    method = shipping_method(price="6.90")
    mug, tee, tote, beans = catalogue["mug"], catalogue["tee"], catalogue["tote"], catalogue["beans"]
    delivered = place({tee: 2}, name="Beatriz Lima", email="bia.lima@example.com", shipping_method=method)
    order_transition(order=delivered, to="processed", actor=staff)
    order_transition(order=delivered, to="delivered", actor=staff)
    cancelled = place({tote: 1}, name="Carlos Mendes", email="carlos@example.com", shipping_method=method)
    order_transition(order=cancelled, to="cancelled", actor=staff, reason="customer_request")
    processed = place(
        {mug: 2, beans: 1},
        name="Daniela Rocha",
        email="dani.rocha@example.com",
        city="Curitiba",
        shipping_method=method,
        utm_source="instagram",
        utm_medium="social",
    )
    order_transition(order=processed, to="processed", actor=staff)
    paid_offline = place(
        {beans: 3}, name="Eduardo Santos", email="edu@example.com", offline=True, shipping_method=method
    )
    order_mark_paid(order=paid_offline, actor=staff)
    awaiting = place(
        {tote: 1, mug: 1},
        name="Fernanda Alves",
        email="fe.alves@example.com",
        offline=True,
        shipping_method=method,
        utm_source="newsletter",
        utm_medium="email",
    )
    pending = place(
        {tee: 1, mug: 1},
        name="Gabriel Costa",
        email="gabriel.costa@example.com",
        city="Belo Horizonte",
        shipping_method=method,
        utm_source="google",
        utm_medium="cpc",
    )
    orders = [delivered, cancelled, processed, paid_offline, awaiting, pending]
    # Placed over the last days, as the numbers say, rather than all this second.
    for order, age in zip(orders, AGES, strict=True):
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - age)
    return orders


def row_of(page, order: Order):
    return page.locator("table.orders tbody tr").filter(has_text=f"#{order.number}")


def test_the_list_of_a_days_orders(page, staff, day_of_orders):
    log_in(page, "staff@example.com", "staff password 1", "/backoffice/orders/?tab=all")

    rows = page.locator("table.orders tbody tr")
    expect(rows).to_have_count(6)
    expect(page.get_by_role("link", name="Pending 4")).to_be_visible()
    expect(row_of(page, day_of_orders[5])).to_contain_text("Gabriel Costa")
    expect(row_of(page, day_of_orders[5])).to_contain_text("google / cpc")
    expect(row_of(page, day_of_orders[4])).to_contain_text("Awaiting payment")
    screenshot(page, "orders-list")


def test_staff_find_an_order_by_the_customers_email(page, staff, day_of_orders):
    log_in(page, "staff@example.com", "staff password 1", "/backoffice/orders/")

    page.get_by_label("Search").fill("dani.rocha@example.com")
    page.get_by_role("button", name="Filter").click()

    rows = page.locator("table.orders tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"#{day_of_orders[2].number}")
    expect(rows.first).to_contain_text("Daniela Rocha")
    expect(page.get_by_label("Search")).to_have_value("dani.rocha@example.com")
    rows.first.get_by_role("link", name=f"#{day_of_orders[2].number}").click()
    page.wait_for_url(f"**/backoffice/orders/{day_of_orders[2].number}/")


def test_staff_bulk_cancel_two_orders_with_restock_and_refund(page, staff, catalogue):
    mug = catalogue["mug"]
    first = place({mug: 2}, name="Helena Prado", email="helena@example.com")
    second = place({mug: 3}, name="Igor Nunes", email="igor@example.com")
    kept = place({mug: 1}, name="Joana Reis", email="joana@example.com")
    assert Stock.objects.get(variant=mug).quantity == 14

    log_in(page, "staff@example.com", "staff password 1", "/backoffice/orders/")
    page.get_by_label(f"Tick order #{first.number}").check()
    page.get_by_label(f"Tick order #{second.number}").check()
    page.get_by_label("Action").select_option(label="Cancel")
    page.get_by_label("Reason for cancelling").select_option(label="Out of stock")
    expect(page.get_by_label("Put the units back in stock")).to_be_checked()
    expect(page.get_by_label("Refund card payments")).to_be_checked()
    page.get_by_role("button", name="Apply to ticked orders").click()

    expect(page.locator(".message.success")).to_have_text(
        f"2 orders moved to Cancelled: #{second.number}, #{first.number}."  # as listed, newest first
    )
    expect(page.locator("table.orders tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Cancelled").click()
    for order in (first, second):
        expect(row_of(page, order)).to_contain_text("Cancelled")
        expect(row_of(page, order)).to_contain_text("Refunded")
    screenshot(page, "orders-bulk-cancelled")

    assert Stock.objects.get(variant=mug).quantity == 19  # 2 + 3 back; Joana's unit still sold
    for order in (first, second):
        order.refresh_from_db()
        assert (order.status, order.cancel_reason, order.payment_status) == (
            "cancelled",
            "out_of_stock",
            "refunded",
        )
        refund = Refund.objects.get(payment_id=order.payment_id)
        assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, order.total)
    assert Order.objects.get(pk=kept.pk).status == "pending"


def test_staff_export_the_ticked_orders_and_then_the_whole_tab(page, staff, day_of_orders, tmp_path):
    processed, pending = day_of_orders[2], day_of_orders[5]
    log_in(page, "staff@example.com", "staff password 1", "/backoffice/orders/")

    page.get_by_label(f"Tick order #{processed.number}").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("orders-")
    path = tmp_path / "ticked.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["order_number"], row["product"], row["quantity"]) for row in rows] == [
        (str(processed.number), "Ceramic mug", "2"),
        (str(processed.number), "Coffee beans 500 g", "1"),
    ]
    assert {row["status"] for row in rows} == {"processed"}
    assert Decimal(rows[0]["total"]) == processed.total

    page.get_by_label(f"Tick order #{processed.number}").uncheck()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    path = tmp_path / "tab.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        numbers = [row["order_number"] for row in csv.DictReader(file)]
    pending_tab = Order.objects.filter(status__in=["pending", "processed"]).values_list("number", flat=True)
    assert set(numbers) == {str(number) for number in pending_tab}
    assert numbers[:2] == [str(pending.number), str(pending.number)]

"""The back office's home page: today's and this week's sales, the orders
waiting, low stock, failed emails, and the 30-day chart."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojista.backoffice.charts import nice_ceiling
from lojista.inventory.models import Stock
from lojista.notifications.models import OutboxMessage
from lojista.orders.models import Order
from lojista.orders.services import order_transition
from tests.orders.factories import placed_order, stocked_variant

pytestmark = pytest.mark.django_db

HOME = "/backoffice/"


def figure(page: str, name: str) -> str:
    """The text of the element marked ``data-figure="name"``."""
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert match, name
    return match.group(1).strip()


def failed_email(order: Order | None = None, *, subject: str = "Your order") -> OutboxMessage:
    count = OutboxMessage.objects.count()
    return OutboxMessage.objects.create(
        dedupe_key=f"test-{count}",
        kind="order_confirmation",
        order=order,
        recipients=["ana@example.com"],
        language="en",
        message_id=f"<{count}@example.com>",
        subject=subject,
        status=OutboxMessage.Status.FAILED,
        last_error="550 mailbox unavailable",
    )


def test_a_staff_member_sees_today_and_this_week(staff_client, staff):
    today = [placed_order() for _ in range(2)]
    cancelled = placed_order()
    order_transition(order=cancelled, to="cancelled", actor=staff, reason="other", refund=False)
    Order.objects.filter(pk=placed_order().pk).update(created_at=timezone.now() - timedelta(days=40))

    response = staff_client.get(HOME)

    assert response.status_code == 200
    page = response.content.decode()
    assert figure(page, "today-orders") == "2 orders"
    assert figure(page, "today-revenue") == f"€{sum(order.total for order in today):.2f}"
    assert figure(page, "week-orders") == "2 orders"


def test_the_orders_waiting_link_to_the_pending_tab(staff_client, staff):
    orders = [placed_order() for _ in range(3)]
    order_transition(order=orders[0], to="processed", actor=staff)

    page = staff_client.get(HOME).content.decode()

    assert 'href="/backoffice/orders/?tab=pending" data-figure="waiting">3<' in page
    assert "2 to prepare (Pending), 1 to deliver (Processed)" in page


def test_low_stock_variants_link_to_their_product(staff_client):
    low = stocked_variant(stock=1, name="Azul M")
    stocked_variant(stock=50)

    page = staff_client.get(HOME).content.decode()

    assert f'href="/backoffice/products/{low.product_id}/"' in page
    assert "Azul M" in page
    assert page.count("/backoffice/products/") - page.count('href="/backoffice/products/"') == 1


def test_failed_emails_are_counted_and_the_latest_shown(staff_client):
    order = placed_order()
    failed_email(order, subject="Order confirmed")
    failed_email()

    page = staff_client.get(HOME).content.decode()

    assert figure(page, "failed-emails") == "2"
    assert f'href="/backoffice/orders/{order.number}/"' in page
    assert "550 mailbox unavailable" in page


def test_the_chart_has_thirty_days_and_says_what_it_shows(staff_client):
    Order.objects.filter(pk=placed_order().pk).update(created_at=timezone.now() - timedelta(days=3))
    placed_order()

    page = staff_client.get(HOME).content.decode()

    svg = re.search(r'<svg class="chart"[^>]*>(.*?)</svg>', page, re.S)
    assert svg
    assert 'role="img"' in svg.group(0) and 'aria-label="Orders and revenue per day' in svg.group(0)
    assert svg.group(1).count('<g class="day">') == 30
    assert svg.group(1).count("<title>") == 30
    assert svg.group(1).count(": 0 orders, €0.00</title>") == 28
    assert "2 orders, €" in svg.group(0)


def test_the_chart_s_coordinates_are_not_localised(staff_client, staff):
    placed_order()
    staff.language = "pt-br"
    staff.save()

    page = staff_client.get(HOME).content.decode()

    assert 'lang="pt-br"' in page
    svg = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    assert svg
    for value in re.findall(r' (?:x|y|x1|x2|y1|y2|height|cx|cy)="([^"]*)"', svg.group(0)):
        assert re.fullmatch(r"-?\d+(\.\d)?", value), value


def test_product_and_email_texts_are_escaped(staff_client):
    stocked_variant(stock=0, name="<script>alert(1)</script>")
    failed_email(subject="<img src=x onerror=alert(1)>")

    page = staff_client.get(HOME).content.decode()

    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_home_page_costs_the_same_queries_however_much_happens(
    staff_client, django_assert_max_num_queries
):
    placed_order(stock=2)
    failed_email(placed_order())
    few = queries_of(staff_client, HOME)
    for days_ago in range(12):
        order = placed_order(stock=1)
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
        failed_email(order)
    Stock.objects.update(quantity=0)

    with django_assert_max_num_queries(few):
        staff_client.get(HOME)


def test_nice_ceilings_are_round():
    assert [nice_ceiling(Decimal(value)) for value in ("0", "0.4", "1", "3", "7.5", "120", "501")] == [
        1,
        1,
        1,
        5,
        10,
        200,
        1000,
    ]

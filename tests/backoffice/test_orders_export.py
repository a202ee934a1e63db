"""The orders CSV: the ticked orders or every order of the tab and filters,
streamed, one row per order line, UTF-8 with a BOM, formulas neutralised."""

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lojista.backoffice.views.orders_csv import COLUMNS
from lojista.orders.models import Order
from lojista.orders.services import order_place, order_transition
from lojista.orders.statuses import TABS, OrderTab
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db

EXPORT = "/backoffice/orders/export.csv"


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def three_line_order(**fields) -> Order:
    variants = [stocked_variant(price="10.00"), stocked_variant(price="2.50"), stocked_variant(price="7.00")]
    checkout = checkout_for(dict(zip(variants, [1, 2, 3], strict=True)), **fields)
    order, _created = order_place(checkout=checkout, payment=payment_for(checkout))
    return order


def test_an_order_of_three_lines_is_three_rows_with_the_documented_columns(staff_client, customer):
    order = three_line_order(customer=customer, utm_source="instagram", utm_medium="social")

    response = staff_client.get(EXPORT)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="orders-{today}.csv"'
    rows = read_csv(response)
    assert [row["sku"] for row in rows] == [line.sku for line in order.lines.order_by("pk")]
    assert [(row["unit_price"], row["quantity"], row["line_total"]) for row in rows] == [
        ("10.00", "1", "10.00"),
        ("2.50", "2", "5.00"),
        ("7.00", "3", "21.00"),
    ]
    first = rows[0]
    assert first["order_number"] == str(order.number)
    assert datetime.fromisoformat(first["placed_at"]) == order.created_at.replace(microsecond=0)
    assert {key: first[key] for key in ("status", "payment_status", "customer_name", "email")} == {
        "status": "pending",
        "payment_status": "paid",
        "customer_name": "Ana Souza",
        "email": "ana@example.com",
    }
    assert (first["address_city"], first["address_country"], first["shipping_method"]) == (
        "São Paulo",
        "BR",
        "Sedex",
    )
    assert (first["currency"], first["subtotal"], first["shipping"], first["total"]) == (
        "EUR",
        "36.00",
        "5.00",
        "41.00",
    )
    assert (first["source"], first["medium"]) == ("instagram", "social")


def test_a_cell_a_spreadsheet_would_run_is_neutralised(staff_client):
    placed_order(
        email="x@example.com",
        shipping_address={
            "name": '=HYPERLINK("https://evil.example","Click")',
            "line1": "+1 street",
            "city": "@home",
            "postal_code": "-5",
            "country": "BR",
            "phone": "\t123",
        },
    )

    row = read_csv(staff_client.get(EXPORT))[0]

    assert row["customer_name"] == '\'=HYPERLINK("https://evil.example","Click")'
    assert (row["address_line1"], row["address_city"], row["address_postal_code"], row["address_phone"]) == (
        "'+1 street",
        "'@home",
        "'-5",
        "'\t123",
    )


def test_with_ticks_only_the_ticked_orders_are_exported(staff_client):
    orders = [placed_order() for _ in range(3)]

    posted = staff_client.post(EXPORT + "?tab=closed", {"numbers": [orders[0].number, orders[2].number]})
    in_query = staff_client.get(EXPORT, {"numbers": [orders[1].number]})

    assert [row["order_number"] for row in read_csv(posted)] == [str(orders[2].number), str(orders[0].number)]
    assert [row["order_number"] for row in read_csv(in_query)] == [str(orders[1].number)]


def test_without_ticks_the_tab_and_filters_decide(staff_client, staff):
    pending = placed_order(email="someone@example.com")
    cancelled = placed_order(email="someone@example.com")
    order_transition(order=cancelled, to="cancelled", actor=staff, reason="other", refund=False)
    placed_order(email="other@example.com")

    by_tab = read_csv(staff_client.post(EXPORT + "?tab=cancelled", {}))
    by_search = read_csv(staff_client.get(EXPORT, {"tab": "all", "q": "someone@"}))
    default_tab = read_csv(staff_client.get(EXPORT, {"q": "someone@"}))

    assert [row["order_number"] for row in by_tab] == [str(cancelled.number)]
    assert [row["order_number"] for row in by_search] == [str(cancelled.number), str(pending.number)]
    assert [row["order_number"] for row in default_tab] == [str(pending.number)]
    assert set(TABS[OrderTab.PENDING]) == {"pending", "processed"}


def test_the_queries_do_not_grow_with_the_orders(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        three_line_order()
    with django_assert_max_num_queries(6) as few:
        assert len(read_csv(staff_client.get(EXPORT))) == 9

    for _ in range(27):
        three_line_order()
    with django_assert_max_num_queries(len(few)):
        assert len(read_csv(staff_client.get(EXPORT))) == 90


def test_bad_input_goes_back_to_the_list_with_the_error(staff_client):
    response = staff_client.get(EXPORT, {"tab": "all", "created_from": "someday"})

    assert response.status_code == 302
    assert response["Location"] == "/backoffice/orders/?tab=all&created_from=someday"
    assert (
        "Enter a valid date." in Client.get(staff_client, response["Location"], follow=True).content.decode()
    )


def test_the_list_form_posts_ticks_to_the_export_with_its_filters(staff_client):
    placed_order()

    page = staff_client.get("/backoffice/orders/", {"tab": "all", "q": "ana"}).content.decode()

    assert 'formaction="/backoffice/orders/export.csv?tab=all&amp;q=ana"' in page


def test_every_column_is_documented_for_merchants():
    doc = (Path(settings.BASE_DIR) / "docs" / "backoffice.md").read_text()
    orders_section = doc.split("## Orders", 1)[1]

    assert [column for column in COLUMNS if f"`{column}`" not in orders_section] == []

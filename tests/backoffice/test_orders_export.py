"""The orders CSV: the ticked orders or every order of the tab and filters,
streamed, one row per order line, UTF-8 with a BOM, formulas neutralised."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lojista.backoffice.views.orders_csv import COLUMNS, PIECE, csv_rows
from lojista.orders.models import Order
from lojista.orders.selectors import ExportedLine, ExportedOrder
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


def exported(number: int, lines: int) -> ExportedOrder:
    line = ExportedLine("Caneca", "Azul", "MUG-1", Decimal("12.50"), 1, Decimal("12.50"))
    return ExportedOrder(
        number=number,
        created_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        status="delivered",
        payment_status="paid",
        payment_method="test",
        customer_name=None,
        email=f"=guest{number}@example.com",
        shipping_method_name="Standard",
        shipping_address={"name": "Ana Souza", "country": "PT"},
        currency="EUR",
        subtotal=Decimal("-1.00"),
        shipping_price=Decimal("5.00"),
        total=Decimal("17.50"),
        utm_source="",
        utm_medium="",
        lines=[line] * lines,
    )


def test_a_long_export_is_written_in_large_pieces_with_every_row(settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    orders = [exported(number, lines=1 + number % 3) for number in range(1, 3001)]
    orders.append(exported(3001, lines=0))

    pieces = list(csv_rows(orders))
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))

    # Pieces of about 64 KB (one socket write each), not one per order.
    assert len(pieces) < 20
    assert all(len(piece) >= PIECE for piece in pieces[1:-1])
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + sum(max(len(order.lines), 1) for order in orders)
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert (first["order_number"], first["placed_at"], first["customer_name"]) == (
        "1",
        "2026-03-02T12:00:00+00:00",
        "Ana Souza",
    )
    # Formulas neutralised, whatever the value's type.
    assert (first["email"], first["subtotal"], first["sku"]) == ("'=guest1@example.com", "'-1.00", "MUG-1")
    # An order without lines still has its row, its line cells empty.
    assert rows[-1][0] == "3001"
    assert rows[-1][-6:] == [""] * 6

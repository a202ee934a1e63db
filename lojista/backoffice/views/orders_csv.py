"""The orders CSV export: one row per order line, written as the orders are
read, so a response streams any number of orders in constant memory.

The columns (``COLUMNS``) are documented for merchants in docs/backoffice.md
("Orders"); their names and values are stable codes (``pending``, not the
translated "Pending"), so a spreadsheet or a script reading them keeps
working whatever the staff member's language."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from lojista.orders.models import Order, OrderLine

# A spreadsheet runs a cell that starts with one of these as a formula
# (CSV injection): such a cell is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "country", "phone")

COLUMNS = (
    "order_number",
    "placed_at",
    "status",
    "payment_status",
    "payment_method",
    "customer_name",
    "email",
    "shipping_method",
    *(f"address_{field}" for field in ADDRESS_FIELDS),
    "currency",
    "subtotal",
    "shipping",
    "total",
    "source",
    "medium",
    "product",
    "variant",
    "sku",
    "unit_price",
    "quantity",
    "line_total",
)


def neutralised(value: Any) -> str:
    """``value`` as a cell a spreadsheet shows as text, never runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _order_cells(order: Order) -> list[Any]:
    address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
    customer_name = order.customer.name if order.customer else ""
    return [
        order.number,
        timezone.localtime(order.created_at).isoformat(timespec="seconds"),
        order.status,
        order.payment_status,
        order.payment_method,
        customer_name or address.get("name", ""),
        order.email,
        order.shipping_method_name,
        *(address.get(field, "") for field in ADDRESS_FIELDS),
        order.currency,
        order.subtotal,
        order.shipping_price,
        order.total,
        order.utm_source,
        order.utm_medium,
    ]


def _line_cells(line: OrderLine | None) -> list[Any]:
    if line is None:
        return [""] * 6
    return [line.product_name, line.variant_name, line.sku, line.unit_price, line.quantity, line.line_total]


def _order_rows(order: Order) -> Iterator[list[Any]]:
    cells = _order_cells(order)
    # An order always has lines; one without would still get its row.
    for line in order.lines.all() or [None]:
        yield cells + _line_cells(line)


class _Echo:
    """A file that hands back what the csv writer writes to it."""

    def write(self, value: str) -> str:
        return value


def csv_rows(orders: Iterable[Order]) -> Iterator[bytes]:
    """The CSV of ``orders`` (each with its lines prefetched), UTF-8 with a
    byte order mark: the header, then one chunk per order (its lines' rows)."""
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow(COLUMNS)).encode()
    for order in orders:
        rows = (writer.writerow([neutralised(cell) for cell in row]) for row in _order_rows(order))
        yield "".join(rows).encode()

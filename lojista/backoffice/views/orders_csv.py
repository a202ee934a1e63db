"""The orders CSV export: one row per order line, written as the orders are
read (selectors.orders_with_lines, plain values a chunk at a time), so a
response streams any number of orders in constant memory.

The columns (``COLUMNS``) are documented for merchants in docs/backoffice.md
("Orders"); their names and values are stable codes (``pending``, not the
translated "Pending"), so a spreadsheet or a script reading them keeps
working whatever the staff member's language."""

import csv
from collections.abc import Iterable, Iterator
from datetime import tzinfo
from typing import Any

from django.utils import timezone

from lojista.orders.selectors import ExportedLine, ExportedOrder

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
    text = "" if value is None else value if type(value) is str else str(value)
    return f"'{text}" if text[:1] in _FORMULA_FIRST else text


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def _order_cells(order: ExportedOrder, zone: tzinfo) -> list[str]:
    address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
    cells = [
        order.number,
        order.created_at.astimezone(zone).isoformat(timespec="seconds"),
        order.status,
        order.payment_status,
        order.payment_method,
        order.customer_name or address.get("name", ""),
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
    return [neutralised(cell) for cell in cells]


# An order always has lines; one without would still get its row.
NO_LINE = [""] * len(ExportedLine._fields)


def _order_rows(order: ExportedOrder, zone: tzinfo) -> Iterator[list[str]]:
    cells = _order_cells(order, zone)
    if not order.lines:
        yield cells + NO_LINE
    for line in order.lines:
        yield cells + [neutralised(cell) for cell in line]


class _Echo:
    """A file that hands back what the csv writer writes to it."""

    def write(self, value: str) -> str:
        return value


# The response is written in pieces of about this many characters (one
# socket write each), not one per order.
PIECE = 64 * 1024


def csv_rows(orders: Iterable[ExportedOrder]) -> Iterator[bytes]:
    """The CSV of ``orders`` (selectors.orders_with_lines), UTF-8 with a
    byte order mark: the header, then the orders' lines' rows, in pieces
    of about PIECE characters."""
    writer = csv.writer(_Echo())
    # The shop's time zone (the request's), read once, not once per order.
    zone = timezone.get_current_timezone()
    piece = [BOM + writer.writerow(COLUMNS)]
    size = 0
    for order in orders:
        for row in _order_rows(order, zone):
            text = writer.writerow(row)
            piece.append(text)
            size += len(text)
        if size >= PIECE:
            yield "".join(piece).encode()
            piece, size = [], 0
    yield "".join(piece).encode()
